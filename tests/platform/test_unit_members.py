"""Units and people: only the system administrator opens these screens; roles are granted and ended there, per
module, each change audited, and the person's staff home follows at once."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.models import AuditEvent, Membership, Role, Unit
from balai.core.registry import registry
from tests.dasbor.conftest import without_joining_modules
from tests.dasbor.second_module import EDITOR, LABEL, second_module
from tests.lapor.backoffice.steps import client_for, text

pytestmark = pytest.mark.django_db

UNITS = "/staf/unit/"
HOME = "/staf/"


def members(slug: str) -> str:
    return f"/staf/unit/{slug}/anggota/"


def newcomer(username: str = "budi.dlh", *, active: bool = True) -> Any:
    """An account made in Configuration, Users, with no role anywhere yet."""
    return get_user_model().objects.create_user(
        username=username, first_name="Budi", last_name="Rorimpandey", email=f"{username}@example.go.id",
        is_active=active,
    )  # fmt: skip


def grant(client: Any, slug: str, username: str, role: str) -> Any:
    return client.post(members(slug), {"username": username, "role": role})


def role_options(response: Any) -> list[str]:
    select = re.search(r'<select name="role".*?</select>', text(response), re.S)
    assert select is not None
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(0)) if value]


def words(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- who may open the screens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "operator_pupr", "operator_dinkes", "head_pupr", "pimpinan"])
def test_nobody_but_the_system_administrator_opens_or_changes_units_and_people(request, city, who):
    client = client_for(request.getfixturevalue(who))
    dlh = Unit.objects.get(slug="dlh")

    assert client.get(UNITS).status_code == 403
    assert client.get(members("dlh")).status_code == 403
    assert grant(client, "dlh", "operator.dinkes", "lapor:operator").status_code == 403
    mine = Membership.objects.get(user__username="operator.dinkes", role=Role.OPERATOR)
    assert client.post(members("dinkes"), {"revoke": mine.pk}).status_code == 403

    assert not Membership.objects.filter(unit=dlh).exists()
    assert Membership.objects.get(pk=mine.pk).is_active
    assert not AuditEvent.objects.filter(action__startswith="membership.", actor__isnull=False).exists()


def test_anonymous_visitors_are_sent_to_sign_in(city):
    for url in (UNITS, members("dlh")):
        response = client_for().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/staf/masuk/?next=")
    response = grant(client_for(), "dlh", "operator.dinkes", "lapor:operator")
    assert response.status_code == 302
    assert not Membership.objects.filter(unit__slug="dlh").exists()


def test_the_system_administrator_opens_both_screens(city, sysadmin):
    client = client_for(sysadmin)

    assert client.get(UNITS).status_code == 200
    assert client.get(members("dlh")).status_code == 200
    assert client.get(members("no-such-unit")).status_code == 404
    # The staff menu offers the screen to the administrator only.
    assert f'href="{UNITS}"' in text(client.get(HOME))
    assert f'href="{UNITS}"' not in text(client_for(Membership.objects.get(role=Role.KOORDINATOR).user).get(HOME))


# --- granting a role ---------------------------------------------------------------------------------------------


def test_a_role_granted_through_the_form_is_a_membership_of_that_module_audited_and_seen_on_the_staff_home(
    city, sysadmin
):
    budi = newcomer()
    before = words(client_for(budi).get(HOME))
    assert "You have no role in any unit yet." in before
    assert 'id="work-lapor"' not in text(client_for(budi).get(HOME))

    admin = client_for(sysadmin)
    response = grant(admin, "dlh", "budi.dlh", "lapor:operator")

    assert response.status_code == 302
    assert response["Location"] == members("dlh")
    membership = Membership.objects.get(user=budi)
    assert (membership.unit.slug, membership.module, membership.role, membership.is_active) == (
        "dlh", "lapor", Role.OPERATOR, True
    )  # fmt: skip
    (event,) = AuditEvent.objects.filter(action="membership.grant", actor=sysadmin)
    assert event.object_id == str(membership.pk)
    assert event.changes == {"user": "budi.dlh", "module": "lapor", "role": "operator", "unit": "dlh"}
    page = words(admin.get(members("dlh")))
    assert (
        "Budi Rorimpandey now holds the role Citizen reports · operator (admin penghubung) in Dinas Lingkungan Hidup."
        in page
    )
    assert "Budi Rorimpandey budi.dlh Citizen reports · operator (admin penghubung)" in page

    home = client_for(budi).get(HOME)
    assert 'id="work-lapor"' in text(home)
    assert "operator (admin penghubung) · Dinas Lingkungan Hidup" in words(home)
    assert "You have no role in any unit yet." not in words(home)
    # An operator without training is pointed to the guide.
    assert "No training is recorded for you yet." in words(home)


def test_an_operator_of_one_opd_can_be_appointed_to_a_second_one(city, sysadmin, operator_dinkes):
    assert grant(client_for(sysadmin), "dlh", "operator.dinkes", "lapor:operator").status_code == 302

    home = words(client_for(operator_dinkes).get(HOME))
    assert "operator (admin penghubung) · Dinas Kesehatan, Dinas Lingkungan Hidup" in home


@pytest.mark.parametrize(
    ("username", "role", "field", "message"),
    [
        ("nobody.here", "lapor:operator", "username", "There is no active account with the user name nobody.here."),
        ("budi.lama", "lapor:operator", "username", "There is no active account with the user name budi.lama."),
        ("budi.dlh", "", "role", "This field is required."),
        ("budi.dlh", "lapor:kepala", "role", "Select a valid choice."),
        ("", "lapor:operator", "username", "This field is required."),
    ],
    ids=["unknown-user", "inactive-user", "no-role", "unknown-role", "no-user"],
)
def test_a_form_that_cannot_be_granted_answers_400_says_why_and_keeps_what_was_typed(
    city, sysadmin, username, role, field, message
):
    newcomer()
    newcomer("budi.lama", active=False)

    response = grant(client_for(sysadmin), "dlh", username, role)

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert re.search(rf'<div class="field has-error[^"]*" id="field-{field}">', page)
    assert f'name="username" value="{username}"' in page or (not username and 'name="username"' in page)
    if role:
        assert re.search(rf'<option value="{role}"[^>]* selected>', page) or role == "lapor:kepala"
    assert not Membership.objects.filter(unit__slug="dlh").exists()
    assert not AuditEvent.objects.filter(action="membership.grant", actor=sysadmin).exists()


def test_granting_a_role_the_person_already_holds_says_so_and_changes_nothing(city, sysadmin):
    response = grant(client_for(sysadmin), "dinkes", "operator.dinkes", "lapor:operator")

    assert response.status_code == 400
    assert "Grace Tumbelaka already holds this role in this unit." in text(response)
    assert Membership.objects.filter(user__username="operator.dinkes").count() == 1
    assert not AuditEvent.objects.filter(action="membership.grant", actor=sysadmin).exists()


# --- ending a role -----------------------------------------------------------------------------------------------


def test_ending_a_role_keeps_the_row_inactive_audits_it_and_the_person_loses_the_work(city, sysadmin, operator_dinkes):
    membership = Membership.objects.get(user=operator_dinkes, role=Role.OPERATOR)
    client = client_for(sysadmin)

    response = client.post(members("dinkes"), {"revoke": membership.pk})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    (event,) = AuditEvent.objects.filter(action="membership.revoke", actor=sysadmin)
    assert event.changes == {"user": "operator.dinkes", "module": "lapor", "role": "operator", "unit": "dinkes"}
    page = words(client.get(members("dinkes")))
    assert "Grace Tumbelaka no longer holds the role Citizen reports · operator (admin penghubung) here." in page
    assert "Nobody holds a role in this unit yet." in page
    assert "1 ended role" in page
    assert "Grace Tumbelaka · Citizen reports · operator (admin penghubung) ended" in page
    home = client_for(operator_dinkes).get(HOME)
    assert 'id="work-lapor"' not in text(home)
    assert "You have no role in any unit yet." in words(home)

    # Granting it again makes the same row active again.
    assert grant(client, "dinkes", "operator.dinkes", "lapor:operator").status_code == 302
    assert Membership.objects.filter(user=operator_dinkes).count() == 1
    membership.refresh_from_db()
    assert membership.is_active


def test_a_role_of_another_unit_cannot_be_ended_from_this_one(city, sysadmin, operator_dinkes):
    membership = Membership.objects.get(user=operator_dinkes, role=Role.OPERATOR)

    response = client_for(sysadmin).post(members("dlh"), {"revoke": membership.pk})

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


# --- the roles on offer ------------------------------------------------------------------------------------------


def test_the_role_choices_list_the_platform_roles_and_every_registered_module_role(city, sysadmin):
    expected = [":pimpinan", ":admin_sistem"] + [f"{m.label}:{r.code}" for m, r in registry.roles()]
    assert "lapor:operator" in expected
    assert "lapor:koordinator" in expected

    assert role_options(client_for(sysadmin).get(members("dlh"))) == expected

    with second_module():
        response = client_for(sysadmin).get(members("dlh"))
        assert role_options(response) == [*expected, f"{LABEL}:{EDITOR}"]
        assert "Menulis berita dan halaman situs OPD." in text(response)  # what the role may do
        # A role that only the new module declares is granted like any other.
        newcomer()
        assert grant(client_for(sysadmin), "dlh", "budi.dlh", f"{LABEL}:{EDITOR}").status_code == 302
        assert Membership.objects.get(user__username="budi.dlh").module == LABEL


# --- the list of units -------------------------------------------------------------------------------------------


@pytest.fixture
def only_lapor() -> Any:
    """The columns this test describes are lapor's; each joining module tests its own operators' column."""
    yield from without_joining_modules()


def test_the_list_counts_people_once_and_each_module_s_operators(city, sysadmin, operator_pupr, only_lapor):
    # Steven also becomes a head of Dinkes: one person, two roles there would count once.
    Membership.objects.create(user=operator_pupr, unit=Unit.objects.get(slug="dinkes"), role=Role.PIMPINAN)
    Membership.objects.create(user=operator_pupr, unit=Unit.objects.get(slug="dinkes"), module="lapor",
                              role=Role.OPERATOR)  # fmt: skip

    response = client_for(sysadmin).get(UNITS)

    rows = {
        name: " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for name, row in re.findall(
            r'<th scope="row"><a href="/staf/unit/([a-z-]+)/anggota/">(.*?)</tr>', text(response), re.S
        )
    }
    assert len(rows) == 13
    assert rows["dinkes"] == "Dinas Kesehatan 2 2"
    assert rows["dinas-pupr"] == "Dinas Pekerjaan Umum dan Penataan Ruang 2 1"
    assert rows["dlh"] == "Dinas Lingkungan Hidup nobody nobody"
    # On a phone each figure is named by its column.
    assert 'data-label="Citizen reports: operator (admin penghubung)"' in text(response)
    assert "13 units" in text(response)


def test_the_list_finds_a_unit_by_name_and_kind(city, sysadmin):
    client = client_for(sysadmin)

    found = text(client.get(UNITS, {"q": "lingkungan"}))
    assert "Dinas Lingkungan Hidup" in found
    assert "Dinas Kesehatan" not in found
    assert "1 unit" in found
    kecamatan = text(client.get(UNITS, {"kind": "kecamatan"}))
    assert "Dinas Kesehatan" not in kecamatan
    assert "No unit matches." in text(client.get(UNITS, {"q": "tidak ada unit seperti ini"}))
