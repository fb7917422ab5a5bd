"""The server killed mid-load (SIGKILL, as a power cut): nothing confirmed is lost, nothing is half-written."""

from __future__ import annotations

import uuid

import pytest

from .harness import FORM_URL, SUMMARY, Load, Server, Site, manage, reports_by_title, server_errors, small_jpeg

pytestmark = pytest.mark.resilience

CLIENTS = 16
CONFIRMED_BEFORE_KILL = 150


def test_a_server_killed_under_load_keeps_every_confirmed_report_and_a_consistent_database(
    site: Site, server: Server
) -> None:
    prefix = f"Padam {uuid.uuid4().hex[:6]}"
    # Every fourth report has a photo, so files are being written when the kill comes.
    load = Load(
        server.port, site.city, prefix=prefix, clients=CLIENTS, reports_each=10_000, photo=small_jpeg(), photo_every=4
    )
    load.start()
    load.wait_for(lambda: load.acknowledged >= CONFIRMED_BEFORE_KILL, timeout=300)
    server.kill()
    result = load.join(timeout=60)

    assert result.errors == []
    confirmed = result.acknowledged
    unanswered = [s for s in result.submissions if s.status is None]
    assert len(confirmed) >= CONFIRMED_BEFORE_KILL
    refused = [s for s in result.submissions if s.status is not None and s.code is None]
    assert not refused, f"{len(refused)} refused before the kill, e.g. {refused[0].status} {refused[0].error[:1000]}"
    before = reports_by_title(site.database, prefix)
    for submission in confirmed:
        assert before.get(submission.title) == [(submission.code, 1, "diterima")], submission.title
    committed_unanswered = [s for s in unanswered if s.title in before]

    # Restarted on the same database, it accepts each unanswered form again, once.
    server.start()
    for submission in unanswered:
        retry = load.browsers[submission.client].post(FORM_URL, submission.fields, submission.files)
        assert retry.sent_code is not None, retry.text[:2000]
        submission.code = retry.sent_code
        load.browsers[submission.client].close()

    stored = reports_by_title(site.database, prefix)
    assert set(stored) == {s.title for s in confirmed + unanswered}
    for submission in confirmed + unanswered:
        assert stored[submission.title] == [(submission.code, 1, "diterima")], submission.title
    for submission in committed_unanswered:
        assert before[submission.title][0][0] == submission.code  # the retry was told the first report's code
    # A photo file written just before the kill, whose row was never committed, is the only damage allowed.
    fixed = manage(site.env, "integrity", "--orphan-grace", "0", "--fix-orphans")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    findings = [line for line in fixed.stdout.splitlines() if not line.startswith(("removed ", "integrity: "))]
    assert all(line.startswith("orphan-file: ") for line in findings), fixed.stdout
    SUMMARY.append(
        f"{site.database.url.split(':')[0]}: killed after {len(confirmed)} confirmed reports; {len(unanswered)} were"
        f" in flight ({len(committed_unanswered)} already committed), each stored once after the retry;"
        f" {len(findings)} orphan photo files"
    )
    print(SUMMARY[-1])
    again = manage(site.env, "integrity")
    assert again.stdout == "integrity: no problems found\n", again.stdout + again.stderr
    assert server_errors(server.log) == []
