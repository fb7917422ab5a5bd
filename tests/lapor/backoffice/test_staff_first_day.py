"""What a coordinator meets on the first day: a new report easy to find, dates that say their year, one time
format, and a page that opens at its message after an action."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_report

from .steps import action_url, client_for, dispatched, post_action, text

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
CODE = re.compile(r'href="/staf/laporan/(BTG-[^/"]+)/"')


def _codes(response) -> list[str]:
    return CODE.findall(response.content.decode())


def test_a_successful_action_opens_the_report_page_at_its_message_not_at_the_action_error(city, coordinator):
    report = make_report()
    response = post_action(client_for(coordinator), report, "note", {"text": "Sudah ditelepon, pelapor di rumah."})
    assert response.status_code == 302
    # The form posts to …#action-error; without a fragment of its own the redirect would keep that one.
    assert response.url == f"/staf/laporan/{report.code}/#main"
    assert 'id="action-error"' not in client_for(coordinator).get(response.url).content.decode()


def test_a_failed_action_still_brings_the_browser_to_its_panel(city, coordinator):
    report = make_report()
    response = post_action(client_for(coordinator), report, "clarify", {"question": ""})
    assert response.status_code == 400
    assert 'id="action-error"' in response.content.decode()
    assert f'action="{action_url(report, "clarify")}#action-error"' in response.content.decode()


def test_a_new_report_is_first_in_the_coordinators_new_view_above_older_overdue_ones(city, coordinator, time_machine):
    time_machine.move_to(datetime(2030, 1, 6, 9, 0, tzinfo=WITA))
    overdue = [make_report() for _ in range(3)]
    handled = dispatched(make_report(), coordinator)
    time_machine.move_to(datetime(2030, 2, 20, 10, 0, tzinfo=WITA))
    new = make_report()
    client = client_for(coordinator)

    inbox = client.get("/staf/laporan/")
    # The list of every open report is by deadline: the new one comes after the overdue ones…
    assert _codes(inbox).index(new.code) > _codes(inbox).index(overdue[0].code)
    # …but the first view offered is the new reports, with their number.
    page = text(inbox)
    views = page[page.index('class="inbox-views"') :]
    assert views.index('id="view-new"') < views.index('id="view-open"')
    assert re.search(r'id="view-new"[^>]*>New <span class="count">4</span>', page)

    new_view = client.get("/staf/laporan/", {"tampilan": "baru"})
    listed = _codes(new_view)
    assert listed[0] == new.code
    assert set(listed) == {new.code, *(r.code for r in overdue)}
    assert handled.code not in listed
    assert re.search(r'id="view-new" aria-current="page"', text(new_view))


def test_operators_see_no_new_view(city, operator_pupr):
    assert 'id="view-new"' not in text(client_for(operator_pupr).get("/staf/laporan/"))


def test_dates_of_earlier_years_show_the_year_and_this_years_do_not(city, coordinator, time_machine):
    time_machine.move_to(datetime(2029, 12, 30, 14, 5, tzinfo=WITA))
    old = make_report()
    time_machine.move_to(datetime(2030, 3, 4, 8, 7, tzinfo=WITA))
    recent = make_report()
    client = client_for(coordinator)

    inbox = text(client.get("/staf/laporan/", {"status": "all"}))
    row_old = inbox[inbox.index(old.code) :][:400]
    row_recent = inbox[inbox.index(recent.code) :][:400]
    assert "30 Dec 2029" in row_old
    assert "4 Mar" in row_recent and "4 Mar 2030" not in row_recent

    page = text(client.get(f"/staf/laporan/{old.code}/"))
    assert "30 Dec 2029, 14:05" in page  # received, and the first timeline entry
    page = text(client.get(f"/staf/laporan/{recent.code}/"))
    assert "4 Mar, 08:07" in page
    assert "2030" not in re.sub(r'datetime="[^"]*"', "", page.split('class="staff-history"')[1])


def test_timeline_actors_read_in_the_readers_language(city, coordinator, operator_pupr):
    from .steps import finished

    report = finished(make_report(), coordinator, operator_pupr)
    client_for().post(f"/lacak/{report.code}/{report.reporter_token}/", {"action": "rate", "rate-rating": "5"})

    english = text(client_for(coordinator).get(f"/staf/laporan/{report.code}/"))
    history = english.split('class="staff-history"')[1]
    assert "· reporter" in history  # the submission and the rating
    assert "pelapor" not in history

    indonesian = client_for(coordinator)
    indonesian.cookies["django_language"] = "id"
    history = text(indonesian.get(f"/staf/laporan/{report.code}/")).split('class="staff-history"')[1]
    assert "· pelapor" in history
