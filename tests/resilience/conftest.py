"""One database for the resilience tests (a file for SQLite, a database of its own on PostgreSQL) and its server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .harness import SUMMARY, CityFacts, Database, Server, Site, prepare, server_env


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo city (no reports) in a migrated database that only the server processes use."""
    folder = tmp_path_factory.mktemp("resilience")
    database = Database.create(folder)
    try:
        env = server_env(database, folder)
        prepare(env)
        yield Site(database, env, CityFacts.read(database))
    finally:
        database.drop()


@pytest.fixture(scope="module")
def server(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server for the tests of one module (the crash test kills and restarts its own)."""
    running = Server(site.env, tmp_path_factory.mktemp("server") / "gunicorn.log")
    running.start()
    yield running
    running.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SUMMARY:
        terminalreporter.section("resilience")
        for line in SUMMARY:
            terminalreporter.write_line(line)
