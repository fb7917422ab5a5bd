"""What the module gives the platform through the registry: reminders and late flags (once each), readiness,
KPIs, search, datasets, a kelurahan website's KIM panel, my work; and the demo (idempotent)."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.core.registry import DemoContext, registry
from balai.desa import rules
from balai.desa.models import Kim, KimPost, Reminder, Submission
from balai.desa.services import post_create, post_moderate, reminders_send, submission_save, values_clean

from .conftest import FULL, Cast

WITA = ZoneInfo("Asia/Makassar")
pytestmark = pytest.mark.django_db
MODULE = registry.get("desa")


def _send(cast: Cast, unit, user, at: dt.datetime) -> Submission:
    values, _ = values_clean(cast.report_type, FULL)
    with time_machine.travel(at, tick=False):
        return submission_save(
            actor=user, actors=rules.submission_actors(staff_scope(user), unit), unit=unit,
            report_type=cast.report_type, period_key="2026-03", values=values, send=True,
        )  # fmt: skip


def test_a_reminder_goes_before_the_deadline_and_a_late_flag_after_each_once(cast: Cast) -> None:
    # The March report is due on 8 April 2026 (23.59 WITA); two working days before: 6 April.
    _send(cast, cast.kel_c, cast.lurah_c, dt.datetime(2026, 4, 2, 9, tzinfo=WITA))
    before = dt.datetime(2026, 4, 6, 9, tzinfo=WITA)
    counts = reminders_send(before)
    units = Submission.objects.values_list("unit_id", flat=True)
    assert counts["reminders"] == Reminder.objects.filter(kind="before").count() > 60
    assert not Reminder.objects.filter(unit_id__in=units).exists()  # kel_c sent: no reminder
    assert any(m.to == ["kel.a@example.org"] and "2026-03" in m.subject for m in mail.outbox)
    assert reminders_send(before)["reminders"] == 0  # once
    mail.outbox.clear()
    late = reminders_send(dt.datetime(2026, 4, 9, 8, tzinfo=WITA))
    assert late["late_flags"] > 60
    assert {"kel.a@example.org", "camat_1@example.org"} <= {m.to[0] for m in mail.outbox}
    assert reminders_send(dt.datetime(2026, 4, 9, 9, tzinfo=WITA))["late_flags"] == 0


def test_kpis_and_work_count_the_missing_reports(cast: Cast) -> None:
    _send(cast, cast.kel_a, cast.lurah_a, dt.datetime(2026, 4, 2, 9, tzinfo=WITA))
    now = dt.datetime(2026, 4, 20, 9, tzinfo=WITA)
    with time_machine.travel(now, tick=False):
        assert MODULE.readiness is None  # the platform's readiness lists OPD only (module.py says why)
        assert {k.key: k.value for k in MODULE.kpis(frozenset({cast.kel_a.pk, cast.kel_b.pk}), now)}[
            "desa.missing"
        ] == 1
        kpis = {k.key: k.value for k in MODULE.kpis(None, now)}
        units = cast.report_type.unit_kinds
        from balai.core.models import Unit

        total = Unit.objects.filter(kind__in=units, is_active=True).count()
        # Three ended months (Jan, Feb, Mar) × every kelurahan/desa, one report on time.
        assert kpis["desa.on_time"] == round(100 / (3 * total), 1)
        request = RequestFactory().get("/")
        section = MODULE.work(request, staff_scope(cast.camat_1), now)
        assert {i.key: i.count for i in section.items}["desa.review"] == 1
        lurah = {i.key: i.count for i in MODULE.work(request, staff_scope(cast.lurah_a), now).items}
        assert lurah["desa.missing"] == 0


def test_search_datasets_and_site_panels_show_only_published_posts(cast: Cast) -> None:
    shown = post_create(
        actor=cast.member_a,
        actors={rules.Actor.SENDER},
        kim=cast.kim_a,
        kind="berita",
        title="Lomba perahu",
        body="Teks.",
    )
    post_moderate(actor=cast.moderator, actors={rules.Actor.OFFICE}, post=shown, action="approve")
    post_create(
        actor=cast.member_a,
        actors={rules.Actor.SENDER},
        kim=cast.kim_a,
        kind="berita",
        title="Lomba rahasia",
        body="Teks.",
    )
    assert [h.title for h in MODULE.search("lomba", 10)] == ["Lomba perahu"]
    panels = MODULE.site_panels(cast.kel_a, dt.datetime.now(dt.UTC))
    assert [p.title for p in panels[0].context["posts"]] == ["Lomba perahu"]
    assert MODULE.site_panels(cast.kel_b, dt.datetime.now(dt.UTC)) == []
    datasets = {d.key: d for d in MODULE.datasets()}
    kim_rows = list(datasets["desa-kim"].rows())
    assert ["KIM Maju Bersama", cast.kel_a.name, cast.kec_1.name, "12/2025", "", 1] in kim_rows
    assert all("Anggota A" not in map(str, row) and "0812000111" not in map(str, row) for row in kim_rows)


def test_the_demo_loads_once_with_late_returned_and_emailed_reports(city) -> None:
    context = DemoContext(pemda=city, password="demo-pass-123", rng=random.Random(3))
    MODULE.demo(context)
    assert Kim.objects.count() == 12
    assert KimPost.objects.filter(status="terbit").exists() and KimPost.objects.filter(status="diajukan").exists()
    subs = Submission.objects.all()
    assert subs.filter(status="dikembalikan").count() == 1
    assert subs.filter(channel="email", status="terkirim").count() == 1
    assert any(s.is_late for s in subs) and any(not s.is_late for s in subs)
    # Every kelurahan and desa of the city has its lurah, but one (so the readiness page shows that state too).
    places = Unit.objects.filter(kind__in=["kelurahan", "desa"], is_active=True)
    with_lurah = places.filter(memberships__module="desa", memberships__role="lurah", memberships__is_active=True)
    assert places.count() > 60 and with_lurah.distinct().count() == places.count() - 1
    assert subs.values("unit").distinct().count() == places.count() - 1
    counts = (Kim.objects.count(), Submission.objects.count(), KimPost.objects.count())
    MODULE.demo(context)
    assert (Kim.objects.count(), Submission.objects.count(), KimPost.objects.count()) == counts
    from django.contrib.auth import get_user_model

    for username, _what in MODULE.demo_logins:
        assert get_user_model().objects.get(username=username).check_password("demo-pass-123")
