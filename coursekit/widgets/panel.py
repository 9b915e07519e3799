"""A thin slider panel: controls → pure ``simulate(**values)`` → ``draw(data) -> Figure``.

The panel owns no numerics. ``simulate`` is a pure function the tests call
directly; ``draw`` turns its result into a matplotlib figure. Rendering happens
synchronously in the kernel when the panel is created and on every control change,
and exceptions propagate (they are recorded in :data:`ERRORS` and re-raised), so a
broken callback fails the notebook run under nbval instead of vanishing into the
kernel log.
"""

from __future__ import annotations

import base64
import io
import json
import os
import time
from typing import Callable, Mapping

import matplotlib.pyplot as plt
import ipywidgets as widgets
from IPython.display import Image, clear_output, display

__all__ = ["Panel", "ERRORS"]

#: Exceptions raised by any panel callback in this kernel (tests and lectures check it is empty).
ERRORS: list[BaseException] = []


def _log_timings(name, simulate_s, draw_s, encode_s, cached=False):
    """Append one JSON line to the file named by COURSEKIT_PANEL_TIMINGS, if set (the slider
    benchmark sets it to split latency into computing, drawing and the rest; see ARCHITECTURE.md,
    Benchmarks)."""
    path = os.environ.get("COURSEKIT_PANEL_TIMINGS")
    if not path:
        return
    row = {"t": time.time(), "panel": name, "simulate_ms": 1000 * simulate_s, "draw_ms": 1000 * draw_s,
           "encode_ms": 1000 * encode_s, "cached": bool(cached)}
    with open(path, "a") as f:
        f.write(json.dumps(row) + "\n")


class Panel:
    """Controls wired to a pure simulator and a drawing function.

    Parameters
    ----------
    controls : mapping name -> ipywidgets ValueWidget
        Their ``.value`` are passed to ``simulate`` as keyword arguments.
    simulate : callable(**values) -> data
        Pure: same values, same data.
    draw : callable(data) -> matplotlib.figure.Figure
    readout : callable(data) -> str, optional
        HTML shown under the controls (e.g. margin width, support-vector count).
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        simulate: Callable[..., object],
        draw: Callable[[object], "plt.Figure"],
        readout: Callable[[object], str] | None = None,
    ):
        self.controls = dict(controls)
        self.simulate = simulate
        self.draw = draw
        self._readout_fn = readout
        self.readout = widgets.HTML()
        self.out = widgets.Output()
        self.data = None
        self.figure = None
        self.png = None
        self.renders = 0
        self._hold = False
        for w in self.controls.values():
            if hasattr(w, "style") and hasattr(w.style, "description_width"):
                w.style.description_width = "initial"  # show "learning rate", not "learning r…"
            w.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
             self.readout, self.out]
        )
        self.render()

    # ------------------------------------------------------------------ public
    def values(self) -> dict:
        """Current control values, as passed to ``simulate``."""
        return {name: w.value for name, w in self.controls.items()}

    def render(self):
        """Recompute with the current values and redraw (synchronously)."""
        try:
            t0 = time.perf_counter()
            self.data = self.simulate(**self.values())
            t1 = time.perf_counter()
            fig = self.draw(self.data)
            if self._readout_fn is not None:
                self.readout.value = self._readout_fn(self.data)
        except BaseException as exc:  # record, then fail loudly
            ERRORS.append(exc)
            raise
        t2 = time.perf_counter()
        if self.figure is not None and self.figure is not fig:
            plt.close(self.figure)
        self.figure = fig
        # Encode once, without the inline backend's tight-bbox pass (it doubles the render time);
        # the same PNG serves the live output and the stored fallback.
        buf = io.BytesIO()
        fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})  # fast zlib, same size
        self.png = buf.getvalue()
        t3 = time.perf_counter()
        _log_timings(type(self).__name__, t1 - t0, t2 - t1, t3 - t2)
        with self.out:
            clear_output(wait=True)
            display(Image(data=self.png, format="png"))
        plt.close(fig)
        self.renders += 1
        return self.data

    def set(self, **values):
        """Set several controls at once (one redraw), as a student moving sliders would."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"values: unknown controls {sorted(unknown)}; expected some of {sorted(self.controls)}")
        self._hold = True
        try:
            for name, v in values.items():
                self.controls[name].value = v
        finally:
            self._hold = False
        return self.render()

    # ----------------------------------------------------------------- private
    def _on_change(self, change):
        if not self._hold:
            self.render()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, plus a PNG of the current figure.

        A stored notebook opens untrusted, and JupyterLab then renders only "safe" types: the
        PNG lets a student see the panel's figure before running anything. Once the cells run,
        the widget view (ranked first) replaces it.
        """
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if self.png is not None:
            data["image/png"] = base64.b64encode(self.png).decode()
        return bundle
