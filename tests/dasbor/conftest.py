"""The readiness tests describe the machinery with the reporting module (and a module of their own); the joining
modules (situs, ppid, …) test their own readiness column in their own suites, so they are left out here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from balai.core.registry import registry

JOINING = ("situs", "ppid", "kinerja", "desa", "spbe", "data")


@pytest.fixture(autouse=True)
def _only_the_platforms_modules_in_readiness_tests(request: Any) -> Iterator[None]:
    if "readiness" not in request.node.nodeid:
        yield
        return
    yield from without_joining_modules()


def without_joining_modules() -> Iterator[None]:
    """The registry without the joining modules for the time of one test."""
    saved = [m for m in (registry.get(label) for label in JOINING) if m is not None]
    for module in saved:
        registry.unregister(module.label)
    try:
        yield
    finally:
        for module in saved:
            registry.register(module)
