"""Writes to the framework: the first year from the shipped data, a new year copied from the last, the admin's edits."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.access import StaffScope, staff_scope
from balai.core.services import audit_record

from .. import rules
from ..models import Aspect, Assessment, Domain, Framework, Indicator
from .errors import ActionError, StaleVersionError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "permenpanrb-59-2020.json"
FIRST_YEAR = 2020


def _scope(actor: Any, scope: StaffScope | None) -> StaffScope | None:
    if actor is None:
        return None
    return scope if scope is not None else staff_scope(actor)


def _allow_framework(actor: Any, scope: StaffScope | None) -> None:
    if actor is None:  # the system: setup, the demo, a command run by the server's operator
        return
    refusal = rules.framework_refusal(_scope(actor, scope))
    if refusal:
        raise ActionError(refusal)


def shipped_framework() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _from_data(framework: Framework, data: dict[str, Any]) -> None:
    domains = {
        d["number"]: Domain.objects.create(framework=framework, number=d["number"], name=d["name"])
        for d in data["domains"]
    }
    aspects = {
        a["number"]: Aspect.objects.create(
            framework=framework, domain=domains[a["domain"]], number=a["number"], name=a["name"]
        )
        for a in data["aspects"]
    }
    indicators = Indicator.objects.bulk_create(
        Indicator(
            framework=framework,
            aspect=aspects[i["aspect"]],
            number=i["number"],
            name=i["name"],
            weight=Decimal(i["weight"]),
            confirmed_by_admin=bool(i.get("confirmed_by_admin", False)),
            **{f"criteria_{level}": text for level, text in enumerate(i["criteria"], start=1)},
        )
        for i in data["indicators"]
    )
    officers = data.get("officers", {})
    Assessment.objects.bulk_create(
        Assessment(indicator=indicator, officer_id=officers.get(indicator.number)) for indicator in indicators
    )


def _as_data(framework: Framework) -> dict[str, Any]:
    """A framework as the shipped data's shape (what a new year copies), with its officers."""
    indicators = list(framework.indicators.select_related("aspect", "assessment"))
    return {
        "domains": [{"number": d.number, "name": d.name} for d in framework.domains.all()],
        "aspects": [{"number": a.number, "domain": a.domain.number, "name": a.name} for a in
                    framework.aspects.select_related("domain")],
        "indicators": [
            {"number": i.number, "aspect": i.aspect.number, "name": i.name, "weight": str(i.weight),
             "criteria": [i.criteria(level) for level in range(1, 6)], "confirmed_by_admin": i.confirmed_by_admin}
            for i in indicators
        ],
        "officers": {i.number: i.assessment.officer_id for i in indicators},
    }  # fmt: skip


@transaction.atomic
def framework_create_year(*, actor: Any, year: int, scope: StaffScope | None = None) -> Framework:
    """A new evaluation year: a copy of the latest earlier year (indicators, weights, criteria, bands, officers;
    not the levels), or the shipped PermenPANRB 59/2020 data when there is none. Then editable."""
    _allow_framework(actor, scope)
    if not FIRST_YEAR <= year <= 2100:
        raise ActionError(_("Choose an evaluation year from %(first)d.") % {"first": FIRST_YEAR})
    if Framework.objects.filter(year=year).exists():
        raise ActionError(_("The evaluation year %(year)d exists already.") % {"year": year})
    previous = Framework.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        data = shipped_framework()
        framework = Framework.objects.create(year=year, regulation=data["regulation"], source_note=data["source_note"])
        _from_data(framework, data)
        copied_from = "data"
    else:
        framework = Framework.objects.create(
            year=year,
            regulation=previous.regulation,
            source_note=previous.source_note,
            band_memuaskan=previous.band_memuaskan,
            band_sangat_baik=previous.band_sangat_baik,
            band_baik=previous.band_baik,
            band_cukup=previous.band_cukup,
            weights_confirmed_at=previous.weights_confirmed_at,
            weights_confirmed_by=previous.weights_confirmed_by,
        )
        _from_data(framework, _as_data(previous))
        copied_from = str(previous.year)
    audit_record(actor=actor, action="spbe.framework_create", obj=framework,
                 changes={"year": year, "copied_from": copied_from})  # fmt: skip
    return framework


def framework_ensure(*, actor: Any, year: int) -> tuple[Framework, bool]:
    """The year's framework, made (by the system) when missing: `balai pemda setup`, the demo."""
    existing = Framework.objects.filter(year=year).first()
    if existing is not None:
        return existing, False
    return framework_create_year(actor=actor, year=year), True


