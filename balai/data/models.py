"""The catalogue: groups, tags, datasets (CKAN packages) and their resources (files)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel, Unit


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the walidata")
    PUBLISHED = "published", _("Published")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


# Days between updates a frequency promises (irregular promises none).
FREQUENCY_DAYS: dict[str, int] = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}


class License(models.TextChoices):
    CC_BY = "cc-by", _("Creative Commons Attribution 4.0")
    CC_BY_SA = "cc-by-sa", _("Creative Commons Attribution Share-Alike 4.0")
    CC_ZERO = "cc-zero", _("Creative Commons CCZero")
    ODC_ODBL = "odc-odbl", _("Open Data Commons Open Database License")
    OTHER_OPEN = "other-open", _("Other (open)")


LICENSE_URLS = {
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc-odbl": "https://opendatacommons.org/licenses/odbl/1-0/",
    "other-open": "",
}


class Format(models.TextChoices):
    CSV = "CSV", "CSV"
    XLSX = "XLSX", "XLSX"
    JSON = "JSON", "JSON"


class Group(TimestampedModel):
    """A theme across OPD (CKAN group): health, infrastructure, population."""

    grows_with_use: ClassVar[bool] = False

    uuid = models.UUIDField(_("id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(_("name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    grows_with_use: ClassVar[bool] = False

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class DatasetQuerySet(models.QuerySet["Dataset"]):
    def published(self) -> DatasetQuerySet:
        return self.filter(state=State.PUBLISHED)


class Dataset(TimestampedModel):
    """A CKAN package: metadata of Satu Data Indonesia practice and its files."""

    uuid = models.UUIDField(_("id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(_("name (in the address)"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("description"), max_length=5000)
    unit = models.ForeignKey(Unit, verbose_name=_("producing OPD"), on_delete=models.PROTECT, related_name="datasets")
    steward = models.CharField(
        _("data steward (walidata)"), max_length=160, help_text=_("For example: Diskominfo Kota Bitung")
    )
    license_id = models.CharField(_("licence"), max_length=20, choices=License.choices, default=License.CC_BY)
    frequency = models.CharField(
        _("update frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    spatial = models.CharField(_("area covered"), max_length=160, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="datasets")
    groups = models.ManyToManyField(Group, verbose_name=_("groups"), blank=True, related_name="datasets")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # The `GeneratedDataset.key` of a table Balai makes itself; empty for an uploaded dataset.
    generated_key = models.CharField(_("generated from"), max_length=100, blank=True, default="")
    source_url = models.CharField(_("live page"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    review_note = models.TextField(_("walidata's note"), max_length=2000, blank=True)
    metadata_modified = models.DateTimeField(_("metadata modified"), db_index=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    data_updated_at = models.DateTimeField(_("data updated"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Every word the dataset is found by, written by the services (balai/data/search.py holds the index over it).
    search_text = models.TextField(_("search words"), blank=True, default="", editable=False)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ("title",)
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["generated_key"], condition=~Q(generated_key=""), name="data_dataset_one_per_generated"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "metadata_modified"], name="data_dataset_state_modified"),
            # An OPD's published datasets, newest change first (the catalogue's and the CKAN API's OPD filter).
            models.Index(fields=["unit", "state", "metadata_modified"], name="data_dataset_unit_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_id(self) -> str:
        """What the audit trail names the dataset by (its CKAN id)."""
        return str(self.uuid)

    @property
    def is_generated(self) -> bool:
        return bool(self.generated_key)


def resource_path(instance: Resource, filename: str) -> str:
    return f"data/{instance.dataset.uuid}/{instance.uuid}.{instance.format.lower()}"


class Resource(TimestampedModel):
    """One file of a dataset, checked by its content, with a dictionary of its columns."""

    uuid = models.UUIDField(_("id"), default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    file = models.FileField(_("file"), upload_to=resource_path, max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # [{"name", "title", "type", "description"}] per column, in file order.
    dictionary = models.JSONField(_("data dictionary"), default=list)
    # {"columns": [...], "rows": [[...], ...]}: the first rows, for the public page.
    preview = models.JSONField(_("preview"), default=dict)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    last_modified = models.DateTimeField(_("last modified"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "created_at")
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.name
