"""Settings from the environment: a malformed value stops the server with a message naming the variable."""

from __future__ import annotations

import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from balai.lib.env import env_bool, env_int, env_list, env_str, secret_key

GOOD_KEY = "k" * 50


@pytest.fixture(autouse=True)
def _no_secret_key_in_the_environment(monkeypatch):
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "BALAI_TEST_FLAG", "BALAI_TEST_NUMBER", "BALAI_TEST_TEXT"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " true "])
def test_a_boolean_accepts_the_usual_ways_of_saying_true(monkeypatch, raw):
    monkeypatch.setenv("BALAI_TEST_FLAG", raw)
    assert env_bool("BALAI_TEST_FLAG", default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "Off", ""])
def test_a_boolean_accepts_the_usual_ways_of_saying_false(monkeypatch, raw):
    monkeypatch.setenv("BALAI_TEST_FLAG", raw)
    assert env_bool("BALAI_TEST_FLAG", default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_boolean_is_the_default(default):
    assert env_bool("BALAI_TEST_FLAG", default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "ya", "2", "enabled"])
def test_it_rejects_a_boolean_it_does_not_understand_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("BALAI_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured) as caught:
        env_bool("BALAI_TEST_FLAG")

    assert "BALAI_TEST_FLAG" in str(caught.value)
    assert repr(raw) in str(caught.value)


def test_an_int_is_read_and_an_unset_or_blank_one_is_the_default(monkeypatch):
    assert env_int("BALAI_TEST_NUMBER", 25) == 25
    monkeypatch.setenv("BALAI_TEST_NUMBER", "  ")
    assert env_int("BALAI_TEST_NUMBER", 25) == 25
    monkeypatch.setenv("BALAI_TEST_NUMBER", "587")
    assert env_int("BALAI_TEST_NUMBER", 25) == 587


@pytest.mark.parametrize("raw", ["dua puluh", "25a", "2.5", "0x19"])
def test_it_rejects_an_int_that_is_not_a_whole_number_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("BALAI_TEST_NUMBER", raw)

    with pytest.raises(ImproperlyConfigured) as caught:
        env_int("BALAI_TEST_NUMBER", 25)

    assert "BALAI_TEST_NUMBER" in str(caught.value)
    assert "whole number" in str(caught.value)


def test_a_list_is_split_on_commas_without_blanks(monkeypatch):
    monkeypatch.setenv("BALAI_TEST_TEXT", " lapor.bitungkota.go.id, ,localhost ,")
    assert env_list("BALAI_TEST_TEXT", ["x"]) == ["lapor.bitungkota.go.id", "localhost"]


def test_a_secret_is_read_from_the_file_named_by_its_file_variable(monkeypatch, tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("rahasia-sekali\n", encoding="utf-8")
    monkeypatch.setenv("BALAI_TEST_TEXT", "from-the-environment")
    monkeypatch.setenv("BALAI_TEST_TEXT_FILE", str(secret))

    assert env_str("BALAI_TEST_TEXT") == "rahasia-sekali"


def test_an_unreadable_secret_file_is_refused_with_the_variable_name(monkeypatch, tmp_path):
    monkeypatch.setenv("BALAI_TEST_TEXT_FILE", str(tmp_path / "missing"))

    with pytest.raises(ImproperlyConfigured, match="BALAI_TEST_TEXT_FILE"):
        env_str("BALAI_TEST_TEXT")


def test_secret_key_creates_a_private_file_once_and_returns_the_same_key_afterwards(tmp_path):
    path = tmp_path / "data" / ".secret_key"

    first = secret_key(path)

    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == first
    assert secret_key(path) == first
    assert secret_key(tmp_path / "other" / ".secret_key") != first


def test_secret_key_from_the_environment_wins_and_writes_no_file(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    path = tmp_path / ".secret_key"

    assert secret_key(path) == GOOD_KEY
    assert not path.exists()


def test_secret_key_is_read_from_secret_key_file(monkeypatch, tmp_path):
    key_file = tmp_path / "django-secret"
    key_file.write_text(GOOD_KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY_FILE", str(key_file))

    assert secret_key(tmp_path / ".secret_key") == GOOD_KEY


@pytest.mark.parametrize("source", ["env", "file"])
def test_a_short_secret_key_is_refused(monkeypatch, tmp_path, source):
    if source == "env":
        monkeypatch.setenv("SECRET_KEY", "k" * 49)
    else:
        key_file = tmp_path / "django-secret"
        key_file.write_text("too-short", encoding="utf-8")
        monkeypatch.setenv("SECRET_KEY_FILE", str(key_file))

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be at least 50 characters"):
        secret_key(tmp_path / ".secret_key")
