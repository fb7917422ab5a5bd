"""What the open-data module brings to the platform, registered in DataConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import (
    Backlog,
    DatasetColumn,
    Evidence,
    GeneratedDataset,
    IntegrityCheck,
    Kpi,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    ReadinessSource,
    SearchHit,
    WorkItem,
    WorkSection,
)

from . import rules

SEARCH_LIMIT = 20


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    if not rules.works_with_data(scope):
        return None
    from .models import Dataset, State
    from .services import overdue_uploaded

    listing = reverse("data:staff_list")
    items = []
    if rules.is_walidata(scope):
        waiting = Dataset.objects.filter(state=State.SUBMITTED).count()
        items.append(WorkItem("data.submitted", _("Datasets waiting for publication"), waiting,
                              f"{listing}?status=submitted", urgent=bool(waiting)))  # fmt: skip
    units = rules.officer_units(scope)
    if units:
        drafts = Dataset.objects.filter(unit_id__in=units, state=State.DRAFT, generated_key="").count()
        items.append(WorkItem("data.drafts", _("Draft datasets of your OPD"), drafts, f"{listing}?status=draft"))
    late = [d for d in overdue_uploaded(now) if rules.is_walidata(scope) or d.unit_id in units]
    items.append(WorkItem("data.overdue", _("Datasets overdue for an update"), len(late), listing, urgent=bool(late)))
    return WorkSection(module="data", title=_("Open data"), items=items, order=60)


def backlog(unit_ids: list[int], now: datetime) -> dict[int, Backlog]:
    from .models import Dataset, State
    from .services import overdue_uploaded

    rows = (
        Dataset.objects.filter(unit_id__in=unit_ids, generated_key="")
        .exclude(state=State.PUBLISHED)
        .order_by()
        .values("unit_id")
        .annotate(open=Count("id"), new=Count("id", filter=Q(state=State.SUBMITTED)))
    )
    result = {r["unit_id"]: Backlog(open=r["open"], new=r["new"]) for r in rows}
    late = Counter(d.unit_id for d in overdue_uploaded(now) if d.unit_id in unit_ids)
    for unit_id, overdue in late.items():
        current = result.get(unit_id, Backlog())
        result[unit_id] = Backlog(open=current.open, new=current.new, overdue=overdue)
    return result


def overdue_count(now: datetime) -> int:
    from .models import Dataset
    from .services import overdue_uploaded, refresh_due

    generated_late = sum(1 for d in Dataset.objects.published().exclude(generated_key="") if refresh_due(d, now))
    return len(overdue_uploaded(now)) + generated_late


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    from .models import Dataset, Resource

    datasets = Dataset.objects.published()
    if unit_ids is not None:
        datasets = datasets.filter(unit_id__in=list(unit_ids))
    resources = Resource.objects.filter(dataset__in=datasets.values("pk"))
    catalogue = reverse("data:catalogue")
    result = [
        Kpi("data.datasets", _("Open datasets published"), datasets.count(), url=catalogue),
        Kpi("data.resources", _("Open data files"), resources.count(), url=catalogue),
    ]
    if unit_ids is None:
        result.append(
            Kpi(
                "data.overdue",
                _("Open datasets overdue for an update"),
                overdue_count(now),
                url=reverse("data:staff_list"),
            )
        )
    return result


def search(query: str, limit: int) -> list[SearchHit]:
    from .search import matching, ranked
    from .selectors import published

    limit = min(limit, SEARCH_LIMIT)
    found = ranked(matching(published(), query[:200])).select_related("unit")[:limit]
    return [
        SearchHit(
            title=d.title,
            url=reverse("data:dataset", args=[d.name]),
            summary=d.unit.name,
            kind=_("Dataset"),
            when=d.metadata_modified,
        )
        for d in found
    ]


def evidence(now: datetime) -> list[Evidence]:
    """SPBE indicator 43 (Data Terbuka): what is published, in which formats, and whether updates keep pace."""
    from .models import Dataset, Resource
    from .services import overdue_uploaded, refresh_due

    published = Dataset.objects.published()
    total = published.count()
    generated = published.exclude(generated_key="").count()
    formats = dict(
        Resource.objects.filter(dataset__state="published")
        .values_list("format")
        .annotate(n=Count("dataset", distinct=True))
        .order_by()
    )
    promised = published.exclude(frequency="irregular").count()
    late = len(overdue_uploaded(now)) + sum(1 for d in published.exclude(generated_key="") if refresh_due(d, now))
    opd = published.values("unit_id").distinct().count()
    return [
        Evidence(
            indicator=43,
            title=_("Open data catalogue"),
            facts=(
                (_("Datasets published"), str(total)),
                (_("Of which generated by Balai from its own data"), str(generated)),
                (_("OPD publishing data"), str(opd)),
                (_("Datasets per format"), ", ".join(f"{k} {v}" for k, v in sorted(formats.items())) or "—"),
                (_("Datasets with a promised update frequency"), str(promised)),
                (_("Of which updated on time"), str(max(promised - late, 0))),
                (_("Of which late"), str(late)),
                (_("CKAN-compatible API"), "/api/3/action/package_search"),
            ),
            as_of=now,
            url=reverse("data:catalogue"),
        )
    ]


WILAYAH_COLUMNS = (
    DatasetColumn("kode", _("Code"), _("The official Kemendagri code."), "string"),
    DatasetColumn("nama", _("Name"), _("The name of the area."), "string"),
    DatasetColumn("tingkat", _("Level"), _("1 province, 2 kabupaten/kota, 3 kecamatan, 4 kelurahan/desa."), "integer"),
    DatasetColumn("kode_induk", _("Parent code"), _("The code of the area it belongs to."), "string"),
)


def wilayah_rows() -> Iterable[Sequence[Any]]:
    from balai.core.models import Wilayah
    from balai.core.selectors import pemda_current

    pemda = pemda_current()
    if pemda is None:
        return []
    return (
        Wilayah.objects.filter(code__startswith=pemda.wilayah_id)
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
    )


def datasets() -> list[GeneratedDataset]:
    return [
        GeneratedDataset(
            key="data-wilayah",
            title=_("Kecamatan and kelurahan/desa with their Kemendagri codes"),
            description=_(
                "The official list of the areas of the Pemda (Kemendagri codes), as Balai uses them for reports "
                "and statistics."
            ),
            columns=WILAYAH_COLUMNS,
            rows=wilayah_rows,
            frequency="yearly",
            tags=("wilayah", "kode wilayah", "referensi"),
        )
    ]


def periodic_refresh(now: datetime) -> dict[str, int]:
    from .services import generated_sync

    return generated_sync(now)


def periodic_reminders(now: datetime) -> dict[str, int]:
    from .services import reminders_send

    return reminders_send(now)


def integrity_checks(storage: Any, orphan_grace: Any) -> list[Any]:
    """The word index holds every published dataset, as its words are now, and nothing else."""
    from balai.core.registry import Finding

    from .search import index_problems

    return [Finding("data.search_index", subject, message) for subject, message in index_problems()]


def demo(context: Any) -> None:
    from .demo import load

    load(context)


MODULE = Module(
    label="data",
    name=_("Open data"),
    roles=(
        ModuleRole(
            rules.OFFICER_ROLE,
            _("Data officer"),
            _("Uploads the OPD's datasets with their data dictionary and keeps them current."),
            operates=True,
        ),
        ModuleRole(
            rules.WALIDATA_ROLE,
            _("Walidata"),
            _("Checks the datasets the OPD send and publishes them in the open-data catalogue."),
            pemda_wide=True,
        ),
    ),
    staff_menu=(MenuEntry(_("Open data"), "data:staff_list", order=60, visible=rules.works_with_data),),
    public_menu=(MenuEntry(_("Data"), "data:catalogue", order=50),),
    work=work,
    periodic=(
        PeriodicCheck("data.refresh", periodic_refresh),
        PeriodicCheck("data.reminders", periodic_reminders),
    ),
    readiness=ReadinessSource(
        role=rules.OFFICER_ROLE,
        backlog=backlog,
        overdue_rule=_("No published dataset of the OPD is older than its update frequency promises."),
        overdue_remedy=_("Upload the current data of the overdue datasets."),
    ),
    kpis=kpis,
    search=search,
    datasets=datasets,
    evidence=evidence,
    integrity=(IntegrityCheck("data.search_index", integrity_checks),),
    demo=demo,
    demo_logins=(
        ("walidata", _("walidata: publishes the OPD's datasets")),
        ("data.dinkes", _("data officer of Dinas Kesehatan")),
    ),
)
