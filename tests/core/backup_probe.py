"""Run in a subprocess on a migrated database of its own: another connection writes while `backup_create` is reading.

Prints one JSON object: rows in the archive, rows in the database afterwards, and how long the concurrent
write took. Used by tests/core/test_backup_restore.py.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import django

ROWS_BEFORE = 20


def main(output: Path) -> None:
    django.setup()
    from django.db import connection

    from balai.core.models import AuditEvent
    from balai.platform import backup

    for number in range(ROWS_BEFORE):
        AuditEvent.objects.create(actor_label="probe", action="probe.before", object_type="probe", object_id=number)

    timing: dict[str, float] = {}

    def write_elsewhere() -> None:
        # A thread has its own Django connection: a second, independent database session.
        started = time.monotonic()
        AuditEvent.objects.create(actor_label="probe", action="probe.during", object_type="probe", object_id="x")
        timing["write_seconds"] = time.monotonic() - started
        connection.close()

    original_rows = backup._rows

    def rows_with_a_write_in_the_middle(**kwargs):  # type: ignore[no-untyped-def]
        for index, obj in enumerate(original_rows(**kwargs)):
            if index == 1:  # the snapshot is open: a row has been read already
                writer = threading.Thread(target=write_elsewhere)
                writer.start()
                writer.join(timeout=60)
            yield obj

    backup._rows = rows_with_a_write_in_the_middle  # type: ignore[assignment]
    result = backup.backup_create(output=output)
    print(
        json.dumps(
            {
                "archived": result.counts["core.auditevent"],
                "after": AuditEvent.objects.count(),
                "write_seconds": timing.get("write_seconds"),
                "vendor": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
