"""A thin slider panel: controls → pure ``simulate(**values)`` → ``draw(data) -> Figure``.

The panel owns no numerics. ``simulate`` is a pure function the tests call directly; ``draw``
turns its result into a matplotlib figure, which the panel encodes once to PNG (at the style's
dpi) and shows. Exceptions propagate (they are recorded in :data:`ERRORS` and re-raised), so a
broken callback fails the notebook run under nbval instead of vanishing into the kernel log.

The one fast drawing path (see ARCHITECTURE.md, Lectures and panels):

- **cache**: ``simulate`` is pure, so the picture for a set of control values never changes;
  every rendered (data, PNG, readout) is kept (bounded) and a move back to known values only
  re-sends the PNG;
- **ahead of the hand**: with ``prefetch=k`` the panel prepares, in a background thread, the
  pictures of the main slider (the first control) up to ``k`` steps either side of its value,
  nearest first, then those one step away on the other sliders — a one-step move then finds its
  picture ready. ``draw`` runs inside
  :func:`coursekit.style.detached`, off pyplot, so this is safe;
- **never stale**: a move whose picture is not ready shows "computing …" at once and schedules
  one redraw on the kernel's event loop; moves that arrive before it runs are coalesced, and it
  draws the values current at that moment, so a burst of moves ends on the last value.
"""

from __future__ import annotations

import base64
import collections
import io
import json
import math
import os
import threading
import time
from typing import Callable, Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt

from coursekit import style

__all__ = ["Panel", "ERRORS", "BUSY_HTML", "PREFETCH", "slider_neighbours"]

#: Exceptions raised by any panel callback in this kernel (tests and lectures check it is empty).
ERRORS: list[BaseException] = []
#: What the status line shows while a picture that is not ready yet is computed.
BUSY_HTML = '<span class="ck-panel-busy" style="color:#b35900">⏳ computing …</span>'
#: Steps either side of the main slider's value that panels with their own figure per call
#: prepare in the background (a one-step move then finds its picture ready).
PREFETCH = 4
#: Pictures kept per panel (each a PNG of ≈ 30–80 kB plus the simulate result).
CACHE_SIZE = 96


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


# Cells and the background thread never draw at the same time: matplotlib's global state
# (rcParams, pyplot) is not thread-safe. A running cell holds this lock; the thread prepares a
# picture only while no cell runs (slider moves are not cells: they find the pictures ready).
_CELL_LOCK = threading.Lock()
_CELL = {"hooked": False, "held": False, "ended": 0.0}


def _hook_cells():
    """Register IPython's pre/post_run_cell hooks that hold :data:`_CELL_LOCK` (once)."""
    if _CELL["hooked"]:
        return
    try:
        from IPython import get_ipython

        ip = get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dependency
        ip = None
    if ip is None:
        return

    def pre(*_):
        _CELL_LOCK.acquire()  # waits for a picture being prepared (at most one)
        _CELL["held"] = True

    def post(*_):
        _CELL["ended"] = time.monotonic()
        if _CELL["held"]:
            _CELL["held"] = False
            _CELL_LOCK.release()

    ip.events.register("pre_run_cell", pre)
    ip.events.register("post_run_cell", post)
    _CELL["hooked"] = True


def _key_value(v):
    """A hashable cache key for a control value; floats to 10 significant digits (the browser's
    slider arithmetic and ours differ in the last bits)."""
    if isinstance(v, float):
        return float(f"{v:.10g}")
    return v


