"""The text a PDF shows, as a reader would copy it (pypdf): the page streams are compressed and the embedded
font's glyphs are not the letters, so searching the file's bytes finds nothing."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
