"""The public report form: every error next to its field, in the reader's language, nothing typed is lost."""

from __future__ import annotations

import html
import uuid
from typing import Any, cast

import phonenumbers
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from balai.core.models import Pemda, Wilayah
from balai.core.selectors import kelurahan_at
from balai.lib.text import clean_text

from . import cache
from .images import PhotoError, ProcessedPhoto, process_photo
from .models import Category, CategoryQuestion, PendingPhoto, QuestionType, ReportKind
from .questions import validate_answers
from .services import ReportInput


class CleanTextField(forms.CharField):
    """Free text cleaned by balai.lib.text before its length is checked, as every channel cleans it."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return clean_text(text, multiline=self.multiline) if text else ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item]


def normalize_phone(raw: str) -> str:
    """An Indonesian or international number as E.164, or a ValidationError in plain words."""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as exc:
        raise forms.ValidationError(_("This does not look like a phone number; write it like 0812 3456 7890.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(_("This phone number is not valid; write it like 0812 3456 7890."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class InlineOptionsSelect(forms.Select):
    """A select written out in Python. Django's renders a template per option (and one more for its
    attributes), which made most of the report form's rendering time with its 69 kelurahan; this gives the
    same HTML (`aria-*`, `required`, optgroups, the selected option) about thirty times faster."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        parts: list[str] = [format_html('<select name="{}"{}>', name, _attributes(self.build_attrs(self.attrs, attrs)))]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(_option(v, text, chosen) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(_option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every part above is escaped


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Like django/forms/widgets/attrs.html: True writes the bare name, False and None nothing."""
    return mark_safe(  # noqa: S308 - each part is escaped by format_html
        "".join(
            format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value)
            for key, value in attrs.items()
            if value is not False and value is not None
        )
    )


def _option(value: Any, label: Any, chosen: set[str]) -> str:
    # html.escape is what django.utils.html.escape calls, without its lazy-string wrapper (most of the time).
    key = "" if value is None else str(value)
    selected = " selected" if key in chosen else ""
    return f'<option value="{html.escape(key)}"{selected}>{html.escape(str(label))}</option>'


class CategoryChoiceField(forms.ModelChoiceField):
    """The active categories from this process's copy (`cache.categories`): no query to show or to check them."""

    widget = InlineOptionsSelect

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Category.objects.none(), **kwargs)

    def refresh(self) -> None:
        self.choices = [("", self.empty_label or ""), *((c.pk, c.name) for c in cache.categories().active)]

    def to_python(self, value: Any) -> Category | None:
        if value in self.empty_values:
            return None
        try:
            pk = int(value)
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from exc
        found = cache.categories().by_pk.get(pk)
        if found is not None:
            return found
        # Not offered: say why in plain words (one read, only on this rare path).
        retired = Category.objects.filter(pk=pk, is_active=False).values_list("name", flat=True).first()
        if retired is not None:
            message = _("The category “%(name)s” is no longer in use. Choose the one closest to your report.")
            raise forms.ValidationError(message, code="invalid_choice", params={"name": retired})
        raise forms.ValidationError(
            _("That category is not on the list (any more). Choose the one closest to your report."),
            code="invalid_choice",
        )


