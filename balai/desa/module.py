"""What the kelurahan/desa module brings to the platform, registered in DesaConfig.ready() (balai.core.registry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from balai.core.access import StaffScope
from balai.core.registry import (
    DatasetColumn,
    DemoContext,
    Evidence,
    GeneratedDataset,
    GoLiveCheck,
    GoLiveFinding,
    IntegrityCheck,
    Kpi,
    MenuEntry,
    Module,
    ModuleRole,
    PeriodicCheck,
    ReportColumn,
    ReportSection,
    SearchHit,
    SitePanel,
    UnitReadiness,
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


def unit_readiness(unit_ids: frozenset[int] | None, now: datetime) -> list[UnitReadiness]:
    """Each kelurahan/desa that must send reports: no lurah account, a report missing, a report late, or ready."""
    from .selectors import READINESS_LABELS
    from .selectors import unit_readiness as read

    page = reverse("desa:readiness")
    return [
        UnitReadiness(
            unit_id=r.unit.pk,
            unit_name=r.unit.name,
            group=r.kecamatan,
            ready=r.ready,
            state=r.state.value,
            state_label=READINESS_LABELS[r.state],
            reason=r.reason,
            url=f"{page}#u-{r.unit.slug}",
        )
        for r in read(unit_ids, now)
    ]


def report_sections(first: date, last: date) -> list[ReportSection]:
    """The mayor's monthly PDF: for each report whose period ends in the month, who sent it per kecamatan (on time,
    late, missing, not yet due) and its number fields summed per kecamatan. Counts and sums only."""
    from django.utils import formats, timezone
    from django.utils.translation import gettext

    from .models import Period, ReportType
    from .selectors import figures, periods_ending_within, timeliness_per_kecamatan

    now = timezone.now()
    sections: list[ReportSection] = []
    for report_type in ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT):
        for period in periods_ending_within(report_type, first, last):
            names = {"report": report_type.name, "period": period.label()}
            counted = timeliness_per_kecamatan(report_type, period, now)
            total = [sum(getattr(r, f) for r in counted) for f in ("units", "on_time", "late", "missing", "pending")]
            sections.append(
                ReportSection(
                    key=f"desa-{report_type.slug}-{period.key}-kirim",
                    title=gettext("%(report)s, %(period)s: sent per kecamatan") % names,
                    columns=(
                        ReportColumn(_("Kecamatan")),
                        ReportColumn(_("Units"), numeric=True),
                        ReportColumn(_("On time"), numeric=True),
                        ReportColumn(_("Late"), numeric=True),
                        ReportColumn(_("Missing"), numeric=True),
                        ReportColumn(_("Not yet due"), numeric=True),
                    ),
                    rows=(
                        *((r.kecamatan, r.units, r.on_time, r.late, r.missing, r.pending) for r in counted),
                        (gettext("Total"), *total),
                    ),
                    notes=(
                        gettext("Deadline: %(deadline)s. Counted on %(now)s: a report not sent by then is missing.")
                        % {
                            "deadline": _deadline_text(report_type, period),
                            "now": formats.date_format(timezone.localtime(now), "j F Y"),
                        },
                    ),
                )
            )
            fields, rows = figures(report_type, period.key)
            if not fields:
                continue
            sums = [sum(row[i] for row in rows) for i in range(1, len(fields) + 2)]
            sections.append(
                ReportSection(
                    key=f"desa-{report_type.slug}-{period.key}-angka",
                    title=gettext("%(report)s, %(period)s: figures per kecamatan") % names,
                    columns=(
                        ReportColumn(_("Kecamatan")),
                        ReportColumn(_("Reports counted"), numeric=True),
                        *(ReportColumn(f.label, numeric=True) for f in fields),
                    ),
                    rows=(*(tuple(row) for row in rows), (gettext("Total"), *sums)),
                    notes=(gettext("Sums of the reports sent or accepted; a returned report counts once corrected."),),
                )
            )
    return sections


def _deadline_text(report_type: Any, period: Any) -> str:
    from django.utils import formats

    from balai.core.selectors import work_calendar

    from .periods import deadline

    return formats.date_format(deadline(work_calendar(), period, report_type.deadline_days), "j F Y")


EVIDENCE_PERIODS = 3


def evidence(now: datetime) -> list[Evidence]:
    """SPBE evidence, as of now: the village reports are an electronic business process with deadlines, review
    and readiness (indicator 14, business-process innovation); the KIM relay citizens' problems to the complaint
    service and publish local information (indicator 42, complaint service)."""
    from datetime import timedelta

    from django.db.models import Count, Q

    from .models import Channel, Kim, KimPost, KimRelay, Period, PostStatus, ReportType, Submission
    from .selectors import (
        ACTIVE_DAYS,
        READINESS_PERIODS,
        kim_is_active,
        matrix_periods,
        on_time_share,
        unit_readiness,
    )

    types = list(ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT))
    keys = Q()
    for report_type in types:
        keys |= Q(
            report_type=report_type, period_key__in=[p.key for p in matrix_periods(report_type, now, EVIDENCE_PERIODS)]
        )
    received = (
        Submission.objects.filter(keys, first_sent_at__isnull=False).aggregate(
            total=Count("id"),
            email=Count("id", filter=Q(channel=Channel.EMAIL)),
            reviewed=Count("id", filter=Q(reviewed_at__isnull=False)),
        )
        if types
        else {"total": 0, "email": 0, "reviewed": 0}
    )
    units = unit_readiness(None, now)
    share = on_time_share(now, EVIDENCE_PERIODS)
    since = now - timedelta(days=ACTIVE_DAYS)
    kims = list(Kim.objects.only("last_activity_at"))
    return [
        Evidence(
            indicator=14,
            title=_("Village reports to the mayor: sent on the web or by email, with deadlines, review and readiness"),
            facts=(
                (_("Active report types"), str(len(types))),
                (_("Kelurahan/desa that must report"), str(len(units))),
                (
                    _("Reports received in the last %(n)d periods") % {"n": EVIDENCE_PERIODS},
                    str(received["total"]),
                ),
                (_("of them by email"), str(received["email"])),
                (_("of them reviewed by the camat"), str(received["reviewed"])),
                (_("Sent on time"), "—" if share is None else f"{share:g}%"),
                (
                    _("Units ready (last %(n)d periods)") % {"n": READINESS_PERIODS},
                    _("%(ready)d of %(total)d") % {"ready": sum(u.ready for u in units), "total": len(units)},
                ),
            ),
            as_of=now,
            url=reverse("desa:readiness"),
        ),
        Evidence(
            indicator=42,
            title=_("KIM relay citizens' problems to the complaint service"),
            facts=(
                (_("KIM registered"), str(len(kims))),
                (
                    _("KIM active (posted or reported in the last 3 months)"),
                    str(sum(kim_is_active(k, now) for k in kims)),
                ),
                (
                    _("Problems relayed to the complaint service in the last 3 months"),
                    str(KimRelay.objects.filter(created_at__gte=since).count()),
                ),
                (
                    _("KIM posts published in the last 3 months"),
                    str(KimPost.objects.filter(status=PostStatus.PUBLISHED, published_at__gte=since).count()),
                ),
            ),
            as_of=now,
            url=reverse("desa:kim_public"),
        ),
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
    # No `readiness`: that table lists the OPD, and no OPD has a lurah (a column would mark every OPD not ready);
    # the kelurahan and desa come through `unit_readiness` instead.
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
    unit_readiness=unit_readiness,
    report_sections=report_sections,
    evidence=evidence,
)
