"""Citizen reports, their photos and their timeline of events."""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from balai.core.changes import NoticedQuerySet
from balai.core.models import TimestampedModel, Unit, Wilayah


class ReportKind(models.TextChoices):
    PENGADUAN = "pengaduan", _("Complaint")
    ASPIRASI = "aspirasi", _("Suggestion")
    INFORMASI = "informasi", _("Information request")


class Weight(models.TextChoices):
    """Follow-up time tiers, in working days, as SP4N-LAPOR! uses them."""

    RINGAN = "ringan", _("Light (2 working days)")
    NORMATIF = "normatif", _("Normative (5 working days)")
    TIDAK_BERKADAR = "tidak_berkadar", _("Non-supervisory (14 working days)")
    BERKADAR = "berkadar", _("Supervisory (60 working days)")


WEIGHT_WORKING_DAYS = {Weight.RINGAN: 2, Weight.NORMATIF: 5, Weight.TIDAK_BERKADAR: 14, Weight.BERKADAR: 60}
VERIFY_WORKING_DAYS = 3


class Status(models.TextChoices):
    DITERIMA = "diterima", _("Received")
    DIVERIFIKASI = "diverifikasi", _("Verified")
    DIDISPOSISIKAN = "didisposisikan", _("Dispatched")
    DIPROSES = "diproses", _("In progress")
    SELESAI = "selesai", _("Finished")
    DITUNDA = "ditunda", _("Awaiting clarification")
    BUKAN_WEWENANG = "bukan_wewenang", _("Not our authority")
    DIARSIPKAN = "diarsipkan", _("Archived")


# The lifecycle of DESIGN.md; a transition outside it is refused by the services.
TRANSITIONS: dict[str, set[str]] = {
    Status.DITERIMA: {Status.DIVERIFIKASI, Status.DITUNDA, Status.BUKAN_WEWENANG, Status.DIARSIPKAN},
    Status.DITUNDA: {Status.DITERIMA, Status.DIVERIFIKASI, Status.BUKAN_WEWENANG, Status.DIARSIPKAN},
    Status.DIVERIFIKASI: {Status.DIDISPOSISIKAN, Status.DITUNDA, Status.BUKAN_WEWENANG, Status.DIARSIPKAN},
    Status.DIDISPOSISIKAN: {Status.DIPROSES, Status.DIVERIFIKASI},
    Status.DIPROSES: {Status.SELESAI, Status.DIVERIFIKASI},
    Status.SELESAI: {Status.DIPROSES},
    Status.BUKAN_WEWENANG: set(),
    Status.DIARSIPKAN: set(),
}
# Where an OPD can see a report: from the moment it is dispatched to it.
DISPATCHED_STATUSES = [Status.DIDISPOSISIKAN, Status.DIPROSES, Status.SELESAI]
OPEN_STATUSES = [Status.DITERIMA, Status.DITUNDA, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DIPROSES]


class ArchiveReason(models.TextChoices):
    SPAM = "spam", _("Spam or abuse")
    TOO_GENERAL = "terlalu_umum", _("Too general to act on")
    NOT_RELEVANT = "tidak_relevan", _("Not relevant to public services")
    DUPLICATE = "duplikat", _("Duplicate of another report")
    NO_ANSWER = "tanpa_klarifikasi", _("No clarification from the reporter")
    OTHER = "lainnya", _("Other reason")


class FixedAnswer(models.TextChoices):
    YES = "ya", _("Yes, it is fixed")
    NO = "tidak", _("No, it is not fixed")


def new_reporter_token() -> str:
    return secrets.token_urlsafe(24)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    EMAIL = "email", _("email")
    STAFF = "staff", _("staff entry")


