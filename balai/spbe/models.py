"""The SPBE evaluation framework of each year (domains, aspects, indicators, predicate bands) and the Pemda's own
assessment of each indicator, with its evidence and comments."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel

LEVELS = (1, 2, 3, 4, 5)


class Framework(TimestampedModel):
    """One evaluation year's indicators, weights and predicate bands (a copy of the previous year, then edited)."""

    year = models.PositiveSmallIntegerField(_("evaluation year"), unique=True)
    regulation = models.CharField(_("regulation"), max_length=200, default="PermenPANRB 59/2020")
    source_note = models.TextField(_("source of the figures"), blank=True)
    weights_confirmed_at = models.DateTimeField(_("weights confirmed at"), null=True, blank=True)
    weights_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("weights confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The lowest index of each predicate; below `band_cukup` the predicate is Kurang.
    band_memuaskan = models.DecimalField(_("Memuaskan from"), max_digits=3, decimal_places=2, default=Decimal("4.20"))
    band_sangat_baik = models.DecimalField(
        _("Sangat Baik from"), max_digits=3, decimal_places=2, default=Decimal("3.50")
    )
    band_baik = models.DecimalField(_("Baik from"), max_digits=3, decimal_places=2, default=Decimal("2.60"))
    band_cukup = models.DecimalField(_("Cukup from"), max_digits=3, decimal_places=2, default=Decimal("1.80"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("SPBE framework")
        verbose_name_plural = _("SPBE frameworks")
        ordering: ClassVar = ["-year"]

    def __str__(self) -> str:
        return f"SPBE {self.year}"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering: ClassVar = ["framework", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["framework", "number"], name="spbe_domain_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Aspect(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="aspects")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="aspects")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering: ClassVar = ["framework", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["framework", "number"], name="spbe_aspect_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    criteria_1 = models.TextField(_("level 1 criteria"), blank=True)
    criteria_2 = models.TextField(_("level 2 criteria"), blank=True)
    criteria_3 = models.TextField(_("level 3 criteria"), blank=True)
    criteria_4 = models.TextField(_("level 4 criteria"), blank=True)
    criteria_5 = models.TextField(_("level 5 criteria"), blank=True)
    confirmed_by_admin = models.BooleanField(_("checked against the regulation's annex"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["framework", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["framework", "number"], name="spbe_indicator_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def criteria(self, level: int) -> str:
        return str(getattr(self, f"criteria_{level}", ""))

    @property
    def criteria_by_level(self) -> list[tuple[int, str]]:
        return [(level, self.criteria(level)) for level in LEVELS]


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for review")
    REVIEWED = "reviewed", _("reviewed")
    RETURNED = "returned", _("returned for changes")


class Assessment(TimestampedModel):
    """The Pemda's self-assessment of one indicator in one year; its history is the audit trail."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="assessment")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spbe_assessments",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    justification = models.TextField(_("justification"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(_("coordinator's note"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("SPBE assessment")
        verbose_name_plural = _("SPBE assessments")
        indexes: ClassVar = [models.Index(fields=["officer", "status"], name="spbe_assessment_officer")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="spbe_assessment_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.get_status_display()}"


class EvidenceKind(models.TextChoices):
    LINK = "link", _("link")
    DOCUMENT = "document", _("document (PDF)")
    PHOTO = "photo", _("photo or screenshot")


class EvidenceItem(TimestampedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence_items")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="spbe/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Comment(TimestampedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150)
    text = models.TextField(_("comment"), max_length=2000)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
