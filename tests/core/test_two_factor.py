"""Two-step sign-in for staff: setting up an authenticator app, the code after the password, turning it off,
and the Pemda's requirement for coordinators and system administrators.

Codes are computed from the device's real key with django-otp's TOTP, at a clock the tests move.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.core.models import AuditEvent, Pemda
from balai.core.services import CodeCheck, totp_enrol_confirm, totp_enrol_start
from balai.core.views import _code_error
from balai.platform.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/staf/masuk/"
CODE = "/staf/masuk/kode/"
SECURITY = "/staf/keamanan/"
LOGOUT = "/staf/keluar/"
HOME = "/staf/"
INBOX = "/staf/laporan/"
ADMIN = "/staf/admin/"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Makassar")), tick=False)
    return time_machine


@pytest.fixture
def required(city):
    Pemda.objects.filter(pk=city.pk).update(require_staff_2fa=True)


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the device refuses now: none of those it accepts (the current step and one either side)."""
    device.refresh_from_db()
    accepted = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d):06d}"
        for d in range(device.drift - device.tolerance, device.drift + device.tolerance + 1)
    }
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in accepted)


def sign_in(client, username, password=DEMO_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in_as(client):
    return client.session.get(SESSION_KEY)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def in_indonesian(text: str) -> str:
    with translation.override("id"):
        return gettext(text)


def enrol(client, user, clock) -> TOTPDevice:
    """Set up the app through the security page, as a person would, and leave 30 seconds for a fresh code."""
    assert client.post(SECURITY, {"action": "start"}).status_code == 302
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SECURITY, {"action": "confirm", "code": code_now(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    clock.shift(timedelta(seconds=30))
    return device


def enrolled_and_signed_out(client, user, clock) -> TOTPDevice:
    client.force_login(user)
    device = enrol(client, user, clock)
    client.post(LOGOUT)
    assert signed_in_as(client) is None
    return device


# --- Setting it up -------------------------------------------------------------------------------


def test_the_security_page_says_two_step_sign_in_is_off_at_first(client, operator_pupr):
    client.force_login(operator_pupr)

    response = client.get(SECURITY)

    assert response.status_code == 200
    assert response.context["device"] is None
    assert response.context["setup"] is None
    assert in_indonesian("Two-step sign-in is off.") in response.content.decode()


def test_the_security_page_needs_a_signed_in_person(client, city):
    response = client.get(SECURITY)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={SECURITY}"


def test_setting_up_shows_a_qr_code_and_the_key_and_waits_for_a_first_code(client, coordinator, clock):
    client.force_login(coordinator)

    client.post(SECURITY, {"action": "start"})
    response = client.get(SECURITY)

    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed, "a new key counts only once a code from the app confirms it"
    page = response.content.decode()
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert response.context["secret"] == " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    assert response.context["secret"] in page
    qr = response.context["qr_code"]
    assert qr.startswith("data:image/svg+xml;base64,")
    assert f'src="{qr}"' in page
    assert base64.b64decode(qr.removeprefix("data:image/svg+xml;base64,")).startswith(b"<svg")
    # The CSP forbids inline scripts and styles.
    assert "<script" not in page
    assert "style=" not in page
    assert "<style" not in page
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_the_qr_code_carries_the_key_for_an_authenticator_app(client, coordinator, city):
    from balai.core.views import _otpauth_url

    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=coordinator)

    url = _otpauth_url(device, "Balai Kota Bitung")

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert url.startswith("otpauth://totp/Balai%20Kota%20Bitung%3Akoordinator?")
    assert f"secret={key}" in url
    assert "issuer=Balai%20Kota%20Bitung" in url
    assert "digits=6" in url
    assert "period=30" in url


def test_a_right_first_code_turns_two_step_sign_in_on_and_is_audited(client, coordinator, clock):
    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SECURITY, {"action": "confirm", "code": code_now(device)})

    assert response.status_code == 302
    assert response.url == SECURITY
    device.refresh_from_db()
    assert device.confirmed
    # The session that showed the code is verified.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    event = AuditEvent.objects.get(action="user.2fa_enable")
    assert event.actor == coordinator
    assert event.object_type == "auth.user"
    assert event.object_id == str(coordinator.pk)
    assert event.changes["method"] == "totp"
    assert event.ip_address == "127.0.0.1"
    assert in_indonesian("Two-step sign-in is on.") in client.get(SECURITY).content.decode()


def test_a_first_code_may_be_typed_with_a_space(client, coordinator, clock):
    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=coordinator)
    code = code_now(device)

    client.post(SECURITY, {"action": "confirm", "code": f" {code[:3]} {code[3:]} "})

    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_first_code_leaves_it_off(client, coordinator, clock):
    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SECURITY, {"action": "confirm", "code": wrong_code(device)})

    assert response.status_code == 200
    with translation.override("id"):
        assert response.context["form"].errors["code"] == [_code_error(CodeCheck(accepted=False))]
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEvent.objects.filter(action="user.2fa_enable").exists()


