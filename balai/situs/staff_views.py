"""The editors' pages under /staf/situs/: their sites, the pages of one site, editing, review and publishing,
revisions, the profile and (for the system administrator) the site's settings. Every write goes through
services; what a button offers comes from rules.py, the same table the services ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from balai.core.access import StaffRequest, staff_member_required
from balai.core.models import Unit

from . import rules, selectors, services
from .forms import ActionForm, OfficialForm, PageForm, ProfileForm, SettingsForm
from .freshness import stale_reasons
from .models import Kind, Official, Page, PageStatus, Site
from .services import SitusError, Upload


def _upload(file: Any) -> Upload | None:
    return Upload(file.name, file.size, file) if file is not None else None


def _save(request: HttpRequest, form: Any, write: Callable[..., Any], done: str, error_field: str | None = None,
          **arguments: Any) -> bool:  # fmt: skip
    """Call a service as the person who sent the form; a refusal goes on the form (what was typed stays), success
    into the messages. True when it was saved."""
    try:
        write(actor=request.user, scope=cast(StaffRequest, request).scope, **arguments)
    except SitusError as exc:
        form.add_error(error_field, str(exc))
        return False
    messages.success(request, done)
    return True


@require_safe
@staff_member_required
def site_list(request: HttpRequest) -> HttpResponse:
    req = cast(StaffRequest, request)
    sites = selectors.sites_for_staff(req.scope)
    reasons = stale_reasons(sites, timezone.now())
    without = []
    if req.scope.admin:
        without = list(Unit.objects.active().filter(site__isnull=True).order_by("kind", "name"))
    rows = [(site, reasons.get(site.pk, [])) for site in sites]
    return render(request, "situs/staff_sites.html", {"rows": rows, "without": without})


@require_safe
@staff_member_required
def freshness(request: HttpRequest) -> HttpResponse:
    """Every stale site with its reasons: for the command center's people (and each editor, for their sites)."""
    req = cast(StaffRequest, request)
    if req.scope.sees_all or req.scope.admin:
        sites = list(Site.objects.filter(is_active=True).select_related("unit").order_by("unit__name"))
    else:
        sites = [s for s in selectors.sites_for_staff(req.scope) if s.is_active]
    reasons = stale_reasons(sites, timezone.now())
    rows = [(site, reasons[site.pk]) for site in sites if site.pk in reasons]
    return render(request, "situs/staff_freshness.html", {"rows": rows, "checked": len(sites)})


