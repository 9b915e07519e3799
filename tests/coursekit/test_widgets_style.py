"""Every panel draws in the course style: the style's dpi, sizes and font sizes, readable on screen.

See ARCHITECTURE.md, "Lectures and panels". Each panel is built as a lecture builds it and its
current figure is inspected: figure dpi, width within the output area, and every visible text
(titles, labels, tick labels, legends, annotations) at one of the style's font sizes and at least
``style.MIN_FONT_PX`` pixels high on screen.
"""

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from coursekit import style
from coursekit.widgets.backprop import FDStepPanel
from coursekit.widgets.optimization import OptimizationPanel
from coursekit.widgets.playground import PlaygroundPanel
from coursekit.widgets.sgd import SGDPanel
from coursekit.widgets.svm import SVMPanel

matplotlib.use("Agg")

PANELS = {
    "svm": lambda: SVMPanel(C=1.0),
    "fd_step": lambda: FDStepPanel(),
    "playground": lambda: PlaygroundPanel(epochs=20, grid=20),
    "sgd": lambda: SGDPanel(n_steps=20),
    "optimization": lambda: OptimizationPanel(n_steps=20),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _figures(panel):
    figs = [panel.figure]
    if isinstance(panel, OptimizationPanel):  # its axes and labels live in a pre-rendered background
        figs += [c.background_figure for c in panel.drawer._canvases.values()]
    return figs


def _texts(fig):
    fig.canvas.draw()  # tick labels exist after a draw
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("name", list(PANELS))
def test_panel_figure_uses_the_style_dpi_and_width(name):
    for fig in _figures(PANELS[name]()):
        assert fig.dpi == style.DPI, name
        assert fig.get_size_inches()[0] <= style.MAX_WIDTH + 1e-9, name


@pytest.mark.parametrize("name", list(PANELS))
def test_panel_texts_use_the_style_font_sizes_and_are_readable(name):
    sizes = set(map(float, style.FONT.values()))
    n_texts = 0
    for fig in _figures(PANELS[name]()):
        texts = _texts(fig)
        n_texts += len(texts)
        for t in texts:
            assert t.get_fontsize() in sizes, (name, t.get_text(), t.get_fontsize())
            assert style.font_px(t.get_fontsize(), fig) >= style.MIN_FONT_PX, (name, t.get_text())
    assert n_texts >= 5, name  # titles, labels and tick labels were all inspected


def test_panel_png_is_stored_at_the_style_dpi():
    panel = SGDPanel(n_steps=20)
    from PIL import Image
    import io

    img = Image.open(io.BytesIO(panel.png))
    assert round(img.info["dpi"][0]) == style.DPI
    assert img.size[0] == round(panel.figure.get_size_inches()[0] * style.DPI)
