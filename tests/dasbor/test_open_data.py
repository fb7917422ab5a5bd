"""Open data: the public reports as a streamed CSV without personal data, the monthly figures, the data dictionary."""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from balai.dasbor import open_data
from balai.dasbor.open_data import REPORT_HEADER, report_csv_chunks, report_page
from balai.dasbor.public_views import open_data_reports
from balai.lapor.models import Category, CategoryQuestion, Report
from tests.factories import make_report

from .public_scenario import HIDDEN, PUBLIC, SECRETS, WITA, at, march

URL = "/statistik/data/laporan.csv"
PAGE = "/statistik/data/"


@pytest.fixture
def reports(publish_on_arrival: Any, coordinator: Any, operator_pupr: Any, time_machine: Any) -> dict[str, Any]:
    return march(time_machine, coordinator, operator_pupr)


def download(client: Client, url: str, params: dict[str, Any] | None = None) -> tuple[Any, bytes]:
    response = client.get(url, params or {})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def rows_of(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert tuple(lines[0]) == REPORT_HEADER
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def test_the_file_holds_exactly_the_public_reports_under_the_documented_header(reports: Any) -> None:
    response, body = download(Client(), URL)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert 'filename="laporan-publik-kota-bitung-semua.csv"' in response["Content-Disposition"]
    rows = rows_of(body)
    assert sorted(row["kode_pelacakan"] for row in rows) == sorted(reports[tag].code for tag in PUBLIC)
    assert [row["tanggal_masuk"] for row in rows] == sorted(row["tanggal_masuk"] for row in rows)  # oldest first


def test_each_row_tells_dates_place_and_timing_as_the_summary_counts_them(reports: Any) -> None:
    rows = {row["kode_pelacakan"]: row for row in rows_of(download(Client(), URL)[1])}
    finished = rows[reports["finished"].code]
    assert finished == {
        "kode_pelacakan": reports["finished"].code,
        "tanggal_masuk": "2026-03-02",
        "status": "selesai",
        "kategori": "Jalan rusak",
        "opd": reports["finished"].lead_unit.name,
        "kode_kecamatan": "71.72.06",
        "kecamatan": "Girian",
        "kode_kelurahan": "71.72.06.1003",
        "kelurahan": "Girian Bawah",
        "tanggal_diverifikasi": "2026-03-03",
        "tanggal_selesai": "2026-03-04",
        "selesai_tepat_waktu": "ya",
        "hari_kerja_sampai_selesai": "2",
        "penilaian": "4",
        "jawaban": "",
    }
    late = rows[reports["late"].code]
    assert (late["selesai_tepat_waktu"], late["hari_kerja_sampai_selesai"], late["penilaian"]) == ("tidak", "5", "")
    still = rows[reports["open"].code]
    assert (still["status"], still["tanggal_selesai"], still["selesai_tepat_waktu"]) == ("diproses", "", "")
    waiting = rows[reports["february"].code]
    assert (waiting["opd"], waiting["tanggal_diverifikasi"], waiting["kelurahan"]) == ("", "", "Madidir Ure")


def test_no_personal_data_citizen_text_or_hidden_report_in_the_file(reports: Any) -> None:
    text = download(Client(), URL)[1].decode("utf-8-sig")
    for secret in SECRETS:
        assert secret not in text, secret
    for tag in HIDDEN:
        assert reports[tag].code not in text, tag
    # The public title is written from the citizen's words: left out too.
    public_titles = [r.public_title for r in Report.objects.public() if r.public_title]
    assert public_titles and not any(title in text for title in public_titles)


def test_a_year_or_a_month_narrows_the_file(reports: Any) -> None:
    client = Client()
    response, body = download(client, URL, {"tahun": "2026", "bulan": "3"})
    assert 'filename="laporan-publik-kota-bitung-2026-03.csv"' in response["Content-Disposition"]
    assert sorted(r["kode_pelacakan"] for r in rows_of(body)) == sorted(reports[t].code for t in PUBLIC[1:])
    response, body = download(client, URL, {"tahun": "2026", "bulan": "2"})
    assert [r["kode_pelacakan"] for r in rows_of(body)] == [reports["february"].code]
    response, body = download(client, URL, {"tahun": "2025"})
    assert 'filename="laporan-publik-kota-bitung-2025.csv"' in response["Content-Disposition"]
    assert rows_of(body) == []


def test_a_head_request_gets_the_headers_without_reading_the_reports(
    reports: Any, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().head(URL)
    request.pemda = None  # type: ignore[attr-defined]
    response = open_data_reports(request)
    assert response["Cache-Control"] == "public, max-age=3600"
    assert 'filename="laporan-publik-semua.csv"' in response["Content-Disposition"]
    with django_assert_num_queries(0):
        assert b"".join(response.streaming_content) == b""


@pytest.mark.parametrize(
    "params",
    [{"tahun": "abc"}, {"tahun": "1999"}, {"tahun": "2027"}, {"bulan": "3"}, {"tahun": "2026", "bulan": "13"},
     {"tahun": "2026", "bulan": "x"}, {"tahun": "2026", "bulan": "²"}, {"tahun": "２０２６"}, {"tahun": "2026\n"}],
)  # fmt: skip
def test_a_malformed_year_or_month_is_refused_with_an_explanation(reports: Any, params: dict[str, str]) -> None:
    response = Client().get(URL, params)
    assert response.status_code == 400
    assert b"tahun" in response.content


def test_pages_of_the_stream_follow_each_other_even_when_reports_share_a_timestamp(
    publish_on_arrival: Any, time_machine: Any
) -> None:
    time_machine.move_to(at(2), tick=False)
    same_moment = [make_report().code for _ in range(5)]
    time_machine.move_to(at(3), tick=False)
    later = make_report().code
    whole = b"".join(report_csv_chunks())
    chunks = list(report_csv_chunks(chunk=2))
    assert len(chunks) == 1 + 3  # the header, then 6 rows in pages of 2
    assert b"".join(chunks) == whole
    codes = [row["kode_pelacakan"] for row in rows_of(whole)]
    assert codes == [*sorted(same_moment, key=lambda c: Report.objects.get(code=c).pk), later]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan text is SQLite's")
def test_each_page_of_the_stream_seeks_through_the_public_recent_index(city: Any) -> None:
    after = (datetime(2026, 3, 2, 9, tzinfo=WITA), 5)
    for start, end in [(None, None), (datetime(2026, 1, 1, tzinfo=WITA), datetime(2027, 1, 1, tzinfo=WITA))]:
        plan = report_page(after=after, start=start, end=end).values("pk")[:2000].explain()
        assert "USING INDEX report_public_recent (is_confidential=? AND created_at>?" in plan
        assert "SCAN lapor_report" not in plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan  # at most the tie-break by id is sorted, per timestamp


def test_the_open_data_page_documents_every_field_and_needs_no_sign_in(reports: Any) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(PAGE)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for field in open_data.REPORT_FIELDS:
        assert f"<code>{field.name}</code>" in page
        assert str(field.meaning) in page
    assert 'action="/statistik/data/laporan.csv"' in page
    for slug in ("bulanan-opd", "bulanan-kategori"):
        assert f"format=csv&table={slug}" in page


def test_the_monthly_figures_download_per_opd_and_per_category(reports: Any) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(PAGE, {"format": "csv", "table": "bulanan-opd", "tahun": "2026"})
    assert response.status_code == 200
    assert "bulanan-opd-2026.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header, rows = lines[0], lines[1:]
    assert header[:7] == ["Month", "OPD", "Received", "Verified", "Finished", "Finished by the deadline",
                          "Finished on time (%)"]  # fmt: skip
    pupr = reports["finished"].lead_unit.name
    march_pupr = next(row for row in rows if row[:2] == ["2026-03", pupr])
    assert march_pupr[2:7] == ["3", "3", "2", "1", "50"]  # the rahasia report, also of PUPR, is not counted
    assert next(row for row in rows if row[0] == "2026-02")[:2] == ["2026-02", "Not yet dispatched"]
    by_category = client.get(PAGE, {"format": "csv", "table": "bulanan-kategori"}).content.decode("utf-8-sig")
    assert "Pendidikan" not in by_category  # only the rahasia report was filed there
    workbook = client.get(PAGE, {"format": "xlsx"})
    assert workbook.content.startswith(b"PK")
    assert "statistik-bulanan-semua.xlsx" in workbook["Content-Disposition"]
    for body in (response.content, by_category.encode(), workbook.content):
        assert not any(secret.encode() in body for secret in SECRETS)


def test_a_malformed_year_on_the_monthly_figures_gives_the_whole_history(reports: Any) -> None:
    response = Client().get(PAGE, {"format": "csv", "table": "bulanan-opd", "tahun": "20x6"})
    assert response.status_code == 200
    assert "bulanan-opd-semua.csv" in response["Content-Disposition"]


def test_a_row_holds_the_answers_to_public_questions_only(publish_on_arrival: Any) -> None:
    jalan = Category.objects.get(slug="jalan-rusak")
    CategoryQuestion.objects.create(category=jalan, code="rumah_terdekat", label="Rumah siapa yang paling dekat?")
    answered = make_report(category=jalan, answers={"ukuran": "besar", "rumah_terdekat": "Rumah Ibu Wenas"})
    plain = make_report(category=jalan)

    rows = {row["kode_pelacakan"]: row for row in rows_of(download(Client(), URL)[1])}

    assert rows[answered.code]["jawaban"] == (
        "Seberapa besar kerusakannya?: Besar (lebih dari 3 meter atau seluruh badan jalan)"
    )
    assert rows[plain.code]["jawaban"] == ""
