"""`{% table_view table as tv %}`: what `dasbor/_table.html` needs to render a Table (sort links, export links)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.http import QueryDict

from balai.dasbor.tables import Cell, Table

register = template.Library()

# A table with more columns than this becomes one card per row on a phone instead of scrolling sideways.
STACK_AFTER_COLUMNS = 3


@dataclass(frozen=True)
class Header:
    label: str
    numeric: bool
    href: str = ""  # the link that sorts by this column, when the table is sortable
    aria_sort: str = ""  # "ascending" | "descending" on the column the rows are sorted by


@dataclass(frozen=True)
class TableView:
    table: Table
    caption_id: str
    headers: list[Header]
    rows: list[list[Cell]]
    stack: bool
    csv_href: str = ""
    xlsx_href: str = ""


def _query(base: QueryDict, **changes: str | None) -> str:
    params = base.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def table_view(context: template.Context, table: Table) -> TableView:
    """Reads from the include's context: `export` (show CSV/XLSX links), `sortable`, `sort_param` (default "sort")."""
    request = context.get("request")
    query = request.GET if request is not None else QueryDict()
    sort_param = str(context.get("sort_param") or "sort")
    current = query.get(sort_param, "")
    headers = []
    for column in table.columns:
        href = aria_sort = ""
        if context.get("sortable"):
            if current == column.key:
                aria_sort, target = "ascending", f"-{column.key}"
            elif current == f"-{column.key}":
                aria_sort, target = "descending", column.key
            else:
                # Numbers sort largest first on the first click: "who has the most" is the usual question.
                target = f"-{column.key}" if column.numeric else column.key
            href = _query(query, **{sort_param: target})
        headers.append(Header(str(column.label), column.numeric, href, aria_sort))
    csv_href = xlsx_href = ""
    if context.get("export"):
        csv_href = _query(query, format="csv", table=table.slug)
        xlsx_href = _query(query, format="xlsx", table=table.slug)
    return TableView(
        table=table,
        caption_id=f"tabel-{table.slug}-judul",
        headers=headers,
        rows=table.display_rows(),
        stack=len(table.columns) > STACK_AFTER_COLUMNS,
        csv_href=csv_href,
        xlsx_href=xlsx_href,
    )
