"""The dossier the evaluators ask for: a PDF (fpdf2) and an XLSX (openpyxl) of a year's self-assessment, per
indicator with its level, justification and evidence list (the officers' own and the automatic evidence).

Neither holds the internal comments, the history or anyone's contact details."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF, XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from balai.core.selectors import pemda_current
from balai.lib.pdf import add_fonts, printable

from .models import EvidenceItem, Framework, Status
from .scoring import PREDICATES
from .selectors import Overview, automatic_evidence, overview


def _num(value: Any, places: int = 2) -> str:
    return "—" if value is None else number_format(value, decimal_pos=places)


def _evidence_by_assessment(framework: Framework) -> dict[int, list[EvidenceItem]]:
    items: dict[int, list[EvidenceItem]] = {}
    for item in EvidenceItem.objects.filter(assessment__indicator__framework=framework).order_by("created_at", "id"):
        items.setdefault(item.assessment_id, []).append(item)
    return items


def _file_url(item: EvidenceItem) -> str:
    return settings.SITE_URL + reverse("spbe:evidence_file", args=[item.public_id])


def _evidence_line(item: EvidenceItem) -> str:
    where = item.url or f"{_file_url(item)} ({item.original_name or item.kind})"
    return f"{item.title}: {where}"


def _status(status: str) -> str:
    return str(Status(status).label)


def _summary_lines(view: Overview) -> list[str]:
    result = view.result
    return [
        _("Index (reviewed indicators): %(index)s") % {"index": _num(result.index)},
        _("Predicate: %(predicate)s") % {"predicate": PREDICATES.get(view.predicate, "—")},
        _("Reviewed: %(done)d of %(total)d indicators (%(share)s %%), %(weight)s %% of the weight")
        % {
            "done": result.assessed,
            "total": result.total,
            "share": _num(result.share_assessed),
            "weight": _num(result.weight_share_assessed),
        },
        _("Complete: %(answer)s") % {"answer": _("yes") if result.complete else _("no")},
    ]


def dossier_pdf(framework: Framework, now: datetime) -> bytes:
    view = overview(framework)
    evidence = _evidence_by_assessment(framework)
    automatic = automatic_evidence(now)
    pemda = pemda_current()
    pdf = FPDF(format="A4")
    font = add_fonts(pdf)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(printable(_("SPBE self-assessment %(year)d") % {"year": framework.year}))
    pdf.add_page()
    width = pdf.epw

    def line(text: Any, size: int = 10, style: str = "", height: float = 5) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(width, height, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(_("SPBE self-assessment %(year)d") % {"year": framework.year}, 16, "B", 8)
    if pemda is not None:
        line(pemda.name, 12)
    line(_("%(regulation)s · as of %(date)s") % {"regulation": framework.regulation,
                                                 "date": date_format(now, "j F Y")}, 9)  # fmt: skip
    pdf.ln(3)
    for text in _summary_lines(view):
        line(text, 11)
    pdf.ln(2)
    line(_("Index = Σ(level × weight) ÷ Σ weight over the reviewed indicators, rounded to 2 decimals."), 8)
    pdf.ln(3)
    line(_("Domains"), 12, "B", 7)
    for group in view.domains:
        line(f"{group.number}. {group.name} ({_num(group.weight)} %): {_num(group.result.index)} "
             f"[{group.result.assessed}/{group.result.total}]", 10)  # fmt: skip
    line(_("Aspects"), 12, "B", 7)
    for group in view.aspects:
        line(f"{group.number}. {group.name} ({_num(group.weight)} %): {_num(group.result.index)} "
             f"[{group.result.assessed}/{group.result.total}]", 10)  # fmt: skip
    for indicator in view.indicators:
        assessment = indicator.assessment
        pdf.ln(3)
        line(f"{indicator.number}. {indicator.name}", 11, "B", 6)
        line(_("Domain %(domain)s · aspect %(aspect)s · weight %(weight)s %%")
             % {"domain": indicator.aspect.domain.number, "aspect": indicator.aspect.number,
                "weight": _num(indicator.weight)}, 9)  # fmt: skip
        level = assessment.level if assessment.level is not None else "—"
        line(_("Level: %(level)s · %(status)s") % {"level": level, "status": _status(assessment.status)}, 10)
        if assessment.justification:
            line(_("Justification: %(text)s") % {"text": assessment.justification}, 9)
        for item in evidence.get(assessment.pk, []):
            line(f"- {_evidence_line(item)}", 9)
        for auto in automatic.get(indicator.number, []):
            e = auto.evidence
            line(_("Balai's own data: %(title)s (as of %(date)s) %(url)s")
                 % {"title": e.title, "date": date_format(e.as_of, "j F Y H:i"),
                    "url": settings.SITE_URL + e.url if e.url else ""}, 9, "I")  # fmt: skip
            for what, value in e.facts:
                line(f"    {what}: {value}", 8)
    return bytes(pdf.output())


def dossier_xlsx(framework: Framework, now: datetime) -> bytes:
    view = overview(framework)
    evidence = _evidence_by_assessment(framework)
    automatic = automatic_evidence(now)
    book = Workbook()
    bold = Font(bold=True)
    summary = book.worksheets[0]
    summary.title = _("Summary")[:31]
    summary.append([_("SPBE self-assessment %(year)d") % {"year": framework.year}])
    summary["A1"].font = bold
    summary.append([_("As of"), now.replace(tzinfo=None)])
    summary.append([_("Index"), float(view.result.index) if view.result.index is not None else None])
    summary.append([_("Predicate"), str(PREDICATES.get(view.predicate, ""))])
    summary.append([_("Indicators reviewed"), view.result.assessed, view.result.total])
    summary.append([_("Complete"), _("yes") if view.result.complete else _("no")])
    summary.append([])
    summary.append([_("Domain"), _("Name"), _("Weight (%)"), _("Index"), _("Reviewed")])
    for group in view.domains:
        summary.append([group.number, group.name, float(group.weight),
                        float(group.result.index) if group.result.index is not None else None,
                        group.result.assessed])  # fmt: skip

    sheet = book.create_sheet(_("Indicators")[:31])
    sheet.append([_("No."), _("Domain"), _("Aspect"), _("Indicator"), _("Weight (%)"), _("Level"), _("Status"),
                  _("Justification"), _("Evidence")])  # fmt: skip
    for indicator in view.indicators:
        a = indicator.assessment
        sheet.append([indicator.number, indicator.aspect.domain.name, indicator.aspect.name, indicator.name,
                      float(indicator.weight), a.level, _status(a.status), a.justification,
                      "\n".join(_evidence_line(item) for item in evidence.get(a.pk, []))])  # fmt: skip
    items = book.create_sheet(_("Evidence")[:31])
    items.append([_("No."), _("Kind"), _("Title"), _("Link or file")])
    for indicator in view.indicators:
        for item in evidence.get(indicator.assessment.pk, []):
            where = item.url or _file_url(item)
            items.append([indicator.number, str(item.get_kind_display()), item.title, where])
    auto_sheet = book.create_sheet(_("Balai's own data")[:31])
    auto_sheet.append([_("No."), _("Source"), _("Title"), _("What"), _("Value"), _("As of"), _("Live page")])
    for number in sorted(automatic):
        for auto in automatic[number]:
            e = auto.evidence
            for what, value in e.facts:
                auto_sheet.append([number, auto.module, str(e.title), str(what), value,
                                   e.as_of.replace(tzinfo=None), settings.SITE_URL + e.url if e.url else ""])  # fmt: skip
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = bold
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
