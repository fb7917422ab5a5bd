"""Pages whose cost must not grow with the number of reports: counts stop at a cap, lists page without counting
every row, the home page's figures are counted now and then, and a page makes a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from balai.lapor import paging, selectors
from balai.lapor.models import Category, Report, Status
from tests.factories import make_report

from .backoffice.steps import client_for, dispatched
from .test_public_pages import listed_codes, page_links

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def small_cap(monkeypatch: Any) -> int:
    """Counts stop at 3 (instead of 1,000), so that a handful of reports shows what a million would."""
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    return 3


def result_count(response: Any) -> str:
    found = re.search(r'<p class="result-count"[^>]*>([^<]*)</p>', response.content.decode())
    assert found, "the page says how many reports it lists"
    return found.group(1).strip()


# Capped counts


def test_a_list_shorter_than_the_cap_gives_its_exact_count(city, english, small_cap):
    for _ in range(2):
        make_report()

    assert result_count(english.get("/laporan/")) == "2 reports"


def test_a_list_longer_than_the_cap_says_more_than_the_cap(city, english, small_cap):
    for _ in range(5):
        make_report()

    assert result_count(english.get("/laporan/")) == "More than 3 reports"


def test_the_capped_count_is_written_with_the_languages_thousands_separator(city, english, monkeypatch):
    page = paging.Page([], 1, 20, True, total=1001)

    assert page.total_is_capped
    monkeypatch.setattr(selectors, "public_report_page", lambda filters, number: page)
    assert result_count(english.get("/laporan/")) == "More than 1,000 reports"
    assert result_count(Client().get("/laporan/")) == "Lebih dari 1.000 laporan"


def test_a_search_by_words_is_not_counted(city, english):
    make_report(title="Lampu jalan mati")

    assert result_count(english.get("/laporan/", {"q": "lampu"})) == "Reports that mention “lampu”, the latest first"


def test_capped_count_stops_at_the_cap_plus_one(city):
    for _ in range(5):
        make_report()

    assert paging.capped_count(Report.objects.all(), 3) == 4
    assert paging.capped_count(Report.objects.all(), 10) == 5


# Paging without counting every row


def test_pages_follow_each_other_without_the_total(city, english, small_cap):
    codes = [make_report().code for _ in range(45)]

    first = english.get("/laporan/")
    second = english.get("/laporan/" + page_links(first)["next"])
    third = english.get("/laporan/" + page_links(second)["next"])

    assert "Page 1</span>" in first.content.decode()  # no "of N": the total is not known
    assert page_links(third) == {"prev": "?halaman=2"}
    assert listed_codes(first) + listed_codes(second) + listed_codes(third) == codes[::-1]


def test_a_page_past_the_end_shows_the_last_page(city, client):
    codes = [make_report().code for _ in range(25)]

    response = client.get("/laporan/", {"halaman": 9})

    assert listed_codes(response) == codes[:5][::-1]


@pytest.mark.parametrize("raw", ["abc", "-3", "0", ""])
def test_a_page_number_that_is_not_one_gives_the_first_page(city, client, raw):
    make_report()

    assert len(listed_codes(client.get("/laporan/", {"halaman": raw}))) == 1


def test_slice_page_reads_one_row_more_than_the_page(city):
    for _ in range(3):
        make_report()

    page = paging.slice_page(Report.objects.order_by("pk"), 1, 2)

    assert len(page.object_list) == 2
    assert page.has_next
    assert page.total == 3
    assert page.num_pages == 2


def test_a_card_shows_the_public_title_not_the_reporters_own(city, client):
    report = make_report(title="Jalan rusak depan rumah Pak Yohanes")
    Report.objects.filter(pk=report.pk).update(public_title="Jalan rusak di Girian Bawah")

    content = client.get("/laporan/").content.decode()

    assert "Jalan rusak di Girian Bawah" in content
    assert "Pak Yohanes" not in content


# The home page's figures


def figures(response: Any) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", response.content.decode()))


def test_the_home_page_figures_are_counted_once_and_reused_for_a_while(city, english):
    make_report()
    assert figures(english.get("/"))["Public reports"] == "1"

    make_report()

    assert figures(english.get("/"))["Public reports"] == "1"  # the same figures, counted moments ago
    assert "Counted at" in english.get("/").content.decode()


def test_the_home_page_figures_are_counted_again_when_they_are_old(city, english, time_machine):
    make_report()
    english.get("/")
    make_report()

    time_machine.move_to(timezone.now() + timedelta(seconds=selectors.FIGURES_MAX_AGE + 1))

    assert figures(english.get("/"))["Public reports"] == "2"


def test_old_figures_are_shown_while_another_request_counts_them(city, english, time_machine):
    make_report()
    english.get("/")
    make_report()
    time_machine.move_to(timezone.now() + timedelta(seconds=selectors.FIGURES_MAX_AGE + 1))
    cache.add(f"{selectors.FIGURES_KEY}:busy", 1, 60)  # another request is counting

    assert figures(english.get("/"))["Public reports"] == "1"


def test_the_home_page_figures_use_thousands_separators(city, client, monkeypatch):
    monkeypatch.setattr(selectors, "public_counts", lambda: {"total": 12345, "finished": 1000, "in_progress": 7})

    shown = figures(client.get("/"))

    assert shown["Laporan publik"] == "12.345"


# A fixed number of queries, whatever the number of reports


def _warm(client: Client, url: str) -> None:
    """The first request of a process reads the categories and places once (balai.lapor.cache)."""
    assert client.get(url).status_code == 200


def test_the_home_page_makes_three_queries_once_its_figures_are_counted(city, client, django_assert_num_queries):
    for _ in range(3):
        make_report()
    _warm(client, "/")

    # The shared versions of the kept copies (balai.core.changes), the five latest reports, the cached figures.
    with django_assert_num_queries(3):
        client.get("/")


def test_the_public_list_makes_three_queries(city, client, django_assert_num_queries):
    for _ in range(25):
        make_report()
    _warm(client, "/laporan/")

    # The shared versions of the kept copies (balai.core.changes), the page (21 rows) and its capped count.
    with django_assert_num_queries(3):
        client.get("/laporan/", {"halaman": 2, "status": "diterima"})
    # A search by words: on SQLite the words that start with the last one, then the page; on PostgreSQL the ids
    # of the page first, then its rows (after the shared versions).
    with django_assert_num_queries(3):
        client.get("/laporan/", {"q": "jalan"})


def test_the_report_form_makes_one_query_to_show_itself(city, client, django_assert_num_queries):
    _warm(client, "/lapor/")

    # Only the shared versions of the kept copies (balai.core.changes).
    with django_assert_num_queries(1):
        response = client.get("/lapor/")

    assert 'name="kelurahan"' in response.content.decode()


def test_sending_a_report_makes_a_bounded_number_of_queries(city, client, django_assert_max_num_queries):
    from .test_report_form import report_data

    _warm(client, "/lapor/")
    data = report_data()
    # About 25 today (the report, its event, audit record, queued email, the session, the rate limit…).
    with django_assert_max_num_queries(30) as sent:
        response = client.post("/lapor/", data)

    assert response.status_code == 302
    # No reads of the categories, kelurahan or Pemda: they come from this process's copies.
    read = " ".join(q["sql"] for q in sent.captured_queries)
    assert 'FROM "lapor_category"' not in read
    assert 'FROM "core_wilayah"' not in read
    assert 'FROM "core_pemda"' not in read


# Staff pages


def test_the_staff_home_shows_counts_past_the_cap_as_more(city, coordinator, small_cap):
    for _ in range(5):
        make_report()
    staff = client_for(coordinator)
    staff.cookies["django_language"] = "en"

    content = staff.get("/staf/").content.decode()

    assert re.search(r'<span class="n">3\+</span> to verify', content)


def test_the_inbox_pages_through_open_reports_by_deadline_without_counting_them_all(city, coordinator, small_cap):
    health = Category.objects.get(slug="layanan-kesehatan")
    received = [make_report() for _ in range(27)]
    sent = dispatched(make_report(category=health), coordinator, lead="dinkes")
    staff = client_for(coordinator)

    first = staff.get("/staf/laporan/")
    second = staff.get("/staf/laporan/", {"halaman": 2})

    listed = re.findall(r'href="/staf/laporan/(BTG-[A-Z0-9-]+)/"', first.content.decode() + second.content.decode())
    expected = sorted([*received, sent], key=lambda r: (r.due_at or r.verify_due_at, r.created_at))
    assert list(dict.fromkeys(listed)) == [r.code for r in expected]
    assert "More than 3 reports" in first.content.decode() or "Lebih dari 3 laporan" in first.content.decode()


def test_my_work_counts_stop_at_the_cap(city, coordinator):
    from balai.core.access import staff_scope

    for _ in range(5):
        make_report()
    now = timezone.now()

    work = selectors.my_work(staff_scope(coordinator), now=now, soon=now)

    assert work["to_verify"] == 5
    assert selectors.capped_counts({"all": Report.objects.all(), "none": Report.objects.none()}, cap=3) == {
        "all": 4,
        "none": 0,
    }
    assert Report.objects.filter(status=Status.DITERIMA).count() == 5


def test_an_opds_inbox_pages_and_counts_what_it_leads_and_supports_like_one_list(city, coordinator, operator_pupr):
    from balai.core.access import staff_scope

    health = Category.objects.get(slug="layanan-kesehatan")
    for index in range(9):
        if index % 3 == 0:
            dispatched(make_report(), coordinator)  # PUPR leads
        elif index % 3 == 1:
            dispatched(make_report(category=health), coordinator, lead="dinkes", supporting=["dinas-pupr"])
        else:
            dispatched(make_report(category=health), coordinator, lead="dinkes")  # not PUPR's
    scope = staff_scope(operator_pupr)
    now = timezone.now()
    reports = selectors.staff_inbox(scope, selectors.InboxFilters(), now=now, soon=now)
    everything = list(reports)

    assert len(everything) == 6
    for offset, limit in [(0, 2), (2, 2), (4, 2), (5, 3), (0, 10)]:
        assert selectors.staff_inbox_slice(scope, reports, offset, limit) == everything[offset : offset + limit]
    assert selectors.staff_inbox_count(scope, reports, 1000) == 6
    assert selectors.staff_inbox_count(scope, reports, 4) == 5  # more than the cap: cap + 1


def test_an_opds_inbox_page_shows_its_reports_in_deadline_order(city, coordinator, operator_pupr):
    led = [dispatched(make_report(), coordinator) for _ in range(3)]
    health = Category.objects.get(slug="layanan-kesehatan")
    supported = dispatched(make_report(category=health), coordinator, lead="dinkes", supporting=["dinas-pupr"])
    dispatched(make_report(category=health), coordinator, lead="dinkes")

    content = client_for(operator_pupr).get("/staf/laporan/").content.decode()

    listed = list(dict.fromkeys(re.findall(r'href="/staf/laporan/(BTG-[A-Z0-9-]+)/"', content)))
    expected = sorted([*led, supported], key=lambda r: (r.due_at or r.verify_due_at, r.created_at))
    assert listed == [r.code for r in expected]
    assert "4 laporan" in content or "4 reports" in content


def test_my_work_of_an_opd_counts_what_it_leads_and_supports_once(city, coordinator, operator_pupr, small_cap):
    from balai.core.access import staff_scope
    from balai.lapor.access import reports_visible_to

    health = Category.objects.get(slug="layanan-kesehatan")
    dispatched(make_report(), coordinator)
    dispatched(make_report(category=health), coordinator, lead="dinkes", supporting=["dinas-pupr"])
    dispatched(make_report(category=health), coordinator, lead="dinkes")
    scope = staff_scope(operator_pupr)
    now = timezone.now()

    work = selectors.my_work(scope, now=now, soon=now)

    assert work["to_accept"] == reports_visible_to(scope).filter(status=Status.DIDISPOSISIKAN).count() == 2
    assert work["to_verify"] == 0
    for _ in range(3):
        dispatched(make_report(), coordinator)
    assert selectors.my_work(scope, now=now, soon=now)["to_accept"] == 4  # 5 is more than the cap of 3
