"""Forms of the SPBE screens: one per action, each naming the version the person saw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LEVELS
from .services import officers


class SpbeForm(forms.Form):
    """Labels without Django's trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VersionedForm(SpbeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentForm(VersionedForm):
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("not chosen yet")), *[(str(level), str(level)) for level in LEVELS]],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Choose the level whose criteria (above) the evidence shows in full."),
        error_messages={"invalid_choice": _("Choose a level from 1 to 5.")},
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why this level: which documents and practices show it. The evaluators read this."),
    )


class EvidenceForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: Perwal 12/2025 on SPBE"))
    url = forms.CharField(label=_("Link"), max_length=500, required=False,
                          help_text=_("A web address (https://…), or leave it empty and choose a file."))  # fmt: skip
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("A PDF, a photo or a screenshot, at most 10 MB."))  # fmt: skip


class RemoveEvidenceForm(VersionedForm):
    item = forms.UUIDField(widget=forms.HiddenInput)


class SubmitForm(VersionedForm):
    pass


class ReviewForm(VersionedForm):
    note = forms.CharField(label=_("Note for the officer (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ReturnForm(VersionedForm):
    note = forms.CharField(label=_("What should change?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(VersionedForm):
    officer = OfficerField(
        label=_("Officer responsible"), queryset=officers(), required=False, empty_label=_("nobody yet")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers()  # type: ignore[attr-defined]


class CommentForm(SpbeForm):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class BandsForm(VersionedForm):
    band_memuaskan = forms.DecimalField(label=_("Memuaskan from"), max_digits=3, decimal_places=2, localize=True)
    band_sangat_baik = forms.DecimalField(label=_("Sangat Baik from"), max_digits=3, decimal_places=2, localize=True)
    band_baik = forms.DecimalField(label=_("Baik from"), max_digits=3, decimal_places=2, localize=True)
    band_cukup = forms.DecimalField(label=_("Cukup from"), max_digits=3, decimal_places=2, localize=True,
                                    help_text=_("Below this index the predicate is Kurang."))  # fmt: skip


class ConfirmWeightsForm(VersionedForm):
    pass


class IndicatorForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=300)
    weight = forms.DecimalField(label=_("Weight (%)"), max_digits=5, decimal_places=2, localize=True,
                                help_text=_("The indicator's share of the index; the weights add up to 100."))  # fmt: skip
    criteria_1 = forms.CharField(label=_("Level 1 criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    criteria_2 = forms.CharField(label=_("Level 2 criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    criteria_3 = forms.CharField(label=_("Level 3 criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    criteria_4 = forms.CharField(label=_("Level 4 criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    criteria_5 = forms.CharField(label=_("Level 5 criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirmed_by_admin = forms.BooleanField(label=_("Checked against the regulation's annex"), required=False)


class NewYearForm(SpbeForm):
    year = forms.IntegerField(label=_("Evaluation year"), min_value=2020, max_value=2100)
