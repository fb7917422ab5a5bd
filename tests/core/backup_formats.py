"""An archive in format 1, the one `balai backup` wrote before media moved to a store: rebuilt from a format-2
archive and its store exactly as the format-1 writer laid it out (data.jsonl, then media/<name> for every file,
then manifest.json listing each with its sha256 and size)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from balai.platform.backup import DATA_NAME, FORMAT_V1, MANIFEST_NAME


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def to_format_1(archive: Path, target: Path) -> Path:
    store = archive.parent / "media-store"
    with tarfile.open(archive, "r:gz") as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar}  # type: ignore[union-attr]
    manifest = json.loads(members[MANIFEST_NAME])
    files = {DATA_NAME: manifest["files"][DATA_NAME]}
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as tar:
        _add(tar, DATA_NAME, members[DATA_NAME])
        for name, entry in sorted(manifest.pop("media").items()):
            _add(tar, f"media/{name}", (store / entry["sha256"][:2] / entry["sha256"]).read_bytes())
            files[f"media/{name}"] = entry
        manifest.update(format=FORMAT_V1, files=files)
        _add(tar, MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True).encode())
    return target
