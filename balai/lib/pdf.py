"""The font every PDF Balai makes is drawn in: Noto Sans (a Latin subset shipped in `fonts/`, SIL Open Font
License), so a PDF looks the same on a server without fonts and Indonesian and English text (—, “ ”, é) prints
right. fpdf2's built-in Helvetica knows Latin-1 only: a name or a request's text with another character would
come out as "?" or stop the PDF.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from fpdf import FPDF

FONT_DIR: Final = Path(__file__).resolve().parent / "fonts"
PDF_FONT: Final = "NotoSans"

# fpdf2 subsets the font with fontTools, which logs every step at INFO: noise in a worker's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def add_fonts(pdf: FPDF) -> str:
    """Make Noto Sans (regular and bold) known to `pdf`; returns the family name for `set_font`."""
    pdf.add_font(PDF_FONT, "", str(FONT_DIR / "NotoSans-Regular.ttf"))
    pdf.add_font(PDF_FONT, "B", str(FONT_DIR / "NotoSans-Bold.ttf"))
    return PDF_FONT
