"""The figures stored in the lecture notebooks are in the course style: ≥ 100 dpi, readable text.

See ARCHITECTURE.md, "Lectures and panels". Each ``image/png`` output (plots and the panels' stored
fallback images) is read back: its resolution from the PNG's ``pHYs`` chunk (pixels per metre,
written by matplotlib from the figure's dpi), and its pixel width, which decides how much a front
end showing it in an output area ``style.DISPLAY_WIDTH_PX`` wide shrinks it.
"""

import base64
import struct
from pathlib import Path

import nbformat
import pytest

from coursekit import style

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "lectures").glob("*.ipynb"))
INCH = 0.0254


def png_info(data):
    """``(width, height, dpi)`` of a PNG from its IHDR and pHYs chunks (dpi None without pHYs)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, dpi = 8, None, None, None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            ppx, ppy, unit = struct.unpack(">IIB", body)
            assert unit == 1, "pHYs unit is not the metre"
            dpi = (ppx * INCH, ppy * INCH)
        elif kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return width, height, dpi


def stored_pngs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if data:
                yield i, base64.b64decode(data)


def test_png_info_reads_a_known_png():
    import io

    import matplotlib

    matplotlib.use("Agg")
    fig, _ = style.subplots(figsize=(3, 2))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    width, height, dpi = png_info(buf.getvalue())
    assert (width, height) == (360, 240)
    assert dpi[0] == pytest.approx(120, abs=0.05)  # pHYs holds whole pixels per metre


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_figures_have_at_least_100_dpi(path):
    pngs = list(stored_pngs(path))
    assert pngs, f"{path.name}: no stored figures"
    for cell, data in pngs:
        _, _, dpi = png_info(data)
        assert dpi is not None, f"{path.name} cell {cell}: the PNG does not record its resolution"
        assert round(min(dpi)) >= 100, f"{path.name} cell {cell}: {dpi[0]:.0f} dpi"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_figures_keep_the_smallest_font_readable_on_screen(path):
    smallest = min(style.FONT.values())
    for cell, data in stored_pngs(path):
        width, _, dpi = png_info(data)
        shrink = min(1.0, style.DISPLAY_WIDTH_PX / width)
        px = smallest * dpi[0] / 72 * shrink
        assert px >= style.MIN_FONT_PX, (
            f"{path.name} cell {cell}: {width} px wide, its {smallest} pt text is {px:.1f} px on screen")
