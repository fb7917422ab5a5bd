"""The module's demo rows (`balai demo`): the Bitung kelurahan get their lurah accounts and mailbox, the monthly
report type has three months of reports (some late, one returned, one sent by email from the demo mailbox), and
a dozen KIM have members and posts. Nothing is added twice; everything is labelled demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from email.message import EmailMessage
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from balai.core.models import Unit
from balai.core.registry import DemoContext
from balai.core.selectors import work_calendar
from balai.core.services import membership_grant

from . import rules, services
from .models import Kim, KimMember, ReportType, UnitMailbox
from .periods import deadline, periods_ended
from .setup import MONTHLY_SLUG, default_report_types_create

DEMO_DOMAIN = "demo.balai.local"
LURAH_UNITS = 6  # the first kecamatan's lurah with short user names
KIM_COUNT = 12
POSTS = [
    (
        "berita",
        "Kerja bakti membersihkan saluran air",
        "Warga lingkungan 1 dan 2 bergotong royong membersihkan saluran.",
    ),
    ("pengumuman", "Posyandu balita pekan ini", "Posyandu dibuka Kamis pukul 08.00 di balai kelurahan."),
    ("agenda", "Musyawarah kelurahan", "Musyawarah perencanaan pembangunan kelurahan, terbuka untuk warga."),
]
MEMBERS = ["Ketua", "Sekretaris", "Bendahara", "Anggota 1", "Anggota 2"]
ROLES = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"]


def _user(username: str, name: str, hashed_password: str) -> object:
    # The password is hashed once for the whole demo (a hash takes about half a second; there are 70 lurah).
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": name, "email": f"{username}@{DEMO_DOMAIN}", "password": hashed_password},
    )
    return user


def _at(moment: dt.datetime):
    return mock.patch.object(timezone, "now", lambda: moment)


def demo_load(context: DemoContext) -> None:
    if Kim.objects.filter(slug__startswith="kim-demo").exists():
        return
    default_report_types_create(None)
    report_type = ReportType.objects.prefetch_related("fields").get(slug=MONTHLY_SLUG)
    rng = context.rng
    kecamatan = list(Unit.objects.filter(kind="kecamatan").order_by("wilayah_id"))
    first = kecamatan[0]
    hashed = make_password(context.password)
    # Every kelurahan and desa has its lurah but the last one, so the readiness page shows each state.
    places = list(
        Unit.objects.filter(kind__in=["kelurahan", "desa"], is_active=True).order_by("parent__wilayah_id", "wilayah_id")
    )
    kelurahan = places[:-1]
    camat = _user("camat.girian", f"Camat {first.name}", hashed)
    membership_grant(actor=None, user=camat, unit=first, role=rules.Role.CAMAT, module=rules.MODULE)
    office = _user("pemerintahan", "Bagian Pemerintahan", hashed)
    membership_grant(
        actor=None, user=office, unit=Unit.objects.get(slug="setda"), role=rules.Role.PEMERINTAHAN, module=rules.MODULE
    )
    moderator = _user("moderator.kim", "Moderator KIM Diskominfo", hashed)
    membership_grant(
        actor=None,
        user=moderator,
        unit=Unit.objects.get(slug="diskominfo"),
        role=rules.Role.MODERATOR,
        module=rules.MODULE,
    )
    lurah = []
    for i, unit in enumerate(kelurahan):
        # The first kecamatan's lurah have short names (the demo logins and docs/desa.md name them).
        name = "lurah.girian" if i == 0 else f"lurah.{i + 1}" if i < LURAH_UNITS else f"lurah.{unit.slug}"
        user = _user(name, f"Lurah {unit.name}", hashed)
        membership_grant(actor=None, user=user, unit=unit, role=rules.Role.LURAH, module=rules.MODULE)
        services.mailbox_set(actor=None, unit=unit, sender_email=f"kel{i + 1}@{DEMO_DOMAIN}")
        lurah.append(user)
    # Three ended months of reports: on time, late, returned, one taken from the demo mailbox by email.
    calendar = work_calendar()
    now = timezone.now()
    for m, period in enumerate(reversed(periods_ended(report_type.period, calendar.local_date(now), 3))):
        due = deadline(calendar, period, report_type.deadline_days)
        for i, unit in enumerate(kelurahan):
            if (i + m) % 5 == 4:
                continue  # missing
            late = (i + m) % 4 == 3
            moment = due + dt.timedelta(days=2) if late else due - dt.timedelta(days=2)
            values = {
                "lahir": rng.randint(0, 9), "meninggal": rng.randint(0, 4), "pindah_datang": rng.randint(0, 6),
                "pindah_keluar": rng.randint(0, 6), "kamtibmas": rng.choice(["Aman", "Aman", "Waspada"]),
                "kegiatan": "Kerja bakti, posyandu dan ronda malam.",
            }  # fmt: skip
            actors = {rules.Actor.SENDER}
            if m == 2 and i == 1:
                _demo_email(unit, report_type.slug, period.key, values, moment)
                continue
            with _at(moment):
                sent = services.submission_save(
                    actor=lurah[i], actors=actors, unit=unit, report_type=report_type, period_key=period.key,
                    values=values, send=True,
                )  # fmt: skip
            if (m < 2 or i == 0) and unit.parent_id == first.pk:  # the demo's camat reviews their kecamatan
                with _at(moment + dt.timedelta(days=1)):
                    services.submission_review(
                        actor=camat, actors={rules.Actor.CAMAT}, submission=sent, accept=not (m == 2 and i == 0),
                        note="Mohon lengkapi data kegiatan dan jumlah warga pindah." if m == 2 and i == 0 else "",
                    )  # fmt: skip
    _demo_kim(context, kecamatan)


def _demo_email(unit: Unit, slug: str, period: str, values: dict[str, object], moment: dt.datetime) -> None:
    """A report as the demo mailbox sends it: to the unit's keyed address, from its registered sender."""
    sender = UnitMailbox.objects.get(unit=unit).sender_email
    message = EmailMessage()
    message["From"] = sender
    address = (
        services.unit_reply_address(unit.slug) or f"desa+{unit.slug}.{services.unit_reply_key(unit.slug)}@{DEMO_DOMAIN}"
    )
    message["To"] = address
    message["Subject"] = f"{slug} {period}"
    message["Message-ID"] = f"<demo-{unit.slug}-{period}@{DEMO_DOMAIN}>"
    message.set_content("\n".join(f"{k}: {v}" for k, v in values.items()))
    with _at(moment):
        services.mail_take(
            services.MailIn(
                message_id=message["Message-ID"],
                sender=sender,
                subject=message["Subject"],
                text=message.get_content(),
                recipients=frozenset({address}),
                raw=bytes(message),
            )
        )


