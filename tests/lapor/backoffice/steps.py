"""Steps that move a report through the back office, and small helpers to act as a person on the staff pages.

The steps call the same workflow services the staff pages call, so a test can start from any state
in one line and then do the step it is about through the web.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from balai.core.models import Unit
from balai.lapor import services
from balai.lapor.models import ArchiveReason, Report, Status, Weight
from tests.factories import jpeg_bytes, make_report

VERSION_FIELD = re.compile(r'name="(?P<name>[a-z_]+-version)" value="(?P<value>\d+)"')


def unit(slug: str) -> Unit:
    return Unit.objects.get(slug=slug)


def fresh(report: Report) -> Report:
    return Report.objects.select_related("lead_unit", "category", "merged_into").get(pk=report.pk)


def verified(report: Report, coordinator: Any, **changes: Any) -> Report:
    """Verified by the coordinator, not yet dispatched."""
    fields: dict[str, Any] = {
        "kind": report.kind,
        "category": report.category,
        "weight": report.weight or Weight.NORMATIF,
        "public_title": report.title,
        "is_anonymous": report.is_anonymous,
        "is_confidential": report.is_confidential,
    }
    fields.update(changes)
    return services.report_verify(report=report, actor=coordinator, version=None, **fields)


def dispatched(
    report: Report, coordinator: Any, lead: str = "dinas-pupr", supporting: Iterable[str] = (), **changes: Any
) -> Report:
    """Verified and sent to an OPD (Dinas PUPR unless said otherwise) in one step, as the verify form does."""
    return verified(
        report, coordinator, lead_unit=unit(lead), supporting_units=[unit(s) for s in supporting], **changes
    )


def in_progress(report: Report, coordinator: Any, operator: Any, **changes: Any) -> Report:
    report = dispatched(report, coordinator, **changes)
    return services.report_accept(report=report, actor=operator, version=None)


def finished(report: Report, coordinator: Any, operator: Any, answer: str = "Lubang sudah ditambal.") -> Report:
    report = in_progress(report, coordinator, operator)
    return services.report_finish(report=report, actor=operator, version=None, answer=answer)


def in_state(state: str, coordinator: Any, operator: Any) -> Report:
    """A new report of Dinas PUPR's category, brought to `state` by the people whose job each step is."""
    report = make_report()
    if state == Status.DIVERIFIKASI:
        return verified(report, coordinator)
    if state == Status.DIDISPOSISIKAN:
        return dispatched(report, coordinator)
    if state == Status.DIPROSES:
        return in_progress(report, coordinator, operator)
    if state == Status.SELESAI:
        return finished(report, coordinator, operator)
    if state == Status.DITUNDA:
        return services.report_request_clarification(
            report=report, actor=coordinator, version=None, question="Di RT berapa?"
        )
    if state == Status.DIARSIPKAN:
        return services.report_archive(report=report, actor=coordinator, version=None, reason=ArchiveReason.OTHER)
    assert state == Status.DITERIMA, state
    return report


def client_for(user: Any = None) -> Client:
    """A browser in English (the msgids) signed in as `user`, or anonymous."""
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def download(client: Client, url: str) -> tuple[int, bytes]:
    """GET a file: its status and content, the stream read to the end (which closes the file the right way)."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def action_url(report: Report, action: str) -> str:
    return f"/staf/laporan/{report.code}/{action}/"


def post_action(
    client: Client, report: Report, action: str, data: dict[str, Any] | None = None, *, version: int | None = None
) -> Any:
    """POST one action's form as the report page does: every field carries the action's prefix."""
    fields = {"version": version if version is not None else fresh(report).version, **(data or {})}
    return client.post(action_url(report, action), {f"{action}-{name}": value for name, value in fields.items()})


def text(response: Any) -> str:
    """The page as a person reads it: HTML entities decoded."""
    return html.unescape(response.content.decode())


def form_version(response: Any, action: str) -> int:
    """The version a page's form for `action` would send."""
    found = dict((m["name"], int(m["value"])) for m in VERSION_FIELD.finditer(response.content.decode()))
    return found[f"{action}-version"]


def action_forms(response: Any, report: Report) -> list[str]:
    """The actions the page offers a form for."""
    return re.findall(rf'action="/staf/laporan/{report.code}/([a-z_]+)/[^"]*"', response.content.decode())


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo_upload(name: str = "sesudah.jpg", **kwargs: Any) -> SimpleUploadedFile:
    return upload(name, jpeg_bytes(**kwargs), "image/jpeg")


def pdf_bytes(words: str = "Berita acara perbaikan jalan") -> bytes:
    """A small, valid one-page PDF."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def run_worker() -> None:
    """Send what is queued, as `balai worker` does (needs a transactional test: the worker closes connections)."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
