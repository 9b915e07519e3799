"""Slider panels over pure simulators.

Each panel module holds a pure ``simulate_*(**values) -> data`` function (what the
tests call) and a thin :class:`~coursekit.widgets.panel.Panel` that wires sliders to
it and redraws a matplotlib figure.
"""

from coursekit.widgets.panel import Panel

__all__ = ["Panel"]
