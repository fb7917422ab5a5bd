"""docs/deploy.md and scripts/deploy_smoke.py: the commands the guide shows are the ones the smoke test runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.deploy_smoke import (
    BLOCKS,
    GUIDE,
    SITE_FILE,
    SITE_SUBSTITUTIONS,
    Machine,
    StepFailedError,
    guide_blocks,
    site_for_this_machine,
    translate,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def blocks() -> dict[str, list[str]]:
    return guide_blocks(GUIDE.read_text())


def a_machine(tmp_path: Path) -> Machine:
    return Machine(
        tmp=tmp_path,
        database_url="postgres://x/a",
        restore_database_url="postgres://x/b",
        app_port=18000,
        http_port=18080,
        https_port=18443,
        smtp_port=18025,
    )


def test_the_guide_marks_every_block_the_smoke_test_runs(blocks: dict[str, list[str]]) -> None:
    assert set(BLOCKS) <= set(blocks)
    assert all(blocks[name] for name in BLOCKS)


def test_every_command_of_a_marked_block_is_one_the_smoke_test_knows(blocks: dict[str, list[str]]) -> None:
    for name in BLOCKS:
        for command in blocks[name]:
            translate(command)  # raises StepFailedError for a command it cannot run


def test_a_command_added_to_the_guide_stops_the_smoke_test_until_it_knows_it() -> None:
    text = "Step.\n\n<!-- smoke: upgrade -->\n```sh\nsudo balai migrate   # comment\nsudo apt-get upgrade -y\n```\n"
    commands = guide_blocks(text)["upgrade"]
    assert commands == ["sudo balai migrate", "sudo apt-get upgrade -y"]
    with pytest.raises(StepFailedError, match="sudo apt-get upgrade -y"):
        translate(commands[1])


def test_continued_lines_are_one_command_and_quoted_hashes_stay() -> None:
    text = "<!-- smoke: x -->\n```sh\nsudo cp a \\\n        b /etc/\necho 'a # b' | sudo tee -a f\n```\n"
    assert guide_blocks(text)["x"] == ["sudo cp a b /etc/", "echo 'a # b' | sudo tee -a f"]


def test_the_upgrade_backs_up_first_and_reloads_the_web_server(blocks: dict[str, list[str]]) -> None:
    upgrade = blocks["upgrade"]
    assert upgrade[0].startswith("sudo balai backup --output /var/backups/balai/")
    position = {command: index for index, command in enumerate(upgrade)}
    assert position["sudo balai migrate"] < position["sudo systemctl reload balai-web"]
    assert position["sudo balai collectstatic --noinput"] < position["sudo systemctl reload balai-web"]
    assert "sudo systemctl restart balai-worker" in upgrade
    assert not any("restart balai-web" in command for command in upgrade)  # a restart closes the socket


def test_the_rollback_checks_out_the_previous_tag_and_restores_by_force(blocks: dict[str, list[str]]) -> None:
    rollback = blocks["rollback"]
    checkout = next(i for i, c in enumerate(rollback) if re.fullmatch(r"sudo -u balai -H git -C \S+ checkout v\S+", c))
    restore = next(i for i, c in enumerate(rollback) if c.startswith("sudo balai restore --force /var/backups/balai/"))
    assert rollback[0] == "sudo systemctl stop balai-web balai-worker"
    assert checkout < restore < len(rollback) - 1
    assert rollback[-1] == "sudo systemctl start balai-web balai-worker"


def test_the_smoke_test_changes_only_ports_and_paths_of_the_shipped_site(tmp_path: Path) -> None:
    shipped = SITE_FILE.read_text()
    for pattern in SITE_SUBSTITUTIONS:
        assert re.search(pattern, shipped), pattern  # the shipped file still has what the smoke test changes
    named = shipped.replace("lapor.example.go.id", "lapor.smoke.test")  # the guide's sed
    local = site_for_this_machine(named, a_machine(tmp_path))

    assert "listen 127.0.0.1:18443 ssl http2;" in local
    assert "server 127.0.0.1:18000;" in local
    assert f"{tmp_path}/tls/fullchain.pem" in local
    directives = "\n".join(line.split("#")[0] for line in local.splitlines())
    assert not re.search(r"/var/|/etc/letsencrypt|\[::\]", directives)
    kept = [line for line in named.splitlines() if not re.search(r"listen|server 127|/var/|/etc/", line)]
    assert kept == [line for line in local.splitlines() if not re.search(r"listen|server 127|/tmp|balai-smoke", line)]


def test_the_web_unit_reloads_gunicorn_with_sighup() -> None:
    unit = (ROOT / "deploy" / "systemd" / "balai-web.service").read_text()
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit.splitlines()
