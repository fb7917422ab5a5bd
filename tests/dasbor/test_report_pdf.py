"""The monthly PDF for the mayor, built from hand-made figures: a valid PDF with the cover, figures and tables."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.utils import translation
from pypdf import PdfReader

from balai.dasbor import charts
from balai.dasbor.report_pdf import build_monthly_pdf, kpi_text

from .sample_tables import monthly_trend, opd_ranking, status_shares

PEMDA = SimpleNamespace(name="Pemerintah Kota Bitung", short_name="Kota Bitung", time_zone="Asia/Makassar", logo=None)


def build(language: str = "id", **overrides) -> bytes:
    # The charts format their labels in the active language too: everything is made under the reader's language,
    # whatever an earlier test left active in this thread.
    with translation.override(language):
        return build_monthly_pdf(**_arguments(**overrides))


def _arguments(**overrides) -> dict:
    return {
        "pemda": PEMDA,
        "month": date(2026, 1, 1),
        "kpis": {"Reports received": 1739, "On time": (0.842, "pct"), "Median working days": (3.5, "days")},
        "tables": [opd_ranking(), status_shares()],
        "charts": [
            ("Open per OPD", charts.bar_chart(opd_ranking(), label="opd", value="backlog")),
            ("By status", charts.share_chart(status_shares(), label="status", value="count")),
            ("Per month", charts.trend_chart(monthly_trend(), x="month", series=["received", "done"])),
        ],
        "scope_label": "Seluruh Pemda",
        "generated_at": datetime(2026, 2, 2, 0, 30, tzinfo=UTC),
        **overrides,
    }


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def indonesian() -> bytes:
    return build("id")


def test_the_report_is_a_pdf_with_the_pemda_and_the_month_on_the_cover(indonesian):
    assert indonesian.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(indonesian))
    cover = reader.pages[0].extract_text()
    assert "Pemerintah Kota Bitung" in cover
    assert "Januari 2026" in cover
    assert "Seluruh Pemda" in cover
    # Generated at 00:30 UTC is 08.30 in Bitung (WITA).
    assert "2 Februari 2026" in cover
    assert "8.30 WITA" in cover
    assert reader.metadata.title.endswith("Pemerintah Kota Bitung · Januari 2026")
    assert reader.metadata.creator == "Balai"


def test_the_key_figures_are_on_the_cover_in_the_readers_language(indonesian):
    cover = PdfReader(io.BytesIO(indonesian)).pages[0].extract_text()
    assert "1.739" in cover
    assert "84,2%" in cover
    assert "3,5" in cover
    english = PdfReader(io.BytesIO(build("en"))).pages[0].extract_text()
    assert "1,739" in english
    assert "84.2%" in english
    assert "January 2026" in english


def test_the_tables_follow_with_their_rows_formatted_and_their_notes(indonesian):
    text = text_of(indonesian)
    assert "OPD ranking" in text
    assert "Dinas Kesehatan" in text
    assert "87,5%" in text
    assert "January 2026" in text  # the table's note
    assert "Reports by status" in text
    # The charts are drawn as vector text too.
    assert "Open per OPD" in text
    assert "60 (60,0%)" in text


def test_every_page_has_a_footer_with_its_number(indonesian):
    reader = PdfReader(io.BytesIO(indonesian))
    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"Halaman {number} dari {count}" in page.extract_text()


def test_the_how_to_read_notes_close_the_report(indonesian):
    last = PdfReader(io.BytesIO(indonesian)).pages[-1].extract_text()
    assert "Cara membaca laporan ini" in last
    assert "rahasia" in last


def test_a_month_without_data_still_gives_a_readable_report():
    content = build("en", kpis={}, tables=[], charts=[])
    text = text_of(content)
    assert "Pemerintah Kota Bitung" in text
    assert "How to read this report" in text


def test_a_long_table_repeats_its_header_on_every_page():
    table = opd_ranking()
    rows = tuple({**table.rows[0], "opd": f"Unit {i}"} for i in range(120))
    long_table = type(table)(slug=table.slug, title=table.title, columns=table.columns, rows=rows)
    reader = PdfReader(io.BytesIO(build("en", tables=[long_table], charts=[])))
    pages_with_rows = [p.extract_text() for p in reader.pages if "Unit " in p.extract_text()]
    assert len(pages_with_rows) >= 3
    assert all("Received" in p and "Open" in p for p in pages_with_rows)
    assert "Unit 119" in pages_with_rows[-1]


def test_key_figures_accept_text_numbers_and_typed_pairs():
    with translation.override("id"):
        assert kpi_text(1234) == "1.234"
        assert kpi_text(2.25) == "2,3"
        assert kpi_text((0.5, "pct")) == "50,0%"
        assert kpi_text(None) == "—"
        assert kpi_text("8 dari 12") == "8 dari 12"
