"""Readiness per application: one table for every module, one row per OPD and module, read with one module (today)
and with a second one registered for the test."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from balai.core.models import Unit, UnitKind
from balai.core.registry import Backlog
from balai.core.services import membership_grant
from balai.dasbor.readiness import FlagCode
from tests.lapor.backoffice.steps import client_for, text

from .readiness_steps import appoint, at, late_report, readiness_of, signed_in, trained, unit
from .second_module import EDITOR, LABEL, second_module

pytestmark = pytest.mark.django_db

LIST = "/staf/dasbor/kesiapan/"
NOW = at(2026, 4, 2, 10, 0)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def words(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def editor(slug: str, username: str, name: str) -> Any:
    """A member of staff who edits the OPD's website (the second module's operating role)."""
    first, _, last = name.partition(" ")
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.go.id", first_name=first, last_name=last
    )
    membership_grant(actor=None, user=user, unit=unit(slug), module=LABEL, role=EDITOR)
    return user


def test_each_module_reports_its_own_operators_training_activity_and_backlog(city, operator_pupr, coordinator):
    with second_module() as situs:
        web = editor("dinas-pupr", "web.pupr", "Yohanis Sondakh")
        trained(web)
        signed_in(web, at(2026, 4, 1, 9, 0))
        late_report(coordinator)
        situs.backlogs[unit("dinas-pupr").pk] = Backlog(open=4, new=1, overdue=0)

        pupr = readiness_of("dinas-pupr", NOW)

    lapor, site = pupr.modules
    assert (lapor.label, lapor.operators, lapor.trained, lapor.active) == ("lapor", 1, 0, False)
    assert (lapor.backlog.open, lapor.backlog.overdue) == (1, 1)
    assert lapor.state == {"no_operator": "ok", "inactive": "fail", "overdue": "fail", "untrained": "fail"}
    assert not lapor.ready
    assert (site.label, site.name, site.operators, site.trained, site.active) == (LABEL, "Situs OPD", 1, 1, True)
    assert site.last_seen == at(2026, 4, 1, 9, 0)
    assert site.backlog.open == 4
    assert site.ready
    # Each operator says which applications they run; the OPD's totals add the modules up.
    assert {o.name: o.modules for o in pupr.operators} == {
        "Steven Lumenta": ("Citizen reports",),
        "Yohanis Sondakh": ("Situs OPD",),
    }
    assert (pupr.open, pupr.overdue) == (5, 1)


def test_a_module_without_an_operator_has_nothing_to_be_active_or_trained_in(city):
    with second_module():
        dinkes = readiness_of("dinkes", NOW)

    site = dinkes.modules[1]
    assert site.state == {"no_operator": "fail", "inactive": "na", "overdue": "ok", "untrained": "na"}
    assert site.last_seen is None
    assert not site.ready
    # With one module, that module's rules are the OPD's own checks.
    (lapor,) = readiness_of("dinkes", NOW).modules
    assert [lapor.state[c.code] for c in readiness_of("dinkes", NOW).checks] == [
        c.state for c in readiness_of("dinkes", NOW).checks
    ]
    assert list(lapor.state) == list(FlagCode)


def test_with_one_module_the_table_has_a_row_per_opd_and_no_application_column(city, coordinator, operator_pupr):
    late_report(coordinator)

    response = client_for(coordinator).get(LIST)

    page = text(response)
    assert "Application</th>" not in page
    assert page.count("<tbody") == 13
    assert len(re.findall(r"<tr[ >]", page)) == 13 + 1  # and the header row
    pupr = re.search(r'<tbody class="not-ready">\s*<tr class="not-ready">\s*<th scope="row" class="c-opd">'
                     r'<a href="/staf/dasbor/kesiapan/dinas-pupr/">(.*?)</tbody>', page, re.S)  # fmt: skip
    assert pupr is not None
    cells = " ".join(re.sub(r"<[^>]+>", " ", pupr.group(1)).split())
    assert "Operators: ✓ 1 Trained: ✗ 0 of 1 Last activity: ✗ never signed in Open work: 1 Overdue: ✗ 1" in cells


def test_with_two_modules_each_opd_has_a_row_per_application(city, coordinator, operator_pupr):
    with second_module() as situs:
        editor("dinas-pupr", "web.pupr", "Yohanis Sondakh")
        situs.backlogs[unit("dinas-pupr").pk] = Backlog(open=4, new=1, overdue=2)

        page = text(client_for(coordinator).get(LIST))

    assert '<th scope="col">Application</th>' in page
    assert page.count('<th scope="rowgroup" class="c-opd" rowspan="2">') == 13
    pupr = re.search(r'kesiapan/dinas-pupr/">(.*?)</tbody>', page, re.S)
    assert pupr is not None
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in pupr.group(1).split("</tr>")[:2]]
    assert rows[0].endswith("Citizen reports Operators: ✓ 1 Trained: ✗ 0 of 1 "
                            "Last activity: ✗ never signed in Open work: 0 Overdue: ✓ 0")  # fmt: skip
    assert rows[1] == ("Situs OPD Operators: ✓ 1 Trained: ✗ 0 of 1 Last activity: ✗ never signed in "
                       "Open work: 4 Overdue: ✗ 2")  # fmt: skip
    # An OPD where nobody edits the website says so in that row.
    dinkes = re.search(r'kesiapan/dinkes/">(.*?)</tbody>', page, re.S)
    assert dinkes is not None
    assert "Situs OPD Operators: ✗ none appointed Trained: — Last activity: — Open work: 0 Overdue: ✓ 0" in " ".join(
        re.sub(r"<[^>]+>", " ", dinkes.group(1)).split()
    )


def test_the_opd_page_has_a_block_per_application(city, coordinator, operator_pupr):
    late_report(coordinator)
    with second_module() as situs:
        editor("dinas-pupr", "web.pupr", "Yohanis Sondakh")
        situs.backlogs[unit("dinas-pupr").pk] = Backlog(open=4, new=1, overdue=0)

        two = client_for(coordinator).get(f"{LIST}dinas-pupr/")
    one = client_for(coordinator).get(f"{LIST}dinas-pupr/")

    page = words(two)
    assert "Citizen reports 1 operator appointed 0 of 1 trained — never signed in 1 open (backlog) 1 new" in page
    assert "Situs OPD 1 operator appointed 0 of 1 trained — never signed in 4 open (backlog) 1 new" in page
    # Only the reports link to a list of their own.
    assert text(two).count('href="/staf/laporan/?unit=dinas-pupr') == 3
    assert "Operates: Citizen reports" in page
    assert "Operates: Situs OPD" in page
    # One module: the same block, and operators need not say what they operate.
    assert "Citizen reports 1 operator appointed" in words(one)
    assert "Situs OPD" not in words(one)
    assert "Operates:" not in words(one)


def test_with_two_modules_the_list_still_costs_the_same_queries_for_13_or_23_opd(
    city, coordinator, django_assert_num_queries
):
    client = client_for(coordinator)
    with second_module() as situs:
        client.get(LIST)
        with CaptureQueriesContext(connection) as few:
            assert client.get(LIST).status_code == 200
        for index in range(10):
            opd = Unit.objects.create(name=f"Badan {index}", slug=f"badan-{index}", kind=UnitKind.OPD)
            trained(appoint(opd.slug, f"op{index}", f"Operator {index}"))
            editor(opd.slug, f"web{index}", f"Editor {index}")
            situs.backlogs[opd.pk] = Backlog(open=index)
            signed_in(opd.memberships.first().user, timezone.now())  # type: ignore[union-attr]
        situs.reads = 0

        with django_assert_num_queries(len(few)):
            response = client.get(LIST)

        assert situs.reads == 1
    assert text(response).count('rowspan="2"') == 23


def test_an_opd_whose_second_module_nobody_operates_is_not_ready_and_the_finding_names_it(city, operator_pupr):
    from balai.dasbor.readiness import opd_readiness

    with second_module():
        pupr = Unit.objects.get(slug="dinas-pupr")
        (opd,) = opd_readiness(unit_ids=[pupr.pk]).opds

    flag = opd.flag(FlagCode.NO_OPERATOR)
    assert flag is not None and not opd.ready
    with translation.override("en"):
        assert flag.finding == "Nobody operates Situs OPD at this OPD."


def test_a_modules_reasons_for_the_overdue_flag_are_listed_on_both_pages(city, coordinator, operator_pupr):
    """`Backlog.reasons` (a stale website's reasons, for example) shown as the module gives them, under its flag."""
    with second_module() as situs:
        editor("dinas-pupr", "web.pupr", "Yohanis Sondakh")
        situs.backlogs[unit("dinas-pupr").pk] = Backlog(open=0, overdue=1, reasons=("No news in 30 days.",))
        listing = words(client_for(coordinator).get(LIST))
        detail = words(client_for(coordinator).get(f"{LIST}dinas-pupr/"))
    assert (
        "Situs OPD Operators: ✓ 1 Trained: ✗ 0 of 1 Last activity: ✗ never signed in Open work: 0 Overdue: ✗ 1 No news in 30 days."
        in listing
    )
    assert "1 overdue No news in 30 days." in detail
    assert listing.count("No news in 30 days.") == 1  # only the OPD that has it