class BalaiForm(forms.Form):
    """Labels without Django's trailing colon: ours are questions or stand above their field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReportForm(BalaiForm):
    """The citizen's report, from the public web form."""

    kind = forms.ChoiceField(
        label=_("What kind of report is it?"),
        choices=ReportKind.choices,
        initial=ReportKind.PENGADUAN,
        widget=forms.RadioSelect,
    )
    category = CategoryChoiceField(
        label=_("Category"),
        empty_label=_("— choose a category —"),
        error_messages={"required": _("Choose the category closest to your report.")},
    )
    title = CleanTextField(
        label=_("Title"),
        min_length=8,
        max_length=150,
        help_text=_("In a few words, for example: Jalan berlubang di depan SD Negeri 3"),
        error_messages={"required": _("Write a short title for your report.")},
    )
    description = CleanTextField(
        multiline=True,
        label=_("What happened?"),
        min_length=20,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What, where exactly, since when. At least 20 characters."),
        error_messages={"required": _("Describe the problem so the officers can act on it.")},
    )
    # Not required by itself: a point on the map is a location too (its kelurahan comes from the Pemda's
    # imported boundaries, or the coordinator sets it when verifying); clean() asks for one of the two.
    kelurahan = forms.ChoiceField(label=_("Kelurahan / desa"), widget=InlineOptionsSelect, required=False)
    address = CleanTextField(
        label=_("Address or landmark"),
        required=False,
        max_length=255,
        help_text=_("Optional: street, house number, or a landmark nearby."),
    )
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    photos = PhotosField(
        label=_("Choose photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    keep_photos = forms.MultipleChoiceField(
        label=_("Photos already received"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reporter_name = CleanTextField(label=_("Your name"), required=False, max_length=100)
    reporter_email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("We send the tracking link and every answer here."),
    )
    reporter_phone = forms.CharField(label=_("Phone / WhatsApp"), required=False, max_length=20)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: hide my identity"),
        required=False,
        help_text=_("The public and the OPD handling your report will not see your name or contact details."),
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential (rahasia): hide the whole report from the public"),
        required=False,
        help_text=_("Only the officers handling it and you, with your tracking code, can see it."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my personal data is processed to handle this report."),
        error_messages={"required": _("We can only handle your report with your consent to process its data.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)  # honeypot
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, pemda: Pemda, pending: list[PendingPhoto] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pemda = pemda
        self.pending = pending or []
        self.processed_photos: list[tuple[str, ProcessedPhoto]] = []
        cast(CategoryChoiceField, self.fields["category"]).refresh()
        self.fields["photos"].help_text = _("Optional, up to %(count)d photos of at most %(mb)d MB each.") % {
            "count": settings.PHOTO_MAX_COUNT,
            "mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
        }
        self.places = cache.places(pemda.wilayah_id)
        self.kelurahan_groups = self.places.kelurahan_groups
        self._add_question_fields()
        self.fields["kelurahan"].error_messages["invalid_choice"] = _(
            "Choose a kelurahan or desa of %(pemda)s from the list."
        ) % {"pemda": pemda.short_name}
        cast(forms.ChoiceField, self.fields["kelurahan"]).choices = [
            ("", _("— choose a kelurahan or desa —")),
            *self.kelurahan_groups,
        ]
        cast(forms.ChoiceField, self.fields["keep_photos"]).choices = [
            (str(p.public_id), p.original_name) for p in self.pending
        ]
        for name in ("title", "reporter_name", "address"):
            self.fields[name].widget.attrs["autocomplete"] = "off" if name != "reporter_name" else "name"
        self.fields["reporter_email"].widget.attrs["autocomplete"] = "email"
        self.fields["reporter_phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def _add_question_fields(self) -> None:
        """Every category's extra questions; only the chosen category's are validated (JS shows only those)."""
        self.question_groups: list[tuple[Category, list[tuple[CategoryQuestion, str]]]] = []
        for category, questions in cache.categories().questions:
            names = []
            for question in questions:
                name = f"q__{category.slug}__{question.code}"
                self.fields[name] = _question_field(question)
                names.append((question, name))
            self.question_groups.append((category, names))

    def clean_kelurahan(self) -> Wilayah | None:
        if not self.cleaned_data["kelurahan"]:
            return None
        wilayah = self.places.kelurahan.get(self.cleaned_data["kelurahan"])
        if wilayah is None:
            raise forms.ValidationError(
                _("Choose a kelurahan or desa of %(pemda)s.") % {"pemda": self.pemda.short_name}
            )
        return wilayah

    def clean_reporter_phone(self) -> str:
        raw = self.cleaned_data["reporter_phone"].strip()
        return normalize_phone(raw) if raw else ""

    def clean_photos(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["photos"]
        kept = len(self.data.getlist("keep_photos")) if hasattr(self.data, "getlist") else 0
        if len(files) + kept > settings.PHOTO_MAX_COUNT:
            raise forms.ValidationError(
                _("You can attach at most %(max)d photos; you chose %(count)d.")
                % {"max": settings.PHOTO_MAX_COUNT, "count": len(files) + kept}
            )
        errors = []
        for index, upload in enumerate(files, start=1):
            try:
                processed = process_photo(
                    upload, size=upload.size or 0, max_bytes=settings.PHOTO_MAX_BYTES, max_side=settings.PHOTO_MAX_SIDE
                )
            except PhotoError as exc:
                errors.append(
                    forms.ValidationError(
                        _("Photo %(n)d (%(name)s): %(reason)s") % {"n": index, "name": upload.name, "reason": exc}
                    )
                )
            else:
                self.processed_photos.append((upload.name or f"foto-{index}.jpg", processed))
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("Your report could not be accepted. Please try again."), code="honeypot")
        anonymous = data.get("is_anonymous", False)
        if not anonymous and not data.get("reporter_name", "").strip():
            self.add_error("reporter_name", _("Write your name, or choose to be anonymous."))
        has_contact = bool(data.get("reporter_email") or data.get("reporter_phone"))
        if not has_contact and "reporter_email" not in self.errors and "reporter_phone" not in self.errors:
            if not anonymous:
                self.add_error(
                    "reporter_email", _("Give an email or a phone number so we can tell you about progress.")
                )
            elif not self.pemda.allow_anonymous_without_contact:
                self.add_error(
                    "reporter_email",
                    _("Even anonymous reports need an email or a phone number here; it is never shown."),
                )
        self.answers: dict[str, Any] = {}
        category = data.get("category")
        for group_category, names in self.question_groups:
            if category is None or group_category.pk != category.pk:
                continue
            posted: Any = self.data
            raw = {q.code: posted.getlist(name) if q.is_list and q.datatype == "multivaluelist" else posted.get(name)
                   for q, name in names}  # fmt: skip
            self.answers, errors = validate_answers(category, raw)
            for question, name in names:
                if question.code in errors:
                    self.add_error(name, errors[question.code])
        lat, lng = data.get("latitude"), data.get("longitude")
        if self.errors.pop("latitude", None) or self.errors.pop("longitude", None):
            # Hidden fields: their own errors would show in the summary without a label. Forget the point.
            self.errors.pop("longitude", None)
            sent: Any = self.data
            self.data = sent.copy()
            sent = self.data
            sent["latitude"] = sent["longitude"] = ""
            self.add_error("address", _("The point on the map could not be read; please mark it again."))
        elif (lat is None) != (lng is None):
            self.add_error("address", _("The map point was incomplete; please mark it again."))
        elif lat is not None and not self.pemda.contains_point(lat, lng):
            self.add_error(
                "address",
                _("The point on the map is outside %(pemda)s; please mark it again.")
                % {"pemda": self.pemda.short_name},
            )
        if data.get("kelurahan") is None and "kelurahan" not in self.errors:
            if lat is not None and lng is not None and "address" not in self.errors:
                data["kelurahan"] = kelurahan_at(self.pemda, lat, lng)  # None: the coordinator sets it
            elif lat is None:
                self.add_error("kelurahan", _("Choose the kelurahan or desa where it is, or mark it on the map."))
        return data

    def kept_pending(self) -> list[PendingPhoto]:
        chosen = set(self.cleaned_data.get("keep_photos") or [])
        return [p for p in self.pending if str(p.public_id) in chosen]

    def to_input(self, language: str) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            kind=data["kind"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            kelurahan=data["kelurahan"],
            address=data["address"].strip(),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            reporter_name=data["reporter_name"].strip(),
            reporter_email=data["reporter_email"].strip().lower(),
            reporter_phone=data["reporter_phone"],
            is_anonymous=data["is_anonymous"],
            is_confidential=data["is_confidential"],
            consent=data["consent"],
            language=language,
            answers=getattr(self, "answers", {}),
        )

    def token(self) -> uuid.UUID:
        value = self.cleaned_data.get("form_token") if hasattr(self, "cleaned_data") else None
        return value or uuid.uuid4()


def _question_field(question: CategoryQuestion) -> forms.Field:
    common: dict[str, Any] = {"label": question.label, "required": False, "help_text": question.description}
    if question.datatype == QuestionType.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *question.choice_pairs()], **common)
    if question.datatype == QuestionType.MULTI:
        return forms.MultipleChoiceField(choices=question.choice_pairs(), widget=forms.CheckboxSelectMultiple, **common)
    if question.datatype == QuestionType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)
    if question.datatype == QuestionType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=30, **common)
    if question.datatype == QuestionType.DATETIME:
        return forms.CharField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), max_length=40, **common)
    return forms.CharField(max_length=255, **common)


def kelurahan_choices(pemda: Pemda) -> list[tuple[str, list[tuple[str, str]]]]:
    """Kelurahan grouped by kecamatan: one select that works without JavaScript."""
    return cache.places(pemda.wilayah_id).kelurahan_groups


class TrackForm(BalaiForm):
    kode = forms.CharField(
        label=_("Tracking code"),
        max_length=30,
        help_text=_("For example BTG-7K3Q-9XFA; capitals and dashes do not matter."),
        error_messages={"required": _("Enter the tracking code you received.")},
    )


class PublicFilterForm(BalaiForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=InlineOptionsSelect)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=InlineOptionsSelect)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False, widget=InlineOptionsSelect)

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        from .models import Status

        super().__init__(*args, **kwargs)
        public_statuses = [(v, lbl) for v, lbl in Status.choices if v != Status.DIARSIPKAN]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All statuses")), *public_statuses]
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("All categories"))] + [
            (c.slug, c.name) for c in cache.categories().active
        ]
        cast(forms.ChoiceField, self.fields["kecamatan"]).choices = [
            ("", _("All kecamatan")),
            *cache.places(pemda.wilayah_id).kecamatan,
        ]
