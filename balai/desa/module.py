"""What the kelurahan/desa module brings to the platform, registered in DesaConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import (
    DatasetColumn,
    DemoContext,
    GeneratedDataset,
    GoLiveCheck,
    GoLiveFinding,
    IntegrityCheck,
    Kpi,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    SearchHit,
    SitePanel,
    WorkItem,
    WorkSection,
)

from .rules import MODULE as LABEL
from .rules import Role

SEARCH_LIMIT = 20
PANEL_POSTS = 3


def _reports(scope: StaffScope) -> bool:
    from .selectors import sees_reports

    return sees_reports(scope)


def _kim(scope: StaffScope) -> bool:
    from .selectors import moderates_kim

    return moderates_kim(scope) or scope.has(LABEL, Role.KIM)


def work(request: Any, scope: StaffScope, now: datetime) -> WorkSection | None:
    """'My work': reports to send or correct (lurah), to review (camat), unread (the office); posts to moderate."""
    from .models import IncomingMail, MailOutcome, PostStatus, SubmissionStatus
    from .selectors import late_counts, moderates_kim, reads_everything, submissions_visible_to

    items: list[WorkItem] = []
    home = reverse("desa:home")
    own = scope.units_with(LABEL, Role.LURAH)
    if own:
        missing = sum(late_counts(list(own), now).values())
        returned = submissions_visible_to(scope).filter(unit_id__in=own, status=SubmissionStatus.RETURNED).count()
        items.append(
            WorkItem("desa.missing", _("Village reports past their deadline"), missing, home, urgent=bool(missing))
        )
        items.append(
            WorkItem("desa.returned", _("Village reports returned to you"), returned, home, urgent=bool(returned))
        )
    camat = scope.units_with(LABEL, Role.CAMAT)
    if camat:
        waiting = submissions_visible_to(scope).filter(unit__parent_id__in=camat, status=SubmissionStatus.SENT).count()
        items.append(WorkItem("desa.review", _("Village reports to review"), waiting, home))
    if reads_everything(scope):
        unread = submissions_visible_to(scope).filter(status__in=("terkirim", "diterima"), read_at=None).count()
        held = IncomingMail.objects.filter(outcome=MailOutcome.HELD).count()
        items.append(WorkItem("desa.unread", _("Village reports not yet read"), unread, home))
        items.append(
            WorkItem("desa.held", _("Report emails held for a person"), held, reverse("desa:mail"), urgent=bool(held))
        )
    if moderates_kim(scope):
        from .models import KimPost

        queue = KimPost.objects.filter(status=PostStatus.SUBMITTED).count()
        items.append(WorkItem("desa.moderate", _("KIM posts to moderate"), queue, reverse("desa:kim_home")))
    if not items:
        return None
    return WorkSection(module=LABEL, title=_("Kelurahan, desa and KIM"), items=items, order=40)


def kpis(unit_ids: frozenset[int] | None, now: datetime) -> list[Kpi]:
    from .models import Kim
    from .selectors import kim_is_active, late_counts, on_time_share

    kims = Kim.objects.only("last_activity_at")
    if unit_ids is not None:
        kims = kims.filter(unit_id__in=list(unit_ids))
    missing = late_counts(list(unit_ids) if unit_ids is not None else None, now)
    return [
        Kpi("desa.missing", _("Kelurahan/desa reports missing past their deadline"), sum(missing.values()),
            url=reverse("desa:matrix")),
        Kpi("desa.on_time", _("Village reports on time (last 3 periods)"), on_time_share(now), unit="%",
            url=reverse("desa:matrix")),
        Kpi("desa.kim_active", _("Active KIM"), sum(kim_is_active(k, now) for k in kims), url=reverse("desa:kim_public")),
    ]  # fmt: skip


def search(query: str, limit: int) -> list[SearchHit]:
    """Published KIM posts whose title or text has the words (never a waiting or refused post)."""
    from django.db.models import Q

    from .selectors import posts_public

    words = query.split()
    posts = posts_public()
    for word in words[:6]:
        posts = posts.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return [
        SearchHit(
            title=p.title,
            url=reverse("desa:post_public", args=[p.public_id]),
            summary=f"{p.kim.name} · {p.kim.unit.name}",
            kind=_("KIM news"),
            when=p.published_at,
        )
        for p in posts[: min(limit, SEARCH_LIMIT)]
    ]


def periodic_reminders(now: datetime) -> dict[str, int]:
    from .services import reminders_send

    return reminders_send(now)


def integrity_checks(storage: Any, orphan_grace: Any) -> list[Any]:
    """Every attachment, SK scan and photo the rows name must exist in the storage."""
    from balai.core.registry import Finding

    from .models import Kim, KimPost, SubmissionAttachment

    findings = []
    for model, field in ((SubmissionAttachment, "file"), (Kim, "sk_scan"), (KimPost, "photo")):
        for pk, name in model.objects.exclude(**{field: ""}).values_list("pk", field).order_by("pk"):
            if name and not storage.exists(name):
                findings.append(Finding("desa.missing-file", f"{model._meta.label_lower}:{pk}", f"missing file {name}"))
    return findings


def report_types_ready() -> GoLiveFinding:
    from .models import ReportType

    count = ReportType.objects.filter(is_active=True).count()
    if count:
        return GoLiveFinding(True, _("%(count)d active village report types.") % {"count": count})
    return GoLiveFinding(
        False,
        _("There is no active village report type, so no lurah can send a report."),
        _("Run `balai pemda setup` (it adds the monthly report) or add one at /staf/admin/desa/reporttype/."),
    )


def office_ready() -> GoLiveFinding:
    from balai.core.models import Membership

    names = sorted(
        Membership.objects.filter(module=LABEL, role=Role.PEMERINTAHAN, is_active=True, user__is_active=True)
        .values_list("user__username", flat=True)
        .distinct()
    )
    if names:
        return GoLiveFinding(True, _("Mayor's office: %(names)s.") % {"names": ", ".join(names)})
    return GoLiveFinding(
        False,
        _("Nobody in the mayor's office reads the village reports."),
        _('Give the role "%(role)s" to a person of Bagian Pemerintahan at /staf/unit/ (Setda).')
        % {"role": _("Bagian Pemerintahan (mayor's office)")},
    )


def datasets() -> list[GeneratedDataset]:
    """Open data: the KIM list and the compiled figures per kecamatan (no names of people)."""
    from .models import Kim, Period, ReportType
    from .selectors import figures

    def kim_rows() -> Any:
        for kim in Kim.objects.select_related("unit__parent").order_by("name"):
            yield [
                kim.name,
                kim.unit.name,
                kim.unit.parent.name if kim.unit.parent else "",
                kim.sk_number,
                kim.sk_date.isoformat() if kim.sk_date else "",
                kim.members.count(),
            ]

    def figure_rows() -> Any:
        from django.utils import timezone

        from .selectors import matrix_periods

        now = timezone.now()
        for report_type in ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT):
            for period in matrix_periods(report_type, now, 12):
                fields, rows = figures(report_type, period.key)
                for row in rows:
                    for field, value in zip(fields, row[2:], strict=True):
                        yield [report_type.slug, period.key, row[0], field.key, value]

    return [
        GeneratedDataset(
            key="desa-kim",
            title=_("Community information groups (KIM)"),
            description=_("Every KIM registered in the kelurahan and desa: SK and number of members."),
            columns=(
                DatasetColumn("nama", _("KIM")),
                DatasetColumn("kelurahan", _("Kelurahan/desa")),
                DatasetColumn("kecamatan", _("Kecamatan")),
                DatasetColumn("sk_nomor", _("SK number")),
                DatasetColumn("sk_tanggal", _("SK date"), type="date"),
                DatasetColumn("anggota", _("Members"), type="integer"),
            ),
            rows=kim_rows,
            unit_slug="diskominfo",
            tags=("kim", "desa"),
            source_url="/kim/",
        ),
        GeneratedDataset(
            key="desa-angka-kecamatan",
            title=_("Village report figures per kecamatan"),
            description=_("Number fields of the kelurahan/desa reports to the mayor, summed per kecamatan and period."),
            columns=(
                DatasetColumn("jenis", _("Report type")),
                DatasetColumn("periode", _("Period")),
                DatasetColumn("kecamatan", _("Kecamatan")),
                DatasetColumn("isian", _("Field")),
                DatasetColumn("jumlah", _("Sum"), type="integer"),
            ),
            rows=figure_rows,
            unit_slug="setda",
            tags=("desa", "kelurahan"),
        ),
    ]


def site_panels(unit: Any, now: datetime) -> list[SitePanel]:
    """A kelurahan's website shows its KIM's latest published news."""
    from .models import Kim
    from .selectors import posts_public

    pk = getattr(unit, "pk", None)
    if pk is None:
        return []
    kims = list(Kim.objects.filter(unit_id=pk))
    if not kims:
        return []
    posts = list(posts_public().filter(kim__in=kims)[:PANEL_POSTS])
    url = reverse("desa:kim_detail", args=[kims[0].slug])
    return [
        SitePanel(
            key="desa.kim_news",
            title=_("KIM news"),
            template="desa/_site_panel.html",
            context={"posts": posts, "kim_url": url},
            order=40,
            url=url,
        )
    ]


def demo(context: DemoContext) -> None:
    from .demo import demo_load

    demo_load(context)


def pemda_setup(actor: Any) -> list[str]:
    from .setup import default_report_types_create

    return default_report_types_create(actor)


MODULE = Module(
    label=LABEL,
    name=_("Kelurahan, desa and KIM"),
    roles=(
        ModuleRole(Role.LURAH, _("lurah / kepala desa"), _("Sends the unit's reports to the mayor."), operates=True),
        ModuleRole(Role.CAMAT, _("camat"), _("Reviews the reports of the kecamatan's kelurahan and desa.")),
        ModuleRole(
            Role.PEMERINTAHAN,
            _("Bagian Pemerintahan (mayor's office)"),
            _("Reads every village report, comments and asks for follow-up."),
            pemda_wide=True,
        ),
        ModuleRole(Role.KIM, _("KIM member"), _("Posts the KIM's local information.")),
        ModuleRole(
            Role.MODERATOR,
            _("KIM moderator (Diskominfo)"),
            _("Keeps the KIM registry and moderates their posts."),
            pemda_wide=True,
        ),
    ),
    staff_menu=(
        MenuEntry(_("Village reports"), "desa:home", order=40, visible=_reports),
        MenuEntry(_("KIM"), "desa:kim_home", order=41, visible=_kim),
    ),
    public_menu=(MenuEntry(_("KIM"), "desa:kim_public", order=60),),
    work=work,
    periodic=(PeriodicCheck("desa.reminders", periodic_reminders),),
    integrity=(IntegrityCheck("desa.files", integrity_checks),),
    backup_rebuilt=(),
    # No `readiness`: the platform's readiness table lists the OPD only, and no OPD has a lurah, so a column of
    # this module would mark every OPD not ready. Late kelurahan/desa are counted in `kpis` and `work` instead.
    kpis=kpis,
    search=search,
    go_live=(
        GoLiveCheck("desa.report_types", _("Kelurahan and desa have a report type to send"), report_types_ready),
        GoLiveCheck("desa.office", _("The mayor's office reads the village reports"), office_ready),
    ),
    pemda_setup=pemda_setup,
    datasets=datasets,
    site_panels=site_panels,
    demo=demo,
    demo_logins=(
        ("lurah.girian", _("lurah of a Bitung kelurahan: sends the monthly report")),
        ("camat.girian", _("camat: reviews the kecamatan's reports")),
        ("pemerintahan", _("Bagian Pemerintahan: the units × periods matrix")),
        ("kim.girian", _("KIM member: posts news with a photo")),
        ("moderator.kim", _("Diskominfo: moderates KIM posts")),
    ),
)
