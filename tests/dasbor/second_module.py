"""A second service module for tests (OPD websites, label "contoh": the real `situs` module exists): one role that operates it, a backlog set by hand.

It lives only in the registry while a test holds it, so the readiness pages can be read with two applications
before a real second module exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from balai.core.registry import Backlog, Module, ModuleRole, ReadinessSource, registry

LABEL = "contoh"
EDITOR = "editor"


@dataclass
class SecondModule:
    """The registered module and the backlog each OPD (by unit id) reports; one read per call, as a real one."""

    module: Module
    backlogs: dict[int, Backlog] = field(default_factory=dict)
    reads: int = 0


@contextmanager
def second_module() -> Iterator[SecondModule]:
    holder: list[SecondModule] = []

    def backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
        holder[0].reads += 1
        return {pk: b for pk, b in holder[0].backlogs.items() if pk in unit_ids}

    module = Module(
        label=LABEL,
        name="Situs OPD",
        roles=(ModuleRole(EDITOR, "editor situs", "Menulis berita dan halaman situs OPD.", operates=True),),
        readiness=ReadinessSource(role=EDITOR, backlog=backlog),
    )
    holder.append(SecondModule(module))
    registry.register(module)
    try:
        yield holder[0]
    finally:
        registry.unregister(LABEL)
