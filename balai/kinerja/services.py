"""Every write of the planning module: one transaction each, which locks the row, asks the allowed-actions table
(balai.kinerja.rules), checks the version the person saw, saves, records the audit trail and queues the emails
through the core outbox. Staff pages, the import command and the worker call these, nothing else writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.core.access import StaffScope
from balai.core.models import Membership, Unit, Wilayah
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.services import audit_record

from . import rules
from .models import (
    Activity,
    EvaluationNote,
    Evidence,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    Level,
    Plan,
    PredicateBand,
    Realisation,
    RealisationStatus,
    ReminderSent,
    Renstra,
    ReportLink,
    Rpjmd,
    RpjmdGoal,
    RpjmdMission,
)
from .roles import BAPPEDA, MODULE, PERENCANA
from .selectors import goal_dependants
from .summary import cells_refresh, groups_of

PDF_MAGIC = b"%PDF-"
MAX_EVIDENCE_PER_QUARTER = 10


class ActionError(ValueError):
    """The action is not allowed or its input is wrong; the message is for the person who tried."""


class StaleVersionError(ActionError):
    pass


def _check(action: str, state: str, scope: StaffScope | None, unit_id: int | None) -> None:
    reason = rules.refusal(action, state, rules.actors_for(scope, unit_id))
    if reason is not None:
        raise ActionError(reason)


def _check_version(row: Any, version: int | None) -> None:
    if version is not None and row.version != version:
        raise StaleVersionError(
            _("Someone changed this in the meantime. Your entries are kept below; check the page and send again.")
        )


def _deliver_after_commit(mails: list[Any]) -> None:
    if mails:
        transaction.on_commit(lambda: mail_deliver_all(mails))


def _queue_mail(kind: str, addresses: Sequence[str], subject: str, body: str) -> list[Any]:
    return [
        mail_queue(kind=f"kinerja.{kind}", to=to, subject=subject, body=body, language=settings.LANGUAGE_CODE)
        for to in sorted(set(addresses))
        if to
    ]


def _officer_addresses(unit_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            module=MODULE, role=PERENCANA, unit_id=unit_id, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _bappeda_addresses() -> list[str]:
    return list(
        Membership.objects.filter(module=MODULE, role=BAPPEDA, is_active=True, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


# --- quarterly realisation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RealisationInput:
    physical_pct: Decimal
    financial: Decimal
    obstacles: str = ""
    follow_up: str = ""
    values: dict[int, Decimal | None] = field(default_factory=dict)  # indicator id -> achieved value


def _validate(activity: Activity, data: RealisationInput) -> None:
    problems = []
    if not Decimal(0) <= data.physical_pct <= Decimal(100):
        problems.append(_("Physical progress is a percentage between 0 and 100."))
    if data.financial < 0:
        problems.append(_("Financial realisation cannot be negative."))
    elif data.financial > activity.pagu:
        problems.append(_("Financial realisation cannot be more than the budget ceiling (pagu)."))
    if any(v is not None and v < 0 for v in data.values.values()):
        problems.append(_("An achieved value cannot be negative."))
    if problems:
        raise ActionError(" ".join(problems))


@transaction.atomic
def realisation_save(
    *,
    actor: Any,
    scope: StaffScope,
    activity: Activity,
    quarter: int,
    data: RealisationInput,
    version: int | None,
    submit: bool = False,
) -> Realisation:
    """Save (and, when asked, submit to Bappeda) what a sub kegiatan achieved by the end of the quarter."""
    if activity.level != Level.SUB_KEGIATAN:
        raise ActionError(_("Realisation is entered per sub kegiatan."))
    if quarter not in (1, 2, 3, 4):
        raise ActionError(_("A year has four quarters."))
    locked_activity = Activity.objects.select_for_update().get(pk=activity.pk)
    existing = Realisation.objects.select_for_update().filter(activity=locked_activity, quarter=quarter).first()
    state = existing.status if existing else rules.NEW
    _check("save", state, scope, locked_activity.unit_id)
    if existing is not None:
        _check_version(existing, version)
    _validate(locked_activity, data)
    realisation = existing or Realisation(activity=locked_activity, quarter=quarter)
    before = {"physical_pct": str(realisation.physical_pct), "financial": str(realisation.financial)}
    realisation.physical_pct = data.physical_pct
    realisation.financial = data.financial
    realisation.obstacles = data.obstacles.strip()
    realisation.follow_up = data.follow_up.strip()
    if existing is not None:
        realisation.version += 1
    realisation.full_clean(exclude=["activity"])
    realisation.save()
    known = set(locked_activity.indicators.values_list("id", flat=True))
    for indicator_id, achieved in data.values.items():
        if indicator_id in known:
            IndicatorValue.objects.update_or_create(
                realisation=realisation, indicator_id=indicator_id, defaults={"achieved": achieved}
            )
    achievement_refresh(realisation)
    audit_record(
        actor=actor,
        action="kinerja.realisation.save",
        obj=realisation,
        changes={
            "activity": str(locked_activity.public_id),
            "quarter": quarter,
            "before": before,
            "after": {"physical_pct": str(data.physical_pct), "financial": str(data.financial)},
        },
    )
    if submit:
        return _submit(actor=actor, scope=scope, realisation=realisation)
    return realisation


def _submit(*, actor: Any, scope: StaffScope, realisation: Realisation) -> Realisation:
    _check("submit", realisation.status, scope, realisation.activity.unit_id)
    realisation.status = RealisationStatus.SUBMITTED
    realisation.submitted_at = timezone.now()
    realisation.version += 1
    realisation.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    audit_record(actor=actor, action="kinerja.realisation.submit", obj=realisation, changes={"status": "submitted"})
    activity = realisation.activity
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Realisation to check: %(activity)s, quarter %(quarter)d") % {
            "activity": activity.name[:80],
            "quarter": realisation.quarter,
        }
        body = _(
            "%(unit)s sent the realisation of %(code)s %(activity)s for quarter %(quarter)d. Check it in Balai."
        ) % {
            "unit": activity.unit,
            "code": activity.code,
            "activity": activity.name,
            "quarter": realisation.quarter,
        }
    _deliver_after_commit(_queue_mail("submitted", _bappeda_addresses(), subject, body))
    return realisation


def _check_step(
    action: str, *, actor: Any, scope: StaffScope, realisation: Realisation, version: int | None, note: str
) -> Realisation:
    locked = Realisation.objects.select_for_update().select_related("activity", "activity__unit").get(pk=realisation.pk)
    _check(action, locked.status, scope, locked.activity.unit_id)
    _check_version(locked, version)
    note = note.strip()
    if action == "return" and not note:
        raise ActionError(_("Say what must be corrected: the note is sent to the OPD."))
    locked.status = rules.RULES[action].to_status or locked.status
    locked.bappeda_note = note
    locked.checked_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "bappeda_note", "checked_at", "version", "updated_at"])
    audit_record(
        actor=actor, action=f"kinerja.realisation.{action}", obj=locked, changes={"status": locked.status, "note": note}
    )
    if locked.status == RealisationStatus.ACCEPTED:
        cells_refresh(locked.activity.plan_id, groups_of([locked.activity_id]))
    activity = locked.activity
    with translation.override(settings.LANGUAGE_CODE):
        words = {"code": activity.code, "activity": activity.name[:80], "quarter": locked.quarter}
        if action == "accept":
            subject = _("Realisation accepted: %(activity)s, quarter %(quarter)d") % words
        else:
            subject = _("Realisation returned: %(activity)s, quarter %(quarter)d") % words
        body = "\n\n".join(
            [_("Bappeda checked the realisation of %(code)s %(activity)s for quarter %(quarter)d.") % words, note]
        ).strip()
    _deliver_after_commit(_queue_mail(action, _officer_addresses(activity.unit_id), subject, body))
    return locked


@transaction.atomic
def realisation_accept(
    *, actor: Any, scope: StaffScope, realisation: Realisation, version: int | None, note: str = ""
) -> Realisation:
    return _check_step("accept", actor=actor, scope=scope, realisation=realisation, version=version, note=note)


@transaction.atomic
def realisation_return(
    *, actor: Any, scope: StaffScope, realisation: Realisation, version: int | None, note: str
) -> Realisation:
    return _check_step("return", actor=actor, scope=scope, realisation=realisation, version=version, note=note)


@transaction.atomic
def evidence_add(*, actor: Any, scope: StaffScope, realisation: Realisation, upload: Any, title: str = "") -> Evidence:
    """A photo (checked by content, resized, re-encoded, metadata stripped by the reporting module's photo
    pipeline) or a PDF document (checked by its first bytes)."""
    from balai.lapor.images import PhotoError, process_photo

    locked = Realisation.objects.select_for_update().select_related("activity").get(pk=realisation.pk)
    _check("add_evidence", locked.status, scope, locked.activity.unit_id)
    if locked.evidence.count() >= MAX_EVIDENCE_PER_QUARTER:
        raise ActionError(_("At most %(n)d files per quarter.") % {"n": MAX_EVIDENCE_PER_QUARTER})
    size = upload.size or 0
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        if size > settings.PHOTO_MAX_BYTES:
            raise ActionError(_("The file is too large; at most 10 MB."))
        content, suffix, is_photo = upload.read(), "pdf", False
    else:
        try:
            photo = process_photo(
                upload, size=size, max_bytes=settings.PHOTO_MAX_BYTES, max_side=settings.PHOTO_MAX_SIDE
            )
        except PhotoError as exc:
            raise ActionError(str(exc)) from exc
        content, suffix, is_photo = photo.content, "jpg", True
    public_id = uuid4()
    name = default_storage.save(f"kinerja/{timezone.now():%Y/%m}/{public_id.hex}.{suffix}", ContentFile(content))
    evidence = Evidence.objects.create(
        public_id=public_id, realisation=locked, file=name, is_photo=is_photo, title=title.strip()[:200]
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor, action="kinerja.evidence.add", obj=evidence, changes={"realisation": locked.pk, "file": name}
    )
    return evidence


def achievement_refresh(realisation: Realisation) -> None:
    """Keep the realisation's mean achievement (call inside the writing service's transaction)."""
    from .evaluation import achievement, mean

    values = {v.indicator_id: v.achieved for v in realisation.values.all()}
    indicators = Indicator.objects.filter(activity_id=realisation.activity_id)
    realisation.achievement = mean(achievement(i.target, values.get(i.pk), i.direction) for i in indicators)
    realisation.save(update_fields=["achievement", "updated_at"])


# --- the plan ----------------------------------------------------------------------------------------------


@transaction.atomic
def plan_publish(*, actor: Any, scope: StaffScope, plan: Plan, published: bool, version: int | None) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    _check("publish", rules.NEW, scope, None)
    _check_version(locked, version)
    locked.published = published
    locked.version += 1
    locked.save(update_fields=["published", "version", "updated_at"])
    audit_record(actor=actor, action="kinerja.plan.publish", obj=locked, changes={"published": published})
    return locked


@transaction.atomic
def plan_deadline_set(*, actor: Any, scope: StaffScope, plan: Plan, working_days: int, version: int | None) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    _check("publish", rules.NEW, scope, None)
    _check_version(locked, version)
    if not 1 <= working_days <= 60:
        raise ActionError(_("Give a number of working days between 1 and 60."))
    before = locked.deadline_working_days
    locked.deadline_working_days = working_days
    locked.version += 1
    locked.save(update_fields=["deadline_working_days", "version", "updated_at"])
    audit_record(
        actor=actor, action="kinerja.plan.deadline", obj=locked, changes={"before": before, "after": working_days}
    )
    return locked


@transaction.atomic
def evaluation_note_add(*, actor: Any, scope: StaffScope, plan: Plan, unit: Unit, text: str) -> EvaluationNote:
    _check("note", rules.NEW, scope, unit.pk)
    if not text.strip():
        raise ActionError(_("Write the evaluation note."))
    note = EvaluationNote.objects.create(plan=plan, unit=unit, text=text.strip(), author=actor)
    audit_record(actor=actor, action="kinerja.note.add", obj=note, changes={"unit": unit.slug, "year": plan.year})
    return note


@transaction.atomic
def report_link_add(*, actor: Any, scope: StaffScope, activity: Activity, code: str) -> ReportLink:
    """Link a public citizen report to an activity (a report the public cannot see is refused)."""
    from balai.lapor.selectors import report_public_get

    _check("link_report", rules.NEW, scope, activity.unit_id)
    code = code.strip().upper()
    if report_public_get(code) is None:
        raise ActionError(_("There is no public report with the code %(code)s.") % {"code": code})
    link, created = ReportLink.objects.get_or_create(activity=activity, report_code=code, defaults={"linked_by": actor})
    if created:
        audit_record(actor=actor, action="kinerja.report.link", obj=activity, changes={"report": code})
    return link


def report_link_from_citizen(*, activity: Activity, code: str) -> ReportLink:
    """The link a citizen's aspiration sent from an activity's page makes (inside the reporting module's
    transaction, `report_submit(in_transaction=…)`): it shows on the page once the report is public."""
    link, _created = ReportLink.objects.get_or_create(activity=activity, report_code=code)
    audit_record(actor=None, action="kinerja.report.link", obj=activity, changes={"report": code},
                 actor_label="pelapor")  # fmt: skip
    return link


def _geometry_clean(text: str) -> str:
    """A GeoJSON Point or LineString (or 'lat,lng'), checked with shapely; '' for none."""
    from shapely.geometry import shape

    text = text.strip()
    if not text:
        return ""
    if "{" not in text:
        try:
            lat, lng = (Decimal(part.strip()) for part in text.split(","))
        except (ValueError, ArithmeticError) as exc:
            raise ActionError(_("Give the location as 'latitude, longitude' or as GeoJSON.")) from exc
        return json.dumps({"type": "Point", "coordinates": [float(lng), float(lat)]})
    try:
        geometry = shape(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ActionError(_("The GeoJSON cannot be read.")) from exc
    if geometry.geom_type not in ("Point", "LineString") or not geometry.is_valid:
        raise ActionError(_("The location must be a point or a line."))
    return json.dumps(geometry.__geo_interface__)


@transaction.atomic
def activity_locate(
    *,
    actor: Any,
    scope: StaffScope,
    activity: Activity,
    kelurahan: Wilayah | None,
    geometry: str,
    spbe: bool,
    version: int | None,
) -> Activity:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    _check("locate", rules.NEW, scope, locked.unit_id)
    _check_version(locked, version)
    before = {"kelurahan": locked.kelurahan_id, "geometry": locked.geometry, "spbe": locked.spbe}
    groups = groups_of([locked.pk])
    locked.kelurahan = kelurahan
    locked.geometry = _geometry_clean(geometry)
    locked.spbe = spbe
    locked.version += 1
    locked.save(update_fields=["kelurahan", "geometry", "spbe", "version", "updated_at"])
    cells_refresh(locked.plan_id, groups | groups_of([locked.pk]))
    audit_record(
        actor=actor,
        action="kinerja.activity.locate",
        obj=locked,
        changes={
            "before": before,
            "after": {"kelurahan": locked.kelurahan_id, "geometry": locked.geometry, "spbe": spbe},
        },
    )
    return locked


# --- typed entry of the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    """A program, kegiatan or sub kegiatan typed on the staff screen (the level follows from the parent)."""

    code: str
    name: str
    unit: Unit
    urusan: str = ""
    pagu: Decimal = Decimal(0)
    goal_id: int | None = None
    kelurahan: Wilayah | None = None
    geometry: str = ""
    spbe: bool = False
    indicator: str = ""  # an indicator to add (or, by its name, to change) with the three fields below
    indicator_unit: str = ""
    indicator_target: Decimal | None = None
    indicator_direction: str = "higher"


CHILD_LEVEL = {None: Level.PROGRAM, Level.PROGRAM: Level.KEGIATAN, Level.KEGIATAN: Level.SUB_KEGIATAN}


def _activity_problems(plan: Plan, data: ActivityInput, level: str, existing: Activity | None) -> list[str]:
    problems = []
    if not data.code.strip() or not data.name.strip():
        problems.append(_("Give the code and the name."))
    clash = Activity.objects.filter(plan=plan, unit=data.unit, code=data.code.strip())
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if data.code.strip() and clash.exists():
        problems.append(
            _("This OPD already has %(code)s in the %(year)s plan.") % {"code": data.code, "year": plan.year}
        )
    if data.pagu < 0:
        problems.append(_("The budget ceiling cannot be negative."))
    if data.indicator.strip() and data.indicator_target is None:
        problems.append(_("Give the indicator's annual target."))
    if data.indicator_target is not None and not data.indicator.strip():
        problems.append(_("Give the indicator's name."))
    return problems


@transaction.atomic
def activity_save(
    *,
    actor: Any,
    scope: StaffScope,
    plan: Plan,
    data: ActivityInput,
    parent: Activity | None = None,
    activity: Activity | None = None,
    version: int | None = None,
) -> Activity:
    """Add (`activity` None, under `parent` or as a program) or change a row of the plan, with one indicator,
    through the same checks as the import: an officer for their own OPD only, the code unique per OPD and year,
    the version the person saw; audited, and the summary cells recounted for the groups before and after."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk) if activity is not None else None
    if locked is not None:
        _check("edit_plan", rules.NEW, scope, locked.unit_id)
        _check_version(locked, version)
        parent = locked.parent
        level = locked.level
    else:
        level = CHILD_LEVEL[parent.level if parent is not None else None]  # type: ignore[index]
        if parent is not None and parent.plan_id != plan.pk:
            raise ActionError(_("The parent belongs to another year's plan."))
    _check("edit_plan", rules.NEW, scope, data.unit.pk)
    if parent is not None and parent.unit_id != data.unit.pk:
        raise ActionError(_("A kegiatan or sub kegiatan belongs to the OPD of its program."))
    problems = _activity_problems(plan, data, level, locked)
    geometry = ""
    try:
        geometry = _geometry_clean(data.geometry) if level == Level.SUB_KEGIATAN else ""
    except ActionError as exc:
        problems.append(str(exc))
    if problems:
        raise ActionError(" ".join(problems))
    touched = [locked.pk] if locked is not None and level == Level.SUB_KEGIATAN else []
    if locked is not None and level != Level.SUB_KEGIATAN:
        field_name = "program" if level == Level.PROGRAM else "parent"
        touched = list(
            Activity.objects.filter(**{field_name: locked}, level=Level.SUB_KEGIATAN).values_list("pk", flat=True)
        )
    groups = groups_of(touched)
    row = locked or Activity(plan=plan, level=level, parent=parent)
    before = {
        k: str(getattr(row, k))
        for k in ("code", "name", "unit_id", "urusan", "pagu", "goal_id", "kelurahan_id", "spbe")
    }
    row.code, row.name, row.unit = data.code.strip()[:60], data.name.strip()[:400], data.unit
    row.urusan = (data.urusan.strip() or (parent.urusan if parent is not None else ""))[:160]
    if level == Level.PROGRAM:
        row.goal_id = data.goal_id
    if level == Level.SUB_KEGIATAN:
        row.pagu, row.kelurahan, row.geometry, row.spbe = data.pagu, data.kelurahan, geometry, data.spbe
    if locked is not None:
        row.version += 1
    row.program = parent.program if parent is not None else (row if row.pk else None)
    row.save()
    if level == Level.PROGRAM and row.program_id != row.pk:
        row.program = row
        row.save(update_fields=["program"])
    if data.indicator.strip() and data.indicator_target is not None:
        Indicator.objects.update_or_create(
            activity=row, name=data.indicator.strip()[:300],
            defaults={"unit_label": data.indicator_unit.strip()[:40], "target": data.indicator_target,
                      "direction": data.indicator_direction},
        )  # fmt: skip
        for realisation in Realisation.objects.filter(activity=row):
            achievement_refresh(realisation)
    after = {k: str(getattr(row, k)) for k in before}
    audit_record(
        actor=actor,
        action="kinerja.activity.create" if locked is None else "kinerja.activity.change",
        obj=row,
        changes={"before": before if locked is not None else {}, "after": after, "indicator": data.indicator.strip()},
    )
    if level == Level.SUB_KEGIATAN:
        touched = [row.pk]
    cells_refresh(plan, groups | groups_of(touched))
    return row


