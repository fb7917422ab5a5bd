"""What every SQLite word index (an FTS5 table kept beside a module's rows) needs from the platform.

`flush` (a restore into a used database; the end of a transactional test) empties the tables Django knows and then
sends post_migrate; an FTS5 table is not one of them. A module connects `forget_gone` for its index so that rows
whose source row is gone or no longer public are dropped (after a plain migrate there are none: one index scan).
"""

from __future__ import annotations

from typing import Any

from django.db import connections


def forget_gone(*, using: str, fts_table: str, table: str, column: str, value: Any) -> None:
    """Drop the rows of `fts_table` whose rowid is not the id of a row of `table` with `column` = `value`."""
    db = connections[using]
    if db.vendor != "sqlite" or fts_table not in db.introspection.table_names():
        return
    with db.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {fts_table} WHERE rowid NOT IN (SELECT id FROM {table} WHERE {column} = %s)",  # noqa: S608
            [value],
        )
