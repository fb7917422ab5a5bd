"""The one write path of the catalogue: every change of a dataset or resource goes through these functions.

Each is one transaction: lock the dataset, ask the allowed-actions table (rules.py), check the version the person
saw, save, record the audit event, queue the emails through core's outbox. Staff pages, commands and the worker
call them; nothing else saves these rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from balai.core.access import StaffScope
from balai.core.models import Membership, Unit, UnitKind
from balai.core.outbox import mail_queue
from balai.core.registry import GeneratedDataset, registry
from balai.core.services import audit_record

from . import rules, search
from .files import WRITERS, FileRefusedError, read_table
from .models import FREQUENCY_DAYS, Dataset, Format, Group, Resource, State, Tag
from .rules import Action
from .selectors import CATALOGUE_OPTIONS_KEY


class DataError(ValueError):
    """A refused change; the message is for the person, in their language."""


class VersionConflictError(DataError):
    pass


@dataclass
class DatasetInput:
    title: str
    notes: str
    unit: Unit
    steward: str
    license_id: str
    frequency: str
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: str = ""
    tags: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


def _refuse(action: Action, dataset: Dataset, scope: StaffScope | None) -> None:
    reason = rules.refusal(action, dataset, scope)
    if reason is not None:
        raise DataError(reason)


def _check_version(dataset: Dataset, version: int | None) -> None:
    if version is not None and version != dataset.version:
        raise VersionConflictError(
            _("Someone changed this dataset while you were working on it. Look at it again and repeat your change.")
        )


def _unique_name(title: str, *, exclude: int | None = None) -> str:
    base = (slugify(title) or "dataset")[:90].strip("-")
    name, n = base, 1
    taken = Dataset.objects.exclude(pk=exclude) if exclude else Dataset.objects.all()
    while taken.filter(name=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:100] for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return [existing.get(n) or Tag.objects.create(name=n) for n in clean]


def _apply(dataset: Dataset, data: DatasetInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for attr in ("title", "notes", "steward", "license_id", "frequency", "temporal_start", "temporal_end", "spatial"):
        value = getattr(data, attr)
        if getattr(dataset, attr) != value:
            changes[attr] = str(value) if value is not None else None
            setattr(dataset, attr, value)
    if dataset.unit_id != data.unit.pk:
        changes["unit"] = data.unit.slug
        dataset.unit = data.unit
    return changes


def _check_input(data: DatasetInput) -> None:
    if data.temporal_start and data.temporal_end and data.temporal_end < data.temporal_start:
        raise DataError(_("The coverage ends before it starts."))


@transaction.atomic
def dataset_create(*, actor: Any, scope: StaffScope, data: DatasetInput, demo: bool = False) -> Dataset:
    """A new draft dataset of an OPD, by its data officer or the walidata."""
    if not (rules.is_walidata(scope) or data.unit.pk in rules.officer_units(scope)):
        raise DataError(_("You can only add datasets of your own OPD."))
    _check_input(data)
    now = timezone.now()
    dataset = Dataset(name=_unique_name(data.title), metadata_modified=now, unit=data.unit, is_demo=demo)
    _apply(dataset, data)
    dataset.full_clean(exclude=["unit"])
    dataset.save()
    dataset.tags.set(_tags(data.tags))
    dataset.groups.set(data.groups)
    search.index_datasets([dataset])
    audit_record(actor=actor, action="data.dataset.create", obj=dataset, changes={"unit": data.unit.slug})
    return dataset


def _locked(dataset: Dataset) -> Dataset:
    return Dataset.objects.select_for_update().select_related("unit").get(pk=dataset.pk)


@transaction.atomic
def dataset_update(
    *, actor: Any, scope: StaffScope, dataset: Dataset, data: DatasetInput, version: int | None
) -> Dataset:
    locked = _locked(dataset)
    _refuse(Action.EDIT, locked, scope)
    _check_version(locked, version)
    if data.unit.pk != locked.unit_id and not (rules.is_walidata(scope) or data.unit.pk in rules.officer_units(scope)):
        raise DataError(_("You can only add datasets of your own OPD."))
    _check_input(data)
    changes = _apply(locked, data)
    locked.full_clean(exclude=["unit"])
    tags = _tags(data.tags)
    if {t.pk for t in tags} != set(locked.tags.values_list("pk", flat=True)):
        changes["tags"] = [t.name for t in tags]
        locked.tags.set(tags)
    if {g.pk for g in data.groups} != set(locked.groups.values_list("pk", flat=True)):
        changes["groups"] = [g.name for g in data.groups]
        locked.groups.set(data.groups)
    if changes:
        locked.version += 1
        locked.metadata_modified = timezone.now()
        locked.save()
        search.index_datasets([locked])
        audit_record(actor=actor, action="data.dataset.update", obj=locked, changes=changes)
    return locked


def _emails_of(module_role: str, *, unit_id: int | None = None) -> list[tuple[str, str]]:
    memberships = Membership.objects.filter(
        module=rules.MODULE, role=module_role, is_active=True, user__is_active=True
    ).exclude(user__email="")
    if unit_id is not None:
        memberships = memberships.filter(unit_id=unit_id)
    rows = memberships.values_list("user__email", "user__preference__language").distinct()
    return sorted({(email, language or "id") for email, language in rows})


def _mail(kind: str, recipients: list[tuple[str, str]], template: str, context: dict[str, Any]) -> int:
    context = {**context, "site_url": settings.SITE_URL}
    for email, language in recipients:
        with translation.override(language):
            subject, _sep, body = render_to_string(template, context).strip().partition("\n")
            mail_queue(kind=kind, to=email, subject=subject.strip(), body=body.strip() + "\n", language=language)
    return len(recipients)


TRANSITION_MAILS = {
    Action.SUBMIT: ("data.submitted", rules.WALIDATA_ROLE),
    Action.PUBLISH: ("data.published", rules.OFFICER_ROLE),
    Action.RETURN: ("data.returned", rules.OFFICER_ROLE),
    Action.UNPUBLISH: ("data.unpublished", rules.OFFICER_ROLE),
}


@transaction.atomic
def dataset_transition(
    *, actor: Any, scope: StaffScope, dataset: Dataset, action: Action, version: int | None, note: str = ""
) -> Dataset:
    """Send to the walidata, publish, return to the OPD, or withdraw from the catalogue."""
    if action not in rules.STATE_ACTIONS:
        raise DataError(_("Unknown action."))
    locked = _locked(dataset)
    _refuse(action, locked, scope)
    _check_version(locked, version)
    note = note.strip()[:2000]
    if action == Action.RETURN and not note:
        raise DataError(_("Say what the OPD must change before it sends the dataset again."))
    if action in (Action.SUBMIT, Action.PUBLISH) and not locked.resources.exists():
        raise DataError(_("Upload at least one file first."))
    before = locked.state
    now = timezone.now()
    locked.state = rules.RULES[action].to_state or locked.state
    locked.version += 1
    locked.metadata_modified = now
    if action == Action.PUBLISH and locked.published_at is None:
        locked.published_at = now
    if action in (Action.RETURN, Action.PUBLISH):
        locked.review_note = note
    locked.save()
    search.index_datasets([locked])
    audit_record(
        actor=actor,
        action=f"data.dataset.{action.value}",
        obj=locked,
        changes={"state": [before, locked.state], **({"note": note} if note else {})},
    )
    if action in (Action.PUBLISH, Action.UNPUBLISH):
        transaction.on_commit(lambda: cache.delete(CATALOGUE_OPTIONS_KEY))
    kind, role = TRANSITION_MAILS[action]
    recipients = _emails_of(role, unit_id=None if role == rules.WALIDATA_ROLE else locked.unit_id)
    _mail(kind, recipients, f"data/email/{action.value}.txt", {"dataset": locked, "note": note, "actor": actor})
    return locked


@transaction.atomic
def resource_add(
    *,
    actor: Any,
    scope: StaffScope,
    dataset: Dataset,
    content: bytes,
    filename: str,
    name: str,
    description: str,
    dictionary: dict[str, str],
    version: int | None,
) -> Resource:
    """A new file for the dataset, checked by its content; every column must be described in the dictionary."""
    locked = _locked(dataset)
    _refuse(Action.ADD_RESOURCE, locked, scope)
    _check_version(locked, version)
    try:
        table = read_table(content, filename)
    except FileRefusedError as exc:
        raise DataError(str(exc)) from None
    described = {k.strip().casefold(): v.strip() for k, v in dictionary.items() if v.strip()}
    missing = [c for c in table.columns if c.casefold() not in described]
    if missing:
        raise DataError(
            _("Describe every column in the data dictionary. Missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    unknown = sorted(set(described) - {c.casefold() for c in table.columns})
    if unknown:
        raise DataError(
            _("The dictionary describes columns the file does not have: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    now = timezone.now()
    resource = Resource(
        dataset=locked,
        name=(name.strip() or filename)[:200],
        description=description.strip()[:2000],
        format=table.format,
        size=len(content),
        row_count=table.row_count,
        dictionary=[
            {"name": c, "title": c, "type": "string", "description": described[c.casefold()]} for c in table.columns
        ],
        preview={"columns": table.columns, "rows": table.preview},
        last_modified=now,
        position=locked.resources.count(),
    )
    resource.file.save(f"{resource.uuid}.{table.format.lower()}", ContentFile(content), save=False)
    resource.save()
    locked.version += 1
    locked.metadata_modified = now
    locked.data_updated_at = now
    locked.save(update_fields=["version", "metadata_modified", "data_updated_at", "updated_at"])
    search.index_datasets([locked])
    audit_record(
        actor=actor,
        action="data.resource.add",
        obj=locked,
        changes={"resource": str(resource.uuid), "format": table.format, "rows": table.row_count},
    )
    return resource


def resource_downloaded(resource: Resource) -> None:
    """Count one download (a counter, not a change of the data: no audit event)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


