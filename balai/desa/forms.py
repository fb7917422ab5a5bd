"""The module's forms: the report form is built from the report type's fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FieldKind, Kim, MemberRole, PostKind, ReportType


class SubmissionForm(forms.Form):
    """One field per report field; values stay text here (the service reads them: 1.200, 31-12-2026…)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, report_type: ReportType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report_type = report_type
        for field in report_type.fields.all():
            name = f"f_{field.key}"
            common: dict[str, Any] = {"label": field.label, "required": False}
            if field.kind == FieldKind.NUMBER:
                self.fields[name] = forms.CharField(
                    **common,
                    max_length=20,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                )
            elif field.kind == FieldKind.TEXT:
                self.fields[name] = forms.CharField(**common, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
            elif field.kind == FieldKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    **common, choices=[("", "—"), *[(c, c) for c in field.choice_list]]
                )
            elif field.kind == FieldKind.DATE:
                self.fields[name] = forms.CharField(**common, widget=forms.DateInput(attrs={"type": "date"}))
            else:
                self.fields[name] = forms.FileField(
                    **common,
                    help_text=_("PDF, JPEG, PNG or XLSX, at most 10 MB; a paper scan is only an attachment."),
                    widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx"}),
                )
            self.fields[name].widget.attrs.setdefault("aria-describedby", f"id_{name}_helptext")
            # Required to send, not to save a draft: marked with * like a required field.
            self.fields[name].desa_required = field.required  # type: ignore[attr-defined]

    def typed(self) -> dict[str, str]:
        """The text of every non-file field, by the report field's key."""
        return {
            f.key: self.data.get(f"f_{f.key}", "")
            for f in self.report_type.fields.all()
            if f.kind != FieldKind.ATTACHMENT
        }


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note to the kelurahan (required to return)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ToOpdForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("What the OPD must do"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from balai.lapor.selectors import categories_active

        choices = [(c.pk, c.name) for c in categories_active()]
        self.fields["category"].choices = choices  # type: ignore[attr-defined]


class MailboxForm(forms.Form):
    unit = forms.ChoiceField(label=_("Kelurahan, desa or kecamatan"))
    sender_email = forms.EmailField(label=_("Registered sender address"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.slug, u.name) for u in units]  # type: ignore[attr-defined]


class PostForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("Text"), max_length=6000, widget=forms.Textarea(attrs={"rows": 6}))
    event_date = forms.DateField(
        label=_("Date of the event (agenda)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG or PNG; it is resized and its location data removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )  # fmt: skip


class ModerationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason (required to return or refuse)"), required=False, max_length=500)


class RelayForm(ToOpdForm):
    citizen_name = forms.CharField(label=_("Citizen's name (not published)"), max_length=120, required=False)
    citizen_phone = forms.CharField(label=_("Citizen's phone (not published)"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].label = _("The citizen's problem")


class KimForm(forms.ModelForm):
    sk_scan_upload = forms.FileField(label=_("SK scan (PDF)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Kim
        fields = (
            "unit",
            "name",
            "sk_number",
            "sk_date",
            "contact",
            "media_channels",
            "latitude",
            "longitude",
            "trusted",
        )
        widgets: ClassVar[dict[str, Any]] = {"sk_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from balai.core.models import Unit

        self.fields["unit"].queryset = Unit.objects.active().filter(kind__in=["kelurahan", "desa"])  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.ANGGOTA)
    phone = forms.CharField(label=_("Phone (not published)"), max_length=30, required=False)
    username = forms.CharField(
        label=_("Balai account (user name), to post for the KIM"), max_length=150, required=False
    )

    def clean_username(self) -> Any:
        from django.contrib.auth import get_user_model

        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active account with this user name."))
        return user
