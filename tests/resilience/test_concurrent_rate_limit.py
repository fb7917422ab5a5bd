"""Forty distinct forms posted at the same moment from one address against a limit of ten per hour: exactly ten
reports are written, the other thirty are refused with 429 and the form kept, and no request fails."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from .harness import FORM_TOKEN, FORM_URL, Browser, Server, Site, report_fields, reports_by_title, server_errors

pytestmark = pytest.mark.resilience

FORMS = 40
LIMIT = 10


@pytest.fixture(scope="module")
def limited_server(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server({**site.env, "RATELIMIT_REPORTS": f"{LIMIT}/h"}, tmp_path_factory.mktemp("limited") / "log")
    running.start()
    yield running
    running.stop()


def test_forty_forms_posted_at_once_get_exactly_ten_reports_through(site: Site, limited_server: Server) -> None:
    prefix = f"Serbu {uuid.uuid4().hex[:6]}"
    browsers = [Browser(limited_server.port) for _ in range(FORMS)]
    tokens = [browser.form_token() for browser in browsers]  # each opens its own form first
    answers: list[tuple[int, str, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(FORMS)

    def send(number: int) -> None:
        title = f"{prefix} {number:02d} jalan berlubang"
        fields = report_fields(site.city, title, tokens[number], client=number)
        start.wait()
        response = browsers[number].post(FORM_URL, fields)
        with lock:
            answers.append((response.status, response.sent_code or "", response.text if not response.sent_code else ""))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(FORMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    statuses = sorted(status for status, _code, _page in answers)
    assert statuses == [302] * LIMIT + [429] * (FORMS - LIMIT)
    stored = reports_by_title(site.database, prefix)
    assert sorted(code for _s, code, _p in answers if code) == sorted(rows[0][0] for rows in stored.values())
    assert all(len(rows) == 1 for rows in stored.values())
    refused = [page for status, _code, page in answers if status == 429]
    # Refused in the reader's language (Indonesian by default), with what was typed still in the form.
    assert all("Anda telah mengirim banyak laporan" in page and prefix in page for page in refused)
    assert all(FORM_TOKEN.search(page) for page in refused)
    # The count is exactly the reports written: the next form is refused without a new report.
    late = Browser(limited_server.port)
    token = late.form_token()
    assert late.post(FORM_URL, report_fields(site.city, f"{prefix} late", token)).status == 429
    assert len(reports_by_title(site.database, prefix)) == LIMIT
    assert server_errors(limited_server.log) == []