def _event_loop_scheduler():
    """``call_soon`` of the running event loop (the kernel's), or None outside one (tests, scripts)."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_soon


def slider_neighbours(w, k):
    """Values of slider ``w`` that are ``±1 … ±k`` keyboard steps from its value, nearest first.

    Supports ``IntSlider``/``FloatSlider`` (step in value), ``FloatLogSlider`` (step in the
    exponent) and ``SelectionSlider`` (step in the options); other controls have no neighbours.
    """
    out = []
    if isinstance(w, widgets.SelectionSlider):
        opts = [o[1] if isinstance(o, tuple) else o for o in w.options]
        i = w.index
        for d in range(1, k + 1):
            out += [opts[j] for j in (i + d, i - d) if 0 <= j < len(opts)]
        return out
    if isinstance(w, widgets.FloatLogSlider):
        e = math.log(w.value, w.base)
        for d in range(1, k + 1):
            for s in (d, -d):
                x = round((e + s * w.step - w.min) / w.step) * w.step + w.min
                if w.min - 1e-9 <= x <= w.max + 1e-9:
                    out.append(float(w.base ** x))
        return out
    if isinstance(w, (widgets.IntSlider, widgets.FloatSlider)):
        for d in range(1, k + 1):
            for s in (d, -d):
                x = w.value + s * w.step
                if w.min <= x <= w.max:
                    out.append(type(w.value)(round(x, 12)) if isinstance(w.value, float) else int(x))
        return out
    return out


class Panel:
    """Controls wired to a pure simulator and a drawing function.

    Parameters
    ----------
    controls : mapping name -> ipywidgets ValueWidget
        Their ``.value`` are passed to ``simulate`` as keyword arguments. The first one is the
        main slider (the one prepared ahead with ``prefetch``).
    simulate : callable(**values) -> data
        Pure: same values, same data.
    draw : callable(data) -> matplotlib.figure.Figure
    readout : callable(data) -> str, optional
        HTML shown under the controls (e.g. margin width, support-vector count).
    prefetch : int, default 0
        Prepare the main slider's pictures up to this many steps either side (then the other
        sliders' one step away), in a background
        thread, while the kernel runs (0: never).
    background_draw : callable(data) -> Figure, optional
        What that thread draws with (default ``draw``). A ``draw`` that reuses one figure (blitting)
        is not safe from two threads: give the panel a second instance here.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        simulate: Callable[..., object],
        draw: Callable[[object], "plt.Figure"],
        readout: Callable[[object], str] | None = None,
        prefetch: int = 0,
        background_draw: Callable[[object], "plt.Figure"] | None = None,
    ):
        self.controls = dict(controls)
        self.simulate = simulate
        self.draw = draw
        self._background_draw = background_draw or draw
        self._readout_fn = readout
        # COURSEKIT_PANEL_PREFETCH=0 turns the background preparation off (e.g. to compare)
        self.prefetch = min(int(prefetch), int(os.environ.get("COURSEKIT_PANEL_PREFETCH", prefetch)))
        self.readout = widgets.HTML()
        self.status = widgets.HTML()
        # An Image widget, not an Output area: one binary message per picture, and the browser
        # only swaps the image (an Output area re-renders and echoes its base64 outputs back).
        self.image = widgets.Image(format="png")
        self.data = None
        self._fig = self._fig_data = None
        self.png = None
        self.renders = 0
        self.busy_shown = 0
        self._hold = False
        self._layouts: dict = {}  # margins computed once per figure layout (style.tight_layout)
        self._cache: collections.OrderedDict = collections.OrderedDict()
        self._cache_lock = threading.Lock()
        self._scheduled = False
        #: how a redraw is deferred: a callable(fn); None: the kernel's event loop if one runs,
        #: else at once.
        self.scheduler = None
        self._wanted: list[dict] = []
        self._wake = threading.Condition()
        self._worker = None
        for w in self.controls.values():
            if hasattr(w, "style") and hasattr(w.style, "description_width"):
                w.style.description_width = "initial"  # show "learning rate", not "learning r…"
            w.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values()) + [self.status],
                          layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
             self.readout, self.image]
        )
        self.render()

    # ------------------------------------------------------------------ public
    def values(self) -> dict:
        """Current control values, as passed to ``simulate``."""
        return {name: w.value for name, w in self.controls.items()}

    def render(self):
        """Show the picture for the current values (from the cache, or computed now)."""
        values = self.values()
        hit = self._lookup(values)
        if hit is None:
            hit = self._compute(values, log=True)
            self._store(values, hit)
        else:
            _log_timings(type(self).__name__, 0.0, 0.0, 0.0, cached=True)
        self.data, png, html, fig = hit
        if fig is not None:
            self._fig, self._fig_data = fig, self.data
        if html is not None:
            self.readout.value = html
        self.png = png
        self.image.value = png
        self.status.value = ""
        self.renders += 1
        self._plan_prefetch()
        return self.data

    @property
    def figure(self):
        """The matplotlib figure of the current picture (drawn again if it came from the cache)."""
        if self.data is None:
            return None
        if self._fig is None or self._fig_data is not self.data:
            with style.detached(self._layouts):
                self._fig = self.draw(self.data)
            self._fig_data = self.data
        return self._fig

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

    def prefetch_now(self):
        """Prepare, in this thread, every picture the background thread would prepare next."""
        for values in self._take_wanted():
            self._prepare(values)

    # ----------------------------------------------------------------- private
    def _key(self, values):
        return tuple((k, _key_value(values[k])) for k in sorted(values))

    def _lookup(self, values):
        with self._cache_lock:
            key = self._key(values)
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _store(self, values, entry):
        data, png, html, _fig = entry
        with self._cache_lock:
            self._cache[self._key(values)] = (data, png, html, None)  # the figure itself is not kept
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _compute(self, values, log=False, draw=None):
        """simulate → draw (off pyplot) → PNG → readout, for ``values``."""
        try:
            t0 = time.perf_counter()
            data = self.simulate(**values)
            t1 = time.perf_counter()
            with style.detached(self._layouts):
                fig = (draw or self.draw)(data)
            html = self._readout_fn(data) if self._readout_fn is not None else None
            t2 = time.perf_counter()
            buf = io.BytesIO()
            # Encode once, without the inline backend's tight-bbox pass (it doubles the time).
            fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})  # fast zlib, same size
            t3 = time.perf_counter()
        except BaseException as exc:  # record, then fail loudly
            if log:
                ERRORS.append(exc)
            raise
        if log:
            _log_timings(type(self).__name__, t1 - t0, t2 - t1, t3 - t2)
        return data, buf.getvalue(), html, fig

    def _prepare(self, values):
        """Compute and cache the picture for ``values`` unless it is there (background work)."""
        if self._lookup(values) is not None:
            return
        self._store(values, self._compute(values, draw=self._background_draw))

    def _on_change(self, change):
        if self._hold:
            return
        if self._lookup(self.values()) is not None:
            self.render()  # ready: no waiting, no indicator
            return
        self.status.value = BUSY_HTML  # sent to the browser now, before the work starts
        self.busy_shown += 1
        if not self._scheduled:
            self._scheduled = True
            schedule = self.scheduler or _event_loop_scheduler() or (lambda fn: fn())
            schedule(self._flush)

    def _flush(self):
        """The scheduled redraw: draws the values current now (later moves were coalesced)."""
        self._scheduled = False
        self.render()

    # background preparation of the main slider's neighbours
    def _plan_prefetch(self):
        if self.prefetch <= 0 or not self.controls:
            return
        base = self.values()
        ranked = []  # (steps away, which control, values)
        for rank, (name, w) in enumerate(self.controls.items()):
            k = self.prefetch if rank == 0 else 1
            for i, v in enumerate(slider_neighbours(w, k)):
                ranked.append((i // 2, rank, {**base, name: v}))
        # the main slider's first (each extra picture costs the kernel work while the hand moves)
        ranked.sort(key=lambda t: (t[1] > 0, t[0], t[1]))
        wanted = [v for _, _, v in ranked]
        with self._wake:
            self._wanted = [v for v in wanted if self._lookup(v) is None]
            self._wake.notify()
        if self._worker is None and _event_loop_scheduler() is not None:  # only in a running kernel
            _hook_cells()
            self._worker = threading.Thread(target=self._work, name="coursekit-panel-prefetch", daemon=True)
            self._worker.start()

    def _take_wanted(self):
        with self._wake:
            wanted, self._wanted = self._wanted, []
        return wanted

    def _work(self):
        while True:
            with self._wake:
                while not self._wanted:
                    self._wake.wait()
                values = self._wanted.pop(0)
            # wait until no cell runs (and none ended just now: the next may follow at once)
            while True:
                if (not _CELL["held"] and time.monotonic() - _CELL["ended"] > 0.25
                        and _CELL_LOCK.acquire(blocking=False)):
                    break
                time.sleep(0.05)
            try:
                self._prepare(values)
            except Exception:  # noqa: BLE001 - a neighbour that fails is computed (and raises) when asked for
                pass
            finally:
                _CELL_LOCK.release()

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
