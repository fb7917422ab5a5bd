"""The monthly report for the mayor as a PDF: a cover with the key figures, the charts, the tables, how to read it.

It is drawn with fpdf2 from data given to it (`build_monthly_pdf`), so it can be tested with hand-made figures;
`export_jobs.monthly_report_data` gathers the real ones for a month and a scope. It holds only what the
command center shows: counts, shares and durations, never a report's text, a reporter or a rahasia report.
The font is Noto Sans (`balai.lib.pdf`), so Indonesian and English text (—, “ ”, é) prints right.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import TableBordersLayout, TableCellFillMode

from balai.lib.pdf import PDF_FONT, add_fonts

from .tables import EMPTY, Table, format_decimal, format_int, format_month, format_value

logger = logging.getLogger(__name__)


INK: Final = (27, 31, 36)
MUTED: Final = (74, 85, 97)
BLUE: Final = (11, 92, 171)
BLUE_DARK: Final = (8, 63, 119)
LINE: Final = (207, 214, 222)
TILE: Final = (243, 246, 249)
HEAD_FILL: Final = (238, 242, 246)
ZEBRA: Final = (248, 250, 252)

MARGIN: Final = 15.0  # mm
CHART_GAP: Final = 8.0
VIEWBOX: Final = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
# The chart's accessible name and description: a PDF viewer would not use them (fpdf2 warns on each).
SVG_NAMING: Final = re.compile(r"<title\b[^>]*>.*?</title>|<desc\b[^>]*>.*?</desc>", re.DOTALL)


def kpi_text(value: Any) -> str:
    """A key figure as shown: text as given, numbers in the active language, (value, kind) as that kind."""
    if isinstance(value, tuple) and len(value) == 2:
        return format_value(value[0], value[1])
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float):
        return format_decimal(value, 1)
    return str(value)


def default_reading_notes() -> list[str]:
    return [
        _(
            "The figures count every report received through any channel, confidential (rahasia) reports "
            "included; no report text, photo or reporter identity appears in this report."
        ),
        _(
            "Durations are in working days: weekends, national holidays and cuti bersama do not count. A report "
            "is on time when it was finished within the deadline set for its weight."
        ),
        _("A median is the middle value: half of the reports took less time, half took more."),
        _("A dash (—) means there was nothing to measure, for example no report finished in the month."),
        _(
            "The figures come from Balai's live data at the time printed on the cover; for a month that is not "
            "over yet they can still change."
        ),
    ]


class _ReportPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(PDF_FONT, size=8)
        self.set_text_color(*MUTED)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, page, align="R")


def _svg_size(svg: str) -> tuple[float, float]:
    match = VIEWBOX.search(svg)
    if not match:
        raise ValueError("A chart needs a viewBox.")
    return float(match.group(1)), float(match.group(2))


def build_monthly_pdf(
    *,
    pemda: Any,
    month: dt.date,
    kpis: Mapping[str, Any],
    tables: Sequence[Table],
    charts: Sequence[tuple[str, str]],
    scope_label: str = "",
    generated_at: dt.datetime | None = None,
    reading_notes: Sequence[str] | None = None,
) -> bytes:
    """The report as PDF bytes, in the active language.

    kpis: label → value (text, a number, or a (value, kind) pair with a `tables` kind such as "pct").
    charts: (title, SVG markup from `charts.py`), drawn two to a row.
    """
    generated_at = generated_at or timezone.now()
    zone = ZoneInfo(getattr(pemda, "time_zone", "") or "Asia/Jakarta")
    local = timezone.localtime(generated_at, zone)
    month_text = format_month(month)
    title = _("Monthly report on citizen reports")

    pdf = _ReportPDF(orientation="portrait", unit="mm", format="A4")
    add_fonts(pdf)  # PDF_FONT: charts.FONT_FAMILY names it first, so the charts' text uses it too
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    pdf.set_title(f"{title} · {pemda.name} · {month_text}")
    pdf.set_author(str(pemda.name))
    pdf.set_subject(scope_label or str(pemda.name))
    pdf.set_creator("Balai")
    pdf.set_lang(get_language() or "id")
    pdf.set_creation_date(generated_at)
    pdf.footer_text = f"{pemda.short_name or pemda.name} · {title} · {month_text}"

    _cover(pdf, pemda=pemda, title=title, month_text=month_text, scope_label=scope_label, local=local)
    _kpi_block(pdf, kpis)
    if charts:
        pdf.add_page()
        _heading(pdf, _("Charts"))
        _charts(pdf, charts)
    for table in tables:
        _table(pdf, table)
    _reading_notes(pdf, list(reading_notes) if reading_notes is not None else default_reading_notes())
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, size: float = 15) -> None:
    pdf.set_font(PDF_FONT, "B", size)
    pdf.set_text_color(*BLUE_DARK)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_text_color(*INK)


def _cover(pdf: FPDF, *, pemda: Any, title: str, month_text: str, scope_label: str, local: dt.datetime) -> None:
    pdf.add_page()
    band = 58.0
    pdf.set_fill_color(*BLUE)
    pdf.rect(0, 0, pdf.w, band, style="F")
    logo_room = _logo(pdf, pemda, band)
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(MARGIN, 14)
    pdf.set_font(PDF_FONT, "", 13)
    pdf.multi_cell(pdf.epw - logo_room, 7, str(pemda.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(PDF_FONT, "B", 22)
    pdf.multi_cell(pdf.epw - logo_room, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(PDF_FONT, "B", 17)
    pdf.multi_cell(pdf.epw - logo_room, 9, month_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(MARGIN, band + 8)
    pdf.set_text_color(*INK)
    pdf.set_font(PDF_FONT, "", 11)
    if scope_label:
        pdf.multi_cell(0, 6, _("Scope: %(scope)s") % {"scope": scope_label}, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    generated = _("Generated on %(date)s at %(time)s %(zone)s by Balai.") % {
        "date": formats.date_format(local, "j F Y"),
        "time": formats.time_format(local, "TIME_FORMAT"),
        "zone": local.tzname() or "",
    }
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, generated, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(6)


def _logo(pdf: FPDF, pemda: Any, band: float) -> float:
    """The Pemda's logo at the top right, on white; the width it takes. A logo that cannot be read is left out."""
    logo = getattr(pemda, "logo", None)
    if not logo:
        return 0.0
    size = 30.0
    try:
        with logo.open("rb") as handle:
            data = handle.read()
        pdf.set_fill_color(255, 255, 255)
        x = pdf.w - MARGIN - size
        pdf.rect(x - 2, 14, size + 4, size + 4, style="F", round_corners=True, corner_radius=3)
        pdf.image(io.BytesIO(data), x=x, y=16, w=size, h=size, keep_aspect_ratio=True)
    except Exception:  # a broken upload must not cost the mayor the report
        logger.warning("pemda logo could not be drawn in the monthly report", exc_info=True)
        return 0.0
    finally:
        pdf.set_fill_color(*BLUE)
    return size + 8


