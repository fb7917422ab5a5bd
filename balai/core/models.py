"""The Pemda profile, its units, official wilayah, memberships, calendar days and the audit trail."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .changes import NoticedQuerySet


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class WilayahLevel(models.IntegerChoices):
    PROVINSI = 1, _("province")
    KABUPATEN_KOTA = 2, _("regency or city")
    KECAMATAN = 3, _("district (kecamatan)")
    DESA_KELURAHAN = 4, _("village (kelurahan or desa)")


class WilayahQuerySet(NoticedQuerySet["Wilayah"]):
    def kecamatan_of(self, kabkota_code: str) -> WilayahQuerySet:
        return self.filter(level=WilayahLevel.KECAMATAN, code__startswith=f"{kabkota_code}.")

    def kelurahan_of(self, kabkota_code: str) -> WilayahQuerySet:
        return self.filter(level=WilayahLevel.DESA_KELURAHAN, code__startswith=f"{kabkota_code}.")


wilayah_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", _("Enter a Kemendagri code such as 71.72.01.1001.")
)


class Wilayah(models.Model):
    """An administrative area keyed by its official Kemendagri code; imported, never typed by hand."""

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True, validators=[wilayah_code_validator])
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=WilayahLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WilayahQuerySet.as_manager()
    # As many rows as Indonesia has wilayah, however much Balai is used (balai.core.migration_ops).
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering: ClassVar = ["code"]
        indexes: ClassVar = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_kelurahan(self) -> bool:
        """Kemendagri numbers kelurahan from 1001 and desa from 2001."""
        return self.level == WilayahLevel.DESA_KELURAHAN and self.code.rsplit(".", 1)[-1].startswith("1")

    @property
    def display_name(self) -> str:
        if self.level == WilayahLevel.KECAMATAN:
            return f"Kec. {self.name}"
        if self.level == WilayahLevel.DESA_KELURAHAN:
            return f"{'Kel.' if self.is_kelurahan else 'Desa'} {self.name}"
        return self.name


class WilayahBoundary(models.Model):
    """The outline of a kelurahan/desa, imported from a GeoJSON file (`balai wilayah boundaries FILE`): with
    them a map point finds its kelurahan."""

    wilayah = models.OneToOneField(
        Wilayah,
        verbose_name=_("wilayah"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="boundary",
        limit_choices_to={"level": WilayahLevel.DESA_KELURAHAN},
    )
    geometry = models.JSONField(_("outline (GeoJSON Polygon or MultiPolygon, WGS84)"))
    source = models.CharField(_("source file"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # One row per kelurahan/desa of the Pemda at most (balai.core.migration_ops).
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("kelurahan boundary")
        verbose_name_plural = _("kelurahan boundaries")

    def __str__(self) -> str:
        return str(self.wilayah_id)


class PemdaKind(models.TextChoices):
    KOTA = "kota", _("city (kota)")
    KABUPATEN = "kabupaten", _("regency (kabupaten)")


TIME_ZONES = [
    ("Asia/Jakarta", _("WIB (Asia/Jakarta)")),
    ("Asia/Makassar", _("WITA (Asia/Makassar)")),
    ("Asia/Jayapura", _("WIT (Asia/Jayapura)")),
]


class PublishReports(models.TextChoices):
    """When a citizen's report becomes public (pages, search, Open311, the API's list, statistics, open data)."""

    AFTER_VERIFICATION = "after_verification", _("after a coordinator verifies it (recommended)")
    ON_ARRIVAL = "on_arrival", _("as soon as it is sent")


class Pemda(TimestampedModel):
    """The one local government this installation serves."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    name = models.CharField(_("name"), max_length=120, help_text=_("For example: Pemerintah Kota Bitung"))
    short_name = models.CharField(_("short name"), max_length=60, help_text=_("For example: Kota Bitung"))
    kind = models.CharField(_("kind"), max_length=12, choices=PemdaKind.choices)
    wilayah = models.ForeignKey(
        Wilayah,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": WilayahLevel.KABUPATEN_KOTA},
    )
    code_prefix = models.CharField(
        _("tracking code prefix"),
        max_length=4,
        validators=[RegexValidator(r"^[A-Z]{2,4}$", _("Two to four capital letters."))],
        help_text=_("Starts every tracking code, for example BTG."),
    )
    logo = models.ImageField(_("logo"), upload_to="pemda/", blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TIME_ZONES, default="Asia/Jakarta")
    allow_anonymous_without_contact = models.BooleanField(
        _("allow reports without any contact"),
        default=True,
        help_text=_("If off, an anonymous reporter must still leave an email or phone number for follow-up."),
    )
    # Map centre and bounds: reports with a map point must fall inside.
    min_latitude = models.DecimalField(_("southern boundary (minimum latitude)"), max_digits=9, decimal_places=6)
    max_latitude = models.DecimalField(_("northern boundary (maximum latitude)"), max_digits=9, decimal_places=6)
    min_longitude = models.DecimalField(_("western boundary (minimum longitude)"), max_digits=9, decimal_places=6)
    max_longitude = models.DecimalField(_("eastern boundary (maximum longitude)"), max_digits=9, decimal_places=6)
    is_demo = models.BooleanField(_("demo data loaded"), default=False)
    reopen_window_days = models.PositiveSmallIntegerField(
        _("reopen window (working days)"), default=10, help_text=_("How long after an answer a reporter may reopen it.")
    )
    clarification_timeout_days = models.PositiveSmallIntegerField(
        _("clarification timeout (working days)"),
        default=10,
        help_text=_("A report waiting for the reporter's clarification is archived after this."),
    )
    questionnaire_after_days = models.PositiveSmallIntegerField(
        _("ask 'is it fixed?' after (days)"), default=28, help_text=_("0 turns the question off.")
    )
    require_staff_2fa = models.BooleanField(
        _("require two-step sign-in for coordinators and system administrators"),
        default=False,
        help_text=_(
            "If on, admin koordinator and system administrators must also type a 6-digit code from an "
            "authenticator app on their phone each time they sign in. Anyone without the app set up is asked "
            "to set it up right after their password, before they can open any staff page. Other staff may "
            "still turn it on for themselves."
        ),
    )
    publish_reports = models.CharField(
        _("publish reports"),
        max_length=20,
        choices=PublishReports.choices,
        default=PublishReports.AFTER_VERIFICATION,
        help_text=_(
            "After verification (the practice of SP4N-LAPOR!): a report stays off the public pages, search, "
            "statistics, open data and the API's lists until a coordinator verifies it, and the public sees the "
            "title and text the coordinator approved. The reporter can always follow it with the tracking code."
        ),
    )

    objects = NoticedQuerySet["Pemda"].as_manager()
    # One row (balai.core.migration_ops).
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("Pemda profile")
        verbose_name_plural = _("Pemda profile")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(min_latitude__lt=models.F("max_latitude")), name="pemda_lat_order"
            ),
            models.CheckConstraint(
                condition=models.Q(min_longitude__lt=models.F("max_longitude")), name="pemda_lng_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains_point(self, latitude: Any, longitude: Any) -> bool:
        return bool(
            self.min_latitude <= latitude <= self.max_latitude and self.min_longitude <= longitude <= self.max_longitude
        )

    @property
    def center(self) -> tuple[float, float]:
        return (
            float((self.min_latitude + self.max_latitude) / 2),
            float((self.min_longitude + self.max_longitude) / 2),
        )


class UnitKind(models.TextChoices):
    OPD = "opd", _("OPD (agency)")
    KECAMATAN = "kecamatan", _("kecamatan office")
    KELURAHAN = "kelurahan", _("kelurahan office")
    DESA = "desa", _("desa office")


class UnitQuerySet(NoticedQuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def opd(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.OPD)


class Unit(TimestampedModel):
    """An OPD, a kecamatan or a kelurahan/desa office of the Pemda; nested."""

    name = models.CharField(_("name"), max_length=160)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    wilayah = models.ForeignKey(
        Wilayah, verbose_name=_("wilayah"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_leadership = models.BooleanField(
        _("leadership unit"),
        default=False,
        help_text=_("A pimpinan of this unit (e.g. Setda: wali kota, sekda) sees every report of the Pemda."),
    )

    objects = UnitQuerySet.as_manager()
    # The Pemda's offices: tens to hundreds of rows (balai.core.migration_ops).
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering: ClassVar = ["kind", "name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind="opd") | models.Q(wilayah__isnull=False),
                name="unit_territorial_has_wilayah",
            ),
            models.UniqueConstraint(fields=["wilayah"], name="unit_one_office_per_wilayah"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.kind != UnitKind.OPD and self.wilayah_id is None:
            raise ValidationError({"wilayah": _("A kecamatan, kelurahan or desa office needs its wilayah.")})


class Role(models.TextChoices):
    """The roles that exist from the start: the platform's (admin sistem, pimpinan) and the reporting module's
    (koordinator, operator). Modules declare their own roles in the registry (balai.core.registry.ModuleRole)."""

    KOORDINATOR = "koordinator", _("admin koordinator (verifier)")
    OPERATOR = "operator", _("operator (admin penghubung)")
    PIMPINAN = "pimpinan", _("pimpinan (head)")
    ADMIN_SISTEM = "admin_sistem", _("system administrator")


class Membership(TimestampedModel):
    """A user's role in a unit: roles come from memberships, never from flags on the user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    # The module the role belongs to ("" for the platform's own roles: admin sistem, pimpinan).
    module = models.CharField(_("module"), max_length=32, blank=True, default="")
    role = models.CharField(_("role"), max_length=32)
    is_active = models.BooleanField(_("active"), default=True)
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "unit", "module", "role"], name="membership_unique_module_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role_label} · {self.unit}"

    @property
    def role_label(self) -> str:
        from .registry import registry

        module = registry.get(self.module)
        declared = module.role(self.role) if module else None
        if declared is not None:
            return str(declared.label)
        return str(Role(self.role).label) if self.role in Role.values else self.role


class StaffPreference(TimestampedModel):
    """A staff member's own choices that outlive the browser session, such as the language of their emails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"


class CalendarDayKind(models.TextChoices):
    CUTI_BERSAMA = "cuti_bersama", _("cuti bersama (collective leave)")
    LIBUR = "libur", _("additional holiday")
    HARI_KERJA = "hari_kerja", _("working day (overrides a holiday)")


class CalendarDay(TimestampedModel):
    """A date the Pemda adds to, or removes from, the national holidays."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("description"), max_length=120)

    objects = NoticedQuerySet["CalendarDay"].as_manager()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering: ClassVar = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Append-only record of a state change: who, when, what object, what changed, from where."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, help_text=_("Kept even if the user is removed."))
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id"]),
            # A person's last action (OPD readiness) is one step down this index, however long the trail.
            models.Index(fields=["actor", "-created_at"], name="audit_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class TrainingKind(models.TextChoices):
    BIMTEK = "bimtek", _("Bimtek (technical guidance)")
    DIKLAT = "diklat", _("Diklat (formal training)")
    GUIDE = "panduan", _("In-app guide (read and confirmed)")
    OTHER = "lainnya", _("Other training")


class TrainingRecord(TimestampedModel):
    """A training a member of staff attended, so the Pemda can check that every OPD can run its applications.

    An administrator enters Bimtek and Diklat; the in-app guide records itself, once, when the person confirms it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="training_records",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=200, help_text=_("For example: Bimtek Balai for OPD operators"))
    date = models.DateField(_("date"), help_text=_("The day it took place (the last day, if it took several)."))
    organiser = models.CharField(
        _("organised by"), max_length=160, blank=True, help_text=_("For example: Diskominfo Kota Bitung")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering: ClassVar = ["-date", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(kind="panduan"), name="training_guide_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}: {self.title}"

    def clean(self) -> None:
        from django.utils import timezone

        if self.date is not None and self.date > timezone.localdate():
            raise ValidationError({"date": _("A training is recorded once it has taken place, not before.")})


class MailState(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    UNDELIVERED = "undelivered", _("undelivered")


class OutgoingMail(TimestampedModel):
    """One email as the module rendered it, kept until the mail server took it (balai.core.outbox): a server that
    is down delays it, retried with growing pauses, and then it waits in the undelivered list for a person."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=60, help_text=_("Which email this is, e.g. lapor.received."))
    to = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="id")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    reply_to = models.CharField(_("reply-to"), max_length=254, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=MailState.choices, default=MailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["state", "next_attempt_at"], name="outgoingmail_state_next"),
            # /readyz reads the newest attempt: one step down this index.
            models.Index(fields=["-last_attempt_at"], name="outgoingmail_last_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_state_display()} ({self.attempts})"


class SharedVersion(models.Model):
    """A number per kept table that goes up, in the same transaction, with every write to it (balai.core.changes):
    each request compares these numbers with the ones its process saw last, and a process drops its copies made
    of a table whose number moved. So a change made by one worker is seen by every worker at once."""

    name = models.CharField(_("table"), max_length=100, primary_key=True)  # the model's label, e.g. lapor.category
    version = models.BigIntegerField(_("version"), default=0)

    # One row per kept table.
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("shared version of the kept copies")
        verbose_name_plural = _("shared versions of the kept copies")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