def test_something_other_than_six_digits_is_refused_before_it_is_tried(client, coordinator, clock):
    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})

    response = client.post(SECURITY, {"action": "confirm", "code": "12345a"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert TOTPDevice.objects.get(user=coordinator).throttling_failure_count == 0


def test_cancelling_the_setup_forgets_the_new_key(client, coordinator, clock):
    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})

    response = client.post(SECURITY, {"action": "cancel"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_starting_again_replaces_the_unconfirmed_key(client, coordinator, clock):
    client.force_login(coordinator)
    client.post(SECURITY, {"action": "start"})
    first = TOTPDevice.objects.get(user=coordinator)

    client.post(SECURITY, {"action": "start"})

    assert list(TOTPDevice.objects.filter(user=coordinator)) != [first]
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


# --- Signing in with the code ----------------------------------------------------------------------


def test_after_the_password_sign_in_asks_for_the_code(client, coordinator, clock):
    enrolled_and_signed_out(client, coordinator, clock)

    response = sign_in(client, "koordinator")

    assert response.status_code == 302
    assert response.url == CODE
    assert signed_in_as(client) is None, "nobody is signed in before the code"
    page = client.get(CODE)
    assert page.status_code == 200
    assert page.context["signing_in_as"] == "koordinator"
    # The staff pages stay closed meanwhile.
    assert client.get(INBOX).url.startswith(LOGIN)
    assert client.get(HOME).url.startswith(LOGIN)


def test_a_wrong_code_is_refused_with_a_message_and_the_right_code_signs_in(client, coordinator, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    sign_in(client, "koordinator")

    typed = wrong_code(device)
    wrong = client.post(CODE, {"code": typed})

    assert wrong.status_code == 200
    with translation.override("id"):
        expected = _code_error(CodeCheck(accepted=False), tries_left=4)
    assert wrong.context["form"].errors["code"] == [expected]
    assert expected in wrong.content.decode()
    assert f'value="{typed}"' not in wrong.content.decode(), "the box is empty again"
    assert signed_in_as(client) is None

    clock.shift(timedelta(seconds=2))  # the wait after one wrong code (1 second)
    right = client.post(CODE, {"code": code_now(device)})

    assert right.status_code == 302
    assert right.url == HOME
    assert signed_in_as(client) == str(coordinator.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(HOME).status_code == 200
    assert client.get(INBOX).status_code == 200


def test_the_code_step_keeps_the_page_asked_for(client, coordinator, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    client.post(LOGIN, {"username": "koordinator", "password": DEMO_PASSWORD, "next": INBOX})

    response = client.post(CODE, {"code": code_now(device)})

    assert response.url == INBOX


def test_a_code_cannot_be_used_twice(client, coordinator, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    sign_in(client, "koordinator")
    code = code_now(device)
    client.post(CODE, {"code": code})
    client.post(LOGOUT)

    sign_in(client, "koordinator")
    clock.shift(timedelta(seconds=5))
    response = client.post(CODE, {"code": code})

    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_a_try_right_after_a_wrong_code_must_wait(client, coordinator, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    sign_in(client, "koordinator")
    client.post(CODE, {"code": wrong_code(device)})

    response = client.post(CODE, {"code": code_now(device)})

    assert response.status_code == 200
    with translation.override("id"):
        expected = _code_error(CodeCheck(accepted=False, retry_after=1))
    assert response.context["form"].errors["code"] == [expected]
    assert signed_in_as(client) is None


def test_five_wrong_codes_send_the_person_back_to_the_password(client, coordinator, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    sign_in(client, "koordinator")

    for _ in range(4):
        assert client.post(CODE, {"code": wrong_code(device)}).status_code == 200
        clock.shift(timedelta(seconds=20))  # past every wait, so that each code is really tried
    fifth = client.post(CODE, {"code": wrong_code(device)})

    assert fifth.status_code == 302
    assert fifth.url == LOGIN
    assert messages_of(fifth) == [
        in_indonesian(
            "Too many wrong codes. For your safety, start again: enter your username and password, then a new code."
        )
    ]
    clock.shift(timedelta(seconds=60))
    again = client.post(CODE, {"code": code_now(device)})
    assert again.status_code == 302
    assert again.url == LOGIN, "the right code no longer helps: the password comes first"
    assert signed_in_as(client) is None


def test_the_code_must_follow_the_password_within_ten_minutes(client, coordinator, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    sign_in(client, "koordinator")

    clock.shift(timedelta(minutes=11))
    response = client.post(CODE, {"code": code_now(device)})

    assert response.status_code == 302
    assert response.url == LOGIN
    assert signed_in_as(client) is None


def test_the_code_step_without_a_password_sends_to_sign_in(client, city):
    response = client.post(CODE, {"code": "123456"})

    assert response.status_code == 302
    assert response.url == LOGIN


def test_a_person_without_an_app_signs_in_with_the_password_only(client, coordinator):
    response = sign_in(client, "koordinator")

    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in_as(client) == str(coordinator.pk)


def test_a_session_signed_in_before_the_app_was_set_up_must_show_a_code(client, coordinator, clock):
    client.force_login(coordinator)  # an older session, elsewhere
    device = totp_enrol_start(user=coordinator)
    check, _device = totp_enrol_confirm(user=coordinator, token=code_now(device))
    assert check.accepted
    clock.shift(timedelta(seconds=30))

    response = client.get(INBOX)

    assert response.status_code == 302
    assert response.url == f"{CODE}?next={INBOX}"
    assert client.get(ADMIN).url.startswith(CODE)
    answer = client.post(f"{CODE}?next={INBOX}", {"code": code_now(device)})
    assert answer.url == INBOX
    assert client.get(INBOX).status_code == 200


def test_the_admin_sign_in_form_cannot_skip_the_code(client, sysadmin, clock):
    enrolled_and_signed_out(client, sysadmin, clock)

    form = client.get(f"{ADMIN}login/?next={ADMIN}")
    post = client.post(f"{ADMIN}login/", {"username": "admin", "password": DEMO_PASSWORD})

    assert form.status_code == 302
    assert form.url == f"{LOGIN}?next={ADMIN}"
    assert post.status_code == 302
    assert post.url.startswith(LOGIN)
    assert signed_in_as(client) is None


# --- Turning it off --------------------------------------------------------------------------------


def test_turning_off_requires_a_right_code_and_is_audited(client, coordinator, clock):
    client.force_login(coordinator)
    device = enrol(client, coordinator, clock)

    without = client.post(SECURITY, {"action": "disable", "code": ""})
    wrong = client.post(SECURITY, {"action": "disable", "code": wrong_code(device)})

    assert without.status_code == 200
    assert without.context["form"].errors["code"]
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action="user.2fa_disable").exists()

    clock.shift(timedelta(seconds=5))
    right = client.post(SECURITY, {"action": "disable", "code": code_now(device)})

    assert right.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action="user.2fa_disable")
    assert event.actor == coordinator
    assert event.object_id == str(coordinator.pk)
    # The next sign-in asks only for the password.
    client.post(LOGOUT)
    assert sign_in(client, "koordinator").url == HOME


# --- The Pemda's requirement -----------------------------------------------------------------------


def test_the_requirement_is_off_until_the_pemda_turns_it_on(city):
    assert Pemda.objects.get(pk=city.pk).require_staff_2fa is False


def test_a_required_koordinator_without_an_app_is_sent_to_set_it_up(client, coordinator, required):
    response = sign_in(client, "koordinator")

    assert response.status_code == 302
    assert response.url == SECURITY
    assert client.get(SECURITY).status_code == 200


@pytest.mark.parametrize("path", [HOME, INBOX, ADMIN, f"{ADMIN}core/pemda/", "/laporan/"])
def test_a_required_koordinator_without_an_app_opens_no_other_page(client, coordinator, required, path):
    sign_in(client, "koordinator")

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == SECURITY


def test_a_required_koordinator_can_still_sign_out(client, coordinator, required):
    sign_in(client, "koordinator")

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert signed_in_as(client) is None


def test_once_set_up_the_required_koordinator_reaches_the_staff_pages(client, coordinator, required, clock):
    sign_in(client, "koordinator")
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SECURITY, {"action": "confirm", "code": code_now(device)})

    assert response.url == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(INBOX).status_code == 200
    assert AuditEvent.objects.filter(action="user.2fa_enable", actor=coordinator).count() == 1


def test_a_required_koordinator_cannot_turn_it_off(client, coordinator, required, clock):
    sign_in(client, "koordinator")
    device = enrol(client, coordinator, clock)

    response = client.post(SECURITY, {"action": "disable", "code": code_now(device)})

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert messages_of(response)[-1] == in_indonesian(
        "Your Pemda requires two-step sign-in for your role, so it cannot be turned off."
    )


def test_a_required_system_administrator_opens_the_admin_only_after_the_code(client, sysadmin, required, clock):
    sign_in(client, "admin")
    assert client.get(ADMIN).url == SECURITY
    enrol(client, sysadmin, clock)
    assert client.get(ADMIN).status_code == 200
    client.post(LOGOUT)

    sign_in(client, "admin")
    assert signed_in_as(client) is None
    assert client.get(ADMIN).url.startswith(f"{ADMIN}login/")
    device = TOTPDevice.objects.get(user=sysadmin)
    client.post(CODE, {"code": code_now(device)})

    assert client.get(ADMIN).status_code == 200


def test_an_operator_is_not_forced_when_the_pemda_requires_two_step_sign_in(client, operator_pupr, required):
    response = sign_in(client, "operator.pupr")

    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(INBOX).status_code == 200


def test_a_pimpinan_is_not_forced_either(client, pimpinan, required):
    sign_in(client, "pimpinan")

    assert client.get(HOME).status_code == 200


# --- A lost phone --------------------------------------------------------------------------------


def test_a_system_administrator_removes_a_lost_phones_app_and_it_is_audited(client, coordinator, sysadmin, clock):
    device = enrolled_and_signed_out(client, coordinator, clock)
    client.force_login(sysadmin)

    page = client.get(f"{ADMIN}otp_totp/totpdevice/{device.pk}/change/")
    response = client.post(f"{ADMIN}otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert device.key not in page.content.decode(), "the admin screens never show the secret key"
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="totpdevice.delete")
    assert event.actor == sysadmin
    assert event.object_id == str(device.pk)
    client.post(LOGOUT)
    assert sign_in(client, "koordinator").url == HOME
