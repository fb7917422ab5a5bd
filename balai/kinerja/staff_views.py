"""Staff pages: the OPD planning officer enters realisation, Bappeda checks it, imports and publishes the plan.
Every page is behind staff_member_required and asks the allowed-actions table (balai.kinerja.rules); another
OPD's rows answer 404."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.core.access import StaffRequest, staff_member_required
from balai.core.models import Unit

from . import rules, selectors, services
from .forms import (
    ActivityForm,
    CheckForm,
    GoalForm,
    ImportForm,
    LinkForm,
    LocateForm,
    NoteForm,
    PlanForm,
    RealisationForm,
    RemoveForm,
    RenstraForm,
    RpjmdForm,
)
from .importer import ImportFileError, parse_mapping, read_plan
from .models import Activity, GoalIndicator, Level, Plan, Realisation, Renstra, Rpjmd, RpjmdGoal
from .roles import is_bappeda, officer_units, uses_kinerja

T = TypeVar("T")


def _admit(request: StaffRequest) -> None:
    if not uses_kinerja(request.scope):
        raise PermissionDenied


def _activity_for(request: StaffRequest, public_id: Any) -> Activity:
    """The activity, if this person may work on it (Bappeda: every OPD; an officer: their own); else 404."""
    activity = Activity.objects.filter(public_id=public_id).select_related("plan", "unit", "kelurahan").first()
    if activity is None:
        raise Http404
    if not is_bappeda(request.scope) and activity.unit_id not in officer_units(request.scope):
        raise Http404
    return activity


def _current_plan(request: StaffRequest) -> Plan | None:
    year = request.GET.get("tahun", "")
    plans = Plan.objects.order_by("-year")
    if year.isdigit():
        return plans.filter(year=int(year)).first()
    return plans.filter(year__lte=timezone.localdate().year).first() or plans.first()


@staff_member_required
def home(request: StaffRequest) -> HttpResponse:
    _admit(request)
    plan = _current_plan(request)
    bappeda = is_bappeda(request.scope)
    context: dict[str, Any] = {"plan": plan, "bappeda": bappeda, "plans": Plan.objects.order_by("-year")}
    if plan is not None:
        subs = selectors.staff_subs(None if bappeda else officer_units(request.scope), plan)
        statuses: dict[int, dict[int, Realisation]] = {}
        for r in Realisation.objects.filter(activity__in=subs).only("activity_id", "quarter", "status", "achievement"):
            statuses.setdefault(r.activity_id, {})[r.quarter] = r
        context["to_check"] = (
            Realisation.objects.filter(activity__plan=plan, status="submitted").select_related("activity", "activity__unit").order_by("submitted_at")[:50]
            if bappeda else []
        )  # fmt: skip
        unit_filter = request.GET.get("opd", "")
        shown = subs.filter(unit__slug=unit_filter) if unit_filter else subs
        context["rows"] = [(a, [statuses.get(a.pk, {}).get(q) for q in (1, 2, 3, 4)]) for a in shown[:200]]
        context["units"] = Unit.objects.filter(pk__in=subs.values("unit_id")).order_by("name")
        context["dues"] = [(q, selectors.quarter_due(plan, q)) for q in (1, 2, 3, 4)]
    return render(request, "kinerja/staff/home.html", context)


@staff_member_required
def realisation(request: StaffRequest, public_id: Any, quarter: int) -> HttpResponse:
    _admit(request)
    activity = _activity_for(request, public_id)
    if activity.level != Level.SUB_KEGIATAN or quarter not in (1, 2, 3, 4):
        raise Http404
    existing = (
        Realisation.objects.filter(activity=activity, quarter=quarter).prefetch_related("values", "evidence").first()
    )
    state = existing.status if existing else rules.NEW
    actors = rules.actors_for(request.scope, activity.unit_id)
    can_save = rules.allowed("save", state, actors)
    can_check = rules.allowed("accept", state, actors)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {"version": existing.version, "physical_pct": existing.physical_pct, "financial": existing.financial,
                   "obstacles": existing.obstacles, "follow_up": existing.follow_up}  # fmt: skip
        initial |= {f"value_{v.indicator_id}": v.achieved for v in existing.values.all()}
    form = RealisationForm(initial=initial, activity=activity)
    check_form = CheckForm(initial={"version": existing.version if existing else 0})
    if request.method == "POST" and "check" in request.POST:
        check_form = CheckForm(request.POST)
        if existing is not None and check_form.is_valid():
            action = request.POST["check"]
            step = services.realisation_accept if action == "accept" else services.realisation_return
            try:
                step(actor=request.user, scope=request.scope, realisation=existing,
                     version=check_form.cleaned_data["version"], note=check_form.cleaned_data["note"])  # fmt: skip
            except services.ActionError as exc:
                check_form.add_error(None, str(exc))
            else:
                messages.success(request, _("Accepted.") if action == "accept" else _("Returned to the OPD."))
                return redirect("kinerja:staff_home")
    elif request.method == "POST":
        form = RealisationForm(request.POST, request.FILES, activity=activity)
        if form.is_valid():
            data = services.RealisationInput(
                physical_pct=form.cleaned_data["physical_pct"], financial=form.cleaned_data["financial"],
                obstacles=form.cleaned_data["obstacles"], follow_up=form.cleaned_data["follow_up"], values=form.values(),
            )  # fmt: skip
            try:
                saved = services.realisation_save(
                    actor=request.user, scope=request.scope, activity=activity, quarter=quarter, data=data,
                    version=form.cleaned_data["version"], submit=False,
                )  # fmt: skip
                if form.cleaned_data.get("photo"):
                    services.evidence_add(
                        actor=request.user, scope=request.scope, realisation=saved, upload=form.cleaned_data["photo"]
                    )
                if "submit" in request.POST:
                    saved = services.realisation_save(
                        actor=request.user, scope=request.scope, activity=activity, quarter=quarter, data=data,
                        version=None, submit=True,
                    )  # fmt: skip
            except services.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Sent to Bappeda.") if "submit" in request.POST else _("Saved as a draft."))
                return redirect("kinerja:staff_realisation", public_id=activity.public_id, quarter=quarter)
    return render(
        request,
        "kinerja/staff/realisation.html",
        {"activity": activity, "quarter": quarter, "realisation": existing, "form": form, "check_form": check_form,
         "can_save": can_save, "can_check": can_check, "due": selectors.quarter_due(activity.plan, quarter)},
    )  # fmt: skip


@staff_member_required
def import_plan(request: StaffRequest) -> HttpResponse:
    _admit(request)
    if not is_bappeda(request.scope):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year})
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping(form.cleaned_data["mapping"])
            rows, problems = read_plan(form.cleaned_data["file"], mapping)
            summary = services.plan_import(
                actor=request.user, scope=request.scope, year=form.cleaned_data["year"], rows=rows, problems=problems
            )
        except (ImportFileError, services.ActionError) as exc:
            form.add_error(None, str(exc))
    return render(request, "kinerja/staff/import.html", {"form": form, "summary": summary})


@staff_member_required
def plan(request: StaffRequest, year: int) -> HttpResponse:
    _admit(request)
    if not is_bappeda(request.scope):
        raise PermissionDenied
    the_plan = Plan.objects.filter(year=year).first()
    if the_plan is None:
        raise Http404
    form = PlanForm(
        initial={
            "version": the_plan.version,
            "published": the_plan.published,
            "deadline_working_days": the_plan.deadline_working_days,
        }
    )
    note_form = NoteForm()
    if request.method == "POST" and "text" in request.POST:
        note_form = NoteForm(request.POST)
        if note_form.is_valid():
            unit = Unit.objects.filter(pk=note_form.cleaned_data["unit"]).first()
            if unit is None:
                raise Http404
            services.evaluation_note_add(
                actor=request.user, scope=request.scope, plan=the_plan, unit=unit, text=note_form.cleaned_data["text"]
            )
            messages.success(request, _("Note saved."))
            return redirect("kinerja:staff_plan", year=year)
    elif request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                the_plan = services.plan_publish(
                    actor=request.user,
                    scope=request.scope,
                    plan=the_plan,
                    published=form.cleaned_data["published"],
                    version=form.cleaned_data["version"],
                )
                services.plan_deadline_set(
                    actor=request.user,
                    scope=request.scope,
                    plan=the_plan,
                    working_days=form.cleaned_data["deadline_working_days"],
                    version=None,
                )
            except services.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("kinerja:staff_plan", year=year)
    late = selectors.reporting_status(timezone.now())[0]
    units = selectors.opd_units(the_plan)
    return render(
        request,
        "kinerja/staff/plan.html",
        {"plan": the_plan, "form": form, "note_form": note_form, "units": units, "late": late},
    )


@staff_member_required
def activity(request: StaffRequest, public_id: Any) -> HttpResponse:
    _admit(request)
    item = _activity_for(request, public_id)
    locate = LocateForm(
        initial={"version": item.version, "kelurahan": item.kelurahan, "geometry": item.geometry, "spbe": item.spbe}
    )
    link = LinkForm()
    actors = rules.actors_for(request.scope, item.unit_id)
    if request.method == "POST" and "code" in request.POST:
        link = LinkForm(request.POST)
        if link.is_valid():
            try:
                services.report_link_add(
                    actor=request.user, scope=request.scope, activity=item, code=link.cleaned_data["code"]
                )
            except services.ActionError as exc:
                link.add_error("code", str(exc))
            else:
                messages.success(request, _("Report linked."))
                return redirect("kinerja:staff_activity", public_id=item.public_id)
    elif request.method == "POST":
        locate = LocateForm(request.POST)
        if locate.is_valid():
            try:
                services.activity_locate(actor=request.user, scope=request.scope, activity=item,
                                         kelurahan=locate.cleaned_data["kelurahan"], geometry=locate.cleaned_data["geometry"],
                                         spbe=locate.cleaned_data["spbe"], version=locate.cleaned_data["version"])  # fmt: skip
            except services.ActionError as exc:
                locate.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("kinerja:staff_activity", public_id=item.public_id)
    return render(
        request,
        "kinerja/staff/activity.html",
        {"item": item, "locate": locate, "link": link, "can_link": rules.allowed("link_report", rules.NEW, actors),
         "links": item.report_links.order_by("created_at")},
    )  # fmt: skip


def _plan_units(request: StaffRequest) -> Any:
    """The OPD this person may type plan rows for: every OPD for Bappeda, their own for an officer."""
    units = Unit.objects.opd().order_by("name")
    return units if is_bappeda(request.scope) else units.filter(pk__in=officer_units(request.scope))


def _activity_form_save(request: StaffRequest, form: ActivityForm, plan: Plan, **target: Any) -> Activity | None:
    if not form.is_valid():
        return None
    c = form.cleaned_data
    data = services.ActivityInput(
        code=c["code"], name=c["name"], unit=c["unit"], urusan=c["urusan"], pagu=c.get("pagu") or Decimal(0),
        goal_id=c["goal"].pk if c.get("goal") else None, kelurahan=c.get("kelurahan"), geometry=c.get("geometry", ""),
        spbe=c.get("spbe", False), indicator=c["indicator"], indicator_unit=c["indicator_unit"],
        indicator_target=c["indicator_target"], indicator_direction=c["indicator_direction"],
    )  # fmt: skip
    try:
        return services.activity_save(actor=request.user, scope=request.scope, plan=plan, data=data,
                                      version=c["version"], **target)  # fmt: skip
    except services.ActionError as exc:
        form.add_error(None, str(exc))
        return None


@staff_member_required
def activity_new(request: StaffRequest, year: int) -> HttpResponse:
    """Type a program (or, with ?induk=, a kegiatan or sub kegiatan under it) that no file holds."""
    _admit(request)
    the_plan = Plan.objects.filter(year=year).first()
    if the_plan is None:
        raise Http404
    parent = _activity_for(request, request.GET["induk"]) if request.GET.get("induk") else None
    if parent is not None and (parent.plan_id != the_plan.pk or parent.level == Level.SUB_KEGIATAN):
        raise Http404
    level = services.CHILD_LEVEL[parent.level if parent is not None else None]  # type: ignore[index]
    initial = {"unit": parent.unit_id, "urusan": parent.urusan} if parent is not None else {}
    form = ActivityForm(request.POST or None, initial=initial, plan=the_plan, level=level, units=_plan_units(request))
    if request.method == "POST":
        saved = _activity_form_save(request, form, the_plan, parent=parent)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("kinerja:staff_activity", public_id=saved.public_id)
    return render(request, "kinerja/staff/activity_form.html",
                  {"form": form, "plan": the_plan, "parent": parent, "level": Level(level).label, "item": None})  # fmt: skip


@staff_member_required
def activity_edit(request: StaffRequest, public_id: Any) -> HttpResponse:
    _admit(request)
    item = _activity_for(request, public_id)
    first = item.indicators.order_by("id").first()
    initial = {
        "version": item.version, "code": item.code, "name": item.name, "unit": item.unit_id, "urusan": item.urusan,
        "goal": item.goal_id, "pagu": item.pagu, "kelurahan": item.kelurahan_id, "geometry": item.geometry,
        "spbe": item.spbe, "indicator": first.name if first else "", "indicator_unit": first.unit_label if first else "",
        "indicator_target": first.target if first else None,
        "indicator_direction": first.direction if first else "higher",
    }  # fmt: skip
    form = ActivityForm(request.POST or None, initial=initial, plan=item.plan, level=item.level,
                        units=_plan_units(request))  # fmt: skip
    if request.method == "POST":
        saved = _activity_form_save(request, form, item.plan, activity=item)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("kinerja:staff_activity", public_id=saved.public_id)
    return render(request, "kinerja/staff/activity_form.html",
                  {"form": form, "plan": item.plan, "parent": item.parent, "level": item.get_level_display(), "item": item})  # fmt: skip


# --- typed entry of the medium-term plan ---------------------------------------------------------------------


@staff_member_required
def rpjmd_list(request: StaffRequest) -> HttpResponse:
    """Every RPJMD with its missions, goals and the Renstra of each OPD; what this person may change is linked."""
    _admit(request)
    bappeda = is_bappeda(request.scope)
    own = officer_units(request.scope)
    rpjmds = Rpjmd.objects.prefetch_related("missions__goals__indicators", "renstra__goals", "renstra__unit")
    return render(
        request,
        "kinerja/staff/rpjmd.html",
        {"rpjmds": rpjmds, "bappeda": bappeda, "units": _plan_units(request), "own": own},
    )


def _rpjmd_get(start_year: int) -> Rpjmd:
    found = Rpjmd.objects.filter(start_year=start_year).first()
    if found is None:
        raise Http404
    return found


def _bappeda_only(request: StaffRequest) -> None:
    _admit(request)
    if not rules.allowed("edit_rpjmd", rules.NEW, rules.actors_for(request.scope, None)):
        raise PermissionDenied


@staff_member_required
def rpjmd_form(request: StaffRequest, start_year: int | None = None) -> HttpResponse:
    _bappeda_only(request)
    item = _rpjmd_get(start_year) if start_year is not None else None
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"version": item.version, "start_year": item.start_year, "end_year": item.end_year,
                   "vision": item.vision, "missions": "\n".join(m.text for m in item.missions.order_by("number"))}  # fmt: skip
    form = RpjmdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        data = services.RpjmdInput(start_year=c["start_year"], end_year=c["end_year"], vision=c["vision"],
                                   missions=tuple(c["missions"].splitlines()))  # fmt: skip
        try:
            services.rpjmd_save(actor=request.user, scope=request.scope, data=data, rpjmd=item, version=c["version"])
        except services.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("kinerja:staff_rpjmd")
    title = str(item) if item is not None else _("New RPJMD")
    return render(request, "kinerja/staff/rpjmd_form.html", {"form": form, "title": title})


@staff_member_required
def goal_form(request: StaffRequest, start_year: int, pk: int | None = None) -> HttpResponse:
    _bappeda_only(request)
    rpjmd = _rpjmd_get(start_year)
    item = RpjmdGoal.objects.filter(pk=pk, mission__rpjmd=rpjmd).first() if pk is not None else None
    if pk is not None and item is None:
        raise Http404
    initial: dict[str, Any] = {}
    if item is not None:
        first = item.indicators.order_by("id").first()
        initial = {"version": item.version, "mission": item.mission_id, "code": item.code, "title": item.title}
        if first is not None:
            initial |= {"indicator": first.name, "indicator_unit": first.unit_label, "direction": first.direction,
                        "baseline": first.baseline} | {f"target_{y}": t for y, t in first.targets.items()}  # fmt: skip
    form = GoalForm(request.POST or None, initial=initial, rpjmd=rpjmd)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        data = services.GoalInput(
            mission_id=c["mission"].pk, code=c["code"], title=c["title"], indicator=c["indicator"],
            indicator_unit=c["indicator_unit"], direction=c["direction"], baseline=c["baseline"],
            targets=form.targets(),
        )  # fmt: skip
        try:
            services.goal_save(actor=request.user, scope=request.scope, rpjmd=rpjmd, data=data, goal=item,
                               version=c["version"])  # fmt: skip
        except services.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("kinerja:staff_rpjmd")
    title = str(item) if item is not None else _("New goal of %(rpjmd)s") % {"rpjmd": rpjmd}
    return render(request, "kinerja/staff/rpjmd_form.html", {"form": form, "title": title, "indicator": True})


@staff_member_required
def renstra_form(request: StaffRequest, start_year: int, slug: str) -> HttpResponse:
    """An OPD's Renstra: Bappeda for every OPD, the OPD's planning officer for their own (another OPD: 404)."""
    _admit(request)
    rpjmd = _rpjmd_get(start_year)
    unit = _plan_units(request).filter(slug=slug).first()
    if unit is None:
        raise Http404
    item = Renstra.objects.filter(rpjmd=rpjmd, unit=unit).first()
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"version": item.version, "goals": list(item.goals.values_list("pk", flat=True)),
                   "summary": item.summary}  # fmt: skip
    form = RenstraForm(request.POST or None, initial=initial, rpjmd=rpjmd)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.renstra_save(actor=request.user, scope=request.scope, rpjmd=rpjmd, unit=unit,
                                  goal_ids=[g.pk for g in c["goals"]], summary=c["summary"], version=c["version"])  # fmt: skip
        except services.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("kinerja:staff_rpjmd")
    title = _("Renstra of %(unit)s, %(rpjmd)s") % {"unit": unit.name, "rpjmd": rpjmd}
    return render(request, "kinerja/staff/rpjmd_form.html", {"form": form, "title": title})


# --- removing what was typed by mistake (Bappeda only; a confirm step that works without JavaScript) ------------


def _bappeda_rpjmd(request: StaffRequest, start_year: int) -> Rpjmd:
    _bappeda_only(request)
    return _rpjmd_get(start_year)


def _found(row: T | None) -> T:
    if row is None:
        raise Http404
    return row


def _confirm_remove(
    request: StaffRequest,
    *,
    title: str,
    lines: list[str],
    dependants: list[str],
    version: int,
    remove: Callable[[int | None], None],
    done: str,
) -> HttpResponse:
    """GET: what would be removed, or why it cannot be yet. POST: remove through the service, or say why not."""
    form = RemoveForm(request.POST or None, initial={"version": version})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            remove(form.cleaned_data["version"])
        except services.ActionError as exc:
            error = str(exc)
            dependants = []  # the refusal says it, once
        else:
            messages.success(request, done)
            return redirect("kinerja:staff_rpjmd")
    return render(
        request,
        "kinerja/staff/remove.html",
        {"form": form, "title": title, "lines": lines, "dependants": dependants, "error": error},
    )


@staff_member_required
def goal_remove(request: StaffRequest, start_year: int, pk: int) -> HttpResponse:
    rpjmd = _bappeda_rpjmd(request, start_year)
    goal = _found(RpjmdGoal.objects.filter(pk=pk, mission__rpjmd=rpjmd).select_related("mission").first())
    lines = [_("Goal %(code)s %(title)s, under mission %(n)d.") % {"code": goal.code, "title": goal.title,
                                                                   "n": goal.mission.number}]  # fmt: skip
    lines += [_("Its indicator %(name)s with its targets.") % {"name": i.name} for i in goal.indicators.all()]
    return _confirm_remove(
        request,
        title=_("Remove goal %(code)s?") % {"code": goal.code},
        lines=lines,
        dependants=selectors.goal_dependants(goal),
        version=goal.version,
        remove=lambda v: services.goal_delete(actor=request.user, scope=request.scope, goal=goal, version=v),
        done=_("Goal %(code)s removed.") % {"code": goal.code},
    )


@staff_member_required
def goal_indicator_remove(request: StaffRequest, start_year: int, pk: int, indicator: int) -> HttpResponse:
    rpjmd = _bappeda_rpjmd(request, start_year)
    rows = GoalIndicator.objects.filter(pk=indicator, goal_id=pk, goal__mission__rpjmd=rpjmd).select_related("goal")
    found = _found(rows.first())
    return _confirm_remove(
        request,
        title=_("Remove the indicator %(name)s?") % {"name": found.name},
        lines=[
            _("The indicator %(name)s of goal %(code)s, with its targets.")
            % {"name": found.name, "code": found.goal.code}
        ],
        dependants=[],
        version=found.goal.version,
        remove=lambda v: services.goal_indicator_delete(
            actor=request.user, scope=request.scope, indicator=found, version=v
        ),
        done=_("Indicator removed."),
    )


@staff_member_required
def mission_remove(request: StaffRequest, start_year: int, number: int) -> HttpResponse:
    rpjmd = _bappeda_rpjmd(request, start_year)
    mission = _found(rpjmd.missions.filter(number=number).first())
    goals = list(mission.goals.order_by("code").values_list("code", flat=True))
    dependants = []
    if goals:
        dependants.append(
            _("Mission %(n)d still has the goals %(goals)s: move them to another mission or remove them first.")
            % {"n": number, "goals": ", ".join(goals)}
        )
    return _confirm_remove(
        request,
        title=_("Remove mission %(n)d?") % {"n": number},
        lines=[
            _("Mission %(n)d: %(text)s") % {"n": number, "text": mission.text},
            _("The missions after it move up one number."),
        ],
        dependants=dependants,
        version=rpjmd.version,
        remove=lambda v: services.mission_delete(actor=request.user, scope=request.scope, mission=mission, version=v),
        done=_("Mission removed."),
    )


@staff_member_required
def renstra_remove(request: StaffRequest, start_year: int, slug: str) -> HttpResponse:
    rpjmd = _bappeda_rpjmd(request, start_year)
    renstra = _found(Renstra.objects.filter(rpjmd=rpjmd, unit__slug=slug).select_related("unit").first())
    codes = ", ".join(renstra.goals.order_by("code").values_list("code", flat=True))
    return _confirm_remove(
        request,
        title=_("Remove the Renstra of %(unit)s?") % {"unit": renstra.unit.name},
        lines=[
            _("The Renstra of %(unit)s, %(rpjmd)s, serving the goals %(goals)s.")
            % {"unit": renstra.unit.name, "rpjmd": rpjmd, "goals": codes}
        ],
        dependants=[],
        version=renstra.version,
        remove=lambda v: services.renstra_delete(actor=request.user, scope=request.scope, renstra=renstra, version=v),
        done=_("Renstra removed."),
    )
