"""`balai doctor`: each go-live check, found both ways, on the real database, settings, disk and HTTP servers."""

from __future__ import annotations

import datetime
import json
import socket
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from balai.core.models import Membership, Pemda, Role, Unit
from balai.core.registry import registry
from balai.core.services import membership_grant
from balai.lapor.models import Category
from tests.platform.webfront import public_address, web_front


def doctor(lang: str | None = "en") -> tuple[int, str]:
    """Run `balai doctor` (in English unless told otherwise); its exit code and what it printed."""
    out = StringIO()
    try:
        call_command("doctor", *(["--lang", lang] if lang else []), stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def line(out: str, title: str) -> str:
    """The doctor's line for one check, with its "Fix:" line when there is one."""
    lines = out.splitlines()
    for i, text in enumerate(lines):
        if title in text:
            fix = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].strip().startswith("Fix:") else ""
            return f"{text}\n{fix}"
    raise AssertionError(f"no line for {title!r} in:\n{out}")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def address(settings: Any) -> str:
    """This machine's non-loopback address, which Balai answers to (SITE_URL may not be a loopback one)."""
    found = public_address()
    if found is None:
        pytest.skip("this machine has no non-loopback address for a public SITE_URL")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, found]
    return found


def with_css(root: Path) -> Path:
    css = root / "static" / "balai" / "css" / "balai.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { color: #222; }")
    return root


@pytest.fixture
def real_city(city: Pemda, settings: Any, tmp_path: Path) -> Pemda:
    """The demo's organisation as a real city would have it: no demo flag, no demo passwords, backups in tmp;
    the modules' default rows made (as `balai pemda setup` does) and the people every module needs appointed."""
    Pemda.objects.filter(pk=city.pk).update(is_demo=False)
    call_command("createcachetable", verbosity=0)  # where the site records the addresses it is reached at
    registry.pemda_setup(None)
    user_model = get_user_model()
    reader, _new = user_model.objects.get_or_create(username="pemerintahan")
    membership_grant(actor=None, user=reader, unit=Unit.objects.get(slug="setda"), role="pemerintahan", module="desa")
    ppid, _new = user_model.objects.get_or_create(username="ppid.utama")
    membership_grant(actor=None, user=ppid, unit=Unit.objects.get(slug="diskominfo"), role="utama", module="ppid")
    for user in get_user_model().objects.all():
        user.set_password(f"{user.username}-own-password")
        user.save(update_fields=["password"])
    settings.BACKUP_DIR = str(tmp_path / "backups")
    settings.DATA_DIR = tmp_path / "data"
    settings.BACKUP_OFFSITE = ""
    settings.SITE_URL = f"http://lapor.bitungkota.invalid:{closed_port()}"  # no such name: nothing answers
    return Pemda.objects.get(pk=city.pk)


# --- The Pemda, its data --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_database_is_not_ready_and_exits_1() -> None:
    code, out = doctor()

    assert code == 1
    assert line(out, "The Pemda is set up").startswith("[TO DO]")
    assert "sudo balai pemda setup" in line(out, "The Pemda is set up")
    assert line(out, "Citizens can choose a report category").startswith("[TO DO]")
    assert line(out, "A coordinator verifies new reports").startswith("[TO DO]")
    assert "items still stand between this installation and going live" in out


@pytest.mark.django_db
def test_a_set_up_pemda_is_ok(real_city: Pemda) -> None:
    _code, out = doctor()

    assert line(out, "The Pemda is set up").startswith("[OK]")
    assert real_city.name in line(out, "The Pemda is set up")


@pytest.mark.django_db
def test_no_active_category_is_to_do(real_city: Pemda) -> None:
    assert line(doctor()[1], "Citizens can choose a report category").startswith("[OK]")

    Category.objects.update(is_active=False)

    found = line(doctor()[1], "Citizens can choose a report category")
    assert found.startswith("[TO DO]")
    assert "/staf/admin/lapor/category/" in found


@pytest.mark.django_db
def test_no_active_coordinator_is_to_do(real_city: Pemda) -> None:
    assert "koordinator" in line(doctor()[1], "A coordinator verifies new reports")

    Membership.objects.filter(module="lapor", role=Role.KOORDINATOR).update(is_active=False)

    found = line(doctor()[1], "A coordinator verifies new reports")
    assert found.startswith("[TO DO]")
    assert "/staf/unit/" in found


@pytest.mark.django_db
def test_demo_data_is_to_do(city: Pemda) -> None:
    found = line(doctor()[1], "No demo data and no demo passwords")

    assert found.startswith("[TO DO]")
    assert "balai flush" in found


