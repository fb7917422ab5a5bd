"""A form sent again (a double tap, a browser retrying after a timeout) makes one report, and every answer names it."""

from __future__ import annotations

import threading
import uuid

import pytest

from .harness import FORM_URL, Browser, Response, Server, Site, manage, report_fields, reports_by_title, small_jpeg

pytestmark = pytest.mark.resilience


def test_the_same_form_sent_twice_makes_one_report_and_both_answers_name_it(site: Site, server: Server) -> None:
    browser = Browser(server.port)
    title = f"Ulang {uuid.uuid4().hex[:6]} jalan berlubang"
    fields = report_fields(site.city, title, browser.form_token())

    first = browser.post(FORM_URL, fields)
    second = browser.post(FORM_URL, fields)

    assert first.sent_code is not None, first.text[:2000]
    assert second.sent_code == first.sent_code
    assert reports_by_title(site.database, title) == {title: [(first.sent_code, 1, "diterima")]}


def test_eight_copies_of_one_form_arriving_at_once_make_one_report_with_one_photo(site: Site, server: Server) -> None:
    opener = Browser(server.port)
    title = f"Serentak {uuid.uuid4().hex[:6]} jalan berlubang"
    fields = report_fields(site.city, title, opener.form_token())
    photo = (("photos", "lubang.jpg", small_jpeg()),)
    # The same browser (same cookies) on eight connections, all sending when the last one is ready.
    copies = [Browser(server.port) for _ in range(8)]
    for copy in copies:
        copy.cookies = dict(opener.cookies)
    start = threading.Barrier(len(copies))
    answers: list[Response] = []

    def send(copy: Browser) -> None:
        start.wait(timeout=30)
        answers.append(copy.post(FORM_URL, fields, photo))

    threads = [threading.Thread(target=send, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = {answer.sent_code for answer in answers}
    assert len(answers) == len(copies)
    assert len(codes) == 1 and None not in codes, [(a.status, a.text[:500]) for a in answers]
    (code,) = codes
    assert reports_by_title(site.database, title) == {title: [(code, 1, "diterima")]}
    assert site.database.query(
        "SELECT r.photo_count, COUNT(p.id) FROM lapor_report r JOIN lapor_reportphoto p ON p.report_id = r.id"
        " WHERE r.code = %s GROUP BY r.photo_count",
        [code],
    ) == [(1, 1)]
    # The copies that lost the race left no file behind.
    checked = manage(site.env, "integrity", "--orphan-grace", "0")
    assert checked.returncode == 0, checked.stdout + checked.stderr
