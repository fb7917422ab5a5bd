"""`balai integrity`: every module's consistency checks, asked through the registry, after a crash or a restore."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import Storage, default_storage

from balai.core.registry import ORPHAN_FILE, Finding, registry

# A module writes a file a moment before its row is committed: a younger unreferenced file is not an orphan yet.
ORPHAN_GRACE = timedelta(minutes=10)

__all__ = ["ORPHAN_FILE", "ORPHAN_GRACE", "Finding", "find_problems", "orphan_files_remove"]


def find_problems(*, storage: Storage | None = None, orphan_grace: timedelta = ORPHAN_GRACE) -> list[Finding]:
    """Every module's checks, modules in INSTALLED_APPS order, each module's checks in its own order."""
    storage = storage or default_storage
    return [finding for check in registry.integrity() for finding in check.find(storage, orphan_grace)]


def orphan_files_remove(findings: list[Finding], *, storage: Storage | None = None) -> list[str]:
    """Delete the files of the orphan findings (and nothing else); return the names removed."""
    storage = storage or default_storage
    removed = []
    for finding in findings:
        if finding.check == ORPHAN_FILE:
            storage.delete(finding.subject)
            removed.append(finding.subject)
    return removed
