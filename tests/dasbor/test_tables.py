"""Tables: values formatted in the reader's language, sorting, and the accessible HTML of dasbor/_table.html."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from balai.dasbor.tables import DAYS, INT, MONTH, PCT, RATING, WEEK, Column, Table, format_value, sort_table

from .sample_tables import opd_ranking


@pytest.mark.parametrize(
    ("value", "kind", "indonesian", "english"),
    [
        (1234567, INT, "1.234.567", "1,234,567"),
        (0.875, PCT, "87,5%", "87.5%"),
        (0.9996, PCT, "100,0%", "100.0%"),
        (0.99949, PCT, "99,9%", "99.9%"),
        (3.25, DAYS, "3,3", "3.3"),
        (4.25, RATING, "4,3", "4.3"),
        (date(2026, 1, 1), MONTH, "Januari 2026", "January 2026"),
        (date(2026, 8, 3), WEEK, "3 Agu 2026", "3 Aug 2026"),
        ("Dinas PUPR", "text", "Dinas PUPR", "Dinas PUPR"),
        (None, PCT, "—", "—"),
        (None, INT, "—", "—"),
    ],
)
def test_values_are_formatted_in_the_active_language(value, kind, indonesian, english):
    with translation.override("id"):
        assert format_value(value, kind) == indonesian
    with translation.override("en"):
        assert format_value(value, kind) == english


def test_halves_round_away_from_zero_as_people_expect():
    with translation.override("en"):
        assert format_value(0.0005, PCT) == "0.1%"
        assert format_value(2.5, INT) == "3"
        assert format_value(2.45, DAYS) == "2.5"


def test_a_table_refuses_an_unsafe_slug_duplicate_keys_and_unknown_kinds():
    with pytest.raises(ValueError, match="slug"):
        Table(slug="../etc", title="x", columns=(), rows=())
    with pytest.raises(ValueError, match="Duplicate"):
        Table(slug="t", title="x", columns=(Column("a", "A"), Column("a", "B")), rows=())
    with pytest.raises(ValueError, match="kind"):
        Column("a", "A", kind="money")


def test_sorting_puts_the_largest_first_and_empty_cells_last():
    table = opd_ranking()
    by_rate = sort_table(table, "-on_time")
    assert [r["opd"] for r in by_rate.rows] == ["Dinas Kesehatan", "Dinas PUPR", "Satpol PP"]
    ascending = sort_table(table, "on_time")
    assert [r["opd"] for r in ascending.rows] == ["Dinas PUPR", "Dinas Kesehatan", "Satpol PP"]


def test_text_sorts_without_regard_to_case_and_unknown_keys_change_nothing():
    table = Table(
        slug="t", title="T", columns=(Column("name", "Name"),), rows=({"name": "b"}, {"name": "C"}, {"name": "a"})
    )
    assert [r["name"] for r in sort_table(table, "name").rows] == ["a", "b", "C"]
    assert sort_table(table, "-nope") is table
    assert sort_table(table, None) is table


def _render(table, path="/staf/dasbor/?periode=2026-01", **context):
    request = RequestFactory().get(path)
    with translation.override("en"):
        html = render_to_string("dasbor/_table.html", {"table": table, "request": request, **context})
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_the_table_has_a_caption_column_and_row_headers_and_right_aligned_numbers():
    doc = _render(opd_ranking())
    table = doc.find(".//table")
    assert table.find("caption").text_content() == "OPD ranking"
    headers = table.findall("thead/tr/th")
    assert [th.get("scope") for th in headers] == ["col"] * 6
    assert [th.text_content() for th in headers][:3] == ["OPD", "Received", "Open"]
    assert "num" not in (headers[0].get("class") or "")
    assert all("num" in th.get("class") for th in headers[1:])
    rows = table.findall("tbody/tr")
    assert len(rows) == 3
    first = rows[0]
    assert first[0].tag == "th"
    assert first[0].get("scope") == "row"
    assert first[0].find("a").get("href") == "/staf/x/pupr/"
    assert [td.text_content() for td in first[1:]] == ["1,234", "40", "87.5%", "3.3", "4.3"]
    assert all("num" in td.get("class") for td in first[1:])
    # An empty cell shows a dash to the eye and says "no data" to a screen reader.
    empty = rows[2][3]
    assert empty.find("span[@aria-hidden='true']").text == "—"
    assert "no data" in empty.text_content()
    # The scrolling box can be reached by keyboard and is named by the caption.
    region = doc.find(".//div[@role='region']")
    assert region.get("tabindex") == "0"
    assert region.get("aria-labelledby") == table.find("caption").get("id")


def test_the_note_is_printed_under_the_table():
    doc = _render(opd_ranking())
    assert doc.find(".//p[@class='table-note']").text_content() == "January 2026"


def test_export_links_keep_the_page_filters_and_name_the_table():
    doc = _render(opd_ranking(), export=True)
    links = doc.findall(".//p[@class='table-exports']/a")
    assert len(links) == 2
    queries = [parse_qs(urlsplit(a.get("href")).query) for a in links]
    assert queries[0] == {"periode": ["2026-01"], "format": ["csv"], "table": ["opd-ranking"]}
    assert queries[1] == {"periode": ["2026-01"], "format": ["xlsx"], "table": ["opd-ranking"]}


def test_no_export_links_unless_asked():
    assert _render(opd_ranking()).find(".//p[@class='table-exports']") is None


def test_sortable_headers_link_to_the_next_order_and_announce_the_current_one():
    doc = _render(opd_ranking(), path="/staf/dasbor/?periode=2026-01&sort=-backlog", sortable=True)
    headers = doc.findall(".//thead/tr/th")
    by_label = {th.text_content().strip("▲▼"): th for th in headers}
    assert by_label["Open"].get("aria-sort") == "descending"
    assert parse_qs(urlsplit(by_label["Open"].find("a").get("href")).query)["sort"] == ["backlog"]
    # Numbers sort largest first on the first click, names from A.
    assert parse_qs(urlsplit(by_label["Received"].find("a").get("href")).query)["sort"] == ["-received"]
    assert parse_qs(urlsplit(by_label["OPD"].find("a").get("href")).query)["sort"] == ["opd"]
    assert by_label["OPD"].get("aria-sort") is None
    assert parse_qs(urlsplit(by_label["OPD"].find("a").get("href")).query)["periode"] == ["2026-01"]


def test_a_table_without_rows_says_so():
    table = Table(slug="empty", title="Nothing", columns=(Column("a", "A"), Column("n", "N", INT)), rows=())
    doc = _render(table)
    cell = doc.find(".//tbody/tr/td")
    assert cell.get("colspan") == "2"
    assert cell.text_content() == "No data for this period."


def test_wide_tables_are_marked_to_stack_on_a_phone_and_narrow_ones_are_not():
    assert "stack" in _render(opd_ranking()).find(".//table").get("class")
    narrow = Table(slug="n", title="N", columns=(Column("a", "A"), Column("n", "N", INT)), rows=({"a": "x", "n": 1},))
    doc = _render(narrow)
    assert "stack" not in doc.find(".//table").get("class")
    assert doc.find(".//tbody/tr/td").get("data-label") == "N"


def test_text_from_the_data_is_escaped():
    table = Table(slug="x", title="<b>T</b>", columns=(Column("a", "A"),), rows=({"a": "<script>alert(1)</script>"},))
    doc = _render(table)
    assert doc.find(".//script") is None
    assert doc.find(".//tbody/tr/th").text_content() == "<script>alert(1)</script>"
