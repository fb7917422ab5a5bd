"""Public pages of the plan: anyone reads them without JavaScript; only published years and accepted
realisation appear. Every table can be downloaded (?format=csv or xlsx; the LKjIP table also as pdf)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.core.models import Unit, Wilayah
from balai.lib.paging import KnownCountPaginator

from . import selectors, services
from .exports import pdf_response, table_response
from .forms import AspirasiForm
from .models import Activity, Dimension, Level, Plan
from .templatetags.kinerja_tags import num, pct

PAGE_SIZE = 25


FORMATS = ("csv", "xlsx")


def _plan(year: int) -> Plan:
    plan = selectors.plan_public(year)
    if plan is None:
        raise Http404
    return plan


def _quarter(request: HttpRequest, plan: Plan) -> int | None:
    value = request.GET.get("triwulan", "")
    if value in ("1", "2", "3", "4"):
        return int(value)
    return selectors.latest_quarter(plan)


def home(request: HttpRequest) -> HttpResponse:
    years = selectors.published_years()
    if years:
        return redirect("kinerja:year", year=years[0])
    return render(request, "kinerja/none.html", status=200)


def _figure_row(label: str, f: selectors.Figures) -> list[Any]:
    return [label, f.subs, f.pagu, f.financial, f.absorption, f.physical, f.achievement, f.predicate]


def _figure_headers(first: str) -> list[str]:
    return [first, _("Sub kegiatan"), _("Budget ceiling (Rp)"), _("Realised (Rp)"), _("Absorption (%)"),
            _("Physical progress (%)"), _("Achievement (%)"), _("Predicate")]  # fmt: skip


def year(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    quarter = _quarter(request, plan)
    units = selectors.opd_units(plan)
    figures = selectors.rollup(plan, quarter, Dimension.OPD)
    rows = [(unit, figures.get(unit.pk, selectors.Figures())) for unit in units]
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(
            fmt, f"kinerja-{year}-opd", _figure_headers(_("OPD")), [_figure_row(u.name, f) for u, f in rows]
        )
    _per_unit, spbe_total, all_total = selectors.spbe_share(plan)
    return render(
        request,
        "kinerja/year.html",
        {
            "plan": plan, "quarter": quarter, "years": selectors.published_years(), "rows": rows,
            "total": selectors.total(figures), "missions": selectors.goals_by_mission(plan, quarter),
            "spbe_total": spbe_total, "spbe_share": _share(spbe_total, all_total),
        },
    )  # fmt: skip


def _share(part: Any, whole: Any) -> Any:
    from .evaluation import share

    return share(part, whole)


def opd(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    plan = _plan(year)
    unit = Unit.objects.filter(slug=slug).first()
    if unit is None:
        raise Http404
    quarter = _quarter(request, plan)
    programs = Activity.objects.filter(plan=plan, unit=unit, level=Level.PROGRAM).order_by("code")
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        figures = selectors.rollup(plan, quarter, Dimension.PROGRAM, keys=[p.pk for p in programs])
        return table_response(
            fmt, f"kinerja-{year}-{slug}-program", [_("Code"), *_figure_headers(_("Program"))],
            [[p.code, *_figure_row(p.name, figures.get(p.pk, selectors.Figures()))] for p in programs],
        )  # fmt: skip
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("halaman"))
    figures = selectors.rollup(plan, quarter, Dimension.PROGRAM, keys=[p.pk for p in page.object_list])
    unit_total = selectors.rollup(plan, quarter, Dimension.OPD, keys=[unit.pk]).get(unit.pk, selectors.Figures())
    return render(
        request,
        "kinerja/opd.html",
        {
            "plan": plan, "unit": unit, "quarter": quarter, "page": page,
            "rows": [(p, figures.get(p.pk, selectors.Figures())) for p in page.object_list],
            "total": unit_total, "spbe": unit_total.spbe_pagu,
            "spbe_share": _share(unit_total.spbe_pagu, unit_total.pagu),
            "notes": plan.notes.filter(unit=unit)[:5],
        },
    )  # fmt: skip


def urusan(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    quarter = _quarter(request, plan)
    figures = selectors.rollup(plan, quarter, Dimension.URUSAN)
    rows = sorted(figures.items(), key=lambda kv: kv[0] or "")
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(
            fmt, f"kinerja-{year}-urusan", _figure_headers(_("Affair (urusan)")),
            [_figure_row(k or _("(none)"), f) for k, f in rows],
        )  # fmt: skip
    return render(request, "kinerja/urusan.html", {"plan": plan, "quarter": quarter, "rows": rows})


def places(request: HttpRequest, year: int) -> HttpResponse:
    """Located works by kecamatan: a list that needs no JavaScript, and a map for those who have it."""
    plan = _plan(year)
    quarter = _quarter(request, plan)
    figures = selectors.rollup(plan, quarter, Dimension.KECAMATAN)
    kecamatan = {w.pk: w for w in Wilayah.objects.filter(pk__in=[k for k in figures if k])}
    rows = sorted(((kecamatan[k], f) for k, f in figures.items() if k in kecamatan), key=lambda r: r[0].name)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return table_response(
            fmt, f"kinerja-{year}-kecamatan", _figure_headers(_("Kecamatan")), [_figure_row(w.name, f) for w, f in rows]
        )
    # By kelurahan code (so by kecamatan), along the plan-kelurahan-code index; counted by the summary cells.
    located = (
        Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN, kelurahan__isnull=False)
        .select_related("kelurahan", "kelurahan__parent", "unit")
        .order_by("kelurahan_id", "code")
    )
    count = sum(f.subs for _w, f in rows)
    page = KnownCountPaginator(located, PAGE_SIZE, count=count).get_page(request.GET.get("halaman"))
    works = list(page.object_list)
    features = [
        {"type": "Feature", "geometry": json.loads(a.geometry),
         "properties": {"name": a.name, "url": reverse("kinerja:activity", args=[a.public_id])}}
        for a in works if a.geometry
    ]  # fmt: skip
    return render(
        request,
        "kinerja/places.html",
        {
            "plan": plan,
            "quarter": quarter,
            "rows": rows,
            "works": works,
            "page": page,
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_ATTRIBUTION,
            "features": {"type": "FeatureCollection", "features": features},
        },
    )


def activity(request: HttpRequest, public_id: Any) -> HttpResponse:
    item = selectors.activity_public(public_id)
    if item is None:
        raise Http404
    realisations = selectors.realisations_public(item) if item.level == Level.SUB_KEGIATAN else []
    children = Paginator(item.children.order_by("code"), PAGE_SIZE).get_page(request.GET.get("halaman"))
    latest = realisations[-1] if realisations else None
    figures = None
    if item.level != Level.SUB_KEGIATAN:
        quarter = selectors.latest_quarter(item.plan)
        by = Dimension.PROGRAM if item.level == Level.PROGRAM else Dimension.KEGIATAN
        figures = selectors.rollup(item.plan, quarter, by, keys=[item.pk]).get(item.pk)
    photos = [e for r in realisations for e in r.evidence.all() if e.is_photo]
    documents = [e for r in realisations for e in r.evidence.all() if not e.is_photo]
    return render(
        request,
        "kinerja/activity.html",
        {
            "item": item, "realisations": realisations, "latest": latest, "children": children,
            "figures": figures, "photos": photos, "documents": documents,
            "reports": selectors.linked_reports(item), "indicators": list(item.indicators.all()),
            "status": _status(item, latest), "aspirasi": _aspirasi_form(item),
        },
    )  # fmt: skip


def _status(item: Activity, latest: Any) -> str:
    if item.level != Level.SUB_KEGIATAN:
        return ""
    if latest is None:
        return _("not started or not yet reported")
    if latest.physical_pct >= 100:
        return _("finished")
    return _("in progress")


def lkjip(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    plan = _plan(year)
    unit = Unit.objects.filter(slug=slug).first()
    if unit is None:
        raise Http404
    quarter = _quarter(request, plan)
    headers = [_("Code"), _("Sub kegiatan"), _("Indicator"), _("Unit"), _("Target"), _("Realised"),
               _("Achievement (%)"), _("Predicate")]  # fmt: skip
    fmt = request.GET.get("format")
    if fmt not in (*FORMATS, "pdf"):
        # A page of the OPD's sub kegiatan in code order (walked along the plan-OPD-code index, counted by the
        # summary cell), then their indicators: the page costs the same at any size of the plan.
        unit_total = selectors.rollup(plan, quarter, Dimension.OPD, keys=[unit.pk]).get(unit.pk, selectors.Figures())
        subs = Activity.objects.filter(plan=plan, unit=unit, level=Level.SUB_KEGIATAN).order_by("code")
        page = KnownCountPaginator(subs, PAGE_SIZE, count=unit_total.subs).get_page(request.GET.get("halaman"))
        indicators = selectors.lkjip_indicators(plan, unit).filter(activity__in=[a.pk for a in page.object_list])
        page.object_list = selectors.lkjip_rows(plan, unit, quarter, indicators=indicators)  # type: ignore[assignment]
        return render(
            request,
            "kinerja/lkjip.html",
            {"plan": plan, "unit": unit, "quarter": quarter, "page": page, "total": unit_total,
             "notes": plan.notes.filter(unit=unit)[:5]},
        )  # fmt: skip
    rows = selectors.lkjip_rows(plan, unit, quarter)
    table = [
        [r["code"], r["activity"].name, r["indicator"].name, r["indicator"].unit_label, r["target"], r["realised"],
         r["achievement"], r["predicate"]]
        for r in rows
    ]  # fmt: skip
    if fmt in FORMATS:
        return table_response(fmt, f"lkjip-{year}-{slug}", headers, table)
    if fmt == "pdf":
        subtitle = _(
            "Quarter %(q)s, cumulative. Achievement = realised ÷ target × 100 (lower is better: (2 × target − realised) ÷ target × 100)."
        ) % {"q": quarter or "–"}
        printable = [[c, a[:70], i[:45], u, num(t), num(r), pct(s), p] for c, a, i, u, t, r, s, p in table]
        return pdf_response(
            f"lkjip-{year}-{slug}",
            _("Performance table %(unit)s %(year)s") % {"unit": unit.name, "year": year},
            subtitle,
            headers,
            printable,
        )
    raise Http404


def _aspirasi_form(item: Activity, data: Any = None) -> AspirasiForm:
    from balai.core.selectors import pemda_current

    pemda = pemda_current()
    allow = bool(pemda and pemda.allow_anonymous_without_contact)
    return AspirasiForm(data, initial={"form_token": uuid.uuid4()}, allow_anonymous_without_contact=allow)


@require_POST
def aspirasi(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A citizen's aspiration about an activity: a report of the reporting module (kind aspirasi, the category of
    the activity's OPD), linked to the activity in the report's own transaction, counted against the sender's
    report allowance like the report form. Bad input or the limit keeps everything typed."""
    from balai.core.middleware import client_address
    from balai.lapor.models import ReportKind
    from balai.lapor.ratelimit import SubmissionLimited, bucket_for_address, submit_is_full
    from balai.lapor.selectors import categories_active
    from balai.lapor.services import DuplicateSubmission, ReportInput, report_submit

    item = selectors.activity_public(public_id)
    if item is None:
        raise Http404
    form = _aspirasi_form(item, request.POST)
    bucket = bucket_for_address(request)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        categories = list(categories_active().order_by("order", "name"))
        category = next((c for c in categories if c.default_unit_id == item.unit_id), None) or (
            categories[0] if categories else None
        )
        if category is None:
            form.add_error(None, _("Messages cannot be received at the moment. Please try again later."))
        elif submit_is_full(bucket) is not None:
            form.add_error(None, _("You have sent many messages in a short time. Please wait an hour and send it again; what you typed is kept."))  # fmt: skip
            status = 429
        else:
            report_input = ReportInput(
                category=category, kind=ReportKind.ASPIRASI, title=_("Aspiration: %(name)s") % {"name": item.name[:120]},
                description=f"{data['text']}\n\n{item.code} {item.name} ({item.unit}, {item.plan.year})",
                kelurahan=item.kelurahan, reporter_name=data["reporter_name"], reporter_email=data["reporter_email"],
                reporter_phone=data["reporter_phone"], is_anonymous=data["is_anonymous"], consent=data["consent"],
                language=request.LANGUAGE_CODE,
            )  # fmt: skip

            def link(report: Any) -> None:
                services.report_link_from_citizen(activity=item, code=report.code)

            try:
                report = report_submit(
                    data=report_input, ip_address=client_address(request), submission_token=data["form_token"],
                    rate_bucket=bucket,
                    in_transaction=link,
                )  # fmt: skip
            except DuplicateSubmission as duplicate:
                report = duplicate.report
            except SubmissionLimited:
                form.add_error(None, _("You have sent many messages in a short time. Please wait an hour and send it again; what you typed is kept."))  # fmt: skip
                status = 429
            if status == 200:
                return render(request, "kinerja/aspirasi_sent.html", {"item": item, "code": report.code})
    return render(request, "kinerja/aspirasi.html", {"item": item, "aspirasi": form}, status=status)
