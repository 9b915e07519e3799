"""Shared pytest configuration. Topic-specific fixtures live in tests/<topic>/conftest.py.

Only this process uses the Agg backend. Do not export MPLBACKEND: nbval's notebook kernels would
inherit it and their figures would vanish from the compared outputs.
"""

import matplotlib

matplotlib.use("Agg")
