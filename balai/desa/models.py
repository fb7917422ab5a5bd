"""Periodic reports of kelurahan/desa to the mayor, and the KIM (village information groups)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel, Unit


class Period(models.TextChoices):
    MONTHLY = "bulanan", _("monthly")
    QUARTERLY = "triwulan", _("quarterly")
    YEARLY = "tahunan", _("yearly")
    INCIDENT = "kejadian", _("per incident")


class FieldKind(models.TextChoices):
    NUMBER = "angka", _("number")
    TEXT = "teks", _("text")
    CHOICE = "pilihan", _("choice")
    DATE = "tanggal", _("date")
    ATTACHMENT = "lampiran", _("attachment")


class ReportType(TimestampedModel):
    """A report the Pemda asks of its kelurahan, desa or kecamatan (the monthly kelurahan report, say)."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("short code"), max_length=40, unique=True, help_text=_("Named in email subjects."))
    description = models.TextField(_("description"), blank=True)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.MONTHLY)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days after the period ends)"), default=5)
    for_kelurahan = models.BooleanField(_("every kelurahan sends it"), default=True)
    for_desa = models.BooleanField(_("every desa sends it"), default=True)
    for_kecamatan = models.BooleanField(_("every kecamatan sends it"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report type")
        verbose_name_plural = _("report types")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_kinds(self) -> list[str]:
        return [
            kind
            for kind, wanted in (
                ("kelurahan", self.for_kelurahan),
                ("desa", self.for_desa),
                ("kecamatan", self.for_kecamatan),
            )
            if wanted
        ]


class ReportField(models.Model):
    report_type = models.ForeignKey(ReportType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=40, help_text=_("Written before the colon in an email: 'key: value'."))
    label = models.CharField(_("label"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=FieldKind.choices, default=FieldKind.NUMBER)
    choices = models.CharField(_("choices"), max_length=500, blank=True, help_text=_("For a choice: separated by |."))
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("report field")
        verbose_name_plural = _("report fields")
        ordering: ClassVar = ["order", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["report_type", "key"], name="desa_field_key_once")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.split("|") if c.strip()]


class SubmissionStatus(models.TextChoices):
    DRAFT = "draf", _("draft")
    SENT = "terkirim", _("sent")
    ACCEPTED = "diterima", _("accepted")
    RETURNED = "dikembalikan", _("returned")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    EMAIL = "email", _("email")


class Submission(TimestampedModel):
    """One unit's report of one type for one period."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report_type = models.ForeignKey(ReportType, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="desa_submissions")
    period_key = models.CharField(_("period"), max_length=20)
    status = models.CharField(
        _("status"), max_length=14, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    values = models.JSONField(_("values"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    first_sent_at = models.DateTimeField(_("first sent"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read by the mayor's office"), null=True, blank=True)
    follow_up_open = models.BooleanField(_("follow-up asked"), default=False)
    return_note = models.TextField(_("return note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("village report")
        verbose_name_plural = _("village reports")
        ordering: ClassVar = ["-period_key", "unit__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report_type", "unit", "period_key"], name="desa_one_report_per_period")
        ]
        indexes: ClassVar = [models.Index(fields=["report_type", "period_key"], name="desa_sub_type_period")]

    def __str__(self) -> str:
        return f"{self.report_type} {self.period_key} {self.unit}"

    @property
    def is_late(self) -> bool:
        return bool(self.first_sent_at and self.due_at and self.first_sent_at > self.due_at)


def attachment_path(instance: SubmissionAttachment, filename: str) -> str:
    return f"desa/lampiran/{instance.submission.public_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :][:8]}"


class SubmissionAttachment(TimestampedModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.CharField(_("field"), max_length=40, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=80)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class NoteKind(models.TextChoices):
    RETURN = "kembali", _("returned with a note")
    ACCEPT = "terima", _("accepted")
    COMMENT = "komentar", _("comment")
    FOLLOW_UP = "tindak_lanjut", _("follow-up asked")
    TO_OPD = "ke_opd", _("sent to an OPD as a report")


class SubmissionNote(TimestampedModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=NoteKind.choices)
    text = models.TextField(_("text"), max_length=4000)
    lapor_code = models.CharField(_("report code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class UnitMailbox(TimestampedModel):
    """The address a kelurahan/desa/kecamatan sends its reports from (registered by the mayor's office)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="desa_mailbox")
    sender_email = models.EmailField(_("registered sender address"))

    class Meta:
        verbose_name = _("unit mailbox")
        verbose_name_plural = _("unit mailboxes")

    def __str__(self) -> str:
        return f"{self.unit}: {self.sender_email}"


def sk_path(instance: Kim, filename: str) -> str:
    return f"desa/kim-sk/{uuid.uuid4().hex}.pdf"


class Kim(TimestampedModel):
    """A Kelompok Informasi Masyarakat of one kelurahan or desa."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="kims", verbose_name=_("kelurahan/desa"))
    name = models.CharField(_("name"), max_length=160)
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    sk_scan = models.FileField(_("SK scan (PDF)"), upload_to=sk_path, blank=True, max_length=200)
    contact = models.CharField(_("public contact"), max_length=200, blank=True)
    media_channels = models.CharField(_("media channels"), max_length=500, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    trusted = models.BooleanField(_("trusted: posts publish directly"), default=False)
    last_activity_at = models.DateTimeField(_("last post or report"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("KIM")
        verbose_name_plural = _("KIM")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    KETUA = "ketua", _("chair (ketua)")
    SEKRETARIS = "sekretaris", _("secretary (sekretaris)")
    BENDAHARA = "bendahara", _("treasurer (bendahara)")
    ANGGOTA = "anggota", _("member (anggota)")


class KimMember(TimestampedModel):
    kim = models.ForeignKey(Kim, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=160)
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.ANGGOTA)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="kim_memberships"
    )

    class Meta:
        verbose_name = _("KIM member")
        verbose_name_plural = _("KIM members")
        ordering: ClassVar = ["kim", "role", "name"]

    def __str__(self) -> str:
        return self.name


class PostKind(models.TextChoices):
    NEWS = "berita", _("news")
    ANNOUNCEMENT = "pengumuman", _("announcement")
    AGENDA = "agenda", _("agenda")


class PostStatus(models.TextChoices):
    SUBMITTED = "diajukan", _("waiting for moderation")
    PUBLISHED = "terbit", _("published")
    RETURNED = "dikembalikan", _("returned for changes")
    REFUSED = "ditolak", _("refused")


def post_photo_path(instance: KimPost, filename: str) -> str:
    return f"desa/kim-foto/{uuid.uuid4().hex}.jpg"


class KimPost(TimestampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kim = models.ForeignKey(Kim, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices, default=PostKind.NEWS)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), max_length=6000)
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=post_photo_path, blank=True, max_length=200)
    status = models.CharField(_("status"), max_length=14, choices=PostStatus.choices, default=PostStatus.SUBMITTED)
    moderation_note = models.CharField(_("moderator's reason"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("KIM post")
        verbose_name_plural = _("KIM posts")
        ordering: ClassVar = ["-published_at", "-created_at"]
        indexes: ClassVar = [models.Index(fields=["status", "-published_at"], name="desa_post_public")]

    def __str__(self) -> str:
        return self.title


class KimRelay(TimestampedModel):
    """A citizen's problem a KIM passed on as a report in the reporting module."""

    kim = models.ForeignKey(Kim, on_delete=models.CASCADE, related_name="relays")
    lapor_code = models.CharField(_("report code"), max_length=20)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("relayed problem")
        verbose_name_plural = _("relayed problems")

    def __str__(self) -> str:
        return self.lapor_code


class MailOutcome(models.TextChoices):
    HELD = "ditahan", _("held for a person")
    TAKEN = "diterima", _("taken in")
    ANSWERED = "dijawab", _("answered: something missing")
    DISCARDED = "dibuang", _("discarded by staff")


def incoming_path(instance: IncomingMail, filename: str) -> str:
    return f"desa/email/{uuid.uuid4().hex}.eml"


class IncomingMail(TimestampedModel):
    """Every email to the village-report address, once: taken in, answered with what is missing, or held for a
    person (unknown sender, no reply key, no readable report) — never accepted silently."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message_id = models.CharField(max_length=300, unique=True)
    sender = models.CharField(_("sender"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=MailOutcome.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raw = models.FileField(upload_to=incoming_path, max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("incoming report email")
        verbose_name_plural = _("incoming report emails")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class Reminder(models.Model):
    """A reminder or late flag sent once per unit × report type × period."""

    report_type = models.ForeignKey(ReportType, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period_key = models.CharField(max_length=20)
    kind = models.CharField(max_length=10)  # "before" | "late"
    sent_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report_type", "unit", "period_key", "kind"], name="desa_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_key} {self.unit_id}"
