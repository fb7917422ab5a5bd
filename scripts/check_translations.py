"""Gate: the Indonesian catalogue covers every string in the code, has nothing fuzzy or empty, and its .mo is current.

python scripts/check_translations.py            check (restores the .po it regenerates)
python scripts/check_translations.py --compile  write the .mo from the .po
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "balai" / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def main() -> int:
    if "--compile" in sys.argv:
        polib.pofile(str(PO)).save_as_mofile(str(MO))
        print(f"compiled {MO.relative_to(ROOT)}")
        return 0
    original = PO.read_bytes()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete", "--add-location", "file"],
            cwd=ROOT, check=True, capture_output=True, env={**os.environ},
        )  # fmt: skip
        wanted = {_key(e) for e in polib.pofile(str(PO)) if not e.obsolete}
    finally:
        PO.write_bytes(original)
    catalogue = polib.pofile(str(PO))
    have = {_key(e) for e in catalogue if not e.obsolete}
    problems = [f"missing from django.po: {k[1]!r}" for k in sorted(wanted - have)]
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")
    compiled = (
        {(e.msgctxt or "", e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(MO))}
        if MO.exists()
        else {}
    )
    for entry in catalogue.translated_entries():
        if compiled.get((entry.msgctxt or "", entry.msgid)) != (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        ):
            problems.append(f"django.mo is out of date (run `make messages`): {entry.msgid!r}")
            break
    for problem in problems:
        print(problem)
    print(f"translations: {len(have)} strings, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
