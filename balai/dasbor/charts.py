"""Charts drawn on the server as SVG, from the same Table a page shows under them: no JavaScript, nothing to build.

Every chart is an `<svg role="img">` named by its `<title>` and summed up in its `<desc>`; the Table rendered
after it (`dasbor/_chart.html` does both) carries every figure for a screen reader. The drawing uses a viewBox
only, so it scales to the width of its box: a 360 px phone and a wall screen show the same picture, larger.
Only SVG presentation attributes are used (no `style=`, no script): a strict Content-Security-Policy holds, and
fpdf2 can draw the same markup into the monthly PDF. Numbers in attributes are plain ("12.5"); numbers shown
to people go through `tables.format_value` in the active language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Final

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import EMPTY, INT, MONTH, PCT, WEEK, Table, format_value

# The house colours (balai.css): each has at least 3:1 contrast on white (WCAG 1.4.11), most over 4.5:1, so
# white text on them stays readable. Segments and series also differ by position, dash or label, never by
# colour alone.
INK: Final = "#1b1f24"
MUTED: Final = "#4a5561"
LINE: Final = "#cfd6de"
TRACK: Final = "#e8ecf1"
BLUE: Final = "#0b5cab"
BLUE_DARK: Final = "#083f77"
GREEN: Final = "#17693a"
AMBER: Final = "#7a4d00"
RED: Final = "#b3261e"
PURPLE: Final = "#6a3d9a"
TEAL: Final = "#00707a"
PALETTE: Final = (BLUE, GREEN, AMBER, RED, PURPLE, TEAL, BLUE_DARK, MUTED)
# The PDF embeds a font of this family name (exports.PDF_FONT); on a page, balai.css sets the page's own font.
FONT_FAMILY: Final = "NotoSans, system-ui, sans-serif"

WIDTH: Final = 360  # viewBox units: about 0.86 CSS pixel on a 360 px phone, 1.25 at the 28rem cap on a laptop
FONT: Final = 16  # labels and values: 13.8 px on a phone
SMALL: Final = 13  # axis ticks: 11 px on a phone


def _n(value: float) -> str:
    """A coordinate for an attribute: never localised, at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(value: Any) -> str:
    return str(escape(str(value)))


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(*, chart_id: str, height: float, title: str, desc: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" class="chart" role="img"'
        f' aria-labelledby="{chart_id}-t {chart_id}-d" font-family="{FONT_FAMILY}" font-size="{FONT}" fill="{INK}">'
        f'<title id="{chart_id}-t">{_text(title)}</title><desc id="{chart_id}-d">{_text(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text above went through escape()


def _no_data(chart_id: str, title: str) -> SafeString:
    message = _("No data for this period.")
    body = [f'<text x="{WIDTH / 2}" y="34" text-anchor="middle" fill="{MUTED}">{_text(message)}</text>']
    return _svg(chart_id=chart_id, height=56, title=title, desc=message, body=body)


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _extremes_desc(points: Sequence[tuple[str, float | None, str]]) -> str:
    known = [(label, v, shown) for label, v, shown in points if v is not None]
    if not known:
        return _("No data for this period.")
    high = max(known, key=lambda p: p[1])
    low = min(known, key=lambda p: p[1])
    if high is low or high[1] == low[1]:
        summary = _("All %(count)s rows show %(value)s.") % {"count": len(known), "value": high[2]}
    else:
        summary = _("Highest: %(high)s, %(high_value)s. Lowest: %(low)s, %(low_value)s.") % {
            "high": high[0],
            "high_value": high[2],
            "low": low[0],
            "low_value": low[2],
        }
    return f"{summary} {_('Every figure is in the table that follows.')}"


# --- Horizontal bars: one row per OPD (backlog, late reports, on-time share) ---------------------------------


BAR_LABEL_HEIGHT: Final = 23
BAR_HEIGHT: Final = 18
BAR_GAP: Final = 13
BAR_ROW: Final = BAR_LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP
BAR_ROOM_FOR_VALUE: Final = 66  # the value is written after the end of the longest bar ("100,0%")


def bar_chart(
    table: Table,
    *,
    label: str,
    value: str,
    title: str | None = None,
    chart_id: str | None = None,
    color: str = BLUE,
) -> SafeString:
    """Horizontal bars, the label above each bar and the value after it; shares are drawn against 100%."""
    title = title or table.title
    chart_id = chart_id or f"grafik-{table.slug}"
    if not table.rows:
        return _no_data(chart_id, title)
    kind = table.column(value).kind
    values = [_number(row.get(value)) for row in table.rows]
    top = 1.0 if kind == PCT else max((v for v in values if v is not None), default=0.0)
    span = WIDTH - BAR_ROOM_FOR_VALUE
    body: list[str] = []
    points = []
    for i, (row, v) in enumerate(zip(table.rows, values, strict=True)):
        name = str(row.get(label) or EMPTY)
        shown = format_value(row.get(value), kind)
        points.append((name, v, shown))
        y = i * BAR_ROW
        length = span * (v / top) if v is not None and top > 0 else 0.0
        bar_y = y + BAR_LABEL_HEIGHT
        body.append(
            f'<g class="bar-row"><text x="0" y="{_n(y + 17)}">{_text(_truncate(name, 40))}</text>'
            f'<rect class="track" x="0" y="{_n(bar_y)}" width="{_n(span)}" height="{BAR_HEIGHT}" fill="{TRACK}"/>'
            f'<rect class="bar" x="0" y="{_n(bar_y)}" width="{_n(max(length, 0.0))}" height="{BAR_HEIGHT}"'
            f' fill="{color}"/>'
            f'<text class="value" x="{_n(length + 6)}" y="{_n(bar_y + 14)}" font-weight="bold" font-size="15">'
            f"{_text(shown)}</text>"
            "</g>"
        )
    height = len(table.rows) * BAR_ROW - BAR_GAP + 4
    return _svg(chart_id=chart_id, height=height, title=title, desc=_extremes_desc(points), body=body)


# --- Trends: weeks or months, one or two series, as bars or lines ----------------------------------------------


TREND_HEIGHT: Final = 260
PLOT_LEFT: Final = 46
PLOT_RIGHT: Final = WIDTH - 6
PLOT_TOP: Final = 44
PLOT_BOTTOM: Final = TREND_HEIGHT - 38
MAX_X_LABELS: Final = 6


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (an axis top people can read)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def axis_ticks(largest: float, kind: str) -> list[float]:
    """Round ticks from 0 up to at least `largest`, three to five steps: 0 10 20 30, 0 50 100 150, 0 25% … 100%.

    Counts step by whole numbers only (no 2.5 below 10), so no tick reads "6,25 laporan".
    """
    if kind == PCT:
        return [0, 0.25, 0.5, 0.75, 1.0]
    step = nice_ceiling(max(largest, 1e-9) / 4)
    if kind == INT:
        step = max(step, 1.0)
        if step == 2.5:
            step = 5.0
    count = max(1, math.ceil(largest / step - 1e-9))
    return [step * i for i in range(count + 1)]


def _x_label(value: Any, kind: str, previous_year: int | None) -> tuple[str, str]:
    """The tick text on one or two lines: "Jan" / "2026"; the year under the first tick and where it changes."""
    if kind in (MONTH, WEEK) and isinstance(value, dt.date):
        year = str(value.year) if value.year != previous_year else ""
        return formats.date_format(value, "M" if kind == MONTH else "j M"), year
    return _truncate(str(value), 10), ""


def _legend(names: list[str], colors: list[str], dashes: list[str], line: bool) -> list[str]:
    out = []
    x = 0.0
    for name, color, dash in zip(names, colors, dashes, strict=True):
        if line:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{_n(x)}" y1="13" x2="{_n(x + 22)}" y2="13" stroke="{color}" stroke-width="3"{dash_attr}/>'
            )
        else:
            out.append(f'<rect x="{_n(x)}" y="6" width="15" height="15" fill="{color}"/>')
        # Each series gets an equal share of the width for its swatch and name.
        label = _truncate(name, int((WIDTH / len(names) - 46) / 8.6))
        out.append(f'<text x="{_n(x + 28)}" y="19">{_text(label)}</text>')
        x += 28 + len(label) * 8.6 + 18
    return out


