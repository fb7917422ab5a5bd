"""Automatic evidence: what Balai's own data shows, computed now, against hand-made data; and whatever any module
gives through the registry reaches the indicator page with no code per module."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from balai.core.models import TrainingKind, TrainingRecord
from balai.core.registry import Evidence, Module, registry
from balai.core.selectors import work_calendar
from balai.lapor.evidence import complaint_figures, evidence
from balai.lapor.models import Channel, Report, Status
from balai.spbe.module import competence_evidence
from tests.factories import make_report

from .conftest import YEAR, signed_in

pytestmark = pytest.mark.django_db


def _reports(now):
    """Six reports of the last year and one older: hand-set channels, deadlines and ratings."""
    hour = timedelta(hours=1)
    rows = [
        # channel, verified on time?, finished on time?, rating
        (Channel.WEB, True, True, 5),
        (Channel.WEB, True, False, 3),
        (Channel.API, False, True, None),
        (Channel.EMAIL, True, None, None),
        (Channel.STAFF, None, None, None),
        (Channel.API, True, True, 4),
    ]
    for channel, verified_on_time, finished_on_time, rating in rows:
        report = make_report()
        changes = {"channel": channel, "created_at": now - timedelta(days=30), "rating": rating}
        if verified_on_time is None:
            changes |= {"verify_due_at": None, "verified_at": None}
        else:
            due = now - timedelta(days=20)
            changes |= {"verify_due_at": due, "verified_at": due - hour if verified_on_time else due + hour}
        if finished_on_time is not None:
            due = now - timedelta(days=5)
            changes |= {"status": Status.SELESAI, "due_at": due,
                        "finished_at": due - hour if finished_on_time else due + hour}  # fmt: skip
        Report.objects.filter(pk=report.pk).update(**changes)
    old = make_report()
    Report.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=400), channel=Channel.EMAIL)


def test_the_complaint_evidence_counts_the_last_twelve_months(city):
    now = timezone.now()
    _reports(now)
    f = complaint_figures(now)
    assert f["total"] == 6
    assert (f["channel_web"], f["channel_api"], f["channel_email"], f["channel_staff"]) == (2, 2, 1, 1)
    assert (f["verified_on_time"], f["verified"]) == (4, 5)
    assert (f["finished_on_time"], f["finished"]) == (3, 4)
    assert f["rated"] == 3 and Decimal(str(f["rating_average"])) == Decimal(4)
    with translation.override("id"):
        (item,) = evidence(now)
        facts = dict((str(k), v) for k, v in item.facts)
    assert item.indicator == 42 and item.as_of == now and item.url == "/statistik/"
    # Indonesian numbers: 80,0 % (4/5) verified in time, 75,0 % (3/4) finished in time, 4,00 / 5 average.
    values = list(facts.values())
    assert "80,0 % (4/5)" in values and "75,0 % (3/4)" in values and "4,00 / 5 (3)" in values
    assert "/open311/discovery.json" in values


def test_the_complaint_evidence_never_carries_a_report_text_or_a_reporter(city):
    now = timezone.now()
    report = make_report(title="Jalan rusak di depan rumah Bu Sari", reporter_name="Sari Wenas")
    Report.objects.filter(pk=report.pk).update(created_at=now - timedelta(days=1))
    text = " ".join(f"{k} {v}" for e in evidence(now) for k, v in e.facts)
    assert "Sari" not in text and report.code not in text


def test_competence_evidence_counts_trainings_of_staff_in_the_last_year(city, coordinator, operator_pupr):
    # The Pemda's today (Kota Bitung is WITA): just after midnight there, UTC's date is still yesterday's.
    today = work_calendar().local_date(timezone.now())
    TrainingRecord.objects.create(user=coordinator, kind=TrainingKind.BIMTEK, title="Bimtek", date=today)
    TrainingRecord.objects.create(user=operator_pupr, kind=TrainingKind.DIKLAT, title="Diklat",
                                  date=today - timedelta(days=400))  # fmt: skip
    TrainingRecord.objects.create(user=operator_pupr, kind=TrainingKind.GUIDE, title="Panduan", date=today)
    outsider = get_user_model().objects.create_user("bukan.staf")
    TrainingRecord.objects.create(user=outsider, kind=TrainingKind.BIMTEK, title="Bimtek", date=today)
    with translation.override("en"):
        (item,) = competence_evidence(timezone.now())
        facts = {str(k): v for k, v in item.facts}
        bimtek, diklat = str(TrainingKind.BIMTEK.label), str(TrainingKind.DIKLAT.label)
    assert item.indicator == 25
    # Bimtek: the coordinator and an outsider (the fact counts records); Diklat: 400 days ago, outside the window.
    assert (facts[bimtek], facts[diklat]) == ("2", "0")
    assert facts["Of them, trained (Bimtek, Diklat or other) in 12 months"] == "1"
    assert facts["Of them, confirmed the in-app guide"] == "1"


TEST_MODULE = Module(
    label="contoh_spbe",
    name="Situs contoh",
    evidence=lambda now: [Evidence(44, "Produk hukum terbit", (("Peraturan daerah", "12"),), now, "/contoh/jdih/")],
)


@pytest.fixture
def example_module():
    registry.register(TEST_MODULE)
    yield TEST_MODULE
    registry.unregister("contoh_spbe")


def test_the_indicator_page_shows_whatever_the_registry_gives(framework, spbe_coordinator, example_module):
    client = signed_in(spbe_coordinator)
    page = client.get(f"/staf/spbe/{YEAR}/indikator/44/").content.decode()
    assert "Produk hukum terbit" in page and "Peraturan daerah" in page and 'href="/contoh/jdih/"' in page
    assert "Situs contoh" in page
    # Indicator 42 shows lapor's own evidence beside it, and 1 (an internal policy: no module gives anything) says so.
    assert "Laporan warga di Balai" in client.get(f"/staf/spbe/{YEAR}/indikator/42/").content.decode()
    assert "Balai tidak menyimpan data sendiri" in client.get(f"/staf/spbe/{YEAR}/indikator/1/").content.decode()