# --- typed entry of the medium-term plan (RPJMD, its goals, each OPD's Renstra) ------------------------------

RPJMD_YEARS = 5  # a mayor's term: Permendagri 86/2017 (the RPJMD covers five years)


@dataclass(frozen=True)
class RpjmdInput:
    start_year: int
    end_year: int
    vision: str
    missions: tuple[str, ...]  # in order: mission n is the n-th line


@transaction.atomic
def rpjmd_save(
    *, actor: Any, scope: StaffScope, data: RpjmdInput, rpjmd: Rpjmd | None = None, version: int | None = None
) -> Rpjmd:
    """Add or change an RPJMD (vision, missions numbered in order). A mission that has goals is not removed. The
    annual plans of its years that have no RPJMD yet are linked to it (their goal pages then show its goals)."""
    _check("edit_rpjmd", rules.NEW, scope, None)
    locked = Rpjmd.objects.select_for_update().get(pk=rpjmd.pk) if rpjmd is not None else None
    if locked is not None:
        _check_version(locked, version)
    missions = [m.strip() for m in data.missions if m.strip()]
    problems = []
    if not data.vision.strip():
        problems.append(_("Write the vision."))
    if not missions:
        problems.append(_("Write at least one mission, one per line."))
    if not 0 <= data.end_year - data.start_year < RPJMD_YEARS:
        problems.append(_("An RPJMD covers at most five years, from its first year to its last."))
    clash = Rpjmd.objects.filter(start_year=data.start_year)
    if locked is not None:
        clash = clash.exclude(pk=locked.pk)
    if clash.exists():
        problems.append(_("There is already an RPJMD starting in %(year)s.") % {"year": data.start_year})
    if locked is not None:
        kept = locked.missions.filter(number__gt=len(missions), goals__isnull=False).order_by("number").first()
        if kept is not None:
            problems.append(
                _("Mission %(n)d has goals: move or keep them before removing the mission.") % {"n": kept.number}
            )
    if problems:
        raise ActionError(" ".join(problems))
    row = locked or Rpjmd()
    before = {"start_year": row.start_year, "end_year": row.end_year, "vision": row.vision,
              "missions": [m.text for m in row.missions.all()] if locked is not None else []}  # fmt: skip
    row.start_year, row.end_year, row.vision = data.start_year, data.end_year, data.vision.strip()
    if locked is not None:
        row.version += 1
    row.save()
    for number, text in enumerate(missions, start=1):
        RpjmdMission.objects.update_or_create(rpjmd=row, number=number, defaults={"text": text})
    row.missions.filter(number__gt=len(missions)).delete()
    linked = Plan.objects.filter(year__range=(row.start_year, row.end_year), rpjmd__isnull=True).update(rpjmd=row)
    audit_record(
        actor=actor,
        action="kinerja.rpjmd.create" if locked is None else "kinerja.rpjmd.change",
        obj=row,
        changes={"before": before, "after": {"start_year": row.start_year, "end_year": row.end_year,
                 "vision": row.vision, "missions": missions}, "plans_linked": linked},
    )  # fmt: skip
    return row