def _demo_kim(context: DemoContext, kecamatan: list[Unit]) -> None:
    from balai.core.services import Actor  # noqa: F401 - the system acts

    units = list(Unit.objects.filter(kind__in=["kelurahan", "desa"]).select_related("parent").order_by("wilayah_id"))
    step = max(len(units) // KIM_COUNT, 1)
    chosen = units[::step][:KIM_COUNT]
    pemda = context.pemda
    rng = context.rng
    now = timezone.now()
    member_user = _user("kim.girian", "Anggota KIM", make_password(context.password))
    for n, unit in enumerate(chosen):
        lat = float(pemda.min_latitude) + rng.random() * float(pemda.max_latitude - pemda.min_latitude)
        lng = float(pemda.min_longitude) + rng.random() * float(pemda.max_longitude - pemda.min_longitude)
        kim = services.kim_save(
            actor=None,
            data=services.KimInput(
                unit=unit, name=f"KIM {unit.name.title()}", sk_number=f"{100 + n}/KIM/2025",
                sk_date=dt.date(2025, 3, 1), contact=f"kim{n + 1}@{DEMO_DOMAIN}", media_channels="Facebook, WhatsApp",
                latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lng:.6f}"), trusted=n % 3 == 0,
            ),
        )  # fmt: skip
        # The slug marks demo rows (the loader checks it to add nothing twice).
        Kim.objects.filter(pk=kim.pk).update(slug=f"kim-demo-{n + 1}")
        kim.slug = f"kim-demo-{n + 1}"
        services.members_bulk(actor=None, kim=kim, members=list(zip(MEMBERS, ROLES, strict=True)))
        if n == 0:
            membership_grant(actor=None, user=member_user, unit=unit, role=rules.Role.KIM, module=rules.MODULE)
            KimMember.objects.filter(kim=kim, role="anggota").order_by("pk").update(user=member_user)
        if n % 4 == 3:
            continue  # a quiet KIM: nothing in the last three months
        for p, (kind, title, body) in enumerate(POSTS[: 1 + n % 3]):
            with _at(now - dt.timedelta(days=3 + 9 * p + n)):
                post = services.post_create(
                    actor=member_user if n == 0 else None, actors={rules.Actor.SENDER}, kim=kim, kind=kind,
                    title=f"{title} — {unit.name.title()}", body=body,
                )  # fmt: skip
                if post.status != "terbit" and p != 1:
                    services.post_moderate(actor=None, actors={rules.Actor.OFFICE}, post=post, action="approve")
