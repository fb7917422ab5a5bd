"""The timeline in the browser, in each reader's language: a report handled by officers working in Indonesian
reads in English to an English reader, on the public tracking page and on the staff page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from balai.lapor import services
from tests.e2e.screens import PHONE, shots
from tests.e2e.test_backoffice_journey import sign_in
from tests.factories import make_report
from tests.lapor.backoffice.steps import finished

pytestmark = pytest.mark.e2e

NewPage = Callable[..., Page]
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
SENTENCES = {
    "en": (f"Sent to {PUPR} for follow-up.", "The OPD is working on it.", "Rated 4 of 5."),
    "id": (f"Diteruskan ke {PUPR} untuk ditindaklanjuti.", "OPD sedang menanganinya.", "Dinilai 4 dari 5."),
}


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_timeline_reads_in_the_readers_language(new_page: NewPage, site, publish_on_arrival, coordinator,
                                                    operator_pupr, language) -> None:  # fmt: skip
    with translation.override("en" if language == "id" else "id"):  # written in the other language
        report = finished(make_report(), coordinator, operator_pupr)
        services.report_rate(report=report, rating=4)
    other = "id" if language == "en" else "en"

    page = new_page(PHONE)
    # A shared test machine can be slow to serve the first pages of a session.
    page.set_default_navigation_timeout(60_000)
    page.set_default_timeout(30_000)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    page.goto(f"/lacak/{report.code}/")
    timeline = page.locator("main")
    for sentence in SENTENCES[language]:
        expect(timeline).to_contain_text(sentence)
    for sentence in SENTENCES[other]:
        expect(timeline).not_to_contain_text(sentence)
    shots(page, f"tracking-timeline-{language}")

    staff = new_page(PHONE)
    staff.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    staff.set_default_navigation_timeout(60_000)
    staff.set_default_timeout(30_000)
    sign_in(staff, "koordinator")
    staff.goto(f"/staf/laporan/{report.code}/")
    history = staff.locator(".staff-history")
    for sentence in SENTENCES[language]:
        expect(history).to_contain_text(sentence)
    history.scroll_into_view_if_needed()
    shots(staff, f"staff-timeline-{language}")
