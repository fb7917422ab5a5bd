"""Staff pages of the village reports and the KIM (behind staff_member_required, scoped by the selectors and
the allowed-actions table), and the public KIM pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.access import StaffScope, staff_member_required
from balai.core.models import Unit

from . import rules, selectors, services
from .exports import XLSX, table_response, template_xlsx
from .forms import (
    KimForm,
    MailboxForm,
    MemberForm,
    ModerationForm,
    NoteForm,
    PostForm,
    RelayForm,
    ReviewForm,
    SubmissionForm,
    ToOpdForm,
)
from .models import (
    FieldKind,
    IncomingMail,
    Kim,
    MailOutcome,
    Period,
    PostStatus,
    ReportType,
    Submission,
    SubmissionStatus,
)
from .periods import PeriodError, period_parse

MATRIX_PERIODS = 6
MATRIX_PAGE = 50
KIM_PAGE = 60


def _scope(request: HttpRequest) -> StaffScope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


def _version(form: Any) -> int | None:
    value = form.data.get("version") if form.is_bound else None
    return int(value) if value and str(value).isdigit() else None


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A staff page: the module's sub-menu needs to know whether the person reads every unit."""
    scope = _scope(request)
    return render(request, template, {**context, "reads_everything": selectors.reads_everything(scope),
                                      "moderator": context.get("moderator", selectors.moderates_kim(scope))})  # fmt: skip


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise Http404


# --- the village reports -------------------------------------------------------------------------------------


@staff_member_required
def home(request: HttpRequest) -> HttpResponse:
    """The lurah's reports to send, the camat's to review, the office's newest; the matrix is one link away."""
    scope = _scope(request)
    _deny_unless(selectors.sees_reports(scope))
    now = timezone.now()
    own_units = list(Unit.objects.filter(pk__in=scope.units_with(rules.MODULE, rules.Role.LURAH)))
    todo = []
    for report_type in ReportType.objects.filter(is_active=True).prefetch_related("fields"):
        for unit in own_units:
            if unit.kind not in report_type.unit_kinds:
                continue
            for row in selectors.matrix(
                report_type, Unit.objects.filter(pk=unit.pk), selectors.matrix_periods(report_type, now, 3), now
            ):
                todo += [(report_type, unit, cell) for cell in row.cells]
    visible = selectors.submissions_visible_to(scope)
    camat_units = scope.units_with(rules.MODULE, rules.Role.CAMAT)
    to_review = visible.filter(status=SubmissionStatus.SENT, unit__parent_id__in=camat_units).order_by("sent_at")[:50]
    newest = (
        visible.filter(status__in=selectors.COUNTED).order_by("-sent_at")[:20]
        if selectors.reads_everything(scope)
        else []
    )
    return _render(
        request,
        "desa/staff_home.html",
        {
            "todo": todo,
            "to_review": to_review,
            "newest": newest,
            "report_types": ReportType.objects.filter(is_active=True),
            "incident_types": [t for t in ReportType.objects.filter(is_active=True, period=Period.INCIDENT)],
            "own_units": own_units,
            "scope": scope,
        },
    )


def _sender_unit(scope: StaffScope, slug: str) -> Unit:
    unit = Unit.objects.filter(slug=slug, pk__in=scope.units_with(rules.MODULE, rules.Role.LURAH)).first()
    if unit is None:
        raise Http404
    return unit


