"""The sign-in pause counts wrong passwords per account, from any address; a coordinator lifts it (audited)."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from balai.core.models import AuditEvent
from balai.core.selectors import login_lockouts
from balai.platform.demo import DEMO_PASSWORD
from tests.lapor.backoffice.steps import client_for, text

pytestmark = pytest.mark.django_db

LOGIN = "/staf/masuk/"
LOCKED = "/staf/akun-terkunci/"


def _sign_in_from(address: str, username: str, password: str = "kata-sandi-keliru") -> tuple[int, Client]:  # noqa: S107
    browser = Client(REMOTE_ADDR=address)
    response = browser.post(LOGIN, {"username": username, "password": password})
    return response.status_code, browser


def _lock_from_five_addresses(username: str) -> None:
    for n in range(1, 6):
        _sign_in_from(f"203.0.113.{n}", username)


def test_five_wrong_passwords_from_five_addresses_lock_the_account(operator_pupr):
    _lock_from_five_addresses("operator.pupr")

    status, browser = _sign_in_from("198.51.100.77", "operator.pupr", DEMO_PASSWORD)

    assert status == 429
    assert browser.session.get(SESSION_KEY) is None


def test_the_pause_page_says_how_to_get_the_account_back(operator_pupr):
    _lock_from_five_addresses("operator.pupr")

    response = Client(REMOTE_ADDR="198.51.100.77").post(LOGIN, {"username": "operator.pupr", "password": "x" * 12})

    assert "minta koordinator membuka kunci akun Anda" in text(response)


def test_a_coordinator_sees_the_locked_account_and_unlocks_it(coordinator, operator_pupr, operator_dinkes):
    _lock_from_five_addresses("operator.pupr")
    for n in range(1, 4):
        _sign_in_from(f"203.0.113.{n}", "operator.dinkes")  # three tries: not locked
    staff = client_for(coordinator)

    page = text(staff.get(LOCKED))
    assert "operator.pupr" in page
    (locked,) = login_lockouts()
    assert (locked.user, locked.failures, locked.addresses) == (operator_pupr, 5, 5)
    assert "operator.dinkes" not in page

    response = staff.post(LOCKED, {"username": "operator.pupr"}, follow=True)

    assert "No account is locked now." in text(response)
    assert f"{operator_pupr.get_full_name()} can sign in again" in text(response)
    assert _sign_in_from("198.51.100.77", "operator.pupr", DEMO_PASSWORD)[0] == 302
    event = AuditEvent.objects.get(action="login.unlock")
    assert (event.actor, event.object_id) == (coordinator, str(operator_pupr.pk))
    assert event.changes["failure_records"] == 5


def test_an_operator_can_neither_see_nor_lift_a_pause(operator_pupr, operator_dinkes):
    _lock_from_five_addresses("operator.dinkes")
    staff = client_for(operator_pupr)

    assert staff.get(LOCKED).status_code == 403
    assert staff.post(LOCKED, {"username": "operator.dinkes"}).status_code == 403
    assert _sign_in_from("198.51.100.77", "operator.dinkes", DEMO_PASSWORD)[0] == 429
    assert not AuditEvent.objects.filter(action="login.unlock").exists()


@pytest.mark.parametrize(
    ("cooloff_hours", "language", "expected"),
    [
        (0.5, "id", "tidak dapat masuk selama 30 menit"),
        (0.5, "en", "cannot sign in for 30 minutes"),
        (1 / 60, "en", "cannot sign in for 1 minute,"),
    ],
)
def test_the_pause_page_says_the_configured_pause(operator_pupr, settings, cooloff_hours, language, expected):
    settings.AXES_COOLOFF_TIME = cooloff_hours  # what AXES_COOLOFF_MINUTES sets
    _lock_from_five_addresses("operator.pupr")

    browser = Client(REMOTE_ADDR="198.51.100.77")
    browser.cookies["django_language"] = language
    response = browser.post(LOGIN, {"username": "operator.pupr", "password": "x" * 12})

    assert response.status_code == 429
    assert expected in text(response)
    # The default pause (15 minutes) must not leak into the sentence; the page's
    # random tokens may well contain the digits "15", so look at the words only.
    assert "15 min" not in text(response)
    assert "15 menit" not in text(response)