@dataclass(frozen=True)
class GoalInput:
    """A goal (sasaran) with one indicator to add (or, by its name, to change) and its target for each year."""

    mission_id: int | None
    code: str
    title: str
    indicator: str = ""
    indicator_unit: str = ""
    direction: str = "higher"
    baseline: Decimal | None = None
    targets: dict[int, Decimal | None] = field(default_factory=dict)  # year -> target


@transaction.atomic
def goal_save(
    *,
    actor: Any,
    scope: StaffScope,
    rpjmd: Rpjmd,
    data: GoalInput,
    goal: RpjmdGoal | None = None,
    version: int | None = None,
) -> RpjmdGoal:
    """Add or change a goal of the RPJMD with an indicator and its five-year targets. The summary cells count per
    goal through the programs that serve it (Activity.goal), which this does not change: the goal's figures on
    the public page stay right, and the check `summary_drift()` proves it in the tests."""
    _check("edit_rpjmd", rules.NEW, scope, None)
    locked = RpjmdGoal.objects.select_for_update().get(pk=goal.pk) if goal is not None else None
    if locked is not None:
        _check_version(locked, version)
    mission = RpjmdMission.objects.filter(pk=data.mission_id or 0, rpjmd=rpjmd).first()
    problems = []
    if mission is None:
        problems.append(_("Choose a mission of this RPJMD."))
    if not data.code.strip() or not data.title.strip():
        problems.append(_("Give the code and the goal."))
    clash = RpjmdGoal.objects.filter(mission__rpjmd=rpjmd, code=data.code.strip())
    if locked is not None:
        clash = clash.exclude(pk=locked.pk)
    if data.code.strip() and clash.exists():
        problems.append(_("This RPJMD already has a goal with the code %(code)s.") % {"code": data.code.strip()})
    given = {year: target for year, target in data.targets.items() if target is not None}
    if any(not rpjmd.start_year <= year <= rpjmd.end_year for year in given):
        problems.append(_("A target is for a year of the RPJMD."))
    if any(target < 0 for target in given.values()) or (data.baseline is not None and data.baseline < 0):
        problems.append(_("A target or baseline cannot be negative."))
    if data.indicator.strip() and not given:
        problems.append(_("Give the indicator's target for at least one year."))
    if given and not data.indicator.strip():
        problems.append(_("Give the indicator's name."))
    if problems:
        raise ActionError(" ".join(problems))
    row = locked or RpjmdGoal()
    before = {"mission": row.mission_id, "code": row.code, "title": row.title}
    row.mission, row.code, row.title = mission, data.code.strip()[:30], data.title.strip()  # type: ignore[assignment]
    if locked is not None:
        row.version += 1
    row.save()
    if data.indicator.strip():
        GoalIndicator.objects.update_or_create(
            goal=row, name=data.indicator.strip()[:300],
            defaults={"unit_label": data.indicator_unit.strip()[:40], "direction": data.direction,
                      "baseline": data.baseline, "targets": {str(y): str(t) for y, t in sorted(given.items())}},
        )  # fmt: skip
    audit_record(
        actor=actor,
        action="kinerja.goal.create" if locked is None else "kinerja.goal.change",
        obj=row,
        changes={"before": before if locked is not None else {},
                 "after": {"mission": row.mission_id, "code": row.code, "title": row.title},
                 "indicator": data.indicator.strip(), "targets": {str(y): str(t) for y, t in given.items()}},
    )  # fmt: skip
    return row


