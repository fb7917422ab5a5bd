"""Forms of the back office: one per action, each with a help text in plain words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from balai.core.models import Unit, UnitKind, Wilayah
from balai.core.selectors import pemda_current

from . import cache
from .forms import BalaiForm
from .models import ArchiveReason, Category, Report, ReportKind, ReportPhoto, Status, Weight


def _opd_units() -> Any:
    return Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name")


class ActionForm(BalaiForm):
    """Every action names the version of the report the person saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    more_fields: tuple[str, ...] = ()  # optional fields the page folds away

    def for_report(self, report: Report) -> ActionForm:
        """Fit the form to the report it acts on (its own photos, say); the same for the shown and the sent form."""
        return self


class PhotoChoiceField(forms.ModelMultipleChoiceField):
    """A report's photos as checkboxes, each labelled with its thumbnail (the staff copy)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return format_html(
            '<img src="{}" alt="" class="thumb" width="96" height="72" loading="lazy"> {}',
            reverse("staff:photo", args=[obj.public_id]),
            _("Photo %(n)d") % {"n": obj.position + 1},
        )


class VerifyForm(ActionForm):
    more_fields = ("supporting_units", "instruction", "note")

    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True))
    kelurahan = forms.ChoiceField(
        label=_("Kelurahan/desa"),
        required=False,
        help_text=_("Where it is. A report that came with a map point only needs it before it is verified."),
    )
    weight = forms.ChoiceField(
        label=_("Weight"), choices=Weight.choices, help_text=_("Sets the follow-up deadline in working days.")
    )
    public_title = forms.CharField(
        label=_("Public title"), max_length=150, help_text=_("Clear and neutral; no names of private persons.")
    )
    public_description = forms.CharField(
        label=_("Public summary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to publish the reporter's text as it is. Their original text is always kept."),
    )
    hidden_photos = PhotoChoiceField(
        label=_("Hide these photos from the public"),
        queryset=ReportPhoto.objects.none(),
        required=False,
        help_text=_("Faces, number plates, documents or anything private. Staff still see every photo."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: hide the reporter from the public and the OPD"), required=False
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential (rahasia): hide the whole report from the public"), required=False
    )
    lead_unit = forms.ModelChoiceField(
        label=_("Dispatch now to"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— verify only, dispatch later —"),
        help_text=_("The usual OPD for the category is chosen for you."),
    )
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("Supporting OPD"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("On a computer, hold Ctrl to choose more than one."),
    )
    instruction = forms.CharField(
        label=_("Instruction for the OPD (internal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Note for the reporter (public)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _opd_units()  # type: ignore[attr-defined]
        self.fields["supporting_units"].queryset = _opd_units()  # type: ignore[attr-defined]
        pemda = pemda_current()
        self._places = cache.places(pemda.wilayah_id) if pemda else None
        self.fields["kelurahan"].choices = [  # type: ignore[attr-defined]
            ("", _("— kelurahan to be set —")),
            *(self._places.kelurahan_groups if self._places else []),
        ]

    def clean_kelurahan(self) -> Wilayah | None:
        code = self.cleaned_data.get("kelurahan") or ""
        return self._places.kelurahan.get(code) if self._places and code else None

    def for_report(self, report: Report) -> ActionForm:
        photos = report.photos.all()
        if photos:
            self.fields["hidden_photos"].queryset = photos  # type: ignore[attr-defined]
        else:
            del self.fields["hidden_photos"]
        return self


class DispatchForm(ActionForm):
    more_fields = ("supporting_units", "instruction")

    lead_unit = forms.ModelChoiceField(label=_("Lead OPD"), queryset=Unit.objects.none())
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("Supporting OPD"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("On a computer, hold Ctrl to choose more than one."),
    )
    instruction = forms.CharField(
        label=_("Instruction for the OPD (internal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _opd_units()  # type: ignore[attr-defined]
        self.fields["supporting_units"].queryset = _opd_units()  # type: ignore[attr-defined]


class ClarifyForm(ActionForm):
    question = forms.CharField(
        label=_("Question for the reporter"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reporter answers from their private link. The verification deadline pauses meanwhile."),
    )


class NotAuthorityForm(ActionForm):
    referral = forms.CharField(
        label=_("Where should the reporter go?"),
        max_length=255,
        help_text=_("Shown publicly, for example: Polres Bitung, Kementerian PUPR (jalan nasional), SP4N-LAPOR!"),
    )
    note = forms.CharField(label=_("Explanation (public)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ArchiveForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[c for c in ArchiveReason.choices if c[0] != ArchiveReason.DUPLICATE]
    )
    note = forms.CharField(
        label=_("Explanation"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(ActionForm):
    target = forms.CharField(
        label=_("Tracking code of the report to keep"),
        max_length=20,
        help_text=_("This report is closed as a duplicate; its reporter is informed about the other one."),
    )


class AcceptForm(ActionForm):
    note = forms.CharField(label=_("Message to the reporter (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class NoteForm(ActionForm):
    text = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class RespondForm(ActionForm):
    text = forms.CharField(
        label=_("Public response"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the report's page and emailed to the reporter."),
    )


class FinishForm(ActionForm):
    answer = forms.CharField(
        label=_("Final answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done. The reporter can rate it, or reopen the report if it is not solved."),
    )


class ReturnForm(ActionForm):
    reason = forms.CharField(
        label=_("Why is this not for your OPD?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The report goes back to the coordinator, who sends it to the right OPD."),
    )


class AttachForm(ActionForm):
    file = forms.FileField(label=_("Photo or PDF of the work"), help_text=_("JPEG, PNG, WebP or PDF, at most 10 MB."))
    is_public = forms.BooleanField(label=_("Show it on the public page"), required=False, initial=True)


class InboxFilterForm(BalaiForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    unit = forms.ChoiceField(label=_("OPD"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due within a working day"))],
    )

    def __init__(self, *args: Any, pemda_code: str, coordinator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All open")), ("all", _("All statuses")), *Status.choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("All categories"))] + [  # type: ignore[attr-defined]
            (c.slug, c.name) for c in Category.objects.filter(is_active=True)
        ]
        self.fields["kecamatan"].choices = [("", _("All kecamatan"))] + [  # type: ignore[attr-defined]
            (w.code, w.name) for w in Wilayah.objects.kecamatan_of(pemda_code).order_by("name")
        ]
        if coordinator:
            self.fields["unit"].choices = [("", _("All OPD")), ("none", _("Not dispatched"))] + [  # type: ignore[attr-defined]
                (u.slug, u.short_name or u.name) for u in _opd_units()
            ]
        else:
            del self.fields["unit"]


class BulkForm(BalaiForm):
    ACTIONS = [("archive_spam", _("Archive as spam")), ("dispatch", _("Verify and dispatch to…"))]  # noqa: RUF012
    codes = forms.MultipleChoiceField(label=_("Reports"), widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(label=_("With the selected reports"), choices=ACTIONS)
    lead_unit = forms.ModelChoiceField(label=_("OPD"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = _opd_units()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "dispatch" and not data.get("lead_unit"):
            self.add_error("lead_unit", _("Choose the OPD to dispatch to."))
        return data


class ReporterClarifyForm(BalaiForm):
    answer = forms.CharField(label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class RateForm(BalaiForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        coerce=int,
        choices=[(5, _("5 — very satisfied")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — not satisfied at all"))],
        widget=forms.RadioSelect,
    )
    # Read by the officers only: it is the reporter's unchecked text (no verification makes it safe to publish).
    comment = forms.CharField(label=_("Comment (optional, read by the officers, not published)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ReopenForm(BalaiForm):
    reason = forms.CharField(label=_("What is still wrong?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
