"""Behind nginx every request comes from 127.0.0.1: the client's own address must still drive the rate limits."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from balai.platform.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

UNKNOWN_CODE = "/lacak/BTG-7K3Q-9XFA/"


@pytest.fixture
def look(client, city, settings, time_machine):
    settings.RATELIMIT_TRACK = "2/m"
    time_machine.move_to("2026-11-02 09:00:30 +0800", tick=False)

    def look_up(forwarded_for: str) -> int:
        return client.get(UNKNOWN_CODE, HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="127.0.0.1").status_code

    return look_up


def test_behind_one_proxy_each_citizen_has_their_own_limit_and_cannot_forge_another(look, settings):
    settings.PROXY_COUNT = 1

    assert [look("203.0.113.7") for _ in range(3)] == [404, 404, 429]
    assert look("203.0.113.8") == 404  # another citizen is not blocked by the first
    assert look("198.51.100.1, 203.0.113.7") == 429  # an entry the client wrote itself does not help


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(look, settings):
    settings.PROXY_COUNT = 2

    assert [look("203.0.113.7, 10.0.0.2") for _ in range(3)] == [404, 404, 429]
    assert look("203.0.113.8, 10.0.0.2") == 404


def test_without_a_proxy_a_forwarded_header_is_ignored(look, settings):
    settings.PROXY_COUNT = 0

    assert [look(f"203.0.113.{n}") for n in range(3)] == [404, 404, 429]


def test_with_fewer_entries_than_proxies_the_peer_counts_not_the_clients_own_value(look, settings):
    # Two proxies should leave two entries; a lone entry may well be the client's own invention.
    settings.PROXY_COUNT = 2

    assert [look(f"203.0.113.{n}") for n in range(3)] == [404, 404, 429]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "203.0.113.7, 2001:db8::7", "2001:db8::7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),
        (3, "203.0.113.7, 10.0.0.2", "10.0.0.1"),
    ],
)
def test_the_client_address_and_the_middleware_agree(rf, settings, proxies, forwarded, expected):
    from balai.core.middleware import ProxiedClientAddressMiddleware, client_address

    settings.PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == expected

    seen = []

    def view(after):
        seen.append((after.META["REMOTE_ADDR"], client_address(after)))
        return HttpResponse()

    ProxiedClientAddressMiddleware(view)(request)
    assert seen == [(expected, expected)]


def _readers():
    from axes.helpers import get_client_ip_address

    from balai.api.open311.views import _client_address
    from balai.api.v1.access import client_ip
    from balai.lapor.staff_views import _ip
    from balai.lapor.views import _client_ip

    return {
        "django-axes": get_client_ip_address,
        "api v1": client_ip,
        "open311": _client_address,
        "public pages": _client_ip,
        "back office": _ip,
    }


@pytest.mark.parametrize("reader", ["django-axes", "api v1", "open311", "public pages", "back office"])
@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"), [(1, "203.0.113.7", "203.0.113.7"), (2, "203.0.113.7", "10.0.0.1")]
)
def test_every_reader_of_the_address_follows_the_same_rule(rf, settings, reader, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    # A request as it arrives, before ProxiedClientAddressMiddleware (django-axes also sees requests from
    # authentication backends and signals, not only from views).
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")

    assert _readers()[reader](request) == expected


def test_login_throttling_cannot_be_dodged_with_a_lone_forwarded_entry(client, coordinator, settings):
    settings.PROXY_COUNT = 2

    def sign_in(password: str, forged: str) -> int:
        return client.post(
            "/staf/masuk/",
            {"username": "koordinator", "password": password},
            HTTP_X_FORWARDED_FOR=forged,
            REMOTE_ADDR="127.0.0.1",
        ).status_code

    for n in range(4):
        assert sign_in("kata-sandi-keliru", f"203.0.113.{n}") == 200
    assert sign_in("kata-sandi-keliru", "203.0.113.4") == 429
    assert sign_in(DEMO_PASSWORD, "203.0.113.5") == 429
