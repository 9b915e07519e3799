"""Reading the student-facing text of a lecture: its Markdown outside maths and code.

Used by ``test_sources.py``. "Outside maths" removes ``$$…$$`` and ``$…$`` spans, fenced code
blocks and inline code; what is left is prose, where a maths fragment written in plain text or
Unicode (``W_{c,h}``, ``x⁽ᵗ⁾``, ``∇f``, ``η_opt``) would render literally instead of typeset.
"""

from __future__ import annotations

import re

_FENCED = re.compile(r"```.*?```", re.S)
_DISPLAY = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<!\\)\$(?!\s)(?:\\\$|[^$\n])+?(?<!\s)\$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HTML = re.compile(r"<[^>\n]+>")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")

#: Maths that only LaTeX renders: TeX groups and commands, Unicode sub/superscripts and
#: operators, and an identifier with an underscore subscript (``η_opt``, ``W_h``).
MATH_OUTSIDE_LATEX = {
    "TeX group `_{`/`^{`": re.compile(r"[_^]\{"),
    "TeX command": re.compile(r"\\[A-Za-z]+"),
    "Unicode super/subscript": re.compile("[\u2070-\u209f\u1d62-\u1d6a\u1d43-\u1d5b\u00b2\u00b3\u00b9]"),
    "Unicode operator": re.compile("[∇∂∑√‖⊙∫∏ᵀ]"),
    "underscore subscript": re.compile(r"(?<![\w`/.\\-])[A-Za-zα-ωΑ-Ω]{1,2}_[A-Za-z0-9]+\b"),
}


def prose(markdown: str) -> str:
    """``markdown`` without maths, code, HTML tags and link targets."""
    text = _FENCED.sub(" ", markdown)
    text = _DISPLAY.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _INLINE_MATH.sub(" ", text)
    text = _HTML.sub(" ", text)
    return _LINK_TARGET.sub("]", text)


def math_outside_latex(markdown: str) -> list[str]:
    """Each maths fragment found in the prose of ``markdown``, as ``"<kind>: …context…"``."""
    text = prose(markdown)
    found = []
    for kind, pattern in MATH_OUTSIDE_LATEX.items():
        for m in pattern.finditer(text):
            a, b = max(0, m.start() - 25), min(len(text), m.end() + 25)
            found.append(f"{kind}: …{text[a:b]}…".replace("\n", " "))
    return found


def stream_text(nb) -> str:
    """Everything the code cells of ``nb`` printed (their stream outputs), one string."""
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                     if o.output_type == "stream")


def markdown_text(nb) -> str:
    """The Markdown cells of ``nb``, one string."""
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