def _kpi_block(pdf: FPDF, kpis: Mapping[str, Any]) -> None:
    if not kpis:
        return
    _heading(pdf, _("Key figures"))
    per_row = 3
    gap = 4.0
    width = (pdf.epw - gap * (per_row - 1)) / per_row
    height = 26.0
    items = list(kpis.items())
    for start in range(0, len(items), per_row):
        if pdf.will_page_break(height + gap):
            pdf.add_page()
        top = pdf.get_y()
        for i, (label, value) in enumerate(items[start : start + per_row]):
            x = MARGIN + i * (width + gap)
            pdf.set_fill_color(*TILE)
            pdf.set_draw_color(*LINE)
            pdf.rect(x, top, width, height, style="DF", round_corners=True, corner_radius=2)
            pdf.set_xy(x + 3, top + 3)
            pdf.set_font(PDF_FONT, "", 9)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(width - 6, 4.2, str(label), max_line_height=4.2, new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_xy(x + 3, top + height - 12)
            pdf.set_font(PDF_FONT, "B", 18)
            pdf.set_text_color(*INK)
            pdf.cell(width - 6, 9, kpi_text(value))
        pdf.set_y(top + height + gap)
    pdf.set_text_color(*INK)


def _charts(pdf: FPDF, charts: Sequence[tuple[str, str]]) -> None:
    """Two charts to a row at about 87 mm wide (their 16-unit text prints at 11 pt); a tall one is shrunk to fit."""
    column = (pdf.epw - CHART_GAP) / 2
    title_height = 12.0
    room = pdf.h - 18 - MARGIN - title_height - 4  # the most a chart may take on one page
    pending = list(charts)
    while pending:
        row = pending[:2]
        pending = pending[2:]
        sizes = []
        for _title, svg in row:
            vw, vh = _svg_size(svg)
            width = column
            height = width * vh / vw
            if height > room:
                width, height = room * vw / vh, room
            sizes.append((width, height))
        needed = title_height + max(h for _, h in sizes) + 6
        if pdf.will_page_break(needed):
            pdf.add_page()
        top = pdf.get_y()
        for i, ((chart_title, svg), (width, height)) in enumerate(zip(row, sizes, strict=True)):
            x = MARGIN + i * (column + CHART_GAP)
            pdf.set_xy(x, top)
            pdf.set_font(PDF_FONT, "B", 10.5)
            pdf.set_text_color(*INK)
            pdf.multi_cell(column, 5, chart_title, max_line_height=5, new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.image(io.BytesIO(_printable_svg(svg).encode()), x=x, y=top + title_height, w=width, h=height)
        pdf.set_y(top + needed)


def _printable_svg(svg: str) -> str:
    """fpdf2 sizes an SVG from its width and height: give it those of its viewBox."""
    vw, vh = _svg_size(svg)
    return SVG_NAMING.sub("", svg).replace("<svg ", f'<svg width="{vw:g}" height="{vh:g}" ', 1)


def _table(pdf: FPDF, table: Table) -> None:
    pdf.ln(4)
    if pdf.will_page_break(40):
        pdf.add_page()
    _heading(pdf, str(table.title), size=13)
    pdf.set_font(PDF_FONT, "", 9)
    pdf.set_text_color(*INK)
    if not table.rows:
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5, _("No data for this period."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)
    else:
        # The first (name) column takes what the numbers leave; a wide table gets a smaller header.
        weights = [2.2 if i == 0 else (1.5 if not c.numeric else 1.0) for i, c in enumerate(table.columns)]
        align = tuple("RIGHT" if c.numeric else "LEFT" for c in table.columns)
        with pdf.table(
            col_widths=tuple(weights),
            text_align=align,
            line_height=5,
            padding=(1.6, 1.6),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(
                family=PDF_FONT,
                emphasis="BOLD",
                fill_color=HEAD_FILL,
                color=INK,
                size_pt=7.5 if len(table.columns) > 5 else 9,
            ),
            cell_fill_color=ZEBRA,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
            repeat_headings=1,
        ) as grid:
            header = grid.row()
            for column in table.columns:
                header.cell(str(column.label))
            for row in table.display_rows():
                line = grid.row()
                for cell in row:
                    line.cell(cell.text)
    if table.note:
        pdf.ln(1.5)
        pdf.set_font(PDF_FONT, "", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 4.5, str(table.note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)


def _reading_notes(pdf: FPDF, notes: list[str]) -> None:
    if not notes:
        return
    pdf.ln(6)
    if pdf.will_page_break(50):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.8)
    _heading(pdf, _("How to read this report"), size=12)
    pdf.set_font(PDF_FONT, "", 9)
    for note in notes:
        pdf.set_x(MARGIN + 4)
        pdf.multi_cell(pdf.epw - 4, 4.8, f"• {note}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    if pdf.get_y() > top:  # a rule on the left of the notes, when they did not cross a page
        pdf.line(MARGIN, top, MARGIN, pdf.get_y())
    pdf.set_line_width(0.2)
