"""deploy/bin/balai, the operator's command, works for root without sudo installed and without a terminal, and
passes createsuperuser's variables on by name (issue 19 §3). Stand-ins for `id` and `systemd-run` on PATH play
the server; a `sudo` stand-in fails the test if the wrapper ever calls it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.platform.deploy_files import ROOT

WRAPPER = ROOT / "deploy" / "bin" / "balai"

SYSTEMD_RUN = r"""#!/bin/sh
printf '%s\n' "$@" > "$FAKE/argv"
env > "$FAKE/env"
exit "${FAKE_EXIT:-0}"
"""


@pytest.fixture
def server(tmp_path: Path) -> Path:
    for name, body in {
        "systemd-run": SYSTEMD_RUN,
        "id": '#!/bin/sh\necho "${FAKE_UID:-0}"\n',
        "sudo": '#!/bin/sh\necho "sudo was called" >&2\nexit 99\n',
    }.items():
        (tmp_path / name).write_text(body)
        (tmp_path / name).chmod(0o755)
    return tmp_path


def balai(server: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The wrapper, run without a terminal (stdin from /dev/null, output into pipes), as from a script or cron."""
    return subprocess.run(
        ["sh", str(WRAPPER), *args],
        env={"PATH": f"{server}:/usr/bin:/bin", "FAKE": str(server), **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_root_runs_a_command_as_balai_through_systemd_run_without_sudo(server: Path) -> None:
    done = balai(server, "migrate", "--noinput")

    assert done.returncode == 0, done.stderr
    argv = (server / "argv").read_text().splitlines()
    assert argv[-3:] == ["/srv/balai/.venv/bin/balai", "migrate", "--noinput"]
    assert {"--uid=balai", "--gid=balai", "--wait", "--property=EnvironmentFile=/etc/balai/balai.env"} <= set(argv)


def test_without_a_terminal_the_command_gets_pipes_not_a_pty(server: Path) -> None:
    balai(server, "check")

    argv = (server / "argv").read_text().splitlines()
    assert "--pipe" in argv
    assert "--pty" not in argv


def test_createsuperuser_noinput_gets_its_variables_by_name_only(server: Path) -> None:
    password = "Tiga-kata-rahasia-2026"

    done = balai(
        server,
        "createsuperuser",
        "--noinput",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL="diskominfo@bitungkota.go.id",
        DJANGO_SUPERUSER_PASSWORD=password,
        UNRELATED_SECRET="not-for-balai",
    )

    assert done.returncode == 0, done.stderr
    argv = (server / "argv").read_text().splitlines()
    assert {
        "--setenv=DJANGO_SUPERUSER_USERNAME",
        "--setenv=DJANGO_SUPERUSER_EMAIL",
        "--setenv=DJANGO_SUPERUSER_PASSWORD",
    } <= set(argv)
    assert not [arg for arg in argv if "UNRELATED" in arg]
    assert password not in "\n".join(argv)
    # systemd-run takes a bare --setenv=NAME's value from its own environment: it must be there.
    assert f"DJANGO_SUPERUSER_PASSWORD={password}" in (server / "env").read_text().splitlines()


def test_the_command_s_exit_status_is_the_wrapper_s(server: Path) -> None:
    done = balai(server, "check", "--deploy", FAKE_EXIT="3")

    assert done.returncode == 3


def test_another_user_is_told_how_to_become_root_with_or_without_sudo(server: Path) -> None:
    done = balai(server, "migrate", FAKE_UID="1000")

    assert done.returncode == 2
    assert "sudo balai" in done.stderr
    assert "su -c 'balai" in done.stderr
    assert not (server / "argv").exists()


def test_the_wrapper_never_names_sudo_outside_its_messages() -> None:
    code = [line for line in WRAPPER.read_text().splitlines() if not line.lstrip().startswith(("#", "echo"))]

    assert not [line for line in code if "sudo" in line]


@pytest.mark.skipif(not os.access("/bin/dash", os.X_OK), reason="dash (Debian's /bin/sh) is not installed")
def test_the_wrapper_runs_under_dash(server: Path) -> None:
    done = subprocess.run(
        ["dash", str(WRAPPER), "check"],
        env={"PATH": f"{server}:/usr/bin:/bin", "FAKE": str(server), "DJANGO_SUPERUSER_PASSWORD": "x"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "--setenv=DJANGO_SUPERUSER_PASSWORD" in (server / "argv").read_text().splitlines()


def test_the_guide_creates_the_superuser_without_a_terminal_through_the_wrapper() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text()
    (command,) = [
        line for line in guide.splitlines() if line.startswith("sudo") and "createsuperuser --noinput" in line
    ]
    exported = {
        name
        for line in guide.splitlines()
        if line.startswith("export DJANGO_SUPERUSER_")
        for name in re.findall(r"(DJANGO_SUPERUSER_\w+)=", line)
    }

    assert exported == {"DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD"}
    assert command.startswith(f"sudo --preserve-env={','.join(sorted(exported, key=command.index))} balai ")
