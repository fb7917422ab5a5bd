"""CHANGELOG.md: the released version is pyproject's, and every migration is named for the people who upgrade."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text()


def test_the_newest_release_is_the_version_in_pyproject() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", CHANGELOG, flags=re.M)
    assert releases and releases[0] == version
    assert CHANGELOG.index("## [Unreleased]") < CHANGELOG.index(f"## [{version}]")


def test_every_migration_is_named_in_the_changelog() -> None:
    missing = []
    for path in sorted(ROOT.glob("balai/*/migrations/[0-9][0-9][0-9][0-9]_*.py")):
        app, name = path.parent.parent.name, path.stem
        if not any(name in line for line in re.findall(rf"^- `{app}`: (.*)$", CHANGELOG, flags=re.M)):
            missing.append(f"{app}.{name}")
    assert not missing, f"name these migrations in CHANGELOG.md (Unreleased, Migrations): {missing}"
