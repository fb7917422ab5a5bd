"""Staff forms: a dataset's metadata, a file with its data dictionary, a walidata's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.core.models import Unit

from .models import Dataset, Frequency, Group, License
from .services import DatasetInput


class DatasetForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    notes = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the data shows, where it comes from, and how it is collected."),
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("Producing OPD"), queryset=Unit.objects.none())
    steward = forms.CharField(
        label=gettext_lazy("Data steward (walidata)"),
        max_length=160,
        help_text=gettext_lazy("For example: Diskominfo Kota Bitung"),
    )
    license_id = forms.ChoiceField(label=gettext_lazy("Licence"), choices=License.choices, initial=License.CC_BY)
    frequency = forms.ChoiceField(label=gettext_lazy("Update frequency"), choices=Frequency.choices)
    temporal_start = forms.DateField(
        label=gettext_lazy("Covers from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    temporal_end = forms.DateField(
        label=gettext_lazy("Covers until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    spatial = forms.CharField(
        label=gettext_lazy("Area covered"),
        max_length=160,
        required=False,
        help_text=gettext_lazy("For example: Kota Bitung, or Kecamatan Maesa"),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Words separated by commas, for example: kesehatan, puskesmas"),
    )
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Groups"),
        queryset=Group.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and end < start:
            self.add_error("temporal_end", _("The coverage ends before it starts."))
        return data

    def to_input(self) -> DatasetInput:
        d = self.cleaned_data
        return DatasetInput(
            title=d["title"].strip(),
            notes=d["notes"].strip(),
            unit=d["unit"],
            steward=d["steward"].strip(),
            license_id=d["license_id"],
            frequency=d["frequency"],
            temporal_start=d["temporal_start"],
            temporal_end=d["temporal_end"],
            spatial=d["spatial"].strip(),
            tags=[t for t in d["tags"].split(",") if t.strip()],
            groups=list(d["groups"]),
        )

    @staticmethod
    def initial_for(dataset: Dataset) -> dict[str, Any]:
        return {
            "title": dataset.title,
            "notes": dataset.notes,
            "unit": dataset.unit_id,
            "steward": dataset.steward,
            "license_id": dataset.license_id,
            "frequency": dataset.frequency,
            "temporal_start": dataset.temporal_start,
            "temporal_end": dataset.temporal_end,
            "spatial": dataset.spatial,
            "tags": ", ".join(t.name for t in dataset.tags.all()),
            "groups": list(dataset.groups.all()),
            "version": dataset.version,
        }


class ResourceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV, XLSX or JSON)"),
        help_text=gettext_lazy("The first row names the columns. At most 20 MB."),
    )
    name = forms.CharField(label=gettext_lazy("Name of the file"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description of the file"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dictionary = forms.CharField(
        label=gettext_lazy("Data dictionary"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One line per column: the column's name, a colon, what it means and its unit. "
            "For example: jumlah_pasien: patients treated in the month (people)"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_dictionary(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["dictionary"].splitlines(), start=1):
            if not line.strip():
                continue
            column, sep, meaning = line.partition(":")
            if not sep or not column.strip() or not meaning.strip():
                raise forms.ValidationError(
                    _("Line %(n)d must read “column: meaning”.") % {"n": number}, code="dictionary_line"
                )
            result[column.strip()] = meaning.strip()
        return result


class DecisionForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False)
