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
    database = Database.migrated(folder / "database")
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


@pytest.fixture(autouse=True)
def _summary_lines(request: pytest.FixtureRequest) -> Iterator[None]:
    # A test's summary lines travel on its report, so they reach the end of the run from an xdist worker too.
    known = len(SUMMARY)
    yield
    request.node.user_properties.extend(("resilience", line) for line in SUMMARY[known:])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for key, value in getattr(report, "user_properties", ())
        if key == "resilience"
    ]
    if lines:
        terminalreporter.section("resilience")
        for line in dict.fromkeys(lines):
            terminalreporter.write_line(line)
