"""The command center's filters: a period of whole months and an optional OPD, category or kecamatan."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.models import Unit, UnitKind, Wilayah
from balai.lapor.forms import BalaiForm
from balai.lapor.models import Category

from .selectors import BREAKDOWNS, BY_LABEL, Filters, Period, add_months

PRESETS = [
    ("bulan-ini", _("This month")),
    ("bulan-lalu", _("Last month")),
    ("3-bulan", _("Last 3 months")),
    ("12-bulan", _("Last 12 months")),
    ("tahun-ini", _("This year")),
    ("tahun-lalu", _("Last year")),
]


def preset_period(preset: str, today: date) -> Period:
    this_month = today.replace(day=1)
    if preset == "bulan-lalu":
        last = add_months(this_month, -1)
        return Period(last, last)
    if preset == "3-bulan":
        return Period.months_to(this_month, 3)
    if preset == "12-bulan":
        return Period.months_to(this_month, 12)
    if preset == "tahun-ini":
        return Period(date(today.year, 1, 1), this_month)
    if preset == "tahun-lalu":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 1))
    return Period(this_month, this_month)


class DashboardFilterForm(BalaiForm):
    periode = forms.ChoiceField(label=_("Period"), required=False, choices=PRESETS, initial="bulan-ini")
    opd = forms.ChoiceField(label=_("OPD"), required=False)
    kategori = forms.ChoiceField(label=_("Category"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    per = forms.ChoiceField(
        label=_("Break down by"),
        required=False,
        choices=[(key, BY_LABEL[key]) for key in BREAKDOWNS],
        initial="category",
    )

    def __init__(self, *args: Any, pemda_code: str, units: frozenset[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opds = Unit.objects.filter(kind=UnitKind.OPD, is_active=True, is_leadership=False).order_by("name")
        if units is not None:
            opds = opds.filter(pk__in=units)
        self.units_by_slug = {u.slug: u for u in opds}
        self.fields["opd"].choices = [("", _("All OPD") if units is None else _("All my OPD"))] + [  # type: ignore[attr-defined]
            (u.slug, u.short_name or u.name) for u in opds
        ]
        self.categories_by_slug = {c.slug: c for c in Category.objects.filter(is_active=True)}
        self.fields["kategori"].choices = [("", _("All categories"))] + [  # type: ignore[attr-defined]
            (slug, c.name) for slug, c in self.categories_by_slug.items()
        ]
        self.fields["kecamatan"].choices = [("", _("All kecamatan"))] + [  # type: ignore[attr-defined]
            (w.code, w.name) for w in Wilayah.objects.kecamatan_of(pemda_code).order_by("name")
        ]

    def chosen(self) -> tuple[Period, Filters, str, str]:
        """The period, filters, breakdown and preset asked for; anything invalid falls back to the default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        preset = data.get("periode") or "bulan-ini"
        period = preset_period(preset, timezone.localdate())
        unit = self.units_by_slug.get(data.get("opd") or "")
        category = self.categories_by_slug.get(data.get("kategori") or "")
        filters = Filters(
            unit=unit.pk if unit else None,
            category=category.pk if category else None,
            kecamatan=data.get("kecamatan") or None,
        )
        return period, filters, data.get("per") or "category", preset