@transaction.atomic
def renstra_save(
    *,
    actor: Any,
    scope: StaffScope,
    rpjmd: Rpjmd,
    unit: Unit,
    goal_ids: Sequence[int],
    summary: str,
    version: int | None = None,
) -> Renstra:
    """An OPD's Renstra for the RPJMD's term: the goals it serves and a summary (Bappeda for every OPD, the OPD's
    planning officer for their own)."""
    _check("edit_renstra", rules.NEW, scope, unit.pk)
    locked = Renstra.objects.select_for_update().filter(rpjmd=rpjmd, unit=unit).first()
    if locked is not None:
        _check_version(locked, version)
    goals = list(RpjmdGoal.objects.filter(pk__in=goal_ids, mission__rpjmd=rpjmd))
    if len(goals) != len(set(goal_ids)):
        raise ActionError(_("Choose goals of this RPJMD."))
    if not goals:
        raise ActionError(_("Choose at least one RPJMD goal this OPD serves."))
    row = locked or Renstra(rpjmd=rpjmd, unit=unit)
    before = sorted(row.goals.values_list("code", flat=True)) if locked is not None else []
    row.summary = summary.strip()
    if locked is not None:
        row.version += 1
    row.save()
    row.goals.set(goals)
    audit_record(
        actor=actor,
        action="kinerja.renstra.create" if locked is None else "kinerja.renstra.change",
        obj=row,
        changes={"unit": unit.slug, "before": before, "after": sorted(g.code for g in goals)},
    )
    return row


