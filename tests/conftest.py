"""The cast shared by every test: the demo city's organisation (Kota Bitung) and its people.

A citizen (no account), the coordinator at Diskominfo, an operator of Dinas PUPR, an operator of
Dinas Kesehatan, a pimpinan, and a system administrator, all from `balai.platform.demo` without sample reports.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from balai.core.models import Pemda, PublishReports
from balai.lib import memo
from balai.lib.memo import clear_all
from tests.core.as_operator import TEMPLATES_ENV, templates_drop


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        # The process that starts the run (the xdist controller, or the only one) makes the folder of the
        # database templates its workers share (tests/core/as_operator.py); the workers inherit its environment.
        os.environ[TEMPLATES_ENV] = tempfile.mkdtemp(prefix="balai-templates-")
        # Many tests start Python processes (`balai` commands, gunicorn, the xdist workers), each importing Django
        # and Balai anew. With PYTHONDONTWRITEBYTECODE set, each compiled every module again: some 8 s of CPU per
        # process. They share compiled modules in .cache/pycache instead, outside the source tree (Python checks
        # each source file's mtime and size, so a stale one is never used).
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(__file__).resolve().parents[1] / ".cache" / "pycache"))
    # Fast hashing: the tests sign in often; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise warns on every request when the collected-static folder does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        templates_drop()


# What a test costs, roughly, before it has run: a browser or a live server is worth twenty plain tests, a
# transactional database (flushed and filled again) four.
HEAVY_FIXTURES = frozenset({"browser", "new_page", "live_server"})


def _cost(item: pytest.Item) -> int:
    if HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())):
        return 20
    marker = item.get_closest_marker("django_db")
    return 4 if marker is not None and marker.kwargs.get("transaction") else 1


def _group(item: pytest.Item) -> str:
    return "resilience" if item.get_closest_marker("resilience") else item.nodeid.split("::")[0].split("@")[0]


def pytest_itemcollected(item: pytest.Item) -> None:
    # `make test` spreads the suite over the machine's cores (pytest-xdist, --dist loadgroup): a file's tests
    # stay together (their module fixtures are made once), and the resilience tests share one server's database.
    # Marked as each test is collected: an xdist worker tags each test with its group in its own
    # pytest_collection_modifyitems, which pytest calls before this conftest's. It tags by rewriting the node id,
    # which pytest 9 no longer reads: hence pytest < 9 in pyproject.toml. tests/platform/test_test_groups.py
    # checks both (without them every file was quietly split over both workers).
    item.add_marker(pytest.mark.xdist_group(_group(item)))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # xdist hands the groups out in this order, so the costliest go first: a long file left for the end would
    # keep one core busy while the other waits.
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(_group(item), []).append(item)
    ordered = sorted(groups.values(), key=lambda members: -sum(_cost(i) for i in members))  # stable for ties
    items[:] = [item for members in ordered for item in members]


@pytest.fixture(autouse=True, scope="session")
def _one_write_path() -> None:
    # Every test also checks that reports are written only through balai.lapor.services (tests/write_path.py).
    from tests.write_path import connect

    connect()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_process_memos() -> None:
    # The per-process copies of the Pemda, categories and places (balai.lib.memo) outlive the database
    # rollback between tests; a rollback sends no signal that would drop them.
    clear_all()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    # A test that switched the thread's language (a request with Accept-Language, translation.activate) must not
    # leave it to the next one: under xdist any file can follow any other.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _memos_stand_still(monkeypatch: pytest.MonkeyPatch) -> None:
    # The per-process copies expire after seconds of wall time: on a busy machine a test could cross that line
    # between two requests and count one query more. In tests their clock stands still (the copies are dropped
    # between tests anyway); a test about expiry moves a memo's clock itself.
    for kept in memo._ALL:
        monkeypatch.setattr(kept, "_clock", lambda: 0.0)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: Any, django_db_blocker: Any) -> Any:
    yield
    # The cache lives in the test database: only tests that use it can have filled it, and their `db`
    # fixture may already be torn down (and the database blocked again) when this runs.
    if "_django_db_helper" in request.fixturenames:
        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture
def city(db: Any) -> Pemda:
    """Kota Bitung with its OPD, kecamatan, kelurahan, categories and one user per role (no reports, and none of
    the other modules' demo rows: a module's tests ask for those themselves)."""
    from balai.platform.demo import load_demo

    existing = Pemda.objects.filter(singleton=True).first()
    if existing is not None and get_user_model().objects.filter(username="koordinator").exists():
        return existing
    if existing is not None or get_user_model().objects.exists():
        return load_demo(reports=0, modules=False)  # a test set something up first: the real loader, which adds to it
    return _demo_rows.load(lambda: load_demo(reports=0, modules=False))


class _DemoRows:
    """The rows `load_demo(reports=0, modules=False)` writes into an empty database, written again by one insert per table.

    The loader itself takes about a second (some 600 queries through the services, each with its audit row); more
    than a thousand tests ask for the city. The first time in a process the real loader runs, and the rows it added
    are kept; afterwards the same rows are inserted as they were (same keys, same values, same audit trail), and
    PostgreSQL's sequences are moved past them. Foreign keys are checked at commit on both databases, so the order
    of the tables does not matter.
    """

    def __init__(self) -> None:
        self.rows: list[tuple[type[Any], list[dict[str, Any]]]] | None = None

    def load(self, loader: Any) -> Pemda:
        if self.rows is None:
            before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in self._models()}
            pemda = loader()
            self.rows = []
            for model, known in before.items():
                fields = [field.attname for field in model._meta.concrete_fields]
                added = [row for row in model._base_manager.values(*fields) if row[model._meta.pk.attname] not in known]
                if added:
                    self.rows.append((model, added))
            return pemda
        from django.core.management.color import no_style
        from django.db import connection

        for model, rows in self.rows:
            model._base_manager.bulk_create([model(**row) for row in rows])
        models = [model for model, _rows in self.rows]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        clear_all()
        return Pemda.objects.get(singleton=True)

    @staticmethod
    def _models() -> list[type[Any]]:
        from django.apps import apps

        return [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        ]


_demo_rows = _DemoRows()


@pytest.fixture
def publish_on_arrival(city: Pemda) -> Pemda:
    """The city publishes reports as they arrive (Balai's only way before issue 12).

    For tests of what the public lists, search, APIs and statistics do with public reports, not of when a report
    becomes public (tests/lapor/test_publication*.py): their reports are public without a verification each.
    """
    city.publish_reports = PublishReports.ON_ARRIVAL
    city.save(update_fields=["publish_reports", "updated_at"])
    return city


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


@pytest.fixture
def coordinator(city: Pemda) -> Any:
    return _user("koordinator")


@pytest.fixture
def operator_pupr(city: Pemda) -> Any:
    return _user("operator.pupr")


@pytest.fixture
def operator_dinkes(city: Pemda) -> Any:
    return _user("operator.dinkes")


@pytest.fixture
def head_pupr(city: Pemda) -> Any:
    """The head (kepala) of Dinas PUPR: a pimpinan of an OPD, who reads its reports and acts on none."""
    return _user("kepala.pupr")


@pytest.fixture
def pimpinan(city: Pemda) -> Any:
    return _user("pimpinan")


@pytest.fixture
def sysadmin(city: Pemda) -> Any:
    return _user("admin")
