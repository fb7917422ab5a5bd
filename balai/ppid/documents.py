"""The documents PPID produces: the written notice (PDF, to download, print and sign) and the Pasal 12 report
(PDF and XLSX for any period). Drawn with fpdf2 and openpyxl; never the requester's identity number, address or
contact (the notice names the requester, whom it is addressed to, and is only served through the private link or
to staff)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF, XPos, YPos

from balai.core.selectors import pemda_current, work_calendar
from balai.lib.pdf import PDF_FONT, add_fonts, printable

from .models import Decision, InformationRequest, ppid_settings
from .selectors import Figures


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    add_fonts(pdf)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, 18)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: Any, *, size: int = 10, bold: bool = False, height: float = 5.5) -> None:
    pdf.set_font(PDF_FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _row(pdf: FPDF, label: Any, value: Any) -> None:
    pdf.set_font(PDF_FONT, "B", 10)
    y = pdf.get_y()
    pdf.multi_cell(55, 5.5, printable(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_font(PDF_FONT, "", 10)
    pdf.multi_cell(0, 5.5, printable(value or "-"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), y + 5.5) + 1)


def _day(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return formats.date_format(moment.astimezone(work_calendar().tz).date(), "DATE_FORMAT")


def notice_pdf(request: InformationRequest) -> bytes:
    """The pemberitahuan tertulis (written notice) in the active language, with a place to sign."""
    pemda = pemda_current()
    settings = ppid_settings()
    pdf = _pdf()
    _line(pdf, pemda.name if pemda else "", size=12, bold=True)
    _line(pdf, _("Public Information and Documentation Officer (PPID)"), size=10)
    pdf.ln(4)
    _line(pdf, _("WRITTEN NOTICE"), size=14, bold=True)
    _line(pdf, _("on a request for public information (UU 14/2008, Pasal 22 ayat (7))"), size=9)
    pdf.ln(3)
    _row(pdf, _("Register number"), request.register_number)
    _row(pdf, _("Tracking code"), request.code)
    _row(pdf, _("Requester"), request.name)
    _row(pdf, _("Received"), _day(request.received_at))
    _row(pdf, _("Information asked for"), request.information)
    pdf.ln(2)
    _row(pdf, _("Decision"), request.get_decision_display())
    _row(pdf, _("Answer"), request.answer)
    if request.decision == Decision.PARTLY:
        _row(pdf, _("Redacted parts and reasons"), request.redactions)
    if request.decision in (Decision.PARTLY, Decision.REFUSED):
        _row(pdf, _("Exemption (Pasal 17)"), request.exemption)
        _row(pdf, _("Consequence test"), request.consequence_test)
    if request.decision == Decision.NOT_HELD:
        _row(pdf, _("Where it is held"), request.held_by)
    _row(pdf, _("Medium and format"), request.medium)
    _row(pdf, _("Cost"), request.cost)
    if request.extended_at:
        _row(pdf, _("Deadline extended"), request.extension_reason)
    pdf.ln(2)
    _line(pdf, _("If you disagree with this notice you may file an objection with the atasan PPID within 30 "
                 "working days of receiving it (Pasal 35 and 36 UU 14/2008), on your private page or at the desk."),
          size=9)  # fmt: skip
    pdf.ln(8)
    place = settings.notice_city or (pemda.short_name if pemda else "")
    _line(pdf, f"{place}, {_day(request.notice_at)}")
    _line(pdf, _("PPID"))
    pdf.ln(18)
    _line(pdf, request.notice_signer or "....................................", bold=True)
    return bytes(pdf.output())


def _report_lines(figures: Figures) -> list[tuple[str, str]]:
    def n(value: Any) -> str:
        return "-" if value is None else formats.number_format(value, use_l10n=True, force_grouping=True)

    return [
        (_("Requests received"), n(figures.received)),
        (_("Requests answered (notice given)"), n(figures.answered)),
        (_("Granted"), n(figures.granted)),
        (_("Partly granted"), n(figures.partly)),
        (_("Refused"), n(figures.refused)),
        (_("Not held"), n(figures.not_held)),
        (_("Still open"), n(figures.open)),
        (_("Answered on time (%)"), n(figures.on_time_percent)),
        (_("Median working days to the notice"), n(figures.median_days)),
        (_("Objections"), n(figures.objections)),
        (_("Disputes at the Komisi Informasi"), n(figures.disputes)),
    ]


def report_pdf(figures: Figures, title: str) -> bytes:
    """The Pasal 12 report: the figures, the reasons for refusal, and the time taken for each request."""
    pemda = pemda_current()
    pdf = _pdf()
    _line(pdf, pemda.name if pemda else "", size=12, bold=True)
    _line(pdf, title, size=14, bold=True)
    _line(pdf, _("Public information service report (Pasal 12 UU 14/2008)"), size=9)
    pdf.ln(3)
    for label, value in _report_lines(figures):
        _row(pdf, label, value)
    pdf.ln(2)
    _line(pdf, _("Reasons for refusal"), bold=True)
    for reason, count in figures.refusal_reasons or [(_("none"), 0)]:
        _line(pdf, f"- {reason}: {count}")
    pdf.ln(2)
    _line(pdf, _("Time taken for each request"), bold=True)
    pdf.set_font(PDF_FONT, "", 8)
    with pdf.table(col_widths=(40, 30, 30, 20, 50), text_align="LEFT") as table:
        table.row([printable(x) for x in (_("Register number"), _("Received"), _("Notice"), _("Working days"),
                                       _("Decision"))])  # fmt: skip
        for row in figures.rows:
            table.row([printable(row["register_number"]), _day(row["received_at"]), _day(row["notice_at"]),
                       str(row["days"]), printable(row["decision_label"])])  # fmt: skip
    return bytes(pdf.output())


def report_xlsx(figures: Figures, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if sheet is None:
        sheet = book.create_sheet()
    sheet.title = _("Summary")[:31]
    sheet.append([title])
    for label, _value in _report_lines(figures):
        sheet.append([label])
    raw = [figures.received, figures.answered, figures.granted, figures.partly, figures.refused, figures.not_held,
           figures.open, figures.on_time_percent, figures.median_days, figures.objections, figures.disputes]  # fmt: skip
    for index, value in enumerate(raw, start=2):
        sheet.cell(row=index, column=2, value=value)
    sheet.column_dimensions["A"].width = 40
    reasons = book.create_sheet(_("Reasons for refusal")[:31])
    reasons.append([_("Exemption"), _("Requests")])
    for reason, count in figures.refusal_reasons:
        reasons.append([reason, count])
    detail = book.create_sheet(_("Requests")[:31])
    detail.append([_("Register number"), _("Received"), _("Notice"), _("Working days"), _("Decision"), _("OPD")])
    tz = work_calendar().tz
    for row in figures.rows:
        detail.append([row["register_number"], row["received_at"].astimezone(tz).date(),
                       row["notice_at"].astimezone(tz).date(), row["days"], row["decision_label"],
                       row["unit__name"] or ""])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
