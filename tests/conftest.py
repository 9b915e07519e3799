"""Shared pytest configuration. Topic-specific fixtures live in tests/<topic>/conftest.py."""

import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
