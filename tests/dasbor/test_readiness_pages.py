"""The OPD readiness pages: who may read which OPD, and what a sekda reads there at a glance."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.core.models import Unit, UnitKind
from tests.lapor.backoffice.steps import client_for, text

from .readiness_steps import appoint, late_report, signed_in, trained

pytestmark = pytest.mark.django_db

LIST = "/staf/dasbor/kesiapan/"
EVERY_OPD = 13


def detail(slug: str) -> str:
    return f"{LIST}{slug}/"


def words(response: Any) -> str:
    """The page as a person reads it: no tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def _opd_linked(response: Any) -> set[str]:
    return set(re.findall(r'href="/staf/dasbor/kesiapan/([a-z0-9-]+)/"', response.content.decode()))


def _ready_pupr(operator_pupr: Any) -> None:
    from django.utils import timezone

    trained(operator_pupr)
    signed_in(operator_pupr, timezone.now())


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("coordinator", "dinas-pupr", 200),
        ("coordinator", "dlh", 200),
        ("pimpinan", "dinkes", 200),
        ("sysadmin", "setda", 200),
        ("head_pupr", "dinas-pupr", 200),
        ("head_pupr", "dinkes", 404),
        ("head_pupr", "dlh", 404),
        ("operator_pupr", "dinas-pupr", 200),
        ("operator_pupr", "dinkes", 404),
        ("operator_dinkes", "dinkes", 200),
        ("operator_dinkes", "dinas-pupr", 404),
    ],
)
def test_an_opd_page_opens_only_for_readers_of_that_opd(request, city, who, slug, status):
    client = client_for(request.getfixturevalue(who))

    response = client.get(detail(slug))

    assert response.status_code == status
    if status == 200:
        assert Unit.objects.get(slug=slug).name in text(response)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("coordinator", EVERY_OPD),
        ("pimpinan", EVERY_OPD),
        ("sysadmin", EVERY_OPD),
        ("head_pupr", {"dinas-pupr"}),
        ("operator_pupr", {"dinas-pupr"}),
        ("operator_dinkes", {"dinkes"}),
    ],
)
def test_the_list_shows_every_opd_to_the_pemda_and_only_their_own_to_an_opd(request, city, who, sees):
    response = client_for(request.getfixturevalue(who)).get(LIST)

    assert response.status_code == 200
    linked = _opd_linked(response)
    if isinstance(sees, int):
        assert len(linked) == sees
        assert "Every OPD" in text(response)
    else:
        assert linked == sees
        assert "Your OPD" in text(response)


def test_an_opd_head_reads_no_figure_or_name_of_another_opd(city, head_pupr, coordinator):
    late_report(coordinator, lead="dinkes")

    page = text(client_for(head_pupr).get(LIST))

    assert "Dinas Kesehatan" not in page
    assert "Grace Tumbelaka" not in page
    assert "Dinas Pekerjaan Umum dan Penataan Ruang is not ready" in page
    assert "OPD ready" not in page
    # The rule counts are of their own OPD only: Dinkes's overdue report is not counted.
    assert re.search(r"none\s*</span>\s*<strong>Overdue reports waiting", page)


def test_anonymous_visitors_are_sent_to_sign_in_and_accounts_without_a_role_are_refused(city):
    for url in (LIST, detail("dinas-pupr")):
        response = client_for().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/staf/masuk/?next=")

    citizen = get_user_model().objects.create_user(username="warga", email="warga@example.id", password="x" * 12)
    for url in (LIST, detail("dinas-pupr")):
        assert client_for(citizen).get(url).status_code == 403


def test_a_unit_that_is_not_an_active_opd_has_no_readiness_page(city, coordinator):
    kecamatan = Unit.objects.filter(kind=UnitKind.KECAMATAN).first()
    assert kecamatan is not None
    client = client_for(coordinator)

    assert client.get(detail(kecamatan.slug)).status_code == 404
    assert client.get(detail("dinas-yang-tidak-ada")).status_code == 404


