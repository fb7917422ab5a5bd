from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.core.models import Unit, Wilayah, WilayahLevel

from .importer import FIELDS
from .models import Activity, Direction, Level, Plan, Rpjmd, RpjmdGoal, RpjmdMission
from .templatetags.kinerja_tags import num


class RealisationForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    physical_pct = forms.DecimalField(label=_("Physical progress (%)"), min_value=0, max_value=100, decimal_places=2,
                                      help_text=_("Cumulative from the start of the year, 0–100."), localize=True)  # fmt: skip
    financial = forms.DecimalField(label=_("Financial realisation (Rp)"), min_value=0, decimal_places=0,
                                   help_text=_("Money spent so far this year, in rupiah."), localize=True)  # fmt: skip
    obstacles = forms.CharField(label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("Evidence (photo or PDF)"), required=False)

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(activity.indicators.all())
        for indicator in self.indicators:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit_label})", required=False, min_value=0, localize=True,
                help_text=_("Annual target: %(target)s") % {"target": num(indicator.target)},
            )  # fmt: skip

    def values(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"value_{i.pk}") for i in self.indicators}


class CheckForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note to the OPD"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the plan"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
    mapping = forms.CharField(
        label=_("Column mapping"),
        required=False,
        help_text=_(
            "COLUMN=field, separated by commas; the column is the header's text or its letter. Fields: %(fields)s."
        )
        % {"fields": ", ".join(FIELDS)},
        widget=forms.TextInput(attrs={"size": 60}),
    )


def _place_fields() -> tuple[forms.ModelChoiceField, forms.CharField, forms.BooleanField]:
    """Where a physical work is and whether it is SPBE spending: the same fields on the locate and the row forms
    (the kelurahan's choices are set by `_kelurahan_choices`)."""
    return (
        forms.ModelChoiceField(label=_("Kelurahan"), queryset=Wilayah.objects.none(), required=False),
        forms.CharField(label=_("Location"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                        help_text=_("'latitude, longitude' for a point, or GeoJSON for a line.")),
        forms.BooleanField(label=_("Digital / SPBE spending"), required=False),
    )  # fmt: skip


def _kelurahan_choices(form: forms.Form) -> None:
    form.fields["kelurahan"].queryset = Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN).order_by("name")  # type: ignore[attr-defined]


class LocateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kelurahan, geometry, spbe = _place_fields()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _kelurahan_choices(self)


class LinkForm(forms.Form):
    code = forms.CharField(label=_("Tracking code of the report"), max_length=20)


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    published = forms.BooleanField(label=_("Published (the public sees this year)"), required=False)
    deadline_working_days = forms.IntegerField(
        label=_("Working days after each quarter to report"), min_value=1, max_value=60
    )


class NoteForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Evaluation note"), widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(forms.Form):
    """A program, kegiatan or sub kegiatan typed on the staff screen, with one indicator to add or change."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("Nomenclature code"), max_length=60, help_text=_("e.g. 1.03.02.2.01.0001"))
    name = forms.CharField(label=_("Name"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label=_("Responsible OPD"), queryset=Unit.objects.none())
    urusan = forms.CharField(label=_("Affair (urusan)"), max_length=160, required=False)
    goal = forms.ModelChoiceField(label=_("RPJMD goal served"), queryset=RpjmdGoal.objects.none(), required=False)
    pagu = forms.DecimalField(label=_("Budget ceiling (Rp)"), min_value=0, decimal_places=0, localize=True, initial=0)
    kelurahan, geometry, spbe = _place_fields()
    indicator = forms.CharField(label=_("Indicator"), max_length=300, required=False,
                                help_text=_("Adds an indicator, or changes the one with this name."))  # fmt: skip
    indicator_unit = forms.CharField(label=_("Unit of measure"), max_length=40, required=False)
    indicator_target = forms.DecimalField(label=_("Annual target"), required=False, min_value=0, localize=True)
    indicator_direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.HIGHER)

    def __init__(self, *args: Any, plan: Plan, level: str, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if level == Level.PROGRAM and plan.rpjmd_id is not None:
            self.fields["goal"].queryset = RpjmdGoal.objects.filter(mission__rpjmd_id=plan.rpjmd_id)  # type: ignore[attr-defined]
        else:
            del self.fields["goal"]
        if level == Level.SUB_KEGIATAN:
            _kelurahan_choices(self)
        else:
            for name in ("pagu", "kelurahan", "geometry", "spbe"):
                del self.fields[name]


class AspirasiForm(forms.Form):
    """A citizen's aspiration about an activity, sent as a report of the reporting module (kind aspirasi)."""

    text = forms.CharField(
        label=_("Your aspiration or complaint about this activity"), min_length=20, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}), help_text=_("At least 20 characters."),
    )  # fmt: skip
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=100)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: hide my identity"), required=False,
        help_text=_("The public and the OPD will not see your name or contact details."),
    )  # fmt: skip
    reporter_email = forms.EmailField(label=_("Email"), required=False, max_length=254,
                                      help_text=_("We send the tracking link and every answer here."))  # fmt: skip
    reporter_phone = forms.CharField(label=_("Phone / WhatsApp"), required=False, max_length=20)
    consent = forms.BooleanField(
        label=_("I agree that my personal data is processed to handle this report."),
        error_messages={"required": _("We can only handle your report with your consent to process its data.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # honeypot, out of the tab order (it is hidden from assistive technology)  # fmt: skip
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, allow_anonymous_without_contact: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_anonymous_without_contact = allow_anonymous_without_contact

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("Your message could not be accepted. Please try again."))
        anonymous = data.get("is_anonymous", False)
        if not anonymous and not data.get("reporter_name", "").strip():
            self.add_error("reporter_name", _("Write your name, or choose to be anonymous."))
        has_contact = bool(data.get("reporter_email") or data.get("reporter_phone"))
        if not has_contact and "reporter_email" not in self.errors:
            if not anonymous:
                self.add_error(
                    "reporter_email", _("Give an email or a phone number so we can tell you about progress.")
                )
            elif not self.allow_anonymous_without_contact:
                self.add_error(
                    "reporter_email", _("Even anonymous messages need an email or a phone number; it is never shown.")
                )
        return data


class RpjmdForm(forms.Form):
    """An RPJMD typed by Bappeda: its years, vision and missions (one per line, numbered in order)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))  # fmt: skip
    end_year = forms.IntegerField(label=_("Last year of the term"), min_value=2000, max_value=2100,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
                                  help_text=_("Five years: the first year plus four."))  # fmt: skip
    vision = forms.CharField(label=_("Vision"), widget=forms.Textarea(attrs={"rows": 3}))
    missions = forms.CharField(
        label=_("Missions"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One mission per line, in order: the first line is mission 1."),
    )  # fmt: skip


class GoalForm(forms.Form):
    """A goal (sasaran) of the RPJMD with one indicator and its target for each year of the term."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=RpjmdMission.objects.none())
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("e.g. S1.2"))
    title = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    indicator = forms.CharField(label=_("Indicator"), max_length=300, required=False,
                                help_text=_("Adds an indicator, or changes the one with this name."))  # fmt: skip
    indicator_unit = forms.CharField(label=_("Unit of measure"), max_length=40, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.HIGHER)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, localize=True)

    def __init__(self, *args: Any, rpjmd: Rpjmd, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = rpjmd.missions.order_by("number")  # type: ignore[attr-defined]
        self.years = list(range(rpjmd.start_year, rpjmd.end_year + 1))
        for year in self.years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=_("Target %(year)s") % {"year": year}, required=False, localize=True
            )

    def targets(self) -> dict[int, Any]:
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.years}


class RenstraForm(forms.Form):
    """An OPD's Renstra: the RPJMD goals it serves, and a summary."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    goals = forms.ModelMultipleChoiceField(
        label=_("RPJMD goals this OPD serves"), queryset=RpjmdGoal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    summary = forms.CharField(label=_("Summary of the Renstra"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip

    def __init__(self, *args: Any, rpjmd: Rpjmd, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = RpjmdGoal.objects.filter(mission__rpjmd=rpjmd).order_by("code")  # type: ignore[attr-defined]


class RemoveForm(forms.Form):
    """The confirm step of a removal: the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
