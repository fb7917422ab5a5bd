"""The font every PDF Balai makes is drawn in: Noto Sans (a Latin subset shipped in `fonts/`, SIL Open Font
License), so a PDF looks the same on a server without fonts and Indonesian and English text (—, “ ”, é) prints
right. fpdf2's built-in Helvetica knows Latin-1 only: a name or a request's text with another character would
come out as "?" or stop the PDF.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, Final

from fpdf import FPDF

FONT_DIR: Final = Path(__file__).resolve().parent / "fonts"
PDF_FONT: Final = "NotoSans"

# fpdf2 subsets the font with fontTools, which logs every step at INFO: noise in a worker's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def add_fonts(pdf: FPDF) -> str:
    """Make Noto Sans (regular and bold) known to `pdf`; returns the family name for `set_font`."""
    regular, bold = str(FONT_DIR / "NotoSans-Regular.ttf"), str(FONT_DIR / "NotoSans-Bold.ttf")
    pdf.add_font(PDF_FONT, "", regular)
    pdf.add_font(PDF_FONT, "B", bold)
    # No italic face is shipped: "I" prints upright rather than stopping the PDF.
    pdf.add_font(PDF_FONT, "I", regular)
    pdf.add_font(PDF_FONT, "BI", bold)
    return PDF_FONT


# Signs Balai's own texts use that the Latin subset lacks, in their plain forms.
FALLBACKS: Final = str.maketrans({"Σ": "Sum ", "≥": ">=", "≤": "<=", "→": "->", "✓": "v", "\u00a0": " "})


@functools.cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT_DIR / "NotoSans-Regular.ttf").getBestCmap())


def printable(text: Any) -> str:
    """`text` as the font can draw it: the signs above in their plain forms, any other character the font lacks
    (an emoji in a citizen's text) as "?", never a blank gap that would hide that something was there."""
    covered = _covered()
    return "".join(c if ord(c) in covered or c in "\n\t" else "?" for c in str(text).translate(FALLBACKS))