@staff_member_required
def submission_form(request: HttpRequest, type_slug: str, unit_slug: str, period: str) -> HttpResponse:
    """The lurah's form: save a draft or send. Works without JavaScript; on an error everything typed stays."""
    scope = _scope(request)
    unit = _sender_unit(scope, unit_slug)
    report_type = get_object_or_404(ReportType.objects.prefetch_related("fields"), slug=type_slug, is_active=True)
    try:
        report_period = period_parse(report_type.period, period)
    except PeriodError as exc:
        raise Http404 from exc
    submission = Submission.objects.filter(report_type=report_type, unit=unit, period_key=report_period.key).first()
    actors = rules.submission_actors(scope, unit)
    editable = rules.submission_refusal("save", submission.status if submission else "", actors) is None
    if request.method == "POST" and editable:
        form = SubmissionForm(request.POST, request.FILES, report_type=report_type)
        form.is_valid()
        values, errors = services.values_clean(report_type, form.typed())
        for key, message in errors.items():
            form.add_error(f"f_{key}", message)
        files = [
            services.UploadedFile(name=upload.name or "lampiran", content=upload.read(), field_key=f.key)
            for f in report_type.fields.all()
            if f.kind == FieldKind.ATTACHMENT and (upload := request.FILES.get(f"f_{f.key}"))
        ]
        if not errors:
            send = request.POST.get("action") == "send"
            # A field emptied on the form is emptied in the report too.
            blanks = {k: "" for k, v in form.typed().items() if not v.strip()}
            try:
                saved = services.submission_save(
                    actor=request.user,
                    actors=actors,
                    unit=unit,
                    report_type=report_type,
                    period_key=report_period.key,
                    values={**blanks, **values},
                    files=files,
                    send=send,
                    version=_version(form),
                )
            except services.DesaError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Report sent. A receipt goes to your email.") if send else _("Draft saved.")
                )
                if send:
                    return redirect("desa:submission", saved.public_id)
                return redirect(request.path)
    else:
        initial = {f"f_{k}": v for k, v in (submission.values if submission else {}).items()}
        initial["version"] = submission.version if submission else None
        form = SubmissionForm(initial=initial, report_type=report_type)
    return _render(
        request,
        "desa/submission_form.html",
        {
            "form": form,
            "report_type": report_type,
            "unit": unit,
            "period": report_period,
            "submission": submission,
            "editable": editable,
            "due_at": submission.due_at if submission else None,
        },
    )


@staff_member_required
def submission_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    scope = _scope(request)
    submission = selectors.access_submission(scope, public_id)
    actors = rules.submission_actors(scope, submission.unit)
    if request.method == "GET":
        services.submission_mark_read(actor=request.user, actors=actors, submission=submission)
    review = ReviewForm(initial={"version": submission.version})
    note = NoteForm(initial={"version": submission.version})
    to_opd = ToOpdForm(initial={"version": submission.version})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("accept", "return"):
                review = ReviewForm(request.POST)
                review.is_valid()
                services.submission_review(
                    actor=request.user, actors=actors, submission=submission, accept=action == "accept",
                    note=review.cleaned_data.get("note", ""), version=_version(review),
                )  # fmt: skip
            elif action in ("comment", "follow_up"):
                note = NoteForm(request.POST)
                note.is_valid()
                services.submission_note(
                    actor=request.user, actors=actors, submission=submission, follow_up=action == "follow_up",
                    text=request.POST.get("text", ""), version=_version(note),
                )  # fmt: skip
            elif action == "to_opd":
                to_opd = ToOpdForm(request.POST)
                if not to_opd.is_valid():
                    raise services.DesaError(_("Check the fields below."))
                services.submission_to_opd(
                    actor=request.user, actors=actors, submission=submission,
                    category_id=int(to_opd.cleaned_data["category"]), title=to_opd.cleaned_data["title"],
                    description=to_opd.cleaned_data["description"], version=_version(to_opd),
                )  # fmt: skip
            else:
                raise services.DesaError(_("Unknown action."))
        except services.DesaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
            return redirect("desa:submission", submission.public_id)
    fields = [
        (f, submission.values.get(f.key, ""))
        for f in submission.report_type.fields.all()
        if f.kind != FieldKind.ATTACHMENT
    ]
    return _render(
        request,
        "desa/submission_detail.html",
        {
            "submission": submission,
            "period_label": period_parse(submission.report_type.period, submission.period_key).label(),
            "fields": fields,
            "attachments": submission.attachments.all(),
            "notes": submission.notes.select_related("author"),
            "allowed": rules.submission_actions(submission.status, actors),
            "sender": rules.Actor.SENDER in actors,
            "review": review,
            "note_form": note,
            "to_opd": to_opd,
        },
    )


