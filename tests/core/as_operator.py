"""Run `balai` commands in a subprocess, as a server operator would, against a database made for the test.

The database is a new SQLite file, or a new database on the PostgreSQL server the test run uses: empty
(`FreshDatabase.create`), or a copy of a template made once per test run (`FreshDatabase.migrated`: `balai migrate`
done; `FreshDatabase.bitung`: also docs/deploy.md's section 6 for Kota Bitung). A fresh `migrate` costs half a
minute or more, a copy well under a second; the tests whose subject is `migrate` itself keep an empty database.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "operator-test-secret-key-" + "x" * 40
# The folder of this test run's templates: made by the pytest process that starts the run (tests/conftest.py), so
# that its xdist workers share it; they take turns through a lock file per template.
TEMPLATES_ENV = "BALAI_TEST_TEMPLATES"


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
    def create(cls, folder: Path, *, template: str = "") -> FreshDatabase:
        """An empty database; with `template` (a PostgreSQL database nobody is connected to), a copy of it."""
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith(("postgres://", "postgresql://")):
            folder.mkdir(parents=True, exist_ok=True)
            return cls(f"sqlite:///{folder / 'fresh.sqlite3'}")
        name = f"balai_op_{uuid.uuid4().hex[:10]}"
        admin_url = urlsplit(base)._replace(path="/postgres").geturl()
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(statement)
        return cls(urlsplit(base)._replace(path=f"/{name}").geturl(), admin_url=admin_url, name=name)

    @classmethod
    def migrated(cls, folder: Path) -> FreshDatabase:
        """A database as `balai migrate` leaves an empty one: a copy of this run's template."""
        return _template("migrated").copy(folder)

    @classmethod
    def bitung(cls, folder: Path) -> FreshDatabase:
        """A database as BITUNG_STEPS leave an empty one (migrated, cache table, Kota Bitung): a template's copy."""
        return _template("bitung").copy(folder)

    def copy(self, folder: Path) -> FreshDatabase:
        """A new database with the same content: the SQLite backup API, or PostgreSQL's CREATE DATABASE … TEMPLATE."""
        if self.is_sqlite:
            copied = FreshDatabase.create(folder)
            with (
                closing(sqlite3.connect(self.sqlite_path)) as source,
                closing(sqlite3.connect(copied.sqlite_path)) as target,
            ):
                source.backup(target)
            return copied
        # CREATE DATABASE refuses a template with a connection open to it: copies take turns.
        with _lock(f"{self.name}.copy"):
            return FreshDatabase.create(folder, template=self.name)

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


# The steps of docs/deploy.md's section 6, shortened to one kota: a database ready to serve Kota Bitung.
MIGRATE = ("migrate", "--verbosity", "0")
BITUNG_STEPS = [
    MIGRATE,
    ("createcachetable",),
    ("wilayah", "import", "--only", "71.72"),
    ("pemda", "setup", "71.72", "--prefix", "BTG", "--bounds", "1.36,1.62,124.98,125.36"),
]


# Templates: what each is made from (an empty database or another template) and the `balai` steps that make it.
TEMPLATES: dict[str, tuple[str, list[tuple[str, ...]]]] = {
    "migrated": ("", [MIGRATE]),
    "bitung": ("migrated", BITUNG_STEPS[1:]),
}


def migrations_key() -> str:
    """A hash of everything that decides what `migrate` makes: Balai's migrations and the locked package versions."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("balai/*/migrations/*.py"), ROOT / "balai/core/migration_ops.py", ROOT / "uv.lock"]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def templates_folder() -> Path:
    folder = os.environ.get(TEMPLATES_ENV)
    if not folder:  # outside a pytest run that made one: this process (and its children) make their own
        folder = os.environ[TEMPLATES_ENV] = tempfile.mkdtemp(prefix="balai-templates-")
    return Path(folder)


@contextmanager
def _lock(name: str) -> Iterator[None]:
    with (templates_folder() / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # blocks until the process holding it is done
        yield


def _template(kind: str) -> FreshDatabase:
    """The template `kind` of this run, made by the first process that asks for it (the others wait for it)."""
    base = os.environ.get("DATABASE_URL", "")
    folder = templates_folder()
    # The key is in the name: a template made before a migration changed is never taken for a current one.
    name = f"{kind}-{migrations_key()}"
    with _lock(name):
        if base.startswith(("postgres://", "postgresql://")):
            pg_name = _pg_name(kind)
            admin_url = urlsplit(base)._replace(path="/postgres").geturl()
            template = FreshDatabase(urlsplit(base)._replace(path=f"/{pg_name}").geturl(), admin_url, pg_name)
            with psycopg.connect(admin_url, autocommit=True) as conn:
                done = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]).fetchone()
            if done is None:
                built = _build(kind, folder / name)
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(
                        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (built.name, pg_name)))
                    )
            return template
        template = FreshDatabase(f"sqlite:///{folder / name}.sqlite3")
        if not template.sqlite_path.exists():
            built = _build(kind, folder / name)
            os.replace(built.sqlite_path, template.sqlite_path)  # the build leaves no -wal file: it was closed cleanly
        return template


def _build(kind: str, folder: Path) -> FreshDatabase:
    start, steps = TEMPLATES[kind]
    shutil.rmtree(folder, ignore_errors=True)  # a build interrupted in an earlier process
    folder.mkdir()
    database = _template(start).copy(folder) if start else FreshDatabase.create(folder)
    env = operator_env(database, folder)
    for step in steps:
        done = balai(env, *step)
        assert done.returncode == 0, f"making the {kind} template, {step}: {done.stderr}"
    return database


def templates_drop() -> None:
    """Drop this run's templates (at the end of the pytest run that made their folder)."""
    folder = os.environ.get(TEMPLATES_ENV)
    if not folder:
        return
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        with psycopg.connect(urlsplit(base)._replace(path="/postgres").geturl(), autocommit=True) as conn:
            for kind in TEMPLATES:
                name = sql.Identifier(_pg_name(kind))
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    shutil.rmtree(folder, ignore_errors=True)


def _pg_name(kind: str) -> str:
    return f"balai_tpl_{kind}_{migrations_key()}_{templates_folder().name.rsplit('-', 1)[-1].lower()}"
