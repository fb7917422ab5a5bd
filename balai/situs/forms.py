"""The editors' forms. They only check and carry what was typed; the services decide and save."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TRANSLATED_FIELDS, Kind, Page, Site

# Which fields each kind of page shows, beyond title, summary and text.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.NEWS: ("photo", "photo_alt"),
    Kind.ANNOUNCEMENT: (),
    Kind.AGENDA: ("event_on", "location"),
    Kind.SERVICE: ("requirements", "procedure", "duration", "cost", "product", "complaint_channel"),
    Kind.DOCUMENT: ("document",),
    Kind.GALLERY: ("photo", "photo_alt"),
    Kind.PAGE: (),
}
TEXTAREA = forms.Textarea(attrs={"rows": 4})


class PageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Give the page a title.")})
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, help_text=_("One or two sentences shown in lists.")
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )
    event_on = forms.DateField(
        label=_("Date of the event"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    requirements = forms.CharField(label=_("Requirements"), required=False, widget=TEXTAREA)
    procedure = forms.CharField(label=_("Procedure"), required=False, widget=TEXTAREA)
    duration = forms.CharField(
        label=_("Time to complete"), max_length=120, required=False, help_text=_("For example: 3 working days")
    )
    cost = forms.CharField(label=_("Cost"), max_length=120, required=False, help_text=_("For example: free (gratis)"))
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    complaint_channel = forms.CharField(label=_("Complaints"), required=False, widget=TEXTAREA)
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG or PNG; it is resized and its hidden data removed.")
    )
    photo_alt = forms.CharField(
        label=_("What the photo shows"), max_length=200, required=False, help_text=_("For readers who cannot see it.")
    )
    document = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, Word, Excel or PowerPoint, at most 20 MB.")
    )

    # The optional English version (the edit page shows it folded, under its own heading)
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if there is no English version: English visitors then see the Indonesian text."),
    )
    summary_en = forms.CharField(label=_("Summary in English"), max_length=300, required=False)
    body_en = forms.CharField(label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    requirements_en = forms.CharField(label=_("Requirements in English"), required=False, widget=TEXTAREA)
    procedure_en = forms.CharField(label=_("Procedure in English"), required=False, widget=TEXTAREA)
    duration_en = forms.CharField(label=_("Time to complete in English"), max_length=120, required=False)
    cost_en = forms.CharField(label=_("Cost in English"), max_length=120, required=False)
    product_en = forms.CharField(label=_("Product in English"), max_length=200, required=False)
    complaint_channel_en = forms.CharField(label=_("Complaints in English"), required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        own = {"title", "summary", "body", *KIND_FIELDS.get(kind, ())}
        shown = {"version", *own, *(f"{name}_en" for name in TRANSLATED_FIELDS if name in own)}
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
            elif name.endswith("_en"):
                self.fields[name].widget.attrs["lang"] = "en"  # typed in English: spell-checked and read as such

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        english = [f"{name}_en" for name in TRANSLATED_FIELDS if name != "title"]
        if not data.get("title_en") and any(data.get(name) for name in english):
            # Without an English title the English text would never be shown: say so, keep what was typed.
            self.add_error("title_en", _("Give the English version a title too, or it is not shown."))
        return data

    def indonesian_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if not f.name.endswith("_en")]

    def english_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name.endswith("_en")]

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"version", "photo", "document"}}

    @staticmethod
    def initial_for(page: Page) -> dict[str, Any]:
        names = ("title", "summary", "body", "event_on", "location", "requirements", "procedure", "duration", "cost",
                 "product", "complaint_channel", "photo_alt", *(f"{n}_en" for n in TRANSLATED_FIELDS))  # fmt: skip
        return {"version": page.version, **{n: getattr(page, n) for n in names}}


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(widget=forms.HiddenInput)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to publish now."),
    )
    unpublish_at = forms.DateTimeField(
        label=_("Take offline at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional: for an announcement that expires."),
    )


class ProfileForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    profile_reviewed = forms.BooleanField(label=_("I checked the profile: it is current"), required=False)
    services_reviewed = forms.BooleanField(
        label=_("I checked the list of public services: it is current"), required=False
    )

    class Meta:
        model = Site
        fields = ("tagline", "tugas_fungsi", "visi_misi", "struktur", "address", "phone", "email", "opening_hours",
                  "latitude", "longitude")  # fmt: skip
        widgets: ClassVar[dict[str, Any]] = {
            "tugas_fungsi": TEXTAREA,
            "visi_misi": TEXTAREA,
            "struktur": TEXTAREA,
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
        }


class OfficialForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    order = forms.IntegerField(
        label=_("Place in the list"), min_value=1, max_value=999, initial=1, help_text=_("1 is shown first.")
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP. Its location and camera data are removed before it is saved."),
    )


class SettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    review_required = forms.BooleanField(
        label=_("Publishing needs review by the unit head or a publisher"), required=False
    )
    host = forms.CharField(
        label=_("Own address (go.id)"),
        max_length=120,
        required=False,
        help_text=_("For example dinkes.bitungkota.go.id, once the Pemda's DNS points it to this server."),
    )

    def clean_host(self) -> str:
        host = str(self.cleaned_data.get("host", "")).strip().lower()
        if host and ("/" in host or " " in host or "." not in host):
            raise forms.ValidationError(_("Write only the host name, for example dinkes.bitungkota.go.id."))
        return host
