"""The summary tables of the command center, kept equal to a recomputation from the reports.

Each report contributes fixed amounts to a few cells (the month and week its events fell in, its OPD,
category, kecamatan and channel, whether the public may count it); `balai.dasbor.summary` adds and removes
those contributions in the same transaction as every change of a report, so a page sums a few hundred
cells instead of scanning the reports. Cells are derived data (rebuilt at will), so they carry no timestamps.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel


class Grain(models.TextChoices):
    MONTH = "M", _("month")
    WEEK = "W", _("week")


class StatCell(models.Model):
    """Counts for one period (a month or an ISO week) and one combination of OPD, category, kecamatan, channel."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField(help_text="First day of the month, or the Monday of the week (local time).")
    unit_id = models.IntegerField(help_text="The handling OPD; 0 while none is appointed.")
    category_id = models.IntegerField()
    kecamatan = models.CharField(max_length=16)
    channel = models.CharField(max_length=8)
    is_public = models.BooleanField(help_text="Counted on public pages: not rahasia, not archived.")
    received = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0, help_text="Of the reports received in the period.")
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    asked_fixed = models.IntegerField(default=0, help_text='"Is it fixed?" questionnaires sent.')
    answered_fixed = models.IntegerField(default=0)
    said_fixed = models.IntegerField(default=0)

    METRICS: ClassVar = (
        "received",
        "verified",
        "finished",
        "finished_on_time",
        "reopened",
        "rated",
        "rating_sum",
        "asked_fixed",
        "answered_fixed",
        "said_fixed",
    )
    KEY: ClassVar = ("grain", "period", "unit_id", "category_id", "kecamatan", "channel", "is_public")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["grain", "period", "unit_id", "category_id", "kecamatan", "channel", "is_public"],
                name="statcell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.period:%Y-%m-%d} unit {self.unit_id} cat {self.category_id} {self.kecamatan}"


class Measure(models.TextChoices):
    VERIFY = "verify", _("working days to verify")
    FINISH = "finish", _("working days to finish")


class Dimension(models.TextChoices):
    ALL = "all", _("whole Pemda")
    UNIT = "unit", _("OPD")
    CATEGORY = "category", _("category")
    KECAMATAN = "kecamatan", _("kecamatan")
    CHANNEL = "channel", _("channel")


class DurationCell(models.Model):
    """How many reports of a month took exactly `days` working days, per single dimension (for percentiles)."""

    month = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=16, help_text="The OPD or category id, kecamatan code, channel; '' for all.")
    is_public = models.BooleanField()
    measure = models.CharField(max_length=6, choices=Measure.choices)
    days = models.IntegerField()
    reports = models.IntegerField(default=0)

    METRICS: ClassVar = ("reports",)
    KEY: ClassVar = ("dimension", "month", "key", "is_public", "measure", "days")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["dimension", "month", "key", "is_public", "measure", "days"], name="durationcell_key"
            )
        ]
        # The medians of one measure over a period, read from the index alone.
        indexes: ClassVar = [
            models.Index(
                fields=["dimension", "measure", "month", "key", "days", "is_public", "reports"],
                name="durationcell_measure_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}:{self.key} {self.measure} {self.days}d"


class PlaceCell(models.Model):
    """Counts per kelurahan/desa and OPD for a month: the finest place breakdown."""

    month = models.DateField()
    kelurahan = models.CharField(max_length=16)
    unit_id = models.IntegerField()
    is_public = models.BooleanField()
    received = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)

    METRICS: ClassVar = ("received", "finished", "finished_on_time")
    KEY: ClassVar = ("month", "kelurahan", "unit_id", "is_public")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["month", "kelurahan", "unit_id", "is_public"], name="placecell_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kelurahan} unit {self.unit_id}"


# --- Reports built in the background (balai.dasbor.export_jobs) ------------------------------------------------


class RollupCell(models.Model):
    """The counts of StatCell summed over every dimension but one (or all): what most pages ask for, in few rows."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=16, help_text="The OPD or category id, kecamatan code, channel; '' for all.")
    is_public = models.BooleanField()
    received = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    asked_fixed = models.IntegerField(default=0)
    answered_fixed = models.IntegerField(default=0)
    said_fixed = models.IntegerField(default=0)

    METRICS: ClassVar = StatCell.METRICS
    KEY: ClassVar = ("grain", "dimension", "period", "key", "is_public")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["grain", "dimension", "period", "key", "is_public"], name="rollupcell_key")
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.period:%Y-%m-%d} {self.dimension}:{self.key}"


class BacklogCell(models.Model):
    """Open reports right now, per OPD, category, kecamatan, channel, status and deadline day (local date).

    "Overdue now" is the sum over deadline days before today: deadlines fall at the end of a working day.
    """

    unit_id = models.IntegerField()
    category_id = models.IntegerField()
    kecamatan = models.CharField(max_length=16)
    channel = models.CharField(max_length=8)
    is_public = models.BooleanField()
    status = models.CharField(max_length=16)
    deadline = models.DateField(
        help_text="Verification deadline while received, follow-up deadline while at an OPD; 9999-12-31 for none."
    )
    reports = models.IntegerField(default=0)

    METRICS: ClassVar = ("reports",)
    KEY: ClassVar = ("unit_id", "category_id", "kecamatan", "channel", "is_public", "status", "deadline")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["unit_id", "category_id", "kecamatan", "channel", "is_public", "status", "deadline"],
                name="backlogcell_key",
            )
        ]
        # Every question of the command center sums the whole (narrowed) backlog: from the index alone.
        indexes: ClassVar = [
            models.Index(
                fields=["status", "unit_id", "category_id", "kecamatan", "channel", "is_public", "deadline", "reports"],
                name="backlogcell_status_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} unit {self.unit_id} due {self.deadline}"


class ExportKind(models.TextChoices):
    MONTHLY_PDF = "monthly_pdf", _("monthly report (PDF)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def pending(self) -> ExportJobQuerySet:
        return self.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])


class ExportJob(TimestampedModel):
    """One report asked for by a reader: its month and scope, where the worker is with it, and the file."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices, default=ExportKind.MONTHLY_PDF)
    month = models.DateField(_("month"), help_text=_("The first day of the month the report covers."))
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole Pemda."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default="id")
    file = models.FileField(_("file"), upload_to="ekspor/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            # One pending job per kind, month and scope (an empty unit, the whole Pemda, counts as 0).
            models.UniqueConstraint(
                F("kind"),
                F("month"),
                Coalesce(F("unit"), Value(0)),
                condition=Q(status__in=["queued", "running"]),
                name="dasbor_exportjob_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m} ({self.unit or 'Pemda'})"

    @property
    def pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