def trend_chart(
    table: Table,
    *,
    x: str,
    series: Sequence[str],
    style: str = "bars",
    title: str | None = None,
    chart_id: str | None = None,
    colors: Sequence[str] = (BLUE, GREEN),
) -> SafeString:
    """Values over weeks or months: grouped vertical bars (counts) or lines (rates); one or two series."""
    if style not in ("bars", "lines"):
        raise ValueError("style must be 'bars' or 'lines'")
    if not 1 <= len(series) <= 2:
        raise ValueError("A trend chart shows one or two series.")
    title = title or table.title
    chart_id = chart_id or f"grafik-{table.slug}"
    if not table.rows:
        return _no_data(chart_id, title)
    columns = [table.column(key) for key in series]
    kind = columns[0].kind
    x_kind = table.column(x).kind
    grid = [[_number(row.get(key)) for key in series] for row in table.rows]
    known = [v for values in grid for v in values if v is not None]
    ticks = axis_ticks(max(known, default=0.0), kind)
    top = ticks[-1]
    plot_w, plot_h = PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP
    count = len(table.rows)
    slot = plot_w / count

    def y_of(v: float) -> float:
        return PLOT_BOTTOM - plot_h * (v / top)

    body: list[str] = []
    # Grid lines and the y axis labels at round values.
    for i, tick in enumerate(ticks):
        y = y_of(tick)
        body.append(
            f'<line x1="{PLOT_LEFT}" y1="{_n(y)}" x2="{PLOT_RIGHT}" y2="{_n(y)}"'
            f' stroke="{MUTED if i == 0 else LINE}" stroke-width="1"/>'
        )
        shown = _tick_number(tick, kind)
        body.append(
            f'<text x="{PLOT_LEFT - 6}" y="{_n(y + 4)}" text-anchor="end" font-size="{SMALL}" fill="{MUTED}">'
            f"{_text(shown)}</text>"
        )
    # The x axis: at most MAX_X_LABELS ticks, evenly spaced, the last one always shown.
    every = max(1, math.ceil(count / MAX_X_LABELS))
    shown_year: int | None = None
    for i, row in enumerate(table.rows):
        if i % every and i != count - 1:
            continue
        if i != count - 1 and count - 1 - i < every and (count - 1) % every:
            continue  # too close to the last tick
        cx = PLOT_LEFT + slot * (i + 0.5)
        value = row.get(x)
        first_line, second_line = _x_label(value, x_kind, shown_year)
        shown_year = value.year if isinstance(value, dt.date) else None
        body.append(
            f'<text x="{_n(cx)}" y="{PLOT_BOTTOM + 17}" text-anchor="middle" font-size="{SMALL}" fill="{MUTED}">'
            f"{_text(first_line)}</text>"
        )
        if second_line:
            body.append(
                f'<text x="{_n(cx)}" y="{PLOT_BOTTOM + 32}" text-anchor="middle" font-size="{SMALL}" fill="{MUTED}">'
                f"{_text(second_line)}</text>"
            )
    colors = list(colors)[: len(series)]
    dashes = ["", "6 4"][: len(series)]
    if style == "bars":
        width = slot * 0.72 / len(series)
        for i, values in enumerate(grid):
            left = PLOT_LEFT + slot * i + slot * 0.14
            for s, v in enumerate(values):
                if v is None:
                    continue
                y = y_of(v)
                body.append(
                    f'<rect class="bar" x="{_n(left + s * width)}" y="{_n(y)}" width="{_n(max(width - 1, 1))}"'
                    f' height="{_n(PLOT_BOTTOM - y)}" fill="{colors[s]}"/>'
                )
    else:
        for s in range(len(series)):
            segment: list[str] = []
            segments = []
            for i, values in enumerate(grid):
                v = values[s]
                if v is None:
                    if segment:
                        segments.append(segment)
                    segment = []
                    continue
                segment.append(f"{_n(PLOT_LEFT + slot * (i + 0.5))},{_n(y_of(v))}")
            if segment:
                segments.append(segment)
            dash_attr = f' stroke-dasharray="{dashes[s]}"' if dashes[s] else ""
            for points in segments:
                if len(points) > 1:
                    body.append(
                        f'<polyline class="line" points="{" ".join(points)}" fill="none" stroke="{colors[s]}"'
                        f' stroke-width="3"{dash_attr}/>'
                    )
                for point in points:
                    px, py = point.split(",")
                    body.append(f'<circle class="point" cx="{px}" cy="{py}" r="3.5" fill="{colors[s]}"/>')
    body.extend(_legend([str(c.label) for c in columns], colors, dashes, line=style == "lines"))
    desc = _trend_desc(table, x, x_kind, columns)
    return _svg(chart_id=chart_id, height=TREND_HEIGHT, title=title, desc=desc, body=body)


