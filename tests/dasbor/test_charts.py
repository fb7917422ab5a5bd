"""Server-drawn SVG charts: well-formed, named for screen readers, proportional, and allowed by a strict CSP."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from balai.dasbor import charts
from balai.dasbor.tables import INT, Column, Table

from .sample_tables import monthly_trend, opd_ranking, status_shares, weekly_rate

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return SafeET.fromstring(str(svg))


def all_charts() -> list[str]:
    return [
        charts.bar_chart(opd_ranking(), label="opd", value="backlog"),
        charts.bar_chart(opd_ranking(), label="opd", value="on_time", chart_id="rate"),
        charts.trend_chart(monthly_trend(), x="month", series=["received", "done"]),
        charts.trend_chart(weekly_rate(), x="week", series=["rate"], style="lines"),
        charts.share_chart(status_shares(), label="status", value="count"),
        charts.bar_chart(Table(slug="e", title="Empty", columns=(Column("a", "A"), Column("n", "N", INT)), rows=()),
                         label="a", value="n"),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(6))
def test_every_chart_is_an_image_named_by_its_title_and_description(index):
    with translation.override("id"):
        root = parse(all_charts()[index])
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 360 ")
    assert root.get("width") is None, "the chart scales with its box"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.get("id") == title_id
    assert desc.get("id") == desc_id
    assert title.text
    assert desc.text


@pytest.mark.parametrize("index", range(6))
def test_no_chart_needs_an_inline_style_or_a_script(index):
    with translation.override("id"):
        svg = str(all_charts()[index])
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag != f"{SVG}script"
    assert "<script" not in svg


def test_the_bar_chart_draws_one_bar_per_row_with_lengths_in_proportion():
    table = opd_ranking()
    with translation.override("en"):
        root = parse(charts.bar_chart(table, label="opd", value="received"))
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == len(table.rows)
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(360 - charts.BAR_ROOM_FOR_VALUE)
    assert widths[1] / widths[0] == pytest.approx(210 / 1234, abs=0.001)
    assert widths[2] == 0
    labels = [t.text for t in root.findall(f".//{SVG}g/{SVG}text")]
    assert labels[:2] == ["Dinas PUPR", "1,234"]


def test_shares_are_drawn_against_a_full_hundred_percent():
    with translation.override("id"):
        root = parse(charts.bar_chart(opd_ranking(), label="opd", value="on_time"))
    widths = [float(b.get("width")) for b in root.findall(f".//{SVG}rect[@class='bar']")]
    full = 360 - charts.BAR_ROOM_FOR_VALUE
    assert widths == pytest.approx([full * 0.875, full, 0], abs=0.06)
    values = [t.text for t in root.findall(f".//{SVG}text[@class='value']")]
    assert values == ["87,5%", "100,0%", "—"]


def test_coordinates_are_never_localised_while_labels_are():
    with translation.override("id"):
        svg = str(charts.bar_chart(opd_ranking(), label="opd", value="median_days"))
    root = parse(svg)
    for rect in root.iter(f"{SVG}rect"):
        float(rect.get("width"))  # "3,25" would fail here
    assert [t.text for t in root.findall(f".//{SVG}text[@class='value']")] == ["3,3", "2,0", "—"]


def test_the_description_names_the_highest_and_lowest_rows():
    with translation.override("en"):
        root = parse(charts.bar_chart(opd_ranking(), label="opd", value="backlog"))
    desc = root.find(f"{SVG}desc").text
    assert "Highest: Dinas PUPR, 40" in desc
    assert "Lowest: Satpol PP, 0" in desc


def test_labels_from_the_data_are_escaped():
    table = Table(slug="x", title="A & B <c>", columns=(Column("a", "A"), Column("n", "N", INT)),
                  rows=({"a": "<script>x</script> & co", "n": 3},))  # fmt: skip
    root = parse(charts.bar_chart(table, label="a", value="n"))
    assert root.find(f"{SVG}title").text == "A & B <c>"
    assert root.find(f".//{SVG}g/{SVG}text").text == "<script>x</script> & co"


def test_trend_bars_are_grouped_per_month_with_heights_in_proportion():
    table = monthly_trend()
    root = parse(charts.trend_chart(table, x="month", series=["received", "done"]))
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 24
    heights = [float(b.get("height")) for b in bars]
    # 120 is the largest value; the axis goes to a round 150 (0, 50, 100, 150).
    plot = charts.PLOT_BOTTOM - charts.PLOT_TOP
    assert heights[-2] == pytest.approx(plot * 120 / 150, abs=0.06)
    assert heights[0] / heights[-2] == pytest.approx(10 / 120, abs=0.002)
    assert heights[1] / heights[0] == pytest.approx(8 / 10, abs=0.01)
    # Two colours, one per series, and a legend naming them.
    assert {b.get("fill") for b in bars[0::2]} == {charts.BLUE}
    assert {b.get("fill") for b in bars[1::2]} == {charts.GREEN}
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Received" in texts
    assert "Finished" in texts


def test_a_trend_line_breaks_where_a_week_has_no_value():
    root = parse(charts.trend_chart(weekly_rate(), x="week", series=["rate"], style="lines"))
    lines = root.findall(f".//{SVG}polyline")
    assert len(lines) == 1, "week 1 stands alone, weeks 3 and 4 are joined"
    assert len(lines[0].get("points").split()) == 2
    assert len(root.findall(f".//{SVG}circle")) == 3


def test_month_ticks_are_spaced_and_the_year_is_shown_once():
    with translation.override("id"):
        root = parse(charts.trend_chart(monthly_trend(), x="month", series=["received"]))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert ticks[:2] == ["Jan", "2025"]
    assert "Des" in ticks
    assert len([t for t in ticks if t != "2025"]) <= charts.MAX_X_LABELS + 1


def test_nice_axis_tops():
    assert [charts.nice_ceiling(v) for v in (0, 0.3, 7, 12, 120, 240, 999)] == [1, 0.5, 10, 20, 200, 250, 1000]


@pytest.mark.parametrize(
    ("largest", "kind", "ticks"),
    [
        (24, "int", [0, 10, 20, 30]),
        (120, "int", [0, 50, 100, 150]),
        (8, "int", [0, 2, 4, 6, 8]),
        (10, "int", [0, 5, 10]),
        (3, "int", [0, 1, 2, 3]),
        (0, "int", [0, 1]),
        (0.4, "pct", [0, 0.25, 0.5, 0.75, 1.0]),
        (9, "days", [0, 2.5, 5, 7.5, 10]),
    ],
)
def test_axis_ticks_are_round_and_reach_the_largest_value(largest, kind, ticks):
    assert charts.axis_ticks(largest, kind) == pytest.approx(ticks)


def test_the_share_chart_splits_one_bar_in_proportion_and_gives_each_figure():
    with translation.override("id"):
        root = parse(charts.share_chart(status_shares(), label="status", value="count"))
    parts = root.findall(f".//{SVG}rect[@class='part']")
    assert len(parts) == 3
    widths = [float(p.get("width")) + 2 for p in parts]  # each part leaves a 2-unit white gap
    assert widths == pytest.approx([216, 108, 36], abs=0.06)
    assert len({p.get("fill") for p in parts}) == 3
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "60 (60,0%)" in texts
    assert "Diproses" in texts


def test_a_chart_without_data_says_so():
    with translation.override("en"):
        root = parse(charts.share_chart(Table(slug="s", title="S", columns=(Column("a", "A"), Column("n", "N", INT)),
                                              rows=({"a": "x", "n": 0},)), label="a", value="n"))  # fmt: skip
    assert root.find(f"{SVG}desc").text == "No data for this period."
    assert root.find(f"{SVG}rect") is None


def test_the_chart_include_follows_the_drawing_with_its_table():
    table = status_shares()
    with translation.override("en"):
        html = render_to_string(
            "dasbor/_chart.html",
            {"chart": charts.share_chart(table, label="status", value="count"), "table": table,
             "request": RequestFactory().get("/")},
        )  # fmt: skip
    assert html.index("<svg") < html.index("<table")
    assert "<caption" in html
    collapsed = render_to_string(
        "dasbor/_chart.html",
        {"chart": "", "table": table, "table_collapsed": True, "request": RequestFactory().get("/")},
    )
    assert collapsed.index("<details") < collapsed.index("<table")
