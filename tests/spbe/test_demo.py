"""The demo's SPBE rows: two years (last one reviewed in full, this one in progress with evidence), two logins;
a second run adds nothing."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from balai.core.models import AuditEvent
from balai.core.registry import DemoContext, registry
from balai.platform.demo import DEMO_PASSWORD
from balai.spbe import selectors
from balai.spbe.models import Assessment, EvidenceItem, Framework, Status

pytestmark = pytest.mark.django_db


def load(city):
    registry.get("spbe").demo(DemoContext(city, DEMO_PASSWORD, random.Random(1)))  # type: ignore[union-attr,misc]


def test_the_demo_fills_two_years_once_with_logins_that_work(city):
    load(city)
    year = timezone.localdate().year
    assert list(Framework.objects.order_by("year").values_list("year", flat=True)) == [year - 1, year]
    last = selectors.overview(Framework.objects.get(year=year - 1))
    assert last.result.complete and last.predicate
    now = selectors.overview(Framework.objects.get(year=year))
    assert 0 < now.result.assessed < 47
    assert now.by_status[Status.SUBMITTED] > 0 and now.by_status[Status.DRAFT] > 0
    assert EvidenceItem.objects.filter(assessment__indicator__framework__year=year).exists()
    users = get_user_model().objects.filter(username__in=[u for u, _l in registry.get("spbe").demo_logins])  # type: ignore[union-attr]
    assert users.count() == 2 and all(u.check_password(DEMO_PASSWORD) for u in users)
    counts = (Assessment.objects.count(), EvidenceItem.objects.count(), AuditEvent.objects.count())
    load(city)
    assert (Assessment.objects.count(), EvidenceItem.objects.count(), AuditEvent.objects.count()) == counts