def _lock_framework(framework: Framework, version: int | None) -> Framework:
    locked = Framework.objects.select_for_update().get(pk=framework.pk)
    if version is not None and locked.version != version:
        raise StaleVersionError(_("Someone else changed this framework meanwhile. Check it and send again."))
    return locked


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ActionError(_("%(field)s must be a number, such as 2,75.") % {"field": label}) from None
    if not number.is_finite():
        raise ActionError(_("%(field)s must be a number, such as 2,75.") % {"field": label})
    return number


@transaction.atomic
def framework_bands_update(
    *, actor: Any, framework: Framework, version: int | None, bands: dict[str, Any], scope: StaffScope | None = None
) -> Framework:
    """The predicate bands: the lowest index of Memuaskan, Sangat Baik, Baik and Cukup, falling in that order."""
    _allow_framework(actor, scope)
    locked = _lock_framework(framework, version)
    labels = {"band_memuaskan": "Memuaskan", "band_sangat_baik": "Sangat Baik", "band_baik": "Baik",
              "band_cukup": "Cukup"}  # fmt: skip
    values = {name: _decimal(bands[name], label) for name, label in labels.items()}
    ordered = [values[name] for name in labels]
    if any(not Decimal(1) <= v <= Decimal(5) for v in ordered):
        raise ActionError(_("Each band is an index between 1 and 5."))
    if any(a <= b for a, b in itertools.pairwise(ordered)):
        raise ActionError(_("The bands must fall from Memuaskan to Cukup, each lower than the one before."))
    before = {name: str(getattr(locked, name)) for name in labels}
    for name, value in values.items():
        setattr(locked, name, value.quantize(Decimal("0.01")))
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action="spbe.bands_update", obj=locked,
                 changes={"before": before, "after": {n: str(v) for n, v in values.items()}})  # fmt: skip
    return locked


@transaction.atomic
def framework_confirm_weights(
    *, actor: Any, framework: Framework, version: int | None, scope: StaffScope | None = None
) -> Framework:
    """The admin has checked every weight against the regulation's annex: the screen stops saying otherwise."""
    _allow_framework(actor, scope)
    locked = _lock_framework(framework, version)
    total = sum((i.weight for i in locked.indicators.all()), Decimal(0))
    if total != Decimal(100):
        raise ActionError(
            _("The weights add up to %(total)s, not 100: correct them before confirming.") % {"total": total}
        )
    locked.weights_confirmed_at = timezone.now()
    locked.weights_confirmed_by = actor
    locked.version += 1
    locked.save()
    locked.indicators.update(confirmed_by_admin=True, version=F("version") + 1)
    audit_record(actor=actor, action="spbe.weights_confirm", obj=locked, changes={"total": str(total)})
    return locked


INDICATOR_FIELDS = ("name", "weight", "criteria_1", "criteria_2", "criteria_3", "criteria_4", "criteria_5",
                    "confirmed_by_admin")  # fmt: skip


@transaction.atomic
def indicator_update(
    *, actor: Any, indicator: Indicator, version: int | None, changes: dict[str, Any], scope: StaffScope | None = None
) -> Indicator:
    """The admin edits an indicator's name, weight or level criteria; a changed weight is unconfirmed again."""
    _allow_framework(actor, scope)
    locked = Indicator.objects.select_for_update().select_related("framework").get(pk=indicator.pk)
    if version is not None and locked.version != version:
        raise StaleVersionError(_("Someone else changed this indicator meanwhile. Check it and send again."))
    before = {name: str(getattr(locked, name)) for name in INDICATOR_FIELDS}
    for name, value in changes.items():
        if name not in INDICATOR_FIELDS:
            raise ValueError(name)
        if name == "weight":
            value = _decimal(value, _("The weight"))
            if not Decimal("0.01") <= value <= Decimal(100):
                raise ActionError(_("The weight is a share of the index between 0,01 and 100."))
            value = value.quantize(Decimal("0.01"))
        setattr(locked, name, value)
    if locked.weight != Decimal(before["weight"]) and "confirmed_by_admin" not in changes:
        locked.confirmed_by_admin = False
    if not str(locked.name).strip():
        raise ActionError(_("The indicator needs a name."))
    locked.version += 1
    locked.save()
    if locked.weight != Decimal(before["weight"]) and locked.framework.weights_confirmed_at is not None:
        Framework.objects.filter(pk=locked.framework_id).update(
            weights_confirmed_at=None, weights_confirmed_by=None, version=F("version") + 1
        )
    after = {name: str(getattr(locked, name)) for name in INDICATOR_FIELDS}
    audit_record(actor=actor, action="spbe.indicator_update", obj=locked,
                 changes={k: [before[k], after[k]] for k in INDICATOR_FIELDS if before[k] != after[k]})  # fmt: skip
    return locked
