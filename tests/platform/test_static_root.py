"""nginx serves /static/ from the STATIC_ROOT of the example configuration, and `check --deploy` sees a
STATIC_ROOT that nginx's own user cannot reach (issue 19: the site had no styles and no map)."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import CheckMessage, run_checks

from balai.lib.files import closed_to_others
from tests.platform.deploy_files import (
    ENV_EXAMPLE,
    GUIDE,
    NGINX_SITE,
    nginx_blocks,
    read_env_file,
    settings_under,
    shipped_nginx_site,
    without_comments,
)


def test_nginx_serves_static_from_the_static_root_of_the_example_configuration() -> None:
    (static_root,) = settings_under(read_env_file(ENV_EXAMPLE), "STATIC_ROOT")
    (location,) = nginx_blocks(without_comments(NGINX_SITE.read_text()), "location /static/")

    alias = re.search(r"\balias\s+(\S+);", location)

    assert alias is not None
    assert Path(alias.group(1)) == Path(static_root)


def test_static_root_lies_outside_the_private_data_directory() -> None:
    data_dir, static_root = settings_under(read_env_file(ENV_EXAMPLE), "DATA_DIR", "STATIC_ROOT")

    assert not Path(static_root).is_relative_to(data_dir)


def test_the_guide_creates_static_root_open_to_the_web_server() -> None:
    (static_root,) = settings_under(read_env_file(ENV_EXAMPLE), "STATIC_ROOT")
    creating = [line for line in GUIDE.read_text().splitlines() if "install -d" in line and static_root in line.split()]

    assert creating, f"docs/deploy.md creates no {static_root}"
    assert all("-m 0755" in line for line in creating)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory every user can enter (pytest's own tmp_path sits under a 0700 directory)."""
    path = Path(tempfile.mkdtemp(prefix="balai-static-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_a_static_root_inside_a_0750_directory_is_closed_to_others(open_dir: Path) -> None:
    data_dir = open_dir / "lib" / "balai"
    (data_dir / "static").mkdir(parents=True, mode=0o755)
    (open_dir / "lib").chmod(0o755)
    data_dir.chmod(0o750)

    assert closed_to_others(data_dir / "static") == data_dir


def test_a_static_root_open_all_the_way_down_is_readable(open_dir: Path) -> None:
    static = open_dir / "www" / "balai" / "static"
    static.mkdir(parents=True)
    for part in (open_dir / "www", open_dir / "www" / "balai", static):
        part.chmod(0o755)

    assert closed_to_others(static) is None


def test_a_static_root_that_can_be_entered_but_not_listed_is_closed(open_dir: Path) -> None:
    static = open_dir / "static"
    static.mkdir(mode=0o711)
    static.chmod(0o711)

    assert closed_to_others(static) == static


def test_a_static_root_not_created_yet_is_judged_by_its_existing_parents(open_dir: Path) -> None:
    assert closed_to_others(open_dir / "static") is None


def test_check_deploy_warns_when_nginx_cannot_read_static_root(settings: Any, open_dir: Path) -> None:
    data_dir = open_dir / "balai"
    (data_dir / "static").mkdir(parents=True)
    data_dir.chmod(0o750)
    settings.STATIC_ROOT = data_dir / "static"

    (warning,) = _deploy_messages("balai.W010")

    assert warning.msg == (
        f"The web server cannot read STATIC_ROOT={data_dir / 'static'}: {data_dir} is closed to other users (mode 0750)."
    )
    assert "/var/www/balai/static" in str(warning.hint)


def test_check_deploy_accepts_a_static_root_open_to_the_web_server(settings: Any, open_dir: Path) -> None:
    (open_dir / "static").mkdir(mode=0o755)
    settings.STATIC_ROOT = open_dir / "static"

    assert _deploy_messages("balai.W010") == []


def _deploy_messages(message_id: str) -> list[CheckMessage]:
    return [message for message in run_checks(include_deployment_checks=True) if message.id == message_id]


@pytest.mark.skipif(os.geteuid() != 0, reason="nginx's workers change to another user only when started by root")
@pytest.mark.parametrize(("data_dir_mode", "status"), [(0o750, 403), (0o755, 200)])
def test_a_real_nginx_reads_static_root_exactly_when_the_check_says_so(
    open_dir: Path, data_dir_mode: int, status: int
) -> None:
    static = open_dir / "balai" / "static"
    static.mkdir(parents=True)
    static.chmod(0o755)
    (static / "balai.css").write_text("body { margin: 0 }\n")
    (static / "balai.css").chmod(0o644)
    (open_dir / "balai").chmod(data_dir_mode)

    with shipped_nginx_site(**{"alias /var/www/balai/static/;": f"alias {static}/;"}) as (port, _folder):
        answered = _get(f"https://localhost:{port}/static/balai.css")

    assert answered == status
    assert (closed_to_others(static) is None) == (status == 200)


def _get(url: str) -> int:
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, context=insecure) as response:  # noqa: S310 - a local test server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
