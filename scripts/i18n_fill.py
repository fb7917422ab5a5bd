"""Regenerate the Indonesian catalogue and fill it from translation files, then compile it.

python scripts/i18n_fill.py FILE.json [...]   each file maps an English msgid to its Indonesian text

Entries already translated keep their text unless a file gives a new one. Prints the msgids still empty,
so `make test`'s translation gate can be met before committing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "balai" / "locale" / "id" / "LC_MESSAGES" / "django.po"


def main(paths: list[str]) -> int:
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete", "--add-location", "file"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    given: dict[str, str] = {}
    for path in paths:
        given.update(json.loads(Path(path).read_text(encoding="utf-8")))
    catalogue = polib.pofile(str(PO))
    missing = []
    for entry in catalogue:
        text = given.get(entry.msgid)
        if text:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
        if "fuzzy" in entry.flags:  # a guess by msgmerge: only a given text replaces it
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
            if not text:
                entry.msgstr, entry.msgstr_plural = "", ({0: ""} if entry.msgid_plural else {})
        done = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        if not done:
            missing.append(entry.msgid)
    catalogue.save()
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print(f"missing: {msgid!r}")
    print(f"{len(catalogue)} entries, {len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
