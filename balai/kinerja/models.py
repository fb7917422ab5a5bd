"""The plan (RPJMD, Renstra, annual plan of program → kegiatan → sub kegiatan), its quarterly realisation and its
evaluation. Rows change only through balai.kinerja.services."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel, Unit, Wilayah


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("output")
    OUTCOME = "outcome", _("outcome")


class Level(models.TextChoices):
    PROGRAM = "program", _("program")
    KEGIATAN = "kegiatan", _("kegiatan")
    SUB_KEGIATAN = "sub_kegiatan", _("sub kegiatan")


class RealisationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to Bappeda")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for correction")


class Rpjmd(TimestampedModel):
    """The medium-term plan of a mayor's term: its vision and missions."""

    start_year = models.PositiveSmallIntegerField(_("first year"), unique=True)
    end_year = models.PositiveSmallIntegerField(_("last year"))
    vision = models.TextField(_("vision"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("RPJMD")
        verbose_name_plural = _("RPJMD")
        ordering: ClassVar = ["-start_year"]

    def __str__(self) -> str:
        return f"RPJMD {self.start_year}–{self.end_year}"


class RpjmdMission(TimestampedModel):
    rpjmd = models.ForeignKey(Rpjmd, verbose_name=_("RPJMD"), on_delete=models.CASCADE, related_name="missions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("mission"))

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering: ClassVar = ["number"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["rpjmd", "number"], name="kinerja_mission_unique")]

    def __str__(self) -> str:
        return str(_("Mission %(n)d: %(text)s") % {"n": self.number, "text": self.text})


class RpjmdGoal(TimestampedModel):
    """A goal (sasaran) of the RPJMD, under one mission."""

    mission = models.ForeignKey(RpjmdMission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(_("code"), max_length=30)
    title = models.TextField(_("goal"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("RPJMD goal")
        verbose_name_plural = _("RPJMD goals")
        ordering: ClassVar = ["code"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["mission", "code"], name="kinerja_goal_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class GoalIndicator(TimestampedModel):
    """A goal's indicator with its target for each year of the RPJMD ({"2025": "70.5", …})."""

    goal = models.ForeignKey(RpjmdGoal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit_label = models.CharField(_("unit of measure"), max_length=40)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=2, null=True, blank=True)
    targets = models.JSONField(_("targets per year"), default=dict, blank=True)

    class Meta:
        verbose_name = _("goal indicator")
        verbose_name_plural = _("goal indicators")
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return self.name


class Renstra(TimestampedModel):
    """An OPD's strategic plan for the RPJMD's term, linked to the RPJMD goals it serves."""

    rpjmd = models.ForeignKey(Rpjmd, verbose_name=_("RPJMD"), on_delete=models.CASCADE, related_name="renstra")
    unit = models.ForeignKey(Unit, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    goals = models.ManyToManyField(RpjmdGoal, verbose_name=_("RPJMD goals served"), related_name="renstra")
    summary = models.TextField(_("summary"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("Renstra")
        verbose_name_plural = _("Renstra")
        constraints: ClassVar = [models.UniqueConstraint(fields=["rpjmd", "unit"], name="kinerja_renstra_unique")]

    def __str__(self) -> str:
        return f"Renstra {self.unit}"


class Plan(TimestampedModel):
    """One year's plan (RKPD and every OPD's Renja). Public pages show a year only once it is published."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rpjmd = models.ForeignKey(Rpjmd, verbose_name=_("RPJMD"), null=True, blank=True, on_delete=models.SET_NULL)
    published = models.BooleanField(_("published"), default=False)
    # Realisation of a quarter is due this many working days after the quarter ends.
    deadline_working_days = models.PositiveSmallIntegerField(
        _("working days after the quarter to report"), default=10, validators=[MaxValueValidator(60)]
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering: ClassVar = ["-year"]

    def __str__(self) -> str:
        return f"RKPD {self.year}"


class Activity(TimestampedModel):
    """A program, kegiatan or sub kegiatan of one year's plan (Permendagri 90/2019 nomenclature)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities")
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # The program a kegiatan or sub kegiatan belongs to (itself for a program): the roll-ups group by it.
    program = models.ForeignKey(
        "self", verbose_name=_("program"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=400)
    unit = models.ForeignKey(Unit, verbose_name=_("responsible OPD"), on_delete=models.PROTECT, related_name="+")
    urusan = models.CharField(_("affair (urusan)"), max_length=160, blank=True)
    goal = models.ForeignKey(
        RpjmdGoal, verbose_name=_("RPJMD goal"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pagu = models.DecimalField(_("budget ceiling (Rp)"), max_digits=18, decimal_places=0, default=Decimal(0))
    kelurahan = models.ForeignKey(
        Wilayah, verbose_name=_("kelurahan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A point or a line as GeoJSON geometry text, for physical works.
    geometry = models.TextField(_("location on the map (GeoJSON)"), blank=True)
    spbe = models.BooleanField(_("digital / SPBE spending"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering: ClassVar = ["code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "unit", "code"], name="kinerja_activity_natural_key"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["plan", "level", "unit"], name="kinerja_activity_level"),
            models.Index(fields=["plan", "kelurahan", "code"], name="kinerja_activity_place"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(TimestampedModel):
    """A performance indicator of an activity, with its annual target."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices, default=IndicatorKind.OUTPUT)
    unit_label = models.CharField(_("unit of measure"), max_length=40, blank=True)
    target = models.DecimalField(_("annual target"), max_digits=18, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["activity", "name"], name="kinerja_indicator_unique")]

    def __str__(self) -> str:
        return self.name


class Realisation(TimestampedModel):
    """What a sub kegiatan achieved by the end of a quarter (cumulative since the year began)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("sub kegiatan"), on_delete=models.CASCADE, related_name="realisations"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    physical_pct = models.DecimalField(
        _("physical progress (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    financial = models.DecimalField(
        _("financial realisation (Rp)"), max_digits=18, decimal_places=0, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )  # fmt: skip
    obstacles = models.TextField(_("obstacles"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RealisationStatus.choices, default=RealisationStatus.DRAFT
    )
    # The mean achievement of the indicators (balai.kinerja.evaluation), kept by the services for the roll-ups.
    achievement = models.DecimalField(_("achievement (%)"), max_digits=7, decimal_places=1, null=True, blank=True)
    bappeda_note = models.TextField(_("Bappeda's note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("quarterly realisation")
        verbose_name_plural = _("quarterly realisations")
        ordering: ClassVar = ["activity", "quarter"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["activity", "quarter"], name="kinerja_realisation_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["quarter", "status"], name="kinerja_realisation_quarter")]

    def __str__(self) -> str:
        return f"{self.activity.code} Q{self.quarter}"


class IndicatorValue(TimestampedModel):
    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    achieved = models.DecimalField(_("achieved value"), max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["realisation", "indicator"], name="kinerja_value_unique"),
        ]


class Evidence(TimestampedModel):
    """A photo (re-encoded through the reporting module's photo pipeline) or a PDF document of a realisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="kinerja/%Y/%m/")
    is_photo = models.BooleanField(default=True)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering: ClassVar = ["id"]


class ReportLink(TimestampedModel):
    """A citizen report (by its tracking code) linked to an activity by the coordinator or Bappeda; the report is
    read through the reporting module's public selectors, so a non-public one is never shown."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="report_links")
    report_code = models.CharField(_("report tracking code"), max_length=20)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["activity", "report_code"], name="kinerja_report_link_unique"),
        ]


class EvaluationNote(TimestampedModel):
    """Bappeda's evaluation of one OPD's year (shown with its LKjIP table)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("evaluation note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar = ["-created_at"]


class PredicateBand(TimestampedModel):
    """An achievement band and its predicate: an achievement at or above `lower_bound` (and below the next band)
    gets `label`. Editable by the Pemda (the admin site); the defaults are in balai.kinerja.evaluation."""

    lower_bound = models.DecimalField(_("from achievement (%)"), max_digits=6, decimal_places=2, unique=True)
    label = models.CharField(_("predicate"), max_length=60)

    class Meta:
        verbose_name = _("predicate band")
        verbose_name_plural = _("predicate bands")
        ordering: ClassVar = ["-lower_bound"]

    def __str__(self) -> str:
        return f"≥ {self.lower_bound} %: {self.label}"


class ReminderSent(models.Model):
    """One reminder per OPD, year, quarter and kind (due soon, late): the periodic check sends each once."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "year", "quarter", "kind"], name="kinerja_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} Q{self.quarter} {self.kind}"


class Dimension(models.TextChoices):
    OPD = "opd", _("OPD")
    PROGRAM = "program", _("program")
    KEGIATAN = "kegiatan", _("kegiatan")
    URUSAN = "urusan", _("affair (urusan)")
    GOAL = "goal", _("RPJMD goal")
    KECAMATAN = "kecamatan", _("kecamatan")


class SummaryCell(models.Model):
    """The figures of one group of sub kegiatan (an OPD, a program, a kegiatan, an urusan, an RPJMD goal, a
    kecamatan) of one year's plan: quarter 0 holds the plan's own figures (sub kegiatan, pagu, SPBE pagu), quarters
    1–4 the sums of the realisation accepted by Bappeda. Kept by balai.kinerja.summary in each writing service's
    transaction; derived data (rebuilt at will with `balai kinerja summary rebuild`), so no timestamps."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=160)  # the group's id as text, or the urusan's name; "" for none
    quarter = models.PositiveSmallIntegerField()
    subs = models.PositiveIntegerField(default=0)
    pagu = models.DecimalField(max_digits=20, decimal_places=0, default=Decimal(0))
    spbe_pagu = models.DecimalField(max_digits=20, decimal_places=0, default=Decimal(0))
    reported = models.PositiveIntegerField(default=0)
    financial = models.DecimalField(max_digits=20, decimal_places=0, default=Decimal(0))
    physical_sum = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    achievement_sum = models.DecimalField(max_digits=14, decimal_places=1, default=Decimal(0))
    achieved = models.PositiveIntegerField(default=0)  # accepted realisations with a known achievement

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "dimension", "key", "quarter"], name="kinerja_cell_key"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.dimension}:{self.key} Q{self.quarter}"
