"""The public statistics page: no sign-in, the public figures of the chosen period, nothing rahasia or personal."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from balai.dasbor import tables as t
from balai.dasbor.selectors import Filters, Period, Reach, breakdown, kpis
from balai.lapor.models import Category, Weight
from tests.factories import kelurahan, make_report
from tests.lapor.backoffice.steps import dispatched, unit

from .public_scenario import HIDDEN, NOW, SECRETS, march

URL = "/statistik/"
MARCH = Period(date(2026, 3, 1), date(2026, 3, 1))
TABLES = ["tren-bulanan", "peringkat-opd", "per-category", "per-kecamatan"]


@pytest.fixture
def reports(publish_on_arrival: Any, coordinator: Any, operator_pupr: Any, time_machine: Any) -> dict[str, Any]:
    return march(time_machine, coordinator, operator_pupr)


def visitor() -> Client:
    client = Client()
    client.cookies["django_language"] = "id"
    return client


def tile(page: str, key: str) -> str:
    found = re.search(rf'id="kpi-{key}">.*?<strong class="stat-value">(.*?)</strong>', page, re.S)
    assert found, f"no tile {key}"
    return html.unescape(found.group(1))


def days(value: int | None) -> str:
    return "—" if value is None else ("1 hari kerja" if value == 1 else f"{value} hari kerja")


@pytest.mark.parametrize(
    ("choice", "period"),
    [
        ("bulan-ini", MARCH),
        ("bulan-lalu", Period(date(2026, 2, 1), date(2026, 2, 1))),
        ("3-bulan", Period(date(2026, 1, 1), date(2026, 3, 1))),
        ("12-bulan", Period(date(2025, 4, 1), date(2026, 3, 1))),
        ("2026", Period(date(2026, 1, 1), date(2026, 3, 1))),
    ],
)
def test_the_page_shows_the_public_figures_of_the_chosen_period_without_sign_in(
    reports: Any, choice: str, period: Period
) -> None:
    response = visitor().get(URL, {"periode": choice})
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("id"):
        k = kpis(period=period, filters=Filters(), reach=Reach.everyone(), now=NOW)
        assert tile(page, "received") == t.format_value(k.received, t.INT)
        assert tile(page, "verified") == t.format_value(k.verified, t.INT)
        assert tile(page, "finished") == t.format_value(k.finished, t.INT)
        assert tile(page, "sla") == t.format_value(k.sla, t.PCT)
        assert tile(page, "verify_days") == days(k.verify_median)
        assert tile(page, "finish_days") == days(k.finish_median)
        assert tile(page, "open_now") == t.format_value(k.open_now, t.INT)
        assert f'<option value="{choice}" selected>' in page
        assert f"Angka untuk {period.label()}." in html.unescape(page)


def test_march_counts_only_the_public_reports(reports: Any) -> None:
    page = visitor().get(URL, {"periode": "bulan-ini"}).content.decode()
    # Received in March: finished, late, open (public); rahasia, spam and duplicate are not counted.
    assert (tile(page, "received"), tile(page, "finished"), tile(page, "sla")) == ("3", "2", "50,0%")
    assert tile(page, "finish_days") == "2 hari kerja"  # nearest rank over [2, 5]
    assert tile(page, "rating") == "4,0 / 5"
    everything = kpis(period=MARCH, filters=Filters(), reach=Reach(), now=NOW)
    assert (everything.received, everything.finished) == (6, 3)  # what staff see: the rahasia and archived too


def test_a_rahasia_report_leaves_no_trace_in_the_category_table(reports: Any) -> None:
    pendidikan = Category.objects.get(slug="pendidikan").name
    staff_view = breakdown(by="category", period=MARCH, filters=Filters(), reach=Reach(), now=NOW)
    assert pendidikan in [row["name"] for row in staff_view.rows]  # the rahasia report is there for staff
    page = visitor().get(URL, {"periode": "bulan-ini"}).content.decode()
    table = page[page.index('id="tabel-per-category"') :]
    table = table[: table.index("</table>")]
    assert pendidikan not in html.unescape(table)
    csv = visitor().get(URL, {"periode": "bulan-ini", "format": "csv", "table": "per-category"}).content
    assert pendidikan.encode() not in csv


def _files(client: Client, choice: str) -> dict[str, bytes]:
    files = {}
    for slug in TABLES:
        for fmt in ("csv", "xlsx"):
            response = client.get(URL, {"periode": choice, "format": fmt, "table": slug})
            assert response.status_code == 200, (slug, fmt)
            files[f"{slug}.{fmt}"] = response.content
    files["all.xlsx"] = client.get(URL, {"periode": choice, "format": "xlsx"}).content
    return files


def _readable(name: str, content: bytes) -> str:
    """The text inside a file: a CSV as is, an XLSX unzipped (its cells live in XML parts)."""
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(part).decode("utf-8") for part in archive.namelist())
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("choice", ["bulan-ini", "12-bulan"])
def test_no_personal_data_or_hidden_report_on_the_page_or_in_any_export(reports: Any, choice: str) -> None:
    client = visitor()
    page = client.get(URL, {"periode": choice}).content.decode()
    texts = {"page": html.unescape(page)}
    texts.update({name: html.unescape(_readable(name, content)) for name, content in _files(client, choice).items()})
    hidden_codes = [reports[tag].code for tag in HIDDEN]
    for name, text in texts.items():
        for secret in [*SECRETS, *hidden_codes]:
            assert secret not in text, (name, secret)
    # Not even the public reports' codes: the page and its tables are figures only.
    assert all(reports[tag].code not in texts["page"] for tag in reports)


def test_the_tables_download_as_csv_and_xlsx(reports: Any) -> None:
    client = visitor()
    response = client.get(URL, {"periode": "bulan-ini", "format": "csv", "table": "peringkat-opd"})
    assert response["Content-Type"].startswith("text/csv")
    assert "peringkat-opd-2026-03.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    pupr = next(line for line in lines if line.startswith(unit("dinas-pupr").name))
    assert pupr.split(",")[1:4] == ["3", "2", "50"]  # received, finished, on time (%)
    workbook = client.get(URL, {"periode": "bulan-ini", "format": "xlsx"})
    assert workbook.content.startswith(b"PK")
    assert "statistik-2026-03.xlsx" in workbook["Content-Disposition"]
    assert client.get(URL, {"format": "csv", "table": "tidak-ada"}).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "1999", "2031", "2026-13", "<script>alert(1)</script>", "9" * 80])
def test_a_malformed_period_falls_back_to_the_last_12_months(reports: Any, value: str) -> None:
    response = visitor().get(URL, {"periode": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="12-bulan" selected>' in page
    assert "<script>alert" not in page
    assert tile(page, "received") == "4"  # February and March, public only


def test_the_page_is_light_and_works_without_javascript(reports: Any) -> None:
    response = visitor().get(URL)
    page = response.content.decode()
    assert len(response.content) < 50_000
    assert "<script" not in page
    assert 'method="get" action="/statistik/"' in page  # the period chooser is a plain form
    assert page.count("<svg") == 1


def test_the_site_links_to_the_statistics_and_the_open_data(city: Any) -> None:
    page = visitor().get("/").content.decode()
    assert 'href="/statistik/"' in page
    assert 'href="/statistik/data/"' in page


def _spread(count: int, coordinator: Any) -> None:
    """Reports in every category, kecamatan and OPD we can reach, half of them dispatched."""
    categories = list(Category.objects.filter(is_active=True))
    places = ["Girian Bawah", "Madidir Ure", "Pasir Panjang", "Aertembaga Satu", "Manembo-nembo"]
    for i in range(count):
        report = make_report(category=categories[i % len(categories)], kelurahan=kelurahan(places[i % len(places)]))
        if i % 2:
            lead = categories[i % len(categories)].default_unit
            dispatched(report, coordinator, lead=lead.slug if lead else "dinas-pupr", weight=Weight.NORMATIF)


def test_the_number_of_queries_does_not_grow_with_the_reports(
    publish_on_arrival: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    client = visitor()
    _spread(3, coordinator)
    client.get(URL)  # fills the per-process memos (the Pemda, the calendar)
    cache.clear()  # every measured request counts afresh
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _spread(27, coordinator)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert tile(page, "received") == "30"


def test_the_figures_are_counted_at_most_every_five_minutes_and_the_page_says_when(
    reports: Any, time_machine: Any, django_assert_max_num_queries: Any
) -> None:
    client = visitor()
    page = client.get(URL, {"periode": "bulan-ini"}).content.decode()
    assert tile(page, "received") == "3"
    assert "Dihitung pukul 10:00" in html.unescape(page)
    make_report()
    time_machine.move_to(NOW + timedelta(minutes=4), tick=False)
    with django_assert_max_num_queries(3):  # the Pemda's memo, the cached figures
        again = client.get(URL, {"periode": "bulan-ini"}).content.decode()
    assert tile(again, "received") == "3"
    time_machine.move_to(NOW + timedelta(minutes=6), tick=False)
    later = client.get(URL, {"periode": "bulan-ini"}).content.decode()
    assert tile(later, "received") == "4"