# --- removing what was typed by mistake (Bappeda only) --------------------------------------------------------


@transaction.atomic
def goal_delete(*, actor: Any, scope: StaffScope, goal: RpjmdGoal, version: int | None) -> None:
    """Remove an RPJMD goal and its indicators, unless a row of an annual plan or a Renstra still serves it (the
    refusal says which and where to change it; nothing is removed). The public year pages stop showing it."""
    _check("delete_medium_term", rules.NEW, scope, None)
    locked = RpjmdGoal.objects.select_for_update().select_related("mission__rpjmd").get(pk=goal.pk)
    _check_version(locked, version)
    dependants = goal_dependants(locked)
    if dependants:
        raise ActionError(" ".join(dependants))
    indicators = [{"name": i.name, "unit": i.unit_label, "baseline": str(i.baseline), "targets": i.targets}
                  for i in locked.indicators.order_by("id")]  # fmt: skip
    audit_record(
        actor=actor,
        action="kinerja.goal.delete",
        obj=locked,
        changes={"rpjmd": str(locked.mission.rpjmd), "mission": locked.mission.number, "code": locked.code,
                 "title": locked.title, "indicators": indicators},
    )  # fmt: skip
    locked.delete()


@transaction.atomic
def goal_indicator_delete(*, actor: Any, scope: StaffScope, indicator: GoalIndicator, version: int | None) -> None:
    """Remove one indicator of a goal (a misspelt name typed as a new one); `version` is the goal's."""
    _check("delete_medium_term", rules.NEW, scope, None)
    goal = RpjmdGoal.objects.select_for_update().get(pk=indicator.goal_id)
    _check_version(goal, version)
    row = GoalIndicator.objects.get(pk=indicator.pk)
    audit_record(
        actor=actor,
        action="kinerja.goal_indicator.delete",
        obj=goal,
        changes={"code": goal.code, "indicator": row.name, "unit": row.unit_label, "baseline": str(row.baseline),
                 "targets": row.targets},
    )  # fmt: skip
    row.delete()
    goal.version += 1
    goal.save(update_fields=["version", "updated_at"])