@pytest.mark.django_db
def test_demo_passwords_alone_are_to_do(real_city: Pemda) -> None:
    assert line(doctor()[1], "No demo data and no demo passwords").startswith("[OK]")
    from balai.platform.demo import DEMO_PASSWORD

    admin = get_user_model().objects.get(username="admin")
    admin.set_password(DEMO_PASSWORD)
    admin.save(update_fields=["password"])

    found = line(doctor()[1], "No demo data and no demo passwords")
    assert found.startswith("[TO DO]")
    assert "admin" in found and "changepassword" in found


@pytest.mark.django_db
def test_a_time_zone_other_than_the_provinces_is_to_do(real_city: Pemda) -> None:
    assert line(doctor()[1], "The time zone is that of the Pemda's province").startswith("[OK]")  # Bitung: WITA

    Pemda.objects.filter(pk=real_city.pk).update(time_zone="Asia/Jakarta")

    found = line(doctor()[1], "The time zone is that of the Pemda's province")
    assert found.startswith("[TO DO]")
    assert "Asia/Makassar" in found


# --- Mail ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_is_to_do_until_a_test_email_passed(real_city: Pemda) -> None:
    found = line(doctor()[1], "Email is proven to leave the server")
    assert found.startswith("[TO DO]")
    assert "balai mail test" in found

    call_command("mail", "test", "admin@bitungkota.go.id")

    found = line(doctor()[1], "Email is proven to leave the server")
    assert found.startswith("[OK]")
    assert "Mail proven on" in found and "bitungkota.go.id" in found


@pytest.mark.django_db
def test_new_mail_settings_need_a_new_test(real_city: Pemda, settings: Any) -> None:
    call_command("mail", "test", "admin@bitungkota.go.id")
    settings.EMAIL_PORT = 587

    found = line(doctor()[1], "Email is proven to leave the server")
    assert found.startswith("[TO DO]")
    assert "other mail settings" in found


@pytest.mark.django_db
def test_the_console_backend_is_to_do_even_after_a_test(real_city: Pemda, settings: Any) -> None:
    call_command("mail", "test", "admin@bitungkota.go.id")
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    found = line(doctor()[1], "Email is proven to leave the server")
    assert found.startswith("[TO DO]")
    assert "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend" in found


# --- Backups ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_backup_is_to_do_until_one_is_made(real_city: Pemda, settings: Any) -> None:
    found = line(doctor()[1], "A backup was made in the last 36 hours")
    assert found.startswith("[TO DO]")
    assert "balai-backup" in found

    call_command("backup", output=f"{settings.BACKUP_DIR}/")

    found = line(doctor()[1], "A backup was made in the last 36 hours")
    assert found.startswith("[OK]")
    assert settings.BACKUP_DIR in found


@pytest.mark.django_db
def test_an_old_backup_is_to_do(real_city: Pemda, settings: Any) -> None:
    call_command("backup", output=f"{settings.BACKUP_DIR}/")
    # The run log says when the backup finished (balai.platform.backup.last_backup): move that run three days back.
    runs = Path(settings.BACKUP_DIR) / "backup-runs.jsonl"
    [run] = [json.loads(entry) for entry in runs.read_text(encoding="utf-8").splitlines()]
    run["finished_at"] = (datetime.datetime.fromisoformat(run["finished_at"]) - datetime.timedelta(days=3)).isoformat()
    runs.write_text(json.dumps(run) + "\n", encoding="utf-8")

    found = line(doctor()[1], "A backup was made in the last 36 hours")
    assert found.startswith("[TO DO]")
    assert "balai-backup.timer" in found


@pytest.mark.django_db
def test_no_off_site_copy_is_to_do(real_city: Pemda, settings: Any) -> None:
    call_command("backup", output=f"{settings.BACKUP_DIR}/")
    found = line(doctor()[1], "Backups are copied off this server")
    assert found.startswith("[TO DO]")
    assert "BACKUP_OFFSITE" in found

    settings.BACKUP_OFFSITE = "rclone copy {dir} pemda-dc:balai"

    assert line(doctor()[1], "Backups are copied off this server").startswith("[OK]")


# --- Static files through the web server ----------------------------------------------------------------------


@pytest.mark.django_db
def test_static_files_the_web_server_serves_are_ok(
    real_city: Pemda, settings: Any, address: str, tmp_path: Path
) -> None:
    with web_front(address=address, static_root=with_css(tmp_path / "www")) as front:
        settings.SITE_URL = front.url

        assert line(doctor()[1], "The web server serves the styles and scripts").startswith("[OK]")


