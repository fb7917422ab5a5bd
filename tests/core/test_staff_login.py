"""Staff sign-in: username or email, an Indonesian error, a pause after five wrong passwords, and the landing page."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import translation

from balai.core.models import Role, Unit
from balai.core.services import membership_grant
from balai.platform.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/staf/masuk/"
HOME = "/staf/"
ADMIN = "/staf/admin/"


def _sign_in(client, username, password=DEMO_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _signed_in_as(client):
    return client.session.get(SESSION_KEY)


def _role_label(role: Role) -> str:
    with translation.override("id"):
        return str(role.label)


def test_staff_sign_in_with_their_username(client, coordinator):
    response = _sign_in(client, "koordinator")

    assert response.status_code == 302
    assert response.url == HOME
    assert _signed_in_as(client) == str(coordinator.pk)


def test_staff_sign_in_with_their_email_in_any_case(client, operator_pupr):
    response = _sign_in(client, "  Operator.PUPR@demo.balai.local ")

    assert response.status_code == 302
    assert _signed_in_as(client) == str(operator_pupr.pk)


def test_a_wrong_password_shows_the_error_in_indonesian(client, coordinator):
    response = _sign_in(client, "koordinator", "kata-sandi-keliru")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert response.context["form"].errors["__all__"]
    assert "kata sandi salah" in response.content.decode()
    assert _signed_in_as(client) is None


def test_an_unknown_email_gets_the_same_error_as_a_wrong_password(client, city):
    response = _sign_in(client, "tidak.ada@demo.balai.local")

    assert response.status_code == 200
    assert "kata sandi salah" in response.content.decode()
    assert _signed_in_as(client) is None


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, coordinator):
    for _ in range(4):
        assert _sign_in(client, "koordinator", "kata-sandi-keliru").status_code == 200
    # The fifth failure already answers with the pause (django-axes: 429 Too Many Requests).
    assert _sign_in(client, "koordinator", "kata-sandi-keliru").status_code == 429

    response = _sign_in(client, "koordinator")

    assert response.status_code == 429
    assert "Terlalu banyak kata sandi salah untuk akun ini" in response.content.decode()
    assert _signed_in_as(client) is None


def test_the_pause_counts_the_account_however_its_name_is_spelled(client, coordinator):
    wrong_spellings = ["koordinator", "koordinator@demo.balai.local", "Koordinator@Demo.Balai.Local"]
    for attempt in range(5):
        _sign_in(client, wrong_spellings[attempt % len(wrong_spellings)], "kata-sandi-keliru")

    for spelling in [*wrong_spellings, "KOORDINATOR@DEMO.BALAI.LOCAL"]:
        response = _sign_in(client, spelling)
        assert response.status_code == 429, spelling
        assert _signed_in_as(client) is None


def test_four_wrong_passwords_do_not_pause_the_account(client, coordinator):
    for _ in range(4):
        _sign_in(client, "koordinator", "kata-sandi-keliru")

    response = _sign_in(client, "koordinator")

    assert response.status_code == 302
    assert _signed_in_as(client) == str(coordinator.pk)


def test_the_pause_of_one_account_does_not_lock_out_a_colleague(client, coordinator, operator_pupr):
    for _ in range(5):
        _sign_in(client, "koordinator", "kata-sandi-keliru")

    assert _sign_in(client, "operator.pupr").status_code == 302
    assert _signed_in_as(client) == str(operator_pupr.pk)


def test_the_staff_page_sends_anonymous_visitors_to_sign_in(client, city):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={HOME}"


def test_the_staff_page_shows_each_role_of_the_signed_in_user(client, operator_pupr):
    membership_grant(actor=None, user=operator_pupr, unit=Unit.objects.get(slug="setda"), role=Role.PIMPINAN)
    client.force_login(operator_pupr)

    page = client.get(HOME).content.decode()

    assert f"{_role_label(Role.OPERATOR)} · Dinas Pekerjaan Umum dan Penataan Ruang" in page
    assert f"{_role_label(Role.PIMPINAN)} · Sekretariat Daerah" in page
    assert _role_label(Role.KOORDINATOR) not in page
    assert _role_label(Role.ADMIN_SISTEM) not in page


def test_the_staff_page_leaves_out_a_revoked_role(client, operator_pupr):
    membership = operator_pupr.memberships.get(role=Role.OPERATOR)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    client.force_login(operator_pupr)

    page = client.get(HOME).content.decode()

    assert _role_label(Role.OPERATOR) not in page


def test_the_admin_site_opens_for_the_system_administrator(client, sysadmin):
    client.force_login(sysadmin)

    response = client.get(ADMIN)

    assert response.status_code == 200
    assert response.context["user"] == sysadmin
    assert any(app["app_label"] == "core" for app in response.context["app_list"])


def test_the_admin_site_is_closed_to_an_operator(client, operator_pupr):
    assert operator_pupr.is_staff, "operators are staff for the staff pages, which must not open the admin"
    client.force_login(operator_pupr)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response.url.startswith(f"{ADMIN}login/")


def test_an_operator_cannot_open_an_admin_list_by_its_address(client, operator_pupr):
    client.force_login(operator_pupr)

    response = client.get(f"{ADMIN}core/membership/")

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url.startswith(f"{ADMIN}login/")
