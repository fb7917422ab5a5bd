"""The reporting module's one write path, checked while every test runs: a report, its events, photos and
attachments are saved or deleted only from inside balai/lapor/services/.

A pytest plugin (tests/conftest.py) connects a receiver to the models' pre_save and pre_delete signals. On each
write it looks down the call stack for the nearest frame in the `balai` package: that frame must be in the
services package. Writes made by test code itself (setting up a broken state for the integrity check, say) are
allowed: no `balai` frame stands between the test and the ORM there. Rows loaded raw (`balai restore` puts back
a backup's rows exactly as they were) are a copy, not a change, and pass too. Queryset `update()` and `bulk_create()`
send no signals; tests/lapor/test_one_write_path.py forbids them outside the services by reading the code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import balai

PACKAGE = Path(balai.__file__).resolve().parent
SERVICES = PACKAGE / "lapor" / "services"
# The ORM's own files in the balai package that a write passes through (model methods, not writers).
PASS_THROUGH = {PACKAGE / "lapor" / "models.py"}


class WritePathError(AssertionError):
    pass


def writer_outside_services() -> str | None:
    """The file and line of the nearest balai frame on the stack, if it is not in the services; else None."""
    frame = sys._getframe(1)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PACKAGE) and path not in PASS_THROUGH:
            if path.is_relative_to(SERVICES):
                return None
            return f"{path.relative_to(PACKAGE.parent)}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _guard(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # rows loaded as they are (`balai restore`, fixtures): a copy, not a change of state
        return
    where = writer_outside_services()
    if where is not None:
        raise WritePathError(
            f"{sender.__name__} written from {where}: every write of a report goes through balai.lapor.services"
        )


def connect() -> None:
    from django.db.models.signals import pre_delete, pre_save

    from balai.lapor.models import Report, ReportAttachment, ReportEvent, ReportPhoto

    for model in (Report, ReportEvent, ReportPhoto, ReportAttachment):
        for signal in (pre_save, pre_delete):
            signal.connect(_guard, sender=model, dispatch_uid=f"tests.write_path.{model.__name__}.{signal}")
