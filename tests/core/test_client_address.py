"""Behind nginx every request comes from 127.0.0.1: the client's own address must still drive the rate limits."""

from __future__ import annotations

import pytest

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
