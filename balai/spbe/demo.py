"""The demo's SPBE rows: last year's assessment reviewed in full, this year's in progress (some reviewed, some
submitted, some drafts with evidence), a coordinator and an officer. Added once: nothing twice on a second run.

Everything goes through the services (the audit trail shows the demo's history); the rows say they are demo data."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from balai.core.models import Unit
from balai.core.registry import DemoContext
from balai.core.services import membership_grant

from . import rules, services
from .models import Assessment, Framework

DEMO_NOTE = "[DEMO] "
COORDINATOR = "koordinator.spbe"
OFFICER = "petugas.spbe"
# Indicators the demo officer is responsible for (the public services and the management ones Balai helps with).
OFFICER_INDICATORS = (22, 23, 25, 28, 42, 43, 44)


def _user(username: str, first_name: str, context: DemoContext) -> object:
    user, created = get_user_model().objects.get_or_create(
        # No email address: the demo's sample history must not send mail when it is loaded.
        username=username,
        defaults={"first_name": first_name, "email": ""},
    )
    if created:
        user.set_password(context.password)
        user.save()
    return user


@transaction.atomic
def load(context: DemoContext) -> None:
    year = timezone.localdate().year
    if Framework.objects.filter(year=year).exists() and Framework.objects.filter(year=year - 1).exists():
        return
    diskominfo = Unit.objects.get(slug="diskominfo")
    coordinator = _user(COORDINATOR, "Meiske Rondonuwu", context)
    officer = _user(OFFICER, "Fandy Kalalo", context)
    membership_grant(actor=None, user=coordinator, unit=diskominfo, role=rules.COORDINATOR_ROLE, module=rules.MODULE)
    membership_grant(actor=None, user=officer, unit=diskominfo, role=rules.OFFICER_ROLE, module=rules.MODULE)
    rng = context.rng

    # Last year: every indicator reviewed.
    last, _created = services.framework_ensure(actor=None, year=year - 1)
    levels = {number: rng.choice((1, 2, 2, 3, 3, 3, 4)) for number in range(1, 48)}
    services.levels_record(actor=None, framework=last, levels=levels,
                           note=f"{DEMO_NOTE}Hasil evaluasi SPBE {year - 1}.")  # fmt: skip

    # This year: a copy of last year's framework, partly done.
    current, _created = services.framework_ensure(actor=None, year=year)
    previous_levels = dict(
        Assessment.objects.filter(indicator__framework=last).values_list("indicator__number", "level")
    )
    assessments = {
        a.indicator.number: a
        for a in Assessment.objects.filter(indicator__framework=current).select_related("indicator")
    }
    for number in OFFICER_INDICATORS:
        services.assessment_assign(actor=coordinator, assessment=assessments[number], version=None, officer=officer)
    # The coordinator has filled a few of the others: some accepted, some waiting for review, some drafts.
    for number in (1, 2, 3, 11, 12, 15, 16, 19, 21, 29, 32, 33, 36, 40):
        level = min(5, (previous_levels.get(number) or 1) + rng.choice((0, 0, 1)))
        a = services.assessment_save(actor=coordinator, assessment=assessments[number], version=None, level=level,
                                     justification=f"{DEMO_NOTE}Dokumen kebijakan dan laporan pelaksanaan tersedia.")  # fmt: skip
        if number <= 31:
            a = services.assessment_submit(actor=coordinator, assessment=a, version=None)
            if number <= 19:
                services.assessment_review(actor=coordinator, assessment=a, version=None)
    # The officer's indicators: one submitted with evidence, the rest still to fill.
    assessment = Assessment.objects.get(pk=assessments[43].pk)
    assessment = services.assessment_save(actor=officer, assessment=assessment, version=None, level=3,
                                          justification=f"{DEMO_NOTE}Portal data terbuka dengan API CKAN.")  # fmt: skip
    services.evidence_add(actor=officer, assessment=assessment, version=None, title="Portal data terbuka",
                          url="https://data.example.go.id/")  # fmt: skip
    services.assessment_submit(actor=officer, assessment=assessment, version=None)
    assessment = Assessment.objects.get(pk=assessments[42].pk)
    services.evidence_add(actor=officer, assessment=assessment, version=None, title="SK Pengelola Pengaduan",
                          url="https://jdih.example.go.id/sk-pengaduan")  # fmt: skip
    services.comment_add(actor=coordinator, assessment=assessment,
                         text=f"{DEMO_NOTE}Lampirkan juga SOP penanganan pengaduan.")  # fmt: skip