@transaction.atomic
def mission_delete(*, actor: Any, scope: StaffScope, mission: RpjmdMission, version: int | None) -> None:
    """Remove a mission that has no goals; the missions after it move up one number (mission 3 becomes mission 2).
    `version` is the RPJMD's: its missions are part of it."""
    _check("delete_medium_term", rules.NEW, scope, None)
    rpjmd = Rpjmd.objects.select_for_update().get(pk=mission.rpjmd_id)
    _check_version(rpjmd, version)
    row = RpjmdMission.objects.get(pk=mission.pk)
    goals = list(row.goals.order_by("code").values_list("code", flat=True))
    if goals:
        raise ActionError(
            _("Mission %(n)d still has the goals %(goals)s: move them to another mission or remove them first.")
            % {"n": row.number, "goals": ", ".join(goals)}
        )
    if rpjmd.missions.count() == 1:
        raise ActionError(_("An RPJMD keeps at least one mission: change its text instead."))
    audit_record(
        actor=actor,
        action="kinerja.mission.delete",
        obj=rpjmd,
        changes={"number": row.number, "text": row.text},
    )
    number = row.number
    row.delete()
    for later in rpjmd.missions.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number", "updated_at"])
    rpjmd.version += 1
    rpjmd.save(update_fields=["version", "updated_at"])