# --- generated datasets ----------------------------------------------------------------------------------------


def walidata_unit() -> Unit | None:
    """Where Pemda-wide tables are published: the walidata's unit, else Diskominfo, else the first OPD."""
    membership = (
        Membership.objects.filter(module=rules.MODULE, role=rules.WALIDATA_ROLE, is_active=True)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return membership.unit
    return (
        Unit.objects.filter(slug="diskominfo").first()
        or Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name").first()
    )


def refresh_due(dataset: Dataset, now: datetime) -> bool:
    if dataset.data_updated_at is None:
        return True
    days = FREQUENCY_DAYS.get(dataset.frequency)
    return days is not None and now - dataset.data_updated_at >= timedelta(days=days)


def _generated_files(dataset: Dataset, spec: GeneratedDataset, now: datetime) -> int:
    columns = [c.name for c in spec.columns]
    rows = [list(row) for row in spec.rows()]
    dictionary = [
        {"name": c.name, "title": str(c.title), "type": c.type, "description": str(c.description)} for c in spec.columns
    ]
    preview = {"columns": columns, "rows": [[("" if v is None else str(v)) for v in row] for row in rows[:10]]}
    existing = {r.format: r for r in dataset.resources.all()}
    for position, fmt in enumerate((Format.CSV, Format.XLSX, Format.JSON)):
        content = WRITERS[fmt](columns, rows)
        resource = existing.get(fmt) or Resource(dataset=dataset, format=fmt, position=position)
        old = resource.file.name if resource.pk else ""
        resource.name = f"{dataset.title} ({fmt})"[:200]
        resource.dictionary, resource.preview = dictionary, preview
        resource.size, resource.row_count, resource.last_modified = len(content), len(rows), now
        resource.file.save(f"{resource.uuid}.{fmt.lower()}", ContentFile(content), save=False)
        resource.save()
        if old and old != resource.file.name:
            resource.file.storage.delete(old)
    return len(rows)


@transaction.atomic
def _sync_one(spec: GeneratedDataset, now: datetime, *, force: bool, fallback: Unit) -> bool:
    dataset = Dataset.objects.select_for_update().filter(generated_key=spec.key).first()
    unit = (Unit.objects.filter(slug=spec.unit_slug).first() if spec.unit_slug else None) or fallback
    if dataset is None:
        dataset = Dataset(
            generated_key=spec.key,
            name=_unique_name(spec.key),
            state=State.PUBLISHED,
            published_at=now,
            metadata_modified=now,
        )
    elif not (force or refresh_due(dataset, now)):
        return False
    _refuse(Action.REFRESH, dataset, None)
    dataset.unit = unit
    dataset.title, dataset.notes = str(spec.title)[:200], str(spec.description)
    dataset.frequency, dataset.source_url = spec.frequency, spec.source_url
    dataset.steward = fallback.name
    dataset.license_id = "cc-by"
    dataset.metadata_modified = dataset.data_updated_at = now
    dataset.save()
    dataset.tags.set(_tags(spec.tags))
    rows = _generated_files(dataset, spec, now)
    search.index_datasets([dataset])
    audit_record(actor=None, actor_label="system", action="data.dataset.refresh", obj=dataset, changes={"rows": rows})
    return True


def generated_sync(now: datetime, *, force: bool = False, only: set[str] | None = None) -> dict[str, int]:
    """Make or refresh the dataset of every table a module publishes (`registry.datasets()`), each when due."""
    fallback = walidata_unit()
    if fallback is None:
        return {"datasets_refreshed": 0}
    refreshed = 0
    for _module, spec in registry.datasets():
        if only is not None and spec.key not in only:
            continue
        refreshed += _sync_one(spec, now, force=force, fallback=fallback)
    return {"datasets_refreshed": refreshed}


def overdue_uploaded(now: datetime) -> list[Dataset]:
    """Published uploaded datasets whose data is older than their frequency promises."""
    late = []
    for dataset in Dataset.objects.published().filter(generated_key="").exclude(frequency="irregular"):
        days = FREQUENCY_DAYS[dataset.frequency]
        updated = dataset.data_updated_at or dataset.published_at
        if updated is not None and now - updated > timedelta(days=days):
            late.append(dataset)
    return late


@transaction.atomic
def reminders_send(now: datetime) -> dict[str, int]:
    """Remind the data officers of each OPD whose published data is overdue; once per period of its frequency."""
    sent = 0
    for dataset in overdue_uploaded(now):
        days = FREQUENCY_DAYS[dataset.frequency]
        if dataset.reminded_at is not None and now - dataset.reminded_at < timedelta(days=days):
            continue
        locked = _locked(dataset)
        locked.reminded_at = now
        locked.save(update_fields=["reminded_at", "updated_at"])
        recipients = _emails_of(rules.OFFICER_ROLE, unit_id=locked.unit_id)
        sent += _mail("data.overdue", recipients, "data/email/overdue.txt", {"dataset": locked})
        audit_record(actor=None, actor_label="system", action="data.dataset.remind", obj=locked)
    return {"data_reminders": sent}
