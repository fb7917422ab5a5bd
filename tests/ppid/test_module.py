"""What PPID brings through the registry: the demo, work on the staff home, readiness backlog, KPIs, datasets."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from balai.core.models import Unit
from balai.core.registry import DemoContext, registry
from balai.ppid.models import DipEntry, InformationRequest, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(city: Any) -> Any:
    module = registry.get("ppid")
    assert module is not None and module.demo is not None
    started = time.monotonic()
    module.demo(DemoContext(pemda=city, password="pw-demo", rng=random.Random(1)))
    elapsed = time.monotonic() - started
    return module, elapsed


def test_the_demo_has_every_state_one_overdue_one_objection_and_adds_nothing_twice(demo: Any, city: Any) -> None:
    module, elapsed = demo
    now = timezone.now()
    states = set(InformationRequest.objects.values_list("status", flat=True))
    assert states >= {Status.DITERIMA, Status.DITERUSKAN, Status.DIJAWAB, Status.KEBERATAN}
    assert InformationRequest.objects.open().filter(due_at__lt=now).count() >= 1
    assert InformationRequest.objects.count() >= 30
    assert set(DipEntry.objects.exclude(unit=None).values_list("unit__slug", flat=True)) == {"dinas-pupr", "dinkes",
                                                                                              "dlh"}  # fmt: skip
    counts = (InformationRequest.objects.count(), DipEntry.objects.count())
    module.demo(DemoContext(pemda=city, password="pw-demo", rng=random.Random(1)))
    assert (InformationRequest.objects.count(), DipEntry.objects.count()) == counts
    for username, _what in module.demo_logins:
        assert get_user_model().objects.get(username=username).check_password("pw-demo")
    assert elapsed < 30  # a few seconds on a quiet machine; this one is shared
    assert not mail.outbox  # the sample history emails nobody


def test_the_staff_home_shows_my_ppid_work_and_readiness_counts_the_opd_backlog(demo: Any) -> None:
    module, _elapsed = demo
    client = Client()
    client.force_login(get_user_model().objects.get(username="ppid.pupr"))
    home = client.get("/staf/").content.decode()
    assert "PPID" in home and "/staf/ppid/?tampilan=overdue" in home
    pupr = Unit.objects.get(slug="dinas-pupr")
    backlog = module.readiness.backlog([pupr.pk], timezone.now())[pupr.pk]
    expected_open = InformationRequest.objects.open().filter(unit=pupr).count()
    assert backlog.open == expected_open and backlog.overdue >= 1


def test_kpis_and_datasets_are_computed_from_the_requests(demo: Any) -> None:
    module, _elapsed = demo
    kpis = {k.key: k.value for k in module.kpis(None, timezone.now())}
    answered = InformationRequest.objects.filter(notice_at__isnull=False)
    on_time = answered.filter(notice_at__lte=__import__("django.db.models", fromlist=["F"]).F("due_at")).count()
    assert kpis["ppid.on_time"] == round(100 * on_time / answered.count(), 1)
    assert kpis["ppid.objections"] == 1
    monthly = next(d for d in module.datasets() if d.key == "ppid-statistik-bulanan")
    assert sum(row[2] for row in monthly.rows()) == InformationRequest.objects.count()