@transaction.atomic
def renstra_delete(*, actor: Any, scope: StaffScope, renstra: Renstra, version: int | None) -> None:
    """Remove an OPD's Renstra entry (the public year page stops naming the OPD under the goals it served)."""
    _check("delete_medium_term", rules.NEW, scope, None)
    locked = Renstra.objects.select_for_update().select_related("unit", "rpjmd").get(pk=renstra.pk)
    _check_version(locked, version)
    audit_record(
        actor=actor,
        action="kinerja.renstra.delete",
        obj=locked,
        changes={"rpjmd": str(locked.rpjmd), "unit": locked.unit.slug, "summary": locked.summary,
                 "goals": sorted(locked.goals.values_list("code", flat=True))},
    )  # fmt: skip
    locked.delete()


# --- import ------------------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def plan_import(
    *, actor: Any, scope: StaffScope | None, year: int, rows: Sequence[Any], problems: Sequence[tuple[int, str]]
) -> ImportSummary:
    """Write the rows a spreadsheet gave (balai.kinerja.importer.ImportRow), idempotent on year + OPD + code: a
    second import of the same file changes nothing. `scope` None is the operator's command on the server."""
    if scope is not None:
        _check("import", rules.NEW, scope, None)
    plan, _created = Plan.objects.get_or_create(year=year)
    summary = ImportSummary(problems=list(problems))
    units = {u.slug: u for u in Unit.objects.opd()}
    by_name = {u.name.lower(): u for u in units.values()} | {
        u.short_name.lower(): u for u in units.values() if u.short_name
    }
    known = {(a.unit_id, a.code): a for a in Activity.objects.filter(plan=plan)}
    for row in rows:
        unit = units.get(row.opd) or by_name.get(row.opd.lower())
        if unit is None:
            summary.problems.append((row.number, _("Unknown OPD: %(opd)s.") % {"opd": row.opd}))
            continue
        parent = None
        for level, code, name in row.levels():
            fields = {
                "level": level, "name": name[:400], "parent": parent, "urusan": row.urusan[:160],
                "program": parent.program if parent is not None else None,
            }  # fmt: skip
            if level == Level.SUB_KEGIATAN:
                fields["pagu"] = row.pagu
                if row.spbe is not None:
                    fields["spbe"] = row.spbe
            activity = known.get((unit.pk, code))
            if activity is None:
                activity = Activity.objects.create(plan=plan, unit=unit, code=code, **fields)
                if level == Level.PROGRAM:
                    activity.program = activity
                    activity.save(update_fields=["program"])
                known[(unit.pk, code)] = activity
                summary.created += 1
            else:
                if level == Level.PROGRAM:
                    fields["program"] = activity
                changed = {k: v for k, v in fields.items() if getattr(activity, k) != v and (v or k != "urusan")}
                if changed:
                    for key, value in changed.items():
                        setattr(activity, key, value)
                    activity.version += 1
                    activity.save()
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            parent = activity
        if row.indicator and parent is not None and row.target is not None:
            indicator, made = Indicator.objects.get_or_create(
                activity=parent,
                name=row.indicator[:300],
                defaults={"unit_label": row.unit_label[:40], "target": row.target, "direction": row.direction},
            )
            if not made and (indicator.target, indicator.direction, indicator.unit_label) != (
                row.target,
                row.direction,
                row.unit_label[:40],
            ):
                indicator.target, indicator.direction, indicator.unit_label = (
                    row.target,
                    row.direction,
                    row.unit_label[:40],
                )
                indicator.save()
                for realisation in Realisation.objects.filter(activity=parent):
                    achievement_refresh(realisation)
    summary.problems.sort()
    cells_refresh(plan, None)  # an import may touch any group: recount the plan once
    audit_record(
        actor=actor,
        action="kinerja.plan.import",
        obj=plan,
        changes={"created": summary.created, "updated": summary.updated, "problems": len(summary.problems)},
        actor_label="" if actor is not None else "balai kinerja import",
    )
    return summary