class Category(TimestampedModel):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    default_unit = models.ForeignKey(
        Unit,
        verbose_name=_("default OPD"),
        on_delete=models.PROTECT,
        related_name="default_categories",
        limit_choices_to={"kind": "opd"},
    )
    default_weight = models.CharField(
        _("default weight"), max_length=16, choices=Weight.choices, default=Weight.NORMATIF
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = NoticedQuerySet["Category"].as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering: ClassVar = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class QuestionType(models.TextChoices):
    """The datatypes of Open311 GeoReport v2 attributes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One choice from a list")
    MULTI = "multivaluelist", _("Several choices from a list")


class CategoryQuestion(TimestampedModel):
    """An extra question of a category, asked on the web form, in the API and in Open311 service definitions."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable identifier used by apps, e.g. size."))
    label = models.CharField(_("question"), max_length=200)
    description = models.CharField(_("help text"), max_length=255, blank=True)
    datatype = models.CharField(
        _("answer type"), max_length=16, choices=QuestionType.choices, default=QuestionType.STRING
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For list types: [{"key": "besar", "name": "Besar"}, …]'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_public = models.BooleanField(
        _("answer shown publicly"),
        default=False,
        help_text=_(
            "If on, the answer is shown on the report's public page and in the API. Officers always see it. "
            "Leave it off for anything that could identify or endanger a person."
        ),
    )

    objects = NoticedQuerySet["CategoryQuestion"].as_manager()

    class Meta:
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        ordering: ClassVar = ["order", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["category", "code"], name="question_code_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_list(self) -> bool:
        return self.datatype in (QuestionType.SINGLE, QuestionType.MULTI)

    def choice_pairs(self) -> list[tuple[str, str]]:
        return [(str(v.get("key")), str(v.get("name", v.get("key")))) for v in self.values or [] if isinstance(v, dict)]


class ReportQuerySet(models.QuerySet["Report"]):
    def public(self) -> ReportQuerySet:
        """Reports anyone may see: published (`Report.published_at`), never rahasia, never archived.

        The one statement of the rule: public pages, search, Open311, the API's list, open data and the command
        center's public figures (through `Report.is_public`) all read it.
        """
        return self.filter(is_confidential=False, published_at__isnull=False).exclude(status=Status.DIARSIPKAN)

    def in_kecamatan(self, code: str) -> ReportQuerySet:
        return self.filter(kecamatan_id=code)


class Report(TimestampedModel):
    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.PENGADUAN)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=4000)
    # Both empty for a report that came with a map point only, where no imported boundary says which kelurahan
    # it is in: the coordinator sets it when verifying ("kelurahan to be set" in the inbox).
    kecamatan = models.ForeignKey(
        Wilayah,
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        null=True,
        blank=True,
    )
    kelurahan = models.ForeignKey(
        Wilayah,
        verbose_name=_("kelurahan/desa"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
    )
    address = models.CharField(_("address or landmark"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_email = models.EmailField(_("reporter's email"), blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_confidential = models.BooleanField(_("confidential (rahasia)"), default=False)
    consent_at = models.DateTimeField(_("consent to data processing given"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DITERIMA)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    weight = models.CharField(_("weight"), max_length=16, choices=Weight.choices, blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("handling OPD"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    verify_due_at = models.DateTimeField(_("verify by"), null=True, blank=True)
    submission_token = models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)
    # A keyed hash of the sending browser's form cookie (views.FORM_COOKIE): a replay of the form token shows the
    # confirmation only to that browser. Empty for other channels and for reports sent before it existed.
    submission_browser = models.CharField(max_length=64, blank=True, default="", editable=False)
    photo_count = models.PositiveSmallIntegerField(_("photos"), default=0)
    # Of those, the photos a coordinator hid at verification: the public counts `public_photo_count`.
    hidden_photo_count = models.PositiveSmallIntegerField(_("hidden photos"), default=0, editable=False)
    language = models.CharField(_("language"), max_length=8, default="id")
    # What the public sees once a coordinator has cleaned it up; the reporter's own text is kept above.
    public_title = models.CharField(_("public title"), max_length=150, blank=True)
    public_description = models.TextField(_("public summary"), max_length=4000, blank=True)
    # When the report became public: on arrival or at verification, as the Pemda's `publish_reports` says. Empty
    # while it is not (yet) public; the holder of the tracking code can follow it all the same.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Optimistic locking: every staff action names the version it saw.
    version = models.PositiveIntegerField(_("version"), default=1)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    due_at = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("waiting for the reporter since"), null=True, blank=True)
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("supporting OPD"), blank=True, related_name="supported_reports"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    referral = models.CharField(_("where to go instead"), max_length=255, blank=True)
    archive_reason = models.CharField(_("archive reason"), max_length=20, choices=ArchiveReason.choices, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    reporter_token = models.CharField(max_length=40, unique=True, default=new_reporter_token, editable=False)
    email_opt_out = models.BooleanField(_("no more emails"), default=False)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    fixed_answer = models.CharField(_("is it fixed?"), max_length=8, choices=FixedAnswer.choices, blank=True)
    questionnaire_sent_at = models.DateTimeField(_("questionnaire sent"), null=True, blank=True)
    answers = models.JSONField(_("answers to the category's questions"), default=dict, blank=True)
    media_url = models.URLField(_("media link sent by an app"), max_length=500, blank=True)
    api_client = models.ForeignKey(
        "api.ApiClient",
        verbose_name=_("API client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["is_confidential", "-created_at"], name="report_public_recent"),
            models.Index(fields=["status", "-created_at"], name="report_status_recent"),
            models.Index(fields=["kecamatan", "-created_at"], name="report_kecamatan_recent"),
            models.Index(fields=["category", "-created_at"], name="report_category_recent"),
            models.Index(fields=["status", "verify_due_at"], name="report_verify_due"),
            models.Index(fields=["lead_unit", "status", "due_at"], name="report_unit_due"),
            models.Index(fields=["status", "due_at"], name="report_status_due"),
            # By category and status (the command center), and in time.
            models.Index(fields=["category", "status", "created_at"], name="report_category_status_time"),
            # By kecamatan and status, newest first (the public list, the map); is_confidential and published_at
            # last, so that the public list's page ids and capped count read the index alone (the rows cost 2-3 ms
            # a page at a million on SQLite; PostgreSQL scanned the table for 1,001 finished reports of a
            # kecamatan).
            models.Index(
                fields=["kecamatan", "status", "-created_at", "is_confidential", "published_at"],
                name="report_kecamatan_status_public",
            ),
            # The inboxes' order, open reports only: the deadline that matters now, then arrival; overall, by
            # kecamatan and by lead OPD. On SQLite queries name the statuses as literals
            # (selectors.OPEN_STATUS_SQL): it matches a partial index only against the same terms.
            models.Index(
                Coalesce("due_at", "verify_due_at"),
                "created_at",
                name="report_open_deadline",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                "kecamatan",
                Coalesce("due_at", "verify_due_at"),
                "created_at",
                name="report_kecamatan_open_deadline",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                "lead_unit",
                Coalesce("due_at", "verify_due_at"),
                "created_at",
                name="report_unit_open_deadline",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # Duplicate candidates by place (selectors.duplicate_candidates): open reports of a kelurahan, and
            # open reports with a point in a latitude band, whose longitude and time are checked in the index.
            models.Index(
                fields=["kelurahan", "category", "created_at"],
                name="report_open_kelurahan",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["category", "latitude", "longitude", "created_at"],
                name="report_open_point",
                condition=models.Q(status__in=OPEN_STATUSES, latitude__isnull=False),
            ),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="report_point_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="report_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def public_id(self) -> str:
        return self.code

    @property
    def display_title(self) -> str:
        return self.public_title or self.title

    @property
    def display_description(self) -> str:
        return self.public_description or self.description

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def public_photo_count(self) -> int:
        """The photos anybody may see once the report is public: all but those hidden at verification."""
        return max(self.photo_count - self.hidden_photo_count, 0)

    @property
    def is_public(self) -> bool:
        """`ReportQuerySet.public()` for one report in hand."""
        return self.is_published and not self.is_confidential and self.status != Status.DIARSIPKAN

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_point(self) -> bool:
        return self.latitude is not None


class ReportPhoto(TimestampedModel):
    """A photo, already re-encoded as JPEG and stripped of metadata; served only through a permission check."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="laporan/%Y/%m/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    # Hidden by the coordinator at verification (a face, a number plate): kept for staff, never shown publicly.
    is_hidden = models.BooleanField(_("hidden from the public"), default=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.report.code} #{self.position + 1}"


class PendingPhoto(TimestampedModel):
    """A valid photo kept while the rest of its form is being corrected, so it need not be sent again."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form_token = models.UUIDField(db_index=True)
    file = models.FileField(upload_to="pending/%Y/%m/", max_length=200)
    # Who sent it, for the cap per address (services.submission.PENDING_PER_ADDRESS); gone with the row.
    client_address = models.GenericIPAddressField(null=True, blank=True)
    original_name = models.CharField(max_length=120)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SubmissionCount(TimestampedModel):
    """Reports one sender made in one rate-limit window (balai.lapor.ratelimit); removed when the window is over."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class EventKind(models.TextChoices):
    STATUS = "status", _("status change")
    RESPONSE = "response", _("public response")
    NOTE = "note", _("internal note")
    REPORTER = "reporter", _("message from the reporter")
    ESCALATION = "escalation", _("escalation")
    RATING = "rating", _("rating")


class ReportEvent(models.Model):
    """One entry of a report's timeline; written only by services, never changed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    # A sentence Balai writes by itself is a code and its parameters (balai/lapor/timeline.py), worded when shown;
    # `note` holds only people's own words (or the text of an old event whose sentence was not recognised).
    code = models.CharField(_("code"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["report", "created_at"])]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.to_status}"

    @property
    def text(self) -> str:
        """The generated sentence in the reader's (active) language, then the person's own words."""
        from .timeline import event_text

        return event_text(self.code, self.params, self.note)


class ReportAttachment(TimestampedModel):
    """A photo or document of the work, added by staff; public or internal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="lampiran/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(_("public"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class NotificationLog(models.Model):
    """Each notification that must go out once (escalations, questionnaires, digests) is recorded here first."""

    created_at = models.DateTimeField(auto_now_add=True)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=80, help_text="What makes it unique, e.g. the due date it warns about.")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["kind", "key"], name="notification_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