@require_safe
@staff_member_required
def site_pages(request: HttpRequest, unit: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    actors = rules.actors_for(req.scope, site)
    status = request.GET.get("status", "")
    pages = Page.objects.filter(site=site).order_by("-updated_at")
    if status in PageStatus.values:
        pages = pages.filter(status=status)
    return render(
        request,
        "situs/staff_site.html",
        {
            "site": site,
            "pages": list(pages[:200]),
            "kinds": Kind.choices,
            "statuses": PageStatus.choices,
            "status": status,
            "reasons": stale_reasons([site], timezone.now()).get(site.pk, []),
            "can_create": rules.site_refusal("create_page", actors=actors) is None,
            "is_admin": rules.Actor.ADMIN in actors,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def page_new(request: HttpRequest, unit: str, kind: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    if kind not in Kind.values:
        raise Http404
    if rules.site_refusal("create_page", actors=rules.actors_for(req.scope, site)):
        raise PermissionDenied
    form = PageForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.page_create(
                actor=request.user,
                scope=req.scope,
                site=site,
                kind=kind,
                data=form.data_for_service(),
                photo=_upload(form.cleaned_data.get("photo")),
                document=_upload(form.cleaned_data.get("document")),
            )
        except SitusError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Draft saved. Preview it, then publish it or send it for review."))
            return redirect("situs:staff_page", unit=unit, page=page.slug)
    return render(request, "situs/staff_page.html", {"site": site, "form": form, "kind": Kind(kind), "page": None})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def page_edit(request: HttpRequest, unit: str, page: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    item = selectors.page_for_staff(req.scope, unit, page)
    actors = rules.actors_for(req.scope, item.site)
    can_edit = rules.refusal("edit", actors=actors, status=rules.state_of(item)) is None
    if request.method == "POST":
        form = PageForm(request.POST, request.FILES, kind=item.kind)
        if not can_edit:
            form.is_valid()
            form.add_error(None, rules.refusal("edit", actors=actors, status=rules.state_of(item)) or "")
        elif form.is_valid() and _save(
            request,
            form,
            services.page_update,
            _("Saved."),
            page=item,
            version=form.cleaned_data.get("version"),
            data=form.data_for_service(),
            photo=_upload(form.cleaned_data.get("photo")),
            document=_upload(form.cleaned_data.get("document")),
        ):
            return redirect("situs:staff_page", unit=unit, page=item.slug)
    else:
        # A published page's editors go on from its waiting draft, not from what is online.
        form = PageForm(initial=PageForm.initial_for(services.shown_to_staff(item)), kind=item.kind)
        item.refresh_from_db()
    return render(
        request,
        "situs/staff_page.html",
        {
            "site": item.site,
            "page": item,
            "form": form,
            "kind": Kind(item.kind),
            "can_edit": can_edit,
            "state": rules.state_of(item),
            "buttons": rules.allowed_buttons(actors, rules.state_of(item)),
            "action_form": ActionForm(initial={"version": item.version}),
            "revisions": list(item.revisions.order_by("-number").select_related("author")[:10]),
        },
    )


@require_POST
@staff_member_required
def page_action(request: HttpRequest, unit: str, page: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    item = selectors.page_for_staff(req.scope, unit, page)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Check the dates: %(errors)s") % {"errors": " ".join(str(e) for es in form.errors.values() for e in es)},
        )
        return redirect("situs:staff_page", unit=unit, page=item.slug)
    action = form.cleaned_data["action"]
    try:
        services.page_act(
            actor=request.user,
            scope=req.scope,
            page=item,
            action=action,
            version=form.cleaned_data["version"],
            publish_at=form.cleaned_data.get("publish_at"),
            unpublish_at=form.cleaned_data.get("unpublish_at"),
        )
    except SitusError as exc:
        messages.error(request, str(exc))
    else:
        done = {
            "submit": _("Sent for review."),
            "publish": _("Done: the page is published or scheduled."),
            "send_back": _("Sent back to the editors as a draft."),
            "unpublish": _("The page is offline."),
        }
        messages.success(request, done.get(action, _("Done.")))
    return redirect("situs:staff_page", unit=unit, page=item.slug)


@require_safe
@staff_member_required
def page_preview(request: HttpRequest, unit: str, page: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    item = selectors.page_for_staff(req.scope, unit, page)
    from .views import staff_preview

    return staff_preview(request, item.site, services.shown_to_staff(item))


@require_safe
@staff_member_required
def page_photo(request: HttpRequest, unit: str, page: str, size: str) -> FileResponse:
    req = cast(StaffRequest, request)
    item = selectors.page_for_staff(req.scope, unit, page)
    from .views import file_response

    return file_response(item.photo_small.name if size == "kecil" else item.photo.name, public=False)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def page_revisions(request: HttpRequest, unit: str, page: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    item = selectors.page_for_staff(req.scope, unit, page)
    if request.method == "POST":
        try:
            services.page_rollback(
                actor=request.user,
                scope=req.scope,
                page=item,
                version=int(request.POST.get("version", "0")),
                number=int(request.POST.get("number", "0")),
            )
        except (SitusError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The earlier text is back (as a new revision)."))
        return redirect("situs:staff_revisions", unit=unit, page=item.slug)
    revisions = list(item.revisions.order_by("-number").select_related("author"))
    try:
        number = int(request.GET.get("nomor", revisions[0].number if revisions else 0))
    except ValueError:
        number = 0
    shown, diff = selectors.revision_diff(item, number) if revisions else (None, [])
    can_rollback = (
        rules.refusal("rollback", actors=rules.actors_for(req.scope, item.site), status=rules.state_of(item)) is None
    )
    return render(
        request,
        "situs/staff_revisions.html",
        {
            "site": item.site,
            "page": item,
            "revisions": revisions,
            "shown": shown,
            "diff": diff,
            "can_rollback": can_rollback,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def site_profile_edit(request: HttpRequest, unit: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    form = ProfileForm(request.POST or None, instance=site, initial={"version": site.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            request,
            form,
            services.site_profile_update,
            _("The profile is saved."),
            site=site,
            version=form.cleaned_data["version"],
            data={name: form.cleaned_data[name] for name in ProfileForm.Meta.fields},
            profile_reviewed=form.cleaned_data["profile_reviewed"],
            services_reviewed=form.cleaned_data["services_reviewed"],
        )
    ):
        return redirect("situs:staff_site", unit=unit)
    return render(request, "situs/staff_profile.html", {"site": site, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def officials(request: HttpRequest, unit: str, pk: int | None = None) -> HttpResponse:
    """The officials of a site's profile: the list, a form to add one, or (with pk) a form to change one."""
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    if rules.site_refusal("profile", actors=rules.actors_for(req.scope, site)):
        raise Http404
    item = get_object_or_404(Official, pk=pk, site=site) if pk is not None else None
    initial: dict[str, Any] = {"order": site.officials.count() + 1}
    if item is not None:
        initial = {"version": item.version, "name": item.name, "position": item.position, "order": item.order}
    form = OfficialForm(request.POST or None, request.FILES or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            request,
            form,
            services.official_save,
            _("The official is saved."),
            "photo" if request.FILES else None,
            site=site,
            official=item,
            version=form.cleaned_data["version"],
            data=form.cleaned_data,
            photo=_upload(form.cleaned_data.get("photo")),
        )
    ):
        return redirect("situs:staff_officials", unit=unit)
    people = list(site.officials.all())
    return render(request, "situs/staff_officials.html", {"site": site, "form": form, "item": item, "people": people})


@require_POST
@staff_member_required
def official_remove(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    item = get_object_or_404(Official, pk=pk, site=site)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.official_remove(actor=request.user, scope=req.scope, official=item, version=version)
    except SitusError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is no longer on the profile.") % {"name": item.name})
    return redirect("situs:staff_officials", unit=unit)


@require_safe
@staff_member_required
def official_photo(request: HttpRequest, unit: str, pk: int) -> FileResponse:
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    item = get_object_or_404(Official, pk=pk, site=site)
    from .views import file_response

    return file_response(item.photo_small.name, public=False)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def site_settings(request: HttpRequest, unit: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    site = selectors.site_for_staff(req.scope, unit)
    if rules.site_refusal("settings", actors=rules.actors_for(req.scope, site)):
        raise PermissionDenied
    form = SettingsForm(
        request.POST or None,
        initial={"version": site.version, "review_required": site.review_required, "host": site.host},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            request,
            form,
            services.site_settings_update,
            _("The settings are saved."),
            site=site,
            version=form.cleaned_data["version"],
            review_required=form.cleaned_data["review_required"],
            host=form.cleaned_data["host"],
        )
    ):
        return redirect("situs:staff_site", unit=unit)
    return render(request, "situs/staff_settings.html", {"site": site, "form": form})


@require_POST
@staff_member_required
def site_activate(request: HttpRequest, unit: str) -> HttpResponse:
    req = cast(StaffRequest, request)
    if not req.scope.admin:
        raise PermissionDenied
    target = get_object_or_404(Unit, slug=unit, is_active=True)
    services.site_activate(actor=request.user, scope=req.scope, unit=target)
    messages.success(request, _("The website of %(unit)s is active.") % {"unit": target.name})
    return redirect("situs:staff_site", unit=unit)