# --- defaults, reminders -----------------------------------------------------------------------------------


def default_bands_create(actor: Any) -> list[str]:
    """`balai pemda setup`: the default predicate bands (balai.kinerja.evaluation.DEFAULT_BANDS), once."""
    from .evaluation import DEFAULT_BANDS

    if PredicateBand.objects.exists():
        return []
    PredicateBand.objects.bulk_create(PredicateBand(lower_bound=lower, label=label) for lower, label in DEFAULT_BANDS)
    return [_("Planning: %(n)d default predicate bands.") % {"n": len(DEFAULT_BANDS)}]


def reminders_send(
    now: datetime, *, late: dict[int, tuple[int, int, date]], soon: dict[int, tuple[int, int, date]]
) -> dict[str, int]:
    """Email each OPD's planning officers once per quarter when its realisation is due soon and once when it is
    late ({unit id: (year, quarter, due date)}, from balai.kinerja.selectors.reporting_status)."""
    sent = {"soon": 0, "late": 0}
    mails: list[Any] = []
    names = dict(Unit.objects.filter(pk__in=[*late, *soon]).values_list("pk", "name"))
    with transaction.atomic():
        for kind, table in (("soon", soon), ("late", late)):
            for unit_id, (year, quarter, due) in sorted(table.items()):
                _check("remind", rules.NEW, None, unit_id)
                _row, created = ReminderSent.objects.get_or_create(
                    unit_id=unit_id, year=year, quarter=quarter, kind=kind
                )
                if not created:
                    continue
                with translation.override(settings.LANGUAGE_CODE):
                    words = {
                        "quarter": quarter,
                        "year": year,
                        "due": due.strftime("%d-%m-%Y"),
                        "unit": names.get(unit_id, ""),
                    }
                    if kind == "late":
                        subject = _("Late: realisation of quarter %(quarter)d %(year)s") % words
                        body = (
                            _(
                                "%(unit)s has not yet sent every realisation of quarter %(quarter)d %(year)s, due %(due)s."
                            )
                            % words
                        )
                    else:
                        subject = _("Due soon: realisation of quarter %(quarter)d %(year)s") % words
                        body = _("The realisation of quarter %(quarter)d %(year)s for %(unit)s is due %(due)s.") % words
                addresses = _officer_addresses(unit_id)
                if kind == "late":
                    addresses += _bappeda_addresses()
                mails += _queue_mail(f"reminder.{kind}", addresses, subject, body)
                audit_record(actor=None, action=f"kinerja.reminder.{kind}", obj=_row, actor_label="system")
                sent[kind] += 1
    mail_deliver_all(mails)
    return sent


def demo_user(username: str, first_name: str, password: str) -> Any:
    """A demo login (the demo loader only)."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "email": f"{username}@demo.balai.local"}
    )
    if created:
        user.set_password(password)
        user.save()
    return user
