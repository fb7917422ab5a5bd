"""A registered sender's spreadsheet that unpacks to far more than the template is never read (a zip bomb):
the sender is told, nothing is saved, and the worker spends no time on it."""

from __future__ import annotations

import pytest
from django.core import mail

from balai.desa.models import MailOutcome, Submission, SubmissionStatus
from tests.xlsx_bomb import xlsx_bomb

from .conftest import Cast
from .test_email_submission import _message, _take

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_spreadsheet_that_unpacks_to_megabytes_is_named_and_not_read(cast: Cast) -> None:
    raw = _message(
        cast, body="Terlampir laporan bulan Maret.", attachments=[("laporan.xlsx", XLSX, xlsx_bomb(6 << 20))]
    )
    assert len(raw) < 600 * 1024

    entry = _take(raw)

    assert entry.outcome != MailOutcome.TAKEN
    assert not Submission.objects.filter(status=SubmissionStatus.SENT).exists()
    reply = next(m for m in mail.outbox if m.to == ["kel.a@example.org"])
    assert "laporan.xlsx" in reply.body and "5 MB" in reply.body
