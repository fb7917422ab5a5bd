"""Run `balai` commands in a subprocess, as a server operator would, against a database made for the test.

The database is a new SQLite file, or a new database on the PostgreSQL server the test run uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "operator-test-secret-key-" + "x" * 40


@dataclass
class FreshDatabase:
    url: str
    admin_url: str = ""
    name: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    @classmethod
    def create(cls, folder: Path) -> FreshDatabase:
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith(("postgres://", "postgresql://")):
            return cls(f"sqlite:///{folder / 'fresh.sqlite3'}")
        name = f"balai_op_{uuid.uuid4().hex[:10]}"
        admin_url = urlsplit(base)._replace(path="/postgres").geturl()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return cls(urlsplit(base)._replace(path=f"/{name}").geturl(), admin_url=admin_url, name=name)

    def tables(self) -> set[str]:
        if self.is_sqlite:
            import sqlite3

            if not self.sqlite_path.exists():
                return set()
            with sqlite3.connect(self.sqlite_path) as conn:
                return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        with psycopg.connect(self.url, autocommit=True) as conn:
            rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            return {row[0] for row in rows}

    def drop(self) -> None:
        if self.name:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


def operator_env(database: FreshDatabase, folder: Path, **extra: str) -> dict[str, str]:
    # As an operator's shell has it: not the browser tests' switch (tests/e2e/conftest.py), which `check --deploy`
    # rightly refuses.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="balai.settings",
        DATABASE_URL=database.url,
        BALAI_DATA_DIR=str(folder / "data"),
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY=SECRET_KEY,
        DEBUG="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # No collectstatic in these tests: pages link to unhashed static names.
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def balai(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balai.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python(env: dict[str, str], code: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run Python code with Django set up for `env`."""
    prelude = "import django, json\ndjango.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def set_up_bitung(env: dict[str, str]) -> None:
    """The steps of docs/deploy.md's section 6, shortened to one kota: a database ready to serve Kota Bitung."""
    for step in [
        ("migrate", "--verbosity", "0"),
        ("createcachetable",),
        ("wilayah", "import", "--only", "71.72"),
        ("pemda", "setup", "71.72", "--prefix", "BTG", "--bounds", "1.36,1.62,124.98,125.36"),
    ]:
        done = balai(env, *step)
        assert done.returncode == 0, f"{step}: {done.stderr}"
