"""The "First hour after install" checklist of docs/deploy.md and `balai doctor`'s checks are one list."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from balai.platform.doctor import go_live_checks

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
ITEM = re.compile(r"^- \[ \] \*\*(?P<title>.+?)\*\* \(`(?P<key>[\w.-]+)`\)", re.MULTILINE)


def checklist() -> list[tuple[str, str]]:
    text = DEPLOY.read_text(encoding="utf-8")
    head = "\n## First hour after install\n"
    assert head in text, "docs/deploy.md has no 'First hour after install' section"
    section = text.split(head, 1)[1]
    assert "\n## " not in section, "the checklist must be the guide's last section"
    return [(m["key"], m["title"]) for m in ITEM.finditer(section)]


def test_the_guides_checklist_is_the_doctors_list_in_its_order() -> None:
    with translation.override("en"):
        checks = [(check.key, str(check.title)) for check in go_live_checks()]

    assert checklist() == checks


def test_every_check_has_a_title_in_indonesian_too() -> None:
    with translation.override("id"):
        titles = {check.key: str(check.title) for check in go_live_checks()}
    with translation.override("en"):
        english = {check.key: str(check.title) for check in go_live_checks()}

    assert [key for key in titles if titles[key] == english[key]] == []
