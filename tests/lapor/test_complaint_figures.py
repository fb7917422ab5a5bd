"""The complaint figures an OPD's website shows (lapor's KPIs `*_12m`, from `selectors.complaint_figures`):
received, finished within the deadline and the median days to finish, over the last 12 months, on hand-made
reports whose dates are set by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from balai.core.models import Unit
from balai.core.registry import registry
from balai.lapor.models import Report, Status
from balai.lapor.selectors import complaint_figures
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def report(unit: str, *, age: float, took: float | None = None, due_after: float | None = None) -> Report:
    """A report of `unit` that arrived `age` days ago, finished `took` days after arriving (None: still open),
    with its follow-up deadline `due_after` days after arriving."""
    now = timezone.now()
    made = make_report()
    created = now - timedelta(days=age)
    Report.objects.filter(pk=made.pk).update(
        lead_unit=Unit.objects.get(slug=unit),
        created_at=created,
        status=Status.DIPROSES if took is None else Status.SELESAI,
        finished_at=None if took is None else created + timedelta(days=took),
        due_at=None if due_after is None else created + timedelta(days=due_after),
    )
    return made


def test_received_on_time_and_median_of_the_last_twelve_months(city: Any, django_assert_max_num_queries: Any) -> None:
    report("dinas-pupr", age=10, took=2, due_after=5)  # on time
    report("dinas-pupr", age=20, took=10, due_after=5)  # late
    report("dinas-pupr", age=30, took=4, due_after=10)  # on time
    report("dinas-pupr", age=3)  # still in hand: received, not finished
    report("dinas-pupr", age=400, took=1, due_after=5)  # older than 12 months: not counted at all
    report("dinkes", age=5, took=1, due_after=5)  # another OPD's
    pupr = frozenset({Unit.objects.get(slug="dinas-pupr").pk})
    now = timezone.now()
    with django_assert_max_num_queries(2):
        figures = complaint_figures(pupr, now)
    assert (figures.received, figures.finished, figures.on_time, figures.median_days) == (4, 3, 2, 4.0)
    everyone = complaint_figures(None, now)
    assert (everyone.received, everyone.on_time) == (5, 3)
    assert everyone.median_days == 3.0  # 1, 2, 4, 10: halfway between 2 and 4

    report("dinas-pupr", age=40, took=6.5, due_after=5)
    assert complaint_figures(pupr, now).median_days == 5.2  # 2, 4, 6.5, 10 → 5.25, one decimal

    lapor = registry.get("lapor")
    assert lapor is not None and lapor.kpis is not None
    kpis = {k.key: k for k in lapor.kpis(pupr, now)}
    assert (kpis["lapor.received_12m"].value, kpis["lapor.on_time_12m"].value) == (5, 2)
    assert kpis["lapor.median_days_12m"].value == 5.2 and kpis["lapor.median_days_12m"].help


def test_without_finished_reports_the_median_is_unknown_not_zero(city: Any) -> None:
    report("dinas-pupr", age=3)
    figures = complaint_figures(frozenset({Unit.objects.get(slug="dinas-pupr").pk}), timezone.now())
    assert (figures.received, figures.finished, figures.median_days) == (1, 0, None)