def _tick_number(value: float, kind: str) -> str:
    """Axis ticks without needless decimals: "25%" rather than "25,0%", "50" rather than "50,0"."""
    if kind == PCT:
        percent = value * 100
        return f"{format_value(round(percent), INT)}%" if float(percent).is_integer() else format_value(value, PCT)
    if kind == INT or float(value).is_integer():
        return format_value(round(value), INT)
    return format_value(value, kind)


def _trend_desc(table: Table, x: str, x_kind: str, columns: list[Any]) -> str:
    first, last = table.rows[0], table.rows[-1]
    parts = [
        _("%(series)s: %(first)s in %(start)s, %(last)s in %(end)s.")
        % {
            "series": column.label,
            "first": format_value(first.get(column.key), column.kind),
            "start": format_value(first.get(x), x_kind),
            "last": format_value(last.get(column.key), column.kind),
            "end": format_value(last.get(x), x_kind),
        }
        for column in columns
    ]
    parts.append(_("Every figure is in the table that follows."))
    return " ".join(parts)


# --- Shares: one bar split by status (or channel, or kind), with a legend that gives every figure -------------


SHARE_BAR_HEIGHT: Final = 40
LEGEND_ROW: Final = 28


def share_chart(
    table: Table,
    *,
    label: str,
    value: str,
    title: str | None = None,
    chart_id: str | None = None,
    colors: Sequence[str] = PALETTE,
) -> SafeString:
    """A 100% stacked bar of counts, then one legend row per part: swatch, name, count and share."""
    title = title or table.title
    chart_id = chart_id or f"grafik-{table.slug}"
    values = [max(_number(row.get(value)) or 0.0, 0.0) for row in table.rows]
    total = sum(values)
    if not table.rows or total <= 0:
        return _no_data(chart_id, title)
    kind = table.column(value).kind
    body: list[str] = []
    x = 0.0
    legend_top = SHARE_BAR_HEIGHT + 26
    points = []
    for i, (row, v) in enumerate(zip(table.rows, values, strict=True)):
        color = colors[i % len(colors)]
        width = WIDTH * v / total
        share = v / total
        name = str(row.get(label) or EMPTY)
        points.append((name, v, format_value(row.get(value), kind)))
        if width > 0:
            # A white gap of 2 units between parts keeps neighbours apart whatever their colours.
            body.append(
                f'<rect class="part" x="{_n(x)}" y="0" width="{_n(max(width - 2, 0.5))}" height="{SHARE_BAR_HEIGHT}"'
                f' fill="{color}"/>'
            )
            if width >= 56:
                body.append(
                    f'<text x="{_n(x + width / 2 - 1)}" y="{SHARE_BAR_HEIGHT / 2 + 5}" text-anchor="middle"'
                    f' fill="#ffffff" font-weight="bold" font-size="{SMALL + 1}">{_text(format_value(share, PCT))}</text>'
                )
        x += width
        y = legend_top + i * LEGEND_ROW
        figure = _("%(count)s (%(share)s)") % {
            "count": format_value(row.get(value), kind),
            "share": format_value(share, PCT),
        }
        body.append(
            f'<rect x="0" y="{_n(y - 13)}" width="15" height="15" fill="{color}"/>'
            f'<text x="24" y="{_n(y)}">{_text(_truncate(name, int((WIDTH - 36 - len(figure) * 9.2) / 8.2)))}</text>'
            f'<text x="{WIDTH}" y="{_n(y)}" text-anchor="end" font-weight="bold">{_text(figure)}</text>'
        )
    height = legend_top + len(table.rows) * LEGEND_ROW - 10
    return _svg(chart_id=chart_id, height=height, title=title, desc=_extremes_desc(points), body=body)
