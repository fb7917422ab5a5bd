"""The bench-only baseline that writes what a report writes (bench/baseline/same_writes.py) and the switch
that makes the home page's figures stale (bench/baseline/home.py). No server: the functions behind the views,
on the test database. If a submission starts writing another table, the first test says the baseline must too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balai.core.models import AuditEvent, Pemda
from balai.dasbor.summary import summary_drift
from balai.lapor import selectors
from balai.lapor.models import Category, Report, ReportEvent
from bench.baseline import same_writes
from bench.baseline.home import make_figures_stale
from bench.client import csrf_token, form_token
from tests.factories import kelurahan

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@pytest.fixture(autouse=True)
def _fresh_plans() -> Iterator[None]:
    same_writes.forget_plans()
    yield
    same_writes.forget_plans()


def _tables_written(queries: list[dict[str, Any]]) -> Counter[str]:
    return Counter(m.group(1) for q in queries if (m := WRITE.match(q["sql"])))


def _submit_through_the_form(city: Pemda) -> Counter[str]:
    browser = Client()
    page = browser.get("/lapor/")
    category = Category.objects.filter(is_active=True).first()
    assert category is not None
    data = {
        "csrfmiddlewaretoken": csrf_token(page.content),
        "form_token": form_token(page.content),
        "kind": "pengaduan",
        "category": str(category.pk),
        "title": "Jalan berlubang di depan pasar",
        "description": "Jalan berlubang di depan pasar. Sudah seminggu belum ada perbaikan, mohon segera ditangani.",
        "kelurahan": kelurahan().code,
        "address": "Jalan Sam Ratulangi dekat pasar",
        "latitude": "",
        "longitude": "",
        "reporter_name": "Warga",
        "reporter_email": "warga@contoh.id",
        "reporter_phone": "081234567890",
        "consent": "on",
        "website": "",
    }
    with CaptureQueriesContext(connection) as queries:
        sent = browser.post("/lapor/", data)
    assert sent.status_code == 302, sent.content[:500]
    return _tables_written(queries.captured_queries)


def test_writes_the_tables_a_report_writes_one_row_statement_each(city: Pemda) -> None:
    submitted = _submit_through_the_form(city)
    with CaptureQueriesContext(connection) as queries:
        same_writes.write(ip_address="127.0.0.1")
    baseline = _tables_written(queries.captured_queries)
    assert set(baseline) == set(submitted), "the same-writes baseline must write what report_submit writes"
    assert baseline == Counter(dict.fromkeys(submitted, 1))


def test_the_rows_are_a_report_the_summary_agrees_with(city: Pemda) -> None:
    codes = [same_writes.write(ip_address="127.0.0.1") for _ in range(3)]
    assert all(code.startswith(same_writes.CODE_PREFIX) and len(code) == 16 for code in codes)
    reports = Report.objects.filter(code__in=codes)
    assert reports.count() == 3
    assert ReportEvent.objects.filter(report__in=reports, to_status="diterima").count() == 3
    assert AuditEvent.objects.filter(action="report.submit", object_id__in=codes).count() == 3
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(queue_name=same_writes.TASK_QUEUE).count() == 3
    assert summary_drift() == []
    # Real reports' codes never start with the prefix (the bench tells them apart by it).
    assert not Report.objects.exclude(code__in=codes).filter(code__startswith=same_writes.CODE_PREFIX).exists()


def test_home_figures_made_stale_are_recounted(publish_on_arrival: Pemda) -> None:
    assert make_figures_stale() == "none"
    first = selectors.public_figures()  # stale: recounted
    assert make_figures_stale() == "fresh"
    same_writes.write(ip_address="127.0.0.1")
    recounted = selectors.public_figures()
    assert recounted.as_of > first.as_of
    assert recounted.counts["total"] == first.counts["total"] + 1
    assert make_figures_stale() == "fresh"
    assert make_figures_stale() == "stale"  # nobody recounted in between
