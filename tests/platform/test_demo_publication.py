"""The demo city publishes after verification, as a new Pemda does, and still shows public reports."""

from __future__ import annotations

from typing import Any

import pytest

from balai.core.models import PublishReports
from balai.lapor.models import Report
from balai.platform.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_shows_its_verified_reports_and_keeps_the_waiting_ones_private(db: Any) -> None:
    pemda = load_demo(reports=40)

    public = Report.objects.public()
    assert pemda.publish_reports == PublishReports.AFTER_VERIFICATION
    assert public.count() >= 20
    assert not public.filter(verified_at__isnull=True).exists()
    assert Report.objects.filter(verified_at__isnull=True, published_at__isnull=True).exists()