def test_the_summary_says_how_many_opd_are_ready_and_lists_the_not_ready_first(city, coordinator, operator_pupr):
    client = client_for(coordinator)
    assert f"0 of {EVERY_OPD} OPD ready" in text(client.get(LIST))

    _ready_pupr(operator_pupr)
    response = client.get(LIST)

    page = text(response)
    assert f"1 of {EVERY_OPD} OPD ready" in page
    assert f"{EVERY_OPD - 1} OPD are not ready" in page
    rows = re.findall(
        r'<tr class="(is-ready|not-ready)">\s*<th scope="row" class="c-opd"><a href="[^"]+/([a-z-]+)/"', page
    )
    assert rows[-1] == ("is-ready", "dinas-pupr")
    assert [state for state, _slug in rows[:-1]] == ["not-ready"] * (EVERY_OPD - 1)
    # Each rule is written out, with how many OPD break it.
    assert "Rule: Every OPD has at least one operator" in page
    assert re.search(r"11 OPD\s*</span>\s*<strong>No appointed operator", page)


def test_the_opd_page_shows_operators_contact_last_sign_in_last_action_and_training(city, coordinator, operator_pupr):
    appoint("dinas-pupr", "operator.pupr2", "Meiske Walangitan", email="meiske@pupr.bitung.go.id")
    trained(operator_pupr)
    client_for(operator_pupr).get("/staf/")  # signs in, and is seen

    response = client_for(coordinator).get(detail("dinas-pupr"))

    assert 'href="mailto:operator.pupr@demo.balai.local"' in text(response)
    assert 'href="mailto:meiske@pupr.bitung.go.id"' in text(response)
    page = words(response)
    assert "Operators (2)" in page
    assert "Steven Lumenta" in page
    assert re.search(r"Steven Lumenta .* Last sign-in \d+ \w+ 2026, \d\d:\d\d \(0 minutes ago\)", page)
    assert "Bimtek Balai untuk operator OPD" in page
    assert "by Diskominfo" in page
    # Meiske has never signed in and has no training: both say so, and the flag names her.
    assert "Meiske Walangitan meiske@pupr.bitung.go.id Last sign-in never Last action none recorded" in page
    assert "Not yet trained: Meiske Walangitan." in page
    assert "Operator not yet trained" in page
    assert "Rule: Every operator has attended a Bimtek or Diklat" in page
    assert "Head: Kepala Dinas PUPR" in page


def test_the_opd_page_links_to_the_inbox_filtered_for_that_opd(city, coordinator, head_pupr, operator_dinkes):
    late_report(coordinator)

    as_coordinator = client_for(coordinator).get(detail("dinas-pupr")).content.decode()
    as_head = client_for(head_pupr).get(detail("dinas-pupr")).content.decode()

    assert 'href="/staf/laporan/?unit=dinas-pupr&amp;due=overdue"' in as_coordinator
    assert 'href="/staf/laporan/?unit=dinas-pupr&amp;status=didisposisikan"' in as_coordinator
    # The head's inbox holds their OPD only: no unit filter is needed (nor offered to them).
    assert 'href="/staf/laporan/?due=overdue"' in as_head
    assert "unit=dinas-pupr" not in as_head
    overdue = client_for(coordinator).get("/staf/laporan/?unit=dinas-pupr&due=overdue")
    assert overdue.status_code == 200
    assert "1 report" in text(overdue)


def test_only_a_system_administrator_is_offered_to_record_a_training(city, sysadmin, coordinator, operator_pupr):
    add = f'href="/staf/admin/core/trainingrecord/add/?user={operator_pupr.pk}"'

    assert add in client_for(sysadmin).get(detail("dinas-pupr")).content.decode()
    assert add not in client_for(coordinator).get(detail("dinas-pupr")).content.decode()


def test_the_list_costs_the_same_queries_for_13_or_23_opd(city, coordinator, django_assert_num_queries):
    client = client_for(coordinator)
    client.get(LIST)  # what the process keeps between requests (the Pemda) is read once
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200

    for index in range(10):
        opd = Unit.objects.create(name=f"Badan {index}", slug=f"badan-{index}", kind=UnitKind.OPD)
        for number in range(2):
            trained(appoint(opd.slug, f"op{index}.{number}", f"Operator {index}{number}"))
        late_report(coordinator, lead=opd.slug)

    with django_assert_num_queries(len(few)):
        response = client.get(LIST)
    assert len(_opd_linked(response)) == EVERY_OPD + 10
