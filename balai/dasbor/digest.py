"""The daily digest, once a day after 07:00 local time: each OPD head gets their unit's open, new and overdue
reports and its readiness across every module; each coordinator gets the OPD that are not ready, if any.

Each email is claimed in NotificationLog and handed to the outbox (balai.core.outbox) in one transaction: sent once
a day, and a failing mail server delays it (the outbox retries) but loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from functools import partial
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from balai.core.models import Membership, OutgoingMail, Role
from balai.core.outbox import mail_deliver_all
from balai.core.selectors import pemda_current
from balai.lapor.models import Report, Status
from balai.lapor.services import notification_claim
from balai.lapor.tasks import compose_staff, with_language

DIGEST_HOUR = 7


def periodic_digest(now: datetime) -> dict[str, int]:
    pemda = pemda_current()
    if pemda is None:
        return {}
    return {"digest": send_digests(now, pemda.time_zone)}


def send_digests(now: datetime, tz: str) -> int:
    """Once a day after 07:00 local time: each OPD head gets their unit's open, new and overdue counts and its
    readiness flags; each coordinator gets the OPD that are not ready to run the applications, if any."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from .readiness import Flag, FlagCode, opd_readiness

    local = timezone.localtime(now, timezone=ZoneInfo(tz))
    if local.time() < time(DIGEST_HOUR):
        return 0
    sent = 0
    readiness = opd_readiness(now=now)
    of_unit = {opd.unit.pk: opd for opd in readiness.opds}
    readiness_url = settings.SITE_URL + reverse("dasbor:readiness")
    heads = Membership.objects.filter(
        role=Role.PIMPINAN, is_active=True, unit__is_leadership=False, user__is_active=True
    ).select_related("unit", "user")
    for membership in heads:
        if not membership.user.email:
            continue
        stats = Report.objects.filter(lead_unit=membership.unit, status__in=[Status.DIDISPOSISIKAN, Status.DIPROSES]).aggregate(
            open=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now)),
            new=Count("id", filter=Q(status=Status.DIDISPOSISIKAN)),
        )  # fmt: skip
        opd = of_unit.get(membership.unit_id)
        opd_url = settings.SITE_URL + reverse("dasbor:readiness_detail", args=[opd.unit.slug]) if opd else ""
        key = f"{membership.user_id}:{membership.unit_id}:{local:%Y%m%d}"
        sent += _claim_and_send("digest", key, partial(
            compose_staff, "digest", None, with_language([membership.user]), unit=membership.unit, stats=stats,
            day=local.date(), readiness=opd, readiness_url=opd_url,
        ))  # fmt: skip
    if not readiness.not_ready:
        return sent
    # Coordinators: one email a day with the OPD that are not ready (none when every OPD is).
    coordinator_ids = Membership.objects.filter(role=Role.KOORDINATOR, is_active=True).values("user_id")
    rules = [Flag(code) for code in FlagCode]
    coordinators = get_user_model().objects.filter(pk__in=coordinator_ids, is_active=True).exclude(email="")
    for user in coordinators.order_by("pk"):
        sent += _claim_and_send("readiness_digest", f"{user.pk}:{local:%Y%m%d}", partial(
            compose_staff, "readiness_digest", None, with_language([user]), summary=readiness, rules=rules,
            day=local.date(), readiness_url=readiness_url,
        ))  # fmt: skip
    return sent


def _claim_and_send(kind: str, key: str, compose: Callable[[], list[OutgoingMail]]) -> int:
    """Claim and compose into the outbox in one transaction, then try to send now; a refusing mail server leaves
    the email to the outbox's retries without holding back the other recipients. 1 if claimed now."""
    with transaction.atomic():
        if not notification_claim(kind=kind, key=key):
            return 0
        mails = compose()
    mail_deliver_all(mails)
    return 1