@pytest.mark.django_db
def test_static_files_the_web_server_cannot_find_are_to_do(
    real_city: Pemda, settings: Any, address: str, tmp_path: Path
) -> None:
    (tmp_path / "www").mkdir()  # nginx's folder is not STATIC_ROOT: every static file answers 404
    with web_front(address=address, static_root=tmp_path / "www") as front:
        settings.SITE_URL = front.url

        found = line(doctor()[1], "The web server serves the styles and scripts")

    assert found.startswith("[TO DO]")
    assert f"{front.url}/static/balai/css/balai.css answers 404" in found
    assert "location /static/" in found and "chmod 0755" in found


# --- The public address: SITE_URL and CSRF (through a web server in front of a live Balai) --------------------


@pytest.mark.django_db
def test_a_site_url_that_reaches_nothing_is_to_do(real_city: Pemda) -> None:
    found = line(doctor()[1], "SITE_URL is the address people use")

    assert found.startswith("[TO DO]")
    assert "No visit through SITE_URL" in found and "lapor.bitungkota.invalid" in found


@pytest.mark.django_db(transaction=True)
def test_a_site_reached_at_another_address_than_site_url_is_to_do(
    live_server: Any, real_city: Pemda, address: str, tmp_path: Path
) -> None:
    with web_front(address=address, static_root=with_css(tmp_path / "www"), backend=live_server.url) as front:
        # A browser on the front's address posts a form (its Origin header names that address).
        post = urllib.request.Request(front.url + "/staf/masuk/", data=b"username=x", headers={"Origin": front.url})  # noqa: S310
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(post, timeout=60)  # noqa: S310 - refused (no CSRF token), but seen

        found = line(doctor()[1], "SITE_URL is the address people use")

    assert found.startswith("[TO DO]")
    assert f"reached as {front.url}, but SITE_URL is http://lapor.bitungkota.invalid:" in found


@pytest.mark.django_db(transaction=True)
def test_a_web_server_that_drops_the_port_gets_forms_refused(
    live_server: Any, real_city: Pemda, settings: Any, address: str, tmp_path: Path
) -> None:
    # nginx with `proxy_set_header Host $host;` on a non-443 port: Balai sees the address without its port.
    root = with_css(tmp_path / "www")
    with web_front(address=address, static_root=root, backend=live_server.url, keep_port=False) as front:
        settings.SITE_URL = front.url
        page = urllib.request.urlopen(front.url + "/staf/masuk/", timeout=60)  # noqa: S310
        token = page.headers["Set-Cookie"].split("csrftoken=")[1].split(";")[0]
        post = urllib.request.Request(  # noqa: S310
            front.url + "/staf/masuk/",
            data=f"csrfmiddlewaretoken={token}&username=x&password=y".encode(),
            headers={"Origin": front.url, "Cookie": f"csrftoken={token}"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(post, timeout=60)  # noqa: S310
        assert refused.value.code == 403  # what the doctor is about to predict, a browser really meets

        found = line(doctor()[1], "Forms sent from that address are accepted")
        assert found.startswith("[TO DO]")
        assert f"sent from {front.url} would be refused" in found
        assert f"CSRF_TRUSTED_ORIGINS={front.url}" in found

        settings.CSRF_TRUSTED_ORIGINS = [front.url]
        assert line(doctor()[1], "Forms sent from that address are accepted").startswith("[OK]")


# --- The whole, and the language -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_ready_installation_passes_every_check_and_exits_0(
    live_server: Any, real_city: Pemda, settings: Any, address: str, tmp_path: Path
) -> None:
    settings.BACKUP_OFFSITE = "rclone copy {dir} pemda-dc:balai"
    call_command("mail", "test", "admin@bitungkota.go.id")
    call_command("backup", output=f"{settings.BACKUP_DIR}/")
    with web_front(address=address, static_root=with_css(tmp_path / "www"), backend=live_server.url) as front:
        settings.SITE_URL = front.url

        code, out = doctor()

    assert "TO DO" not in out, out
    assert code == 0
    assert "ready to go live" in out


@pytest.mark.django_db
def test_the_doctor_speaks_indonesian_by_default_and_english_when_asked(
    real_city: Pemda, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)
    _code, out = doctor(lang=None)
    assert "[BELUM]" in out and "TO DO" not in out

    monkeypatch.setenv("LANGUAGE", "en_US:en")
    assert "TO DO" in doctor(lang=None)[1]  # no --lang: LANGUAGE decides

    assert "[BELUM]" in doctor(lang="id")[1]  # --lang wins over LANGUAGE
