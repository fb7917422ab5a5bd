"""The reporting module's part of `balai pemda setup`: a default set of report categories, each sent by default to
one of the standard OPD, so that a fresh install can take a report. The Pemda edits them afterwards (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from balai.core.models import Unit, UnitKind
from balai.core.services import audit_record

from .models import Category, Weight


@dataclass(frozen=True)
class DefaultCategory:
    slug: str
    name: Promise
    description: Promise
    unit_slug: str  # a standard OPD (balai.core.services.STANDARD_OPD_KOTA)
    weight: str = Weight.NORMATIF


# Slugs match the demo's where the subject is the same, so a demo city and a real one read alike.
DEFAULT_CATEGORIES = (
    DefaultCategory(
        "jalan-rusak", _("Roads and bridges"), _("Potholes, broken asphalt, damaged bridges"), "dinas-pupr"
    ),
    DefaultCategory("drainase", _("Drainage and gutters"), _("Blocked channels, overflowing gutters"), "dinas-pupr"),
    DefaultCategory("air-bersih", _("Clean water"), _("No water, dirty water, broken public taps"), "perkim"),
    DefaultCategory(
        "sampah",
        _("Rubbish and cleanliness"),
        _("Rubbish piling up or not collected, illegal dumping"),
        "dlh",
        Weight.RINGAN,
    ),
    DefaultCategory("lampu-jalan", _("Street lights"), _("Street lights out or broken"), "dishub", Weight.RINGAN),
    DefaultCategory("lalu-lintas", _("Traffic and transport"), _("Signs, illegal parking, public transport"), "dishub"),
    DefaultCategory("banjir", _("Floods and disasters"), _("Floods, landslides, fallen trees"), "bpbd", Weight.RINGAN),
    DefaultCategory("layanan-kesehatan", _("Health services"), _("Puskesmas, posyandu, hospitals"), "dinkes"),
    DefaultCategory("pendidikan", _("Education"), _("Public schools, enrolment, school buildings"), "disdik"),
    DefaultCategory("ketertiban", _("Public order"), _("Street vendors, noise, illegal buildings"), "satpol-pp"),
    DefaultCategory("adminduk", _("Population records"), _("KTP-el, family card, certificates"), "disdukcapil"),
    DefaultCategory("sosial", _("Social assistance"), _("Social aid, neglected people"), "dinsos"),
    # What fits nowhere else stays with the coordinator's own OPD, who sends it on.
    DefaultCategory("lainnya", _("Other public services"), _("Anything else about a public service"), "diskominfo"),
)


def default_categories_create(actor: Any) -> list[str]:
    """Create each default category whose slug is not taken yet and whose OPD exists, in the Pemda's language;
    a category the Pemda renamed, moved to another OPD or switched off is left as it is."""
    units = {
        u.slug: u for u in Unit.objects.filter(kind=UnitKind.OPD, slug__in={c.unit_slug for c in DEFAULT_CATEGORIES})
    }
    taken = set(Category.objects.values_list("slug", flat=True))
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for order, default in enumerate(DEFAULT_CATEGORIES, start=1):
            unit = units.get(default.unit_slug)
            if default.slug in taken or unit is None:
                continue
            category = Category.objects.create(
                slug=default.slug,
                name=str(default.name),
                description=str(default.description),
                default_unit=unit,
                default_weight=default.weight,
                order=order * 10,
            )
            audit_record(actor=actor, action="category.create", obj=category, changes={"name": category.name})
            created += 1
    if not created:
        return [f"Report categories: none added ({len(taken)} exist)."]
    return [f"Report categories: {created} added, each sent to an OPD by default; edit them in the admin."]
