"""The forms of the PPID pages: the request form (public and at the desk), the notice, the objection, the DIP."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from balai.core.models import Unit, UnitKind

from .models import (
    CopyForm,
    Decision,
    Delivery,
    DipEntry,
    Ground,
    ObjectionOutcome,
    ObtainHow,
    RequesterKind,
)
from .services import RequestInput, check_upload


def _opd() -> Any:
    return Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("name")


class RequestForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label=_("Who is asking?"), choices=RequesterKind.choices, widget=forms.RadioSelect,
        initial=RequesterKind.PERORANGAN,
    )  # fmt: skip
    name = forms.CharField(label=_("Full name (or the entity's name)"), max_length=150)
    identity_number = forms.CharField(
        label=_("NIK (16 digits), or the deed number of the legal entity"), max_length=60,
        help_text=_("Kept by the PPID only, never published."),
    )  # fmt: skip
    address = forms.CharField(label=_("Address"), max_length=255)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, help_text=_("To receive the notice and updates. Give a phone or an email.")
    )
    identity_scan = forms.FileField(
        label=_("Scan or photo of the ID card or deed (optional)"), required=False,
        help_text=_("PDF, JPEG or PNG, at most 5 MB. The PPID may ask for it later."),
    )  # fmt: skip
    power_of_attorney = forms.FileField(
        label=_("Power of attorney (for a proxy)"), required=False, help_text=_("PDF, JPEG or PNG, at most 5 MB.")
    )
    unit = forms.ModelChoiceField(
        label=_("OPD that holds the information (if you know)"), queryset=Unit.objects.none(), required=False,
        empty_label=_("I do not know: the PPID utama decides"), to_field_name="slug",
    )  # fmt: skip
    information = forms.CharField(
        label=_("What information do you ask for?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000,
        help_text=_("Be specific: which document, which period, which place."),
    )  # fmt: skip
    purpose = forms.CharField(
        label=_("What do you need it for?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    obtain_how = forms.ChoiceField(
        label=_("How do you want to obtain it?"), choices=ObtainHow.choices, widget=forms.RadioSelect,
        initial=ObtainHow.COPY,
    )  # fmt: skip
    copy_form = forms.ChoiceField(
        label=_("In what form?"), choices=CopyForm.choices, widget=forms.RadioSelect, initial=CopyForm.ELECTRONIC
    )
    delivery = forms.ChoiceField(
        label=_("How do you want to receive it?"), choices=Delivery.choices, widget=forms.RadioSelect,
        initial=Delivery.EMAIL,
    )  # fmt: skip
    is_private = forms.BooleanField(
        label=_("Keep my request out of the public register"), required=False,
        help_text=_("Your name is never published in any case; this also hides the question and the answer."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _opd()  # type: ignore[attr-defined]

    def clean_identity_number(self) -> str:
        value = "".join(self.cleaned_data["identity_number"].split())
        if self.data.get(self.add_prefix("requester_kind")) != RequesterKind.BADAN_HUKUM and not (
            value.isdigit() and len(value) == 16
        ):
            raise ValidationError(_("A NIK has 16 digits."))
        return value

    def _clean_file(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if upload:
            check_upload(upload)
        return upload

    def clean_identity_scan(self) -> Any:
        return self._clean_file("identity_scan")

    def clean_power_of_attorney(self) -> Any:
        return self._clean_file("power_of_attorney")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            self.add_error("email", _("Give a phone number or an email, so that the PPID can reach you."))
        if data.get("delivery") == Delivery.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("You chose to receive it by email: give your email address."))
        if data.get("requester_kind") == RequesterKind.KUASA and not data.get("power_of_attorney"):
            self.add_error("power_of_attorney", _("A proxy attaches the power of attorney."))
        return data

    def to_input(self, language: str) -> RequestInput:
        d = self.cleaned_data
        return RequestInput(
            requester_kind=d["requester_kind"], name=d["name"], identity_number=d["identity_number"],
            address=d["address"], phone=d["phone"], email=d["email"], information=d["information"],
            purpose=d["purpose"], obtain_how=d["obtain_how"], copy_form=d["copy_form"], delivery=d["delivery"],
            is_private=d["is_private"], identity_scan=d.get("identity_scan") or None,
            power_of_attorney=d.get("power_of_attorney") or None, language=language, unit=d.get("unit"),
        )  # fmt: skip


class TrackForm(forms.Form):
    kode = forms.CharField(label=_("Tracking code"), max_length=30)


class ObjectionForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label=_("Grounds of the objection (Pasal 35 UU 14/2008)"), choices=Ground.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Explain the objection"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ForwardForm(VersionForm):
    unit = forms.ModelChoiceField(label=_("OPD"), queryset=Unit.objects.none(), to_field_name="slug")
    note = forms.CharField(label=_("Note for the OPD"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _opd()  # type: ignore[attr-defined]


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NoticeForm(VersionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Answer (or the reason of the decision)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    medium = forms.CharField(label=_("Medium and format"), max_length=120, required=False,
                             help_text=_("For example: PDF by email; photocopy to collect."))  # fmt: skip
    cost = forms.CharField(label=_("Cost and how to pay"), max_length=120, required=False,
                           help_text=_("Empty: free of charge."))  # fmt: skip
    redactions = forms.CharField(label=_("Redacted parts and the reason for each"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    exemption = forms.CharField(label=_("Exemption (Pasal 17, letter and point)"), max_length=120, required=False)
    consequence_test = forms.CharField(label=_("Consequence test"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    held_by = forms.CharField(label=_("Where it is held (if not held here)"), max_length=255, required=False)
    signer = forms.CharField(label=_("Signed by (name and title)"), max_length=150, required=False)


class ObjectionAnswerForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    answer = forms.CharField(label=_("Written answer"), widget=forms.Textarea(attrs={"rows": 3}))


class DisputeForm(forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Register number at the Komisi Informasi, and the result when known"),
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class AttachForm(forms.Form):
    title = forms.CharField(label=_("Title of the document"), max_length=200)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class PublicationForm(VersionForm):
    withheld = forms.BooleanField(label=_("Withhold from the public register"), required=False)


class DipForm(forms.ModelForm):
    link = forms.URLField(label=_("link to the document"), required=False, assume_scheme="https")

    class Meta:
        model = DipEntry
        fields = ("unit", "title", "summary", "official", "made_when_where", "form", "retention", "category",
                  "consequence_test", "link", "is_active")  # fmt: skip

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else _opd()  # type: ignore[attr-defined]
        self.fields["unit"].empty_label = _("The Pemda as a whole")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == "dikecualikan" and not (data.get("consequence_test") or "").strip():
            self.add_error("consequence_test", _("Exempt information needs its consequence test."))
        return data


class MyRequestsForm(forms.Form):
    """The address to which the links of every request made with it are sent again."""

    email = forms.EmailField(
        label=_("Your email address"), max_length=254,
        help_text=_("The one you gave in your requests. We send the links to that address only."),
        error_messages={"invalid": _("This is not a complete email address (like nama@contoh.id). Check it.")},
    )  # fmt: skip
