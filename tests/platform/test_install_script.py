"""`make install` and `make install-production` get uv without an alarming message on the way to success, and a
server installs only what Balai needs to run, with uv's cache in the checkout rather than in the state directory.

A stand-in `python3` plays Debian 12's: no uv, and a pip that refuses every install without
--break-system-packages, printing PEP 668's "externally-managed-environment" error as the real one does.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.platform.deploy_files import ROOT

DEBIAN_PYTHON = r"""#!/usr/bin/env bash
echo "$* UV_CACHE_DIR=${UV_CACHE_DIR:-} PYTHONUSERBASE=${PYTHONUSERBASE:-}" >> "$CALLS"
case "$*" in
  "-m uv "*)
    [ -e "$INSTALLED" ] || { echo "$0: No module named uv" >&2; exit 1; }
    exit 0 ;;
  "-m pip install "*)
    if [[ " $* " != *" --break-system-packages "* ]]; then
      cat >&2 <<'END'
error: externally-managed-environment

x This environment is externally managed
END
      exit 1
    fi
    [[ " $* " == *" --user "* ]] || { echo "a system-wide install" >&2; exit 1; }
    touch "$INSTALLED"
    exit 0 ;;
esac
exit 3
"""


@pytest.fixture
def debian_python(tmp_path: Path) -> Path:
    python = tmp_path / "python3"
    python.write_text(DEBIAN_PYTHON)
    python.chmod(0o755)
    return python


def make(target: str, python: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = python.parent / "calls"
    base = {name: value for name, value in os.environ.items() if not name.startswith(("UV_", "PYTHONUSERBASE"))}
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), target, f"PYTHON={python}"],
        env={**base, "CALLS": str(calls), "INSTALLED": str(python.parent / "uv-installed"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, calls.read_text().splitlines() if calls.exists() else []


def test_install_on_an_externally_managed_python_succeeds_without_the_pep_668_error(debian_python: Path) -> None:
    done, calls = make("install", debian_python)

    assert done.returncode == 0, done.stderr
    assert "externally" not in (done.stdout + done.stderr).lower()
    pip_calls = [call for call in calls if call.startswith("-m pip install")]
    assert all("--user" in call for call in pip_calls)
    assert "--break-system-packages" in pip_calls[-1]


def test_install_does_not_touch_pip_when_uv_is_there(debian_python: Path) -> None:
    (debian_python.parent / "uv-installed").touch()

    done, calls = make("install", debian_python)

    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == ""
    assert not [call for call in calls if "-m pip" in call]


def test_a_pip_failure_of_another_kind_is_shown_and_stops_the_install(tmp_path: Path) -> None:
    python = tmp_path / "python3"
    python.write_text(
        '#!/usr/bin/env bash\necho "$*" >> "$CALLS"\necho "No matching distribution found for uv" >&2\nexit 1\n'
    )
    python.chmod(0o755)

    done, calls = make("install", python)

    assert done.returncode != 0
    assert "No matching distribution found for uv" in done.stderr
    assert not [call for call in calls if call.startswith("-m uv sync")]


def test_install_production_syncs_without_dev_tools_and_caches_in_the_checkout(debian_python: Path) -> None:
    done, calls = make("install-production", debian_python)

    assert done.returncode == 0, done.stderr
    assert "externally" not in (done.stdout + done.stderr).lower()
    (sync,) = [call for call in calls if call.startswith("-m uv sync")]
    assert "--frozen --no-dev" in sync
    assert f"UV_CACHE_DIR={ROOT}/.cache/uv" in sync
    assert f"PYTHONUSERBASE={ROOT}/.cache/python" in sync
    assert [call for call in calls if call.startswith("-m pip")][-1].endswith(f"PYTHONUSERBASE={ROOT}/.cache/python")


def test_install_production_keeps_a_cache_directory_the_administrator_chose(debian_python: Path) -> None:
    done, calls = make("install-production", debian_python, UV_CACHE_DIR="/var/cache/balai/uv")

    assert done.returncode == 0, done.stderr
    (sync,) = [call for call in calls if call.startswith("-m uv sync")]
    assert "UV_CACHE_DIR=/var/cache/balai/uv" in sync


def test_test_and_lint_tools_are_dev_only_and_the_server_has_what_it_runs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = {
        requirement.split("[")[0].split(">")[0].split("<")[0] for requirement in project["project"]["dependencies"]
    }
    dev = {requirement.split("[")[0].split(">")[0].split("<")[0] for requirement in project["dependency-groups"]["dev"]}

    assert {"django", "gunicorn", "psycopg", "whitenoise", "django-tasks-db"} <= runtime
    assert {"pytest", "ruff", "mypy", "playwright", "hypothesis", "factory-boy"} <= dev
    assert not runtime & {"pytest", "ruff", "mypy", "playwright", "hypothesis", "factory-boy", "pytest-django"}