@staff_member_required
def attachment(request: HttpRequest, public_id: Any, pk: int) -> FileResponse:
    submission = selectors.access_submission(_scope(request), public_id)
    item = get_object_or_404(submission.attachments, pk=pk)
    response = FileResponse(default_storage.open(item.file.name, "rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _report_type_from(request: HttpRequest) -> ReportType:
    types = ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT).prefetch_related("fields")
    chosen = types.filter(slug=request.GET.get("jenis", "")).first() or types.first()
    if chosen is None:
        raise Http404
    return chosen


@staff_member_required
def matrix(request: HttpRequest) -> HttpResponse:
    """Units × periods (on time, late, missing) for the mayor's office, a camat's kecamatan or a lurah's unit."""
    scope = _scope(request)
    _deny_unless(selectors.sees_reports(scope))
    report_type = _report_type_from(request)
    now = timezone.now()
    periods = selectors.matrix_periods(report_type, now, MATRIX_PERIODS)
    units = selectors.units_for(report_type, scope).only("id", "name", "slug", "parent_id")
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = selectors.matrix(report_type, units, periods, now)
        labels = selectors.TIMELINESS_LABELS
        return table_response(
            f"matriks-{report_type.slug}",
            [_("Unit"), *[p.key for p in periods]],
            ([row.unit.name, *[str(labels[c.state]) for c in row.cells]] for row in rows),
            request.GET["format"],
        )
    # A page of units at a time: a camat's twenty kelurahan fit on one, the mayor's office pages through.
    page = Paginator(units, MATRIX_PAGE).get_page(request.GET.get("halaman"))
    return _render(
        request,
        "desa/matrix.html",
        {
            "page": page,
            "query": f"jenis={report_type.slug}",
            "rows": selectors.matrix(report_type, list(page.object_list), periods, now),
            "report_type": report_type,
            "types": ReportType.objects.filter(is_active=True).exclude(period=Period.INCIDENT),
            "periods": periods,
        },
    )


@staff_member_required
def readiness(request: HttpRequest) -> HttpResponse:
    """Which kelurahan/desa keep up: no lurah account, a report missing, a report late, or ready — the mayor's
    office sees every unit, a camat the kecamatan's, a lurah their own."""
    scope = _scope(request)
    _deny_unless(selectors.sees_reports(scope))
    reach = (
        None
        if selectors.reads_everything(scope)
        else list(selectors.units_visible_to(scope).values_list("pk", flat=True))
    )
    units = selectors.unit_readiness(reach, timezone.now())
    counts = {state: sum(1 for u in units if u.state == state) for state in selectors.ReadinessState}
    return _render(
        request,
        "desa/readiness.html",
        {
            "units": units,
            "ready_count": counts[selectors.ReadinessState.READY],
            "states": [(state, selectors.READINESS_LABELS[state], counts[state]) for state in selectors.ReadinessState],
            "periods": selectors.READINESS_PERIODS,
        },
    )


@staff_member_required
def figures(request: HttpRequest) -> HttpResponse:
    """Number fields summed per kecamatan for one period, with CSV/XLSX."""
    scope = _scope(request)
    _deny_unless(selectors.sees_reports(scope))
    report_type = _report_type_from(request)
    periods = selectors.matrix_periods(report_type, timezone.now(), 12)
    key = request.GET.get("periode") or (periods[0].key if periods else "")
    fields, rows = selectors.figures(report_type, key, scope)
    header = [_("Kecamatan"), _("Reports counted"), *[f.label for f in fields]]
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response(f"angka-{report_type.slug}-{key}", header, rows, request.GET["format"])
    return _render(
        request,
        "desa/figures.html",
        {"report_type": report_type, "periods": periods, "period_key": key, "header": header, "rows": rows},
    )


@staff_member_required
def template_download(request: HttpRequest, type_slug: str) -> HttpResponse:
    report_type = get_object_or_404(ReportType.objects.prefetch_related("fields"), slug=type_slug, is_active=True)
    response = HttpResponse(template_xlsx(report_type), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{report_type.slug}.xlsx"'
    return response


@staff_member_required
def mail(request: HttpRequest) -> HttpResponse:
    """The mayor's office: held emails (decide), the latest taken, and the units' registered addresses."""
    scope = _scope(request)
    _deny_unless(selectors.reads_everything(scope))
    units = Unit.objects.active().exclude(kind="opd").select_related("desa_mailbox").order_by("kind", "name")
    form = MailboxForm(units=units)
    if request.method == "POST":
        if "discard" in request.POST:
            entry = get_object_or_404(IncomingMail, public_id=request.POST["discard"])
            try:
                services.mail_discard(actor=request.user, entry=entry)
            except services.DesaError as exc:
                messages.error(request, exc.message)
            return redirect("desa:mail")
        form = MailboxForm(request.POST, units=units)
        if form.is_valid():
            unit = units.get(slug=form.cleaned_data["unit"])
            try:
                services.mailbox_set(actor=request.user, unit=unit, sender_email=form.cleaned_data["sender_email"])
            except services.DesaError as exc:
                form.add_error("sender_email", exc.message)
            else:
                messages.success(request, _("Address registered."))
                return redirect("desa:mail")
    return _render(
        request,
        "desa/mail.html",
        {
            "held": IncomingMail.objects.filter(outcome=MailOutcome.HELD).select_related("unit")[:100],
            "recent": IncomingMail.objects.exclude(outcome=MailOutcome.HELD).select_related("unit")[:30],
            "mailboxes": [u for u in units if hasattr(u, "desa_mailbox")],
            "form": form,
            "address": services.desa_address(),
        },
    )


# --- KIM (staff) ---------------------------------------------------------------------------------------------


@staff_member_required
def kim_home(request: HttpRequest) -> HttpResponse:
    """A KIM member: their KIM's posts, a new post, relay a problem. Diskominfo: the moderation queue."""
    scope = _scope(request)
    kim_ids = selectors.member_kim_ids(request.user)
    moderator = selectors.moderates_kim(scope)
    _deny_unless(moderator or bool(kim_ids))
    posts = selectors.posts_visible_to(scope, kim_ids)
    return _render(
        request,
        "desa/kim_home.html",
        {
            "kims": Kim.objects.filter(pk__in=kim_ids).select_related("unit"),
            "queue": posts.filter(status=PostStatus.SUBMITTED).order_by("created_at")[:50] if moderator else [],
            "mine": posts.filter(kim_id__in=kim_ids).order_by("-created_at")[:30],
            "moderator": moderator,
        },
    )


def _member_kim(request: HttpRequest, slug: str) -> Kim:
    kim = Kim.objects.filter(slug=slug, pk__in=selectors.member_kim_ids(request.user)).select_related("unit").first()
    if kim is None:
        raise Http404
    return kim


def _photo_bytes(request: HttpRequest) -> bytes | None:
    upload = request.FILES.get("photo")
    return upload.read() if upload else None


@staff_member_required
def post_new(request: HttpRequest, slug: str) -> HttpResponse:
    kim = _member_kim(request, slug)
    actors = rules.post_actors(_scope(request), kim, frozenset({kim.pk}))
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                actor=request.user, actors=actors, kim=kim, kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                event_date=form.cleaned_data["event_date"], photo=_photo_bytes(request),
            )  # fmt: skip
        except services.DesaError as exc:
            form.add_error(
                "photo" if "photo" in exc.message.lower() or "file" in exc.message.lower() else None, exc.message
            )
        else:
            messages.success(
                request,
                _("Published.") if post.status == PostStatus.PUBLISHED else _("Sent to Diskominfo for moderation."),
            )
            return redirect("desa:post", post.public_id)
    return _render(request, "desa/post_form.html", {"form": form, "kim": kim})


@staff_member_required
def post_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One post: the moderator approves, returns or refuses; the author corrects a returned post."""
    scope = _scope(request)
    kim_ids = selectors.member_kim_ids(request.user)
    post = get_object_or_404(selectors.posts_visible_to(scope, kim_ids), public_id=public_id)
    actors = rules.post_actors(scope, post.kim, kim_ids)
    moderation = ModerationForm(initial={"version": post.version})
    edit = PostForm(
        initial={
            "version": post.version,
            "kind": post.kind,
            "title": post.title,
            "body": post.body,
            "event_date": post.event_date,
        }
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "edit":
                edit = PostForm(request.POST, request.FILES)
                if not edit.is_valid():
                    raise services.DesaError(_("Check the fields below."))
                services.post_create(
                    actor=request.user, actors=actors, kim=post.kim, kind=edit.cleaned_data["kind"],
                    title=edit.cleaned_data["title"], body=edit.cleaned_data["body"],
                    event_date=edit.cleaned_data["event_date"], photo=_photo_bytes(request), post=post,
                    version=_version(edit),
                )  # fmt: skip
            elif action in rules.POST_RULES:
                moderation = ModerationForm(request.POST)
                moderation.is_valid()
                services.post_moderate(
                    actor=request.user, actors=actors, post=post, action=action,
                    reason=moderation.cleaned_data.get("reason", ""), version=_version(moderation),
                )  # fmt: skip
            else:
                raise services.DesaError(_("Unknown action."))
        except services.DesaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
            return redirect("desa:post", post.public_id)
    return _render(
        request,
        "desa/post_detail.html",
        {
            "post": post,
            "allowed": rules.post_actions(post.status, actors),
            "moderation": moderation,
            "edit": edit,
        },
    )


@staff_member_required
def relay(request: HttpRequest, slug: str) -> HttpResponse:
    """A KIM member passes a citizen's problem on to the reporting module."""
    kim = _member_kim(request, slug)
    actors = rules.post_actors(_scope(request), kim, frozenset({kim.pk}))
    form = RelayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.kim_relay(
                actor=request.user, actors=actors, kim=kim, category_id=int(form.cleaned_data["category"]),
                title=form.cleaned_data["title"], description=form.cleaned_data["description"],
                citizen_name=form.cleaned_data["citizen_name"], citizen_phone=form.cleaned_data["citizen_phone"],
            )  # fmt: skip
        except services.DesaError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Sent to the reporting module as %(code)s.") % {"code": done.lapor_code})
            return redirect("desa:kim_home")
    return _render(
        request, "desa/relay_form.html", {"form": form, "kim": kim, "relays": kim.relays.order_by("-created_at")[:20]}
    )


@staff_member_required
def kim_registry(request: HttpRequest, slug: str = "") -> HttpResponse:
    """Diskominfo keeps the registry: a KIM's details, SK scan and members."""
    scope = _scope(request)
    _deny_unless(selectors.moderates_kim(scope))
    kim = get_object_or_404(Kim, slug=slug) if slug else None
    form = KimForm(instance=kim, initial={"version": kim.version if kim else None})
    member_form = MemberForm()
    if request.method == "POST":
        if request.POST.get("action") == "member" and kim is not None:
            member_form = MemberForm(request.POST)
            if member_form.is_valid():
                data = member_form.cleaned_data
                services.kim_member_add(
                    actor=request.user,
                    kim=kim,
                    name=data["name"],
                    role=data["role"],
                    phone=data["phone"],
                    user=data["username"],
                )
                messages.success(request, _("Member added."))
                return redirect("desa:kim_edit", kim.slug)
        elif request.POST.get("action") == "remove" and kim is not None:
            member = get_object_or_404(kim.members, pk=request.POST.get("member"))
            services.kim_member_remove(actor=request.user, member=member)
            return redirect("desa:kim_edit", kim.slug)
        else:
            form = KimForm(request.POST, request.FILES, instance=kim)
            if form.is_valid():
                scan = request.FILES.get("sk_scan_upload")
                kim_data = services.KimInput(
                    **{k: form.cleaned_data[k] for k in ("unit", "name", "sk_number", "sk_date", "contact",
                                                          "media_channels", "latitude", "longitude", "trusted")}
                )  # fmt: skip
                try:
                    saved = services.kim_save(
                        actor=request.user, data=kim_data, kim=kim, sk_scan=scan.read() if scan else None,
                        version=_version(form),
                    )  # fmt: skip
                except services.DesaError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("KIM saved."))
                    return redirect("desa:kim_edit", saved.slug)
    return _render(
        request,
        "desa/kim_registry.html",
        {
            "kim": kim,
            "form": form,
            "member_form": member_form,
            "members": kim.members.all() if kim else [],
            "kims": Kim.objects.select_related("unit").order_by("name"),
        },
    )


