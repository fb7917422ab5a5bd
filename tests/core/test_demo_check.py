"""`balai check --deploy` refuses a server on HTTPS that still holds the demo city or its published logins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.db import connection

from balai.core.models import Pemda
from balai.platform.demo import DEMO_PASSWORD, DEMO_USERS

from .as_operator import FreshDatabase, balai, operator_env, python
from .test_deploy_settings import PRODUCTION

DEMO_USERNAMES = sorted(user.username for user in DEMO_USERS)


@pytest.fixture(autouse=True)
def _public_address(settings: Any) -> None:
    # The site's address has a check of its own (balai.E003, tests/platform/test_site_url.py).
    settings.SITE_URL = "https://lapor.bitungkota.go.id"


def _ours(deploy: bool = True) -> list[Any]:
    return [message for message in run_checks(include_deployment_checks=deploy) if message.id.startswith("balai.")]


@pytest.mark.django_db
def test_the_demo_city_on_https_is_an_error_that_says_how_to_remove_it(city, settings):
    settings.HTTPS = True

    errors = _ours()

    assert [error.id for error in errors] == ["balai.E001", "balai.E002"]
    assert all(error.is_serious() for error in errors)
    assert "Pemerintah Kota Bitung" in errors[0].msg
    assert "`balai flush`" in errors[0].hint
    assert errors[1].msg.endswith(", ".join(DEMO_USERNAMES) + ".")
    assert "`balai changepassword <username>`" in errors[1].hint


@pytest.mark.django_db
def test_it_is_a_deployment_check_only(city, settings):
    settings.HTTPS = True

    assert _ours(deploy=False) == []


@pytest.mark.django_db
def test_the_demo_over_plain_http_is_no_error(city, settings):
    settings.HTTPS = False  # `make run` on a laptop

    assert _ours() == []


@pytest.mark.django_db
def test_an_empty_database_is_no_error(settings):
    settings.HTTPS = True

    assert _ours() == []


@pytest.mark.django_db
def test_a_real_admin_account_and_demo_accounts_with_new_passwords_are_no_error(settings):
    settings.HTTPS = True
    users = get_user_model().objects
    for username in DEMO_USERNAMES:
        users.create_user(username, password="a-password-of-its-own-2026")
    users.create_user("pimpinan.lama", password=DEMO_PASSWORD)  # the password alone is not a demo account

    assert _ours() == []


@pytest.mark.django_db
def test_each_remaining_demo_account_is_named_until_it_is_dealt_with(city, settings):
    settings.HTTPS = True
    Pemda.objects.update(is_demo=False)
    users = get_user_model().objects
    for username in DEMO_USERNAMES:
        if username != "koordinator":
            user = users.get(username=username)
            user.set_password("a-password-of-its-own-2026")
            user.save()

    [error] = _ours()
    assert error.id == "balai.E002"
    assert error.msg.endswith(": koordinator.")

    users.filter(username="koordinator").update(is_active=False)
    assert _ours() == []


@pytest.mark.django_db
def test_a_database_without_the_tables_is_no_error_and_stays_usable(city, settings):
    settings.HTTPS = True
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_pemda RENAME TO core_pemda_elsewhere")

    assert _ours() == []

    # On PostgreSQL the failed query must not have aborted the surrounding transaction.
    assert get_user_model().objects.filter(username="koordinator").exists()


def test_check_deploy_with_production_settings_before_migrate_then_with_a_demo_account(tmp_path: Path):
    (tmp_path / "data").mkdir()
    # docs/deploy.md checks the settings before the database is migrated.
    empty = FreshDatabase.create(tmp_path / "empty")
    try:
        before = balai(operator_env(empty, tmp_path, **PRODUCTION), "check", "--deploy", "--fail-level", "WARNING")
    finally:
        empty.drop()
    assert before.returncode == 0, before.stderr
    assert "no issues" in before.stdout

    # Then migrated (a copy of what `balai migrate` made of an empty database in this run).
    database = FreshDatabase.migrated(tmp_path / "migrated")
    try:
        env = operator_env(database, tmp_path, **PRODUCTION)
        made = python(
            env,
            "from django.contrib.auth import get_user_model\n"
            "from balai.platform.demo import DEMO_PASSWORD\n"
            "get_user_model().objects.create_user('koordinator', password=DEMO_PASSWORD)\n",
        )
        assert made.returncode == 0, made.stderr

        after = balai(env, "check", "--deploy")
        assert after.returncode == 1
        assert "(balai.E002) Demo accounts sign in with the published demo password: koordinator." in after.stderr
        assert "balai changepassword <username>" in after.stderr
    finally:
        database.drop()
