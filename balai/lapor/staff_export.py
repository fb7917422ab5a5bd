"""The inbox as a CSV file for staff: the reports of the current filters, one row each, with every answer to the
category's questions (also those not shown to the public) in one "question: answer" column."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Final

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.lib.text import neutralise

from .models import CategoryQuestion, Report
from .questions import answers_in_one_cell

# A file for a spreadsheet, not a backup: past this many rows the reader narrows the filters.
EXPORT_MAX_ROWS: Final = 10_000


def _questions_by_category() -> dict[int, dict[str, CategoryQuestion]]:
    """Every question, also those turned off since: staff read every answer a report holds."""
    by_category: dict[int, dict[str, CategoryQuestion]] = {}
    for question in CategoryQuestion.objects.all():
        by_category.setdefault(question.category_id, {})[question.code] = question
    return by_category


def _local_date(value: datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value is not None else ""


def inbox_csv(reports: QuerySet[Report]) -> HttpResponse:
    """`reports` (the inbox's query, already scoped to the reader) as CSV: UTF-8 with a byte-order mark, CRLF."""
    questions = _questions_by_category()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            _("Tracking code"), _("Received"), _("Status"), _("Category"), _("OPD"), _("Kecamatan"),
            _("Kelurahan"), _("Title"), _("Address"), _("Deadline"), _("Answers to the category's questions"),
        ]
    )  # fmt: skip
    for report in reports[:EXPORT_MAX_ROWS]:
        writer.writerow(
            [
                report.code,
                _local_date(report.created_at),
                report.get_status_display(),
                neutralise(report.category.name),
                neutralise(report.lead_unit.name) if report.lead_unit else "",
                neutralise(report.kecamatan.name) if report.kecamatan else "",
                neutralise(report.kelurahan.name) if report.kelurahan else _("kelurahan to be set"),
                neutralise(report.title),
                neutralise(report.address),
                _local_date(report.due_at or report.verify_due_at),
                neutralise(answers_in_one_cell(report.answers, questions.get(report.category_id, {}))),
            ]
        )
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-staf-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
