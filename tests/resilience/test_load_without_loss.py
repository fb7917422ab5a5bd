"""Many citizens sending reports at once through the real server: every confirmed report is stored exactly once."""

from __future__ import annotations

import os
import uuid

import pytest

from .harness import SUMMARY, Load, Server, Site, reports_by_title, server_errors

pytestmark = pytest.mark.resilience

CLIENTS = 16
REPORTS_EACH = int(os.environ.get("RESILIENCE_REPORTS_EACH", "200"))
# The clients stop sending new reports after this long (0: never), so that a busy machine cannot make the test
# suite run for many minutes; the summary at the end of the run says when that happened and how far they got.
STOP_AFTER_SECONDS = float(os.environ.get("RESILIENCE_LOAD_SECONDS", "90"))


def test_sixteen_citizens_sending_two_hundred_reports_each_lose_nothing(site: Site, server: Server) -> None:
    prefix = f"Beban {uuid.uuid4().hex[:6]}"
    load = Load(server.port, site.city, prefix=prefix, clients=CLIENTS, reports_each=REPORTS_EACH)

    cpu_before = server.cpu_seconds()
    load.start()
    result = load.join(timeout=STOP_AFTER_SECONDS + 300 if STOP_AFTER_SECONDS else 1800, stop_after=STOP_AFTER_SECONDS)

    sent = len(result.submissions)
    cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(sent, 1)
    cut_short = f", stopped at the {STOP_AFTER_SECONDS:.0f}s limit" if sent < CLIENTS * REPORTS_EACH else ""
    SUMMARY.append(
        f"{site.database.url.split(':')[0]}: {CLIENTS} clients × {REPORTS_EACH} reports (GET form, POST) to gunicorn"
        f" 2 workers × 4 threads: {sent} sent{cut_short}, in {result.seconds:.1f}s ="
        f" {len(result.acknowledged) / result.seconds:.1f} reports/s, {result.requests / result.seconds:.0f}"
        f" requests/s; server CPU {cpu_ms:.0f} ms per report; load average {os.getloadavg()[0]:.1f}"
    )
    print(SUMMARY[-1])
    assert result.errors == []
    assert sent >= CLIENTS * 10, "too few reports went through to say anything about load"
    failed = [s for s in result.submissions if s.code is None]
    assert not failed, f"{len(failed)} not confirmed, e.g. {failed[0].status} {failed[0].error[:1000]}"
    stored = reports_by_title(site.database, prefix)
    for submission in result.acknowledged:
        assert stored.get(submission.title) == [(submission.code, 1, "diterima")], submission.title
    assert len(stored) == sent
    assert server_errors(server.log) == []