@staff_member_required
def kim_overview(request: HttpRequest) -> HttpResponse:
    """Diskominfo's view: KIM per kecamatan, active or not, trained members, posts per month; CSV/XLSX."""
    _deny_unless(selectors.moderates_kim(_scope(request)))
    months, rows = selectors.kim_overview(timezone.now())
    header = [_("Kecamatan"), _("KIM"), _("Active"), _("Members trained"), *months]
    table = [[r.kecamatan, r.total, r.active, r.trained, *[r.posts_by_month[m] for m in months]] for r in rows]
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response("kim-per-kecamatan", header, table, request.GET["format"])
    return _render(request, "desa/kim_overview.html", {"header": header, "table": table})


@staff_member_required
def sk_scan(request: HttpRequest, slug: str) -> FileResponse:
    _deny_unless(selectors.moderates_kim(_scope(request)))
    kim = get_object_or_404(Kim, slug=slug)
    if not kim.sk_scan:
        raise Http404
    return FileResponse(default_storage.open(kim.sk_scan.name, "rb"), content_type="application/pdf")


# --- public --------------------------------------------------------------------------------------------------


def kim_public(request: HttpRequest) -> HttpResponse:
    """Every KIM, by kecamatan, with a map (JavaScript adds it; the list works without), and the latest news."""
    now = timezone.now()
    everything = selectors.kims_public().order_by("unit__parent__name", "name")
    listed = Paginator(everything, KIM_PAGE).get_page(request.GET.get("daftar"))
    kims = list(listed.object_list)
    groups: dict[str, list[Any]] = {}
    for kim in kims:
        kim.active = selectors.kim_is_active(kim, now)  # type: ignore[attr-defined]
        groups.setdefault(kim.unit.parent.name if kim.unit.parent else "", []).append(kim)
    page = Paginator(selectors.posts_public(), 10).get_page(request.GET.get("halaman"))
    return render(
        request,
        "desa/kim_public.html",
        {
            "groups": sorted(groups.items()),
            "page": page,
            "count": listed.paginator.count,
            "listed": listed,
            "map_bounds": _bounds(request),
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_ATTRIBUTION,
        },
    )


def _bounds(request: HttpRequest) -> str:
    pemda = getattr(request, "pemda", None)
    if pemda is None:
        return ""
    return f"{pemda.min_latitude},{pemda.min_longitude},{pemda.max_latitude},{pemda.max_longitude}"


def kim_detail(request: HttpRequest, slug: str) -> HttpResponse:
    kim = get_object_or_404(selectors.kims_public(), slug=slug)
    kim.active = selectors.kim_is_active(kim, timezone.now())  # type: ignore[attr-defined]
    page = Paginator(selectors.posts_public().filter(kim=kim), 10).get_page(request.GET.get("halaman"))
    roles = kim.members.values_list("role", flat=True)
    return render(request, "desa/kim_detail.html", {"kim": kim, "page": page, "member_count": len(roles)})


def post_public(request: HttpRequest, public_id: Any) -> HttpResponse:
    post = get_object_or_404(selectors.posts_public(), public_id=public_id)
    return render(request, "desa/post_public.html", {"post": post})


def post_photo(request: HttpRequest, public_id: Any) -> FileResponse:
    post = get_object_or_404(selectors.posts_public(), public_id=public_id)
    if not post.photo:
        raise Http404
    response = FileResponse(default_storage.open(post.photo.name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
