"""Open data: every public report as one CSV row without personal data, and the monthly figures per OPD and category.

The report file streams: rows are read in keyset pages of `CHUNK` (`created_at`, then `id`, after the last row
sent) through the `report_public_recent` index, so a million reports never sit in memory and no page of the
query costs more than the page itself. A row holds only what the public may know: the tracking code, dates,
status, classification, place codes, the timing the summary tables count with (`balai.dasbor.summary.fact_of`, so
the file and the statistics page agree to the day) and the answers to the questions marked public, which the
report's public page shows too; no title, description, address or name.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from django.db.models import Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.models import Unit, Wilayah
from balai.lapor.models import Category, CategoryQuestion, Report
from balai.lapor.questions import answers_in_one_cell, public_questions

from . import tables as t
from .exports import neutralise
from .models import DurationCell, Grain, Measure, StatCell
from .selectors import percentile
from .summary import FACT_FIELDS, Fact, _context, fact_of

CHUNK: Final = 2000
YES: Final = "ya"
NO: Final = "tidak"


@dataclass(frozen=True)
class DataField:
    """One column of an open-data file: its fixed name, what it means, and an example value."""

    name: str
    meaning: str | Promise
    example: str


# The header of the report file, in order. Names are fixed identifiers (Indonesian, like the status codes they
# sit beside); only their explanations are translated.
REPORT_FIELDS: Final = (
    DataField("kode_pelacakan", gettext_lazy("The report's tracking code, as on its public page."), "BTG-7K3Q-9XFA"),
    DataField("tanggal_masuk", gettext_lazy("The day the report was received (local date, YYYY-MM-DD)."), "2026-03-02"),
    DataField(
        "status",
        gettext_lazy(
            "Where the report is now: diterima (received), ditunda (awaiting clarification), diverifikasi "
            "(verified), didisposisikan (dispatched to an OPD), diproses (in progress), selesai (finished) or "
            "bukan_wewenang (not the Pemda's authority)."
        ),
        "selesai",
    ),
    DataField("kategori", gettext_lazy("The category the coordinator filed the report in."), "Jalan rusak"),
    DataField("opd", gettext_lazy("The OPD handling the report; empty until it is dispatched."), "Dinas PUPR"),
    DataField("kode_kecamatan", gettext_lazy("The kecamatan's official Kemendagri code."), "71.72.01"),
    DataField("kecamatan", gettext_lazy("The kecamatan's name."), "Lembeh Selatan"),
    DataField("kode_kelurahan", gettext_lazy("The kelurahan or desa's official Kemendagri code."), "71.72.01.1001"),
    DataField("kelurahan", gettext_lazy("The kelurahan or desa's name."), "Pasir Panjang"),
    DataField(
        "tanggal_diverifikasi",
        gettext_lazy("The day the coordinator verified the report; empty if not yet."),
        "2026-03-03",
    ),
    DataField(
        "tanggal_selesai",
        gettext_lazy("The day the OPD finished the report; empty while it is not finished (also after a reopening)."),
        "2026-03-04",
    ),
    DataField(
        "selesai_tepat_waktu",
        gettext_lazy("ya if it was finished by its deadline, tidak if later; empty while not finished."),
        YES,
    ),
    DataField(
        "hari_kerja_sampai_selesai",
        gettext_lazy("Working days from receipt to finishing (weekends, national holidays and cuti bersama excluded)."),
        "2",
    ),
    DataField("penilaian", gettext_lazy("The reporter's rating, 1 to 5 stars; empty if not rated."), "5"),
    DataField(
        "jawaban",
        gettext_lazy(
            "The reporter's answers to the category's questions that the Pemda publishes, as “question: answer”, "
            "separated by “ | ”; empty if none."
        ),
        "Seberapa besar kerusakannya?: Sedang (1–3 meter)",
    ),
)
REPORT_HEADER: Final = tuple(f.name for f in REPORT_FIELDS)


def public_reports(*, start: datetime | None = None, end: datetime | None = None) -> QuerySet[Report]:
    """Every report the public may see (`Report.objects.public()`: published, not rahasia, not archived: spam and
    merged duplicates are archived).

    With `is_confidential IN (false)` once more: Django writes `= false` as `NOT is_confidential`, which SQLite
    cannot look up in the `report_public_recent` index (is_confidential, created_at).
    """
    qs = Report.objects.public().filter(is_confidential__in=[False])
    qs = qs.order_by("created_at", "pk")
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    return qs


def report_page(
    *, after: tuple[datetime, int] | None, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Report]:
    """The next rows after `after` = (created_at, id) of the last row sent: a seek on the index, never an offset."""
    qs = public_reports(start=start, end=end)
    if after is not None:
        # The plain bound first, so the database seeks to it; the OR only breaks ties between equal timestamps.
        qs = qs.filter(created_at__gte=after[0]).filter(Q(created_at__gt=after[0]) | Q(pk__gt=after[1]))
    return qs


def _row(
    values: dict[str, Any],
    fact: Fact,
    names: dict[str, dict[Any, str]],
    questions: dict[int, dict[str, CategoryQuestion]],
) -> list[Any]:
    finished = fact.finished is not None
    return [
        values["code"],
        fact.received.isoformat(),
        values["status"],
        neutralise(names["category"].get(fact.category, "")),
        neutralise(names["unit"].get(fact.unit, "")) if fact.unit else "",
        fact.kecamatan,
        neutralise(names["wilayah"].get(fact.kecamatan, "")),
        fact.kelurahan,
        neutralise(names["wilayah"].get(fact.kelurahan, "")),
        fact.verified.isoformat() if fact.verified else "",
        fact.finished.isoformat() if fact.finished else "",
        (YES if fact.on_time else NO) if finished else "",
        fact.finish_days if finished else "",
        values["rating"] or "",
        neutralise(answers_in_one_cell(values["answers"], questions.get(values["category_id"], {}))),
    ]


def report_csv_chunks(
    *, start: datetime | None = None, end: datetime | None = None, chunk: int = CHUNK
) -> Iterator[bytes]:
    """The report file, piece by piece: UTF-8 with a byte-order mark (as every Balai CSV), CRLF, the header first."""
    ctx = _context()
    questions = public_questions()
    names: dict[str, dict[Any, str]] = {
        "category": dict(Category.objects.values_list("pk", "name")),
        "unit": dict(Unit.objects.values_list("pk", "name")),
        "wilayah": {},
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    yield buffer.getvalue().encode("utf-8-sig")
    after: tuple[datetime, int] | None = None
    while True:
        rows = list(report_page(after=after, start=start, end=end).values(*FACT_FIELDS, "code", "answers")[:chunk])
        if not rows:
            return
        places = {code for row in rows for code in (row["kecamatan_id"], row["kelurahan_id"])} - names["wilayah"].keys()
        if places:
            names["wilayah"].update(Wilayah.objects.filter(code__in=places).values_list("code", "name"))
        buffer.seek(0)
        buffer.truncate()
        for values in rows:
            writer.writerow(_row(values, fact_of(values, ctx), names, questions))
        yield buffer.getvalue().encode("utf-8")
        after = (rows[-1]["created_at"], rows[-1]["pk"])


# --- Monthly figures per OPD or category, from the summary tables -----------------------------------------------

# For each breakdown: the summary column, the table's slug (its file name) and its title.
MONTHLY_BY: Final = {
    "unit": ("unit_id", "bulanan-opd", gettext_lazy("Month by month per OPD")),
    "category": ("category_id", "bulanan-kategori", gettext_lazy("Month by month per category")),
}


def monthly_columns(by: str) -> tuple[t.Column, ...]:
    return (
        t.Column("month", _("Month"), t.MONTH),
        t.Column("name", _("OPD") if by == "unit" else _("Category")),
        t.Column("received", _("Received"), t.INT),
        t.Column("verified", _("Verified"), t.INT),
        t.Column("finished", _("Finished"), t.INT),
        t.Column("finished_on_time", _("Finished by the deadline"), t.INT),
        t.Column("sla", _("Finished on time"), t.PCT),
        t.Column("verify_median", _("Median working days to verify"), t.DAYS),
        t.Column("finish_median", _("Median working days to finish"), t.DAYS),
        t.Column("finish_p90", _("90th percentile of working days to finish"), t.DAYS),
        t.Column("rated", _("Ratings"), t.INT),
        t.Column("rating", _("Average rating"), t.RATING),
    )


MONTHLY_MEANINGS: Final = {
    "month": gettext_lazy("The month, YYYY-MM."),
    "name": gettext_lazy("The OPD or the category. “Not yet dispatched”: reports no OPD handles yet."),
    "received": gettext_lazy("Public reports that arrived in the month."),
    "verified": gettext_lazy("Reports the coordinator verified in the month."),
    "finished": gettext_lazy("Reports finished in the month."),
    "finished_on_time": gettext_lazy("Of those, the reports finished by their deadline."),
    "sla": gettext_lazy("The share finished by the deadline, 0 to 100."),
    "verify_median": gettext_lazy("Half of the reports verified in the month took at most this many working days."),
    "finish_median": gettext_lazy("Half of the reports finished in the month took at most this many working days."),
    "finish_p90": gettext_lazy("9 in 10 of the reports finished in the month took at most this many working days."),
    "rated": gettext_lazy("Ratings reporters gave in the month."),
    "rating": gettext_lazy("Their average, 1 to 5 stars."),
}


def monthly_table(*, by: str, first: date | None = None, last: date | None = None) -> t.Table:
    """One row per month and OPD (or category) with public reports, from the summary tables only."""
    column, slug, title = MONTHLY_BY[by]
    cells = StatCell.objects.filter(grain=Grain.MONTH, is_public=True)
    durations = DurationCell.objects.filter(dimension=by, is_public=True)
    if first is not None:
        cells, durations = cells.filter(period__gte=first), durations.filter(month__gte=first)
    if last is not None:
        cells, durations = cells.filter(period__lte=last), durations.filter(month__lte=last)
    sums = {m: Sum(m) for m in ("received", "verified", "finished", "finished_on_time", "rated", "rating_sum")}
    grouped = list(cells.values("period", column).annotate(**sums).order_by())
    histograms: dict[tuple[date, str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for month, key, measure, days, reports in durations.values_list("month", "key", "measure", "days", "reports"):
        histograms[(month, key, measure)][days] += reports
    if by == "unit":
        names = dict(Unit.objects.values_list("pk", "name"))
        names[0] = _("Not yet dispatched")
    else:
        names = dict(Category.objects.values_list("pk", "name"))
    rows = []
    for sums_row in grouped:
        month, key = sums_row["period"], sums_row[column]
        finished, rated = sums_row["finished"] or 0, sums_row["rated"] or 0
        verify = histograms.get((month, str(key), Measure.VERIFY), {})
        finish = histograms.get((month, str(key), Measure.FINISH), {})
        rows.append({
            "month": month,
            "name": names.get(key, str(key)),
            "received": sums_row["received"] or 0,
            "verified": sums_row["verified"] or 0,
            "finished": finished,
            "finished_on_time": sums_row["finished_on_time"] or 0,
            "sla": (sums_row["finished_on_time"] or 0) / finished if finished else None,
            "verify_median": percentile(verify, 0.5),
            "finish_median": percentile(finish, 0.5),
            "finish_p90": percentile(finish, 0.9),
            "rated": rated,
            "rating": (sums_row["rating_sum"] or 0) / rated if rated else None,
        })  # fmt: skip
    rows = [r for r in rows if r["received"] or r["verified"] or r["finished"] or r["rated"]]
    rows.sort(key=lambda r: (r["month"], str(r["name"]).casefold()))
    return t.Table(
        slug=slug,
        title=str(title),
        columns=monthly_columns(by),
        rows=tuple(rows),
        note=_(
            "Public reports only (not rahasia, not archived). Received, verified, finished and rated: what happened "
            "in the month. Working days exclude weekends, national holidays and cuti bersama."
        ),
    )
