"""The staff home ('my work' across every module) and the people of each unit with their roles per module."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from balai.core.access import PLATFORM, staff_scope
from balai.core.models import Membership, Role, TrainingRecord, Unit, UnitKind
from balai.core.registry import registry
from balai.core.selectors import user_memberships
from balai.core.services import MembershipError, membership_grant, membership_revoke


def _operates_something(scope: Any) -> bool:
    return any(scope.units_with(module.label, role.code) for module, role in registry.roles() if role.operates)


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """'My work': what needs this person today, gathered from every module they have a role in."""
    scope = staff_scope(request.user)
    sections = registry.work(request, scope, timezone.now()) if scope.is_staff_member else []
    return render(
        request,
        "platform/staff_home.html",
        {
            "memberships": user_memberships(request.user),
            "scope": scope,
            "sections": sections,
            # An operator of some module with no training yet is pointed to the guide (readiness counts it).
            "guide_pending": _operates_something(scope)
            and not TrainingRecord.objects.filter(user_id=request.user.pk or 0).exists(),
        },
    )


# --- the people of a unit ----------------------------------------------------------------------------------------


def _admin_required(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and (request.user.is_superuser or staff_scope(request.user).admin)):
        raise PermissionDenied


def role_choices() -> list[tuple[str, str]]:
    """Every role a membership can carry: the platform's (head, system administrator) and each module's."""
    platform = [
        (f"{PLATFORM}:{Role.PIMPINAN.value}", _("Platform · %(role)s") % {"role": Role.PIMPINAN.label}),
        (f"{PLATFORM}:{Role.ADMIN_SISTEM.value}", _("Platform · %(role)s") % {"role": Role.ADMIN_SISTEM.label}),
    ]
    return platform + registry.role_choices()


class GrantForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        help_text=gettext_lazy("The person's account must exist already (Configuration, Users)."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *role_choices()]  # type: ignore[attr-defined]

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active account with this user name."))
        return user


@require_safe
@login_required
def units(request: HttpRequest) -> HttpResponse:
    """Every unit with the number of people holding each module's roles, to find the ones nobody runs."""
    _admin_required(request)
    kind = request.GET.get("kind", UnitKind.OPD)
    if kind not in UnitKind.values:
        kind = UnitKind.OPD
    query = request.GET.get("q", "").strip()[:80]
    qs = Unit.objects.filter(kind=kind).order_by("-is_active", "name")
    if query:
        qs = qs.filter(name__icontains=query)
    qs = qs.annotate(people=Count("memberships", filter=Q(memberships__is_active=True)))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "platform/units.html",
        {"page": page, "kind": kind, "kinds": UnitKind.choices, "query": query},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_members(request: HttpRequest, slug: str) -> HttpResponse:
    """One screen per unit: who holds which role for which module; grant and end roles here (audited)."""
    _admin_required(request)
    unit = get_object_or_404(Unit, slug=slug)
    form = GrantForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            membership = get_object_or_404(Membership, pk=request.POST.get("revoke"), unit=unit)
            membership_revoke(actor=request.user, membership=membership)
            messages.success(request, _("The role has ended. The history keeps who held it."))
            return redirect("platform:unit_members", slug=unit.slug)
        form = GrantForm(request.POST)
        if form.is_valid():
            module, _sep, role = form.cleaned_data["role"].partition(":")
            try:
                membership_grant(
                    actor=request.user, user=form.cleaned_data["username"], unit=unit, role=role, module=module
                )
            except MembershipError as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(request, _("The role is granted."))
                return redirect("platform:unit_members", slug=unit.slug)
    memberships = list(
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("-is_active", "module", "role", "user__username")
    )
    labels = dict(role_choices())
    rows = [(m, labels.get(f"{m.module}:{m.role}", m.role_label)) for m in memberships]
    return render(
        request,
        "platform/unit_members.html",
        {"unit": unit, "rows": rows, "form": form, "modules": registry.modules()},
        status=400 if form.errors else 200,
    )
