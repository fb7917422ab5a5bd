"""The staff home ('my work' across every module) and the people of each unit with their roles per module."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from balai.core.access import PLATFORM, staff_scope
from balai.core.middleware import client_address
from balai.core.models import Membership, OutgoingMail, Role, TrainingRecord, Unit, UnitKind
from balai.core.outbox import MailResendError, mail_resend, mails_needing_attention, mask_address
from balai.core.registry import ModuleRole, registry
from balai.core.selectors import login_lockouts, user_memberships
from balai.core.services import MembershipError, login_unlock, membership_grant, membership_revoke


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """'My work': what needs this person today, gathered from every module they have a role in."""
    scope = staff_scope(request.user)
    sections = registry.work(request, scope, timezone.now()) if scope.is_staff_member else []
    memberships = user_memberships(request.user)
    operating = {(module.label, source.role) for module, source in registry.readiness()}
    return render(
        request,
        "platform/staff_home.html",
        {
            "roles": _my_roles(memberships),
            "has_role": bool(memberships),
            "scope": scope,
            "sections": sections,
            # An operator without training yet is pointed to the guide (readiness counts it); the guide is written
            # for operators, so a coordinator or a head is not.
            "guide_pending": any((g.module, g.role) in operating for g in scope.grants)
            and not TrainingRecord.objects.filter(user_id=request.user.pk or 0).exists(),
        },
    )


def _my_roles(memberships: list[Membership]) -> list[tuple[str, list[str]]]:
    """Each role this person holds with the units they hold it in, one line each ("operator · Dinkes, DLH").

    The module's name comes first only when the person works in more than one module."""
    modules = {m.module for m in memberships if m.module != PLATFORM}
    lines: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for membership in sorted(memberships, key=lambda m: (m.module, m.role, m.unit.name)):
        label = membership.role_label
        module = registry.get(membership.module)
        if len(modules) > 1 and module is not None:
            label = f"{module.name} · {label}"
        lines.setdefault((membership.module, membership.role), (label, []))[1].append(membership.unit.name)
    return list(lines.values())


# --- the people of a unit ----------------------------------------------------------------------------------------


def _admin_required(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and (request.user.is_superuser or staff_scope(request.user).admin)):
        raise PermissionDenied


# The platform's own roles (no module), described as the modules describe theirs.
PLATFORM_ROLES = (
    ModuleRole(
        Role.PIMPINAN,
        Role.PIMPINAN.label,
        gettext_lazy(
            "The head of the unit: reads its work and its readiness, and acts on none. In a leadership unit "
            "(Setda), reads every unit's work."
        ),
    ),
    ModuleRole(
        Role.ADMIN_SISTEM,
        Role.ADMIN_SISTEM.label,
        gettext_lazy(
            "Configures Balai: the Pemda, its units, people and roles (this screen and Configuration). Acts as "
            "coordinator in every module. Give it to very few people."
        ),
    ),
)


def role_groups() -> list[tuple[str, list[tuple[str, ModuleRole]]]]:
    """Every role a membership can carry, by module: the platform's (head, system administrator) first, then
    each registered module's, keyed 'module:role'."""
    groups = [(_("Platform"), [(f"{PLATFORM}:{r.code}", r) for r in PLATFORM_ROLES])]
    groups += [(str(m.name), [(f"{m.label}:{r.code}", r) for r in m.roles]) for m in registry.modules() if m.roles]
    return groups


def role_choices() -> list[tuple[str, str]]:
    """Every role as a flat choice, labelled 'Module · role'."""
    return [(key, f"{group} · {role.label}") for group, roles in role_groups() for key, role in roles]


class GrantForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        help_text=gettext_lazy(
            "The account must exist already (Configuration, Users). Start typing to see the accounts."
        ),
        widget=forms.TextInput(
            attrs={"list": "accounts", "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        groups = [(group, [(key, str(role.label)) for key, role in roles]) for group, roles in role_groups()]
        self.fields["role"].choices = [("", _("Choose a role…")), *groups]  # type: ignore[attr-defined]

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no active account with the user name %(name)s.") % {"name": name or "—"}
            )
        return user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, key = cleaned.get("username"), cleaned.get("role")
        if user is not None and key:
            module, _sep, role = key.partition(":")
            if Membership.objects.filter(user=user, unit=self.unit, module=module, role=role, is_active=True).exists():
                self.add_error("role", _("%(name)s already holds this role in this unit.") % {"name": _name(user)})
        return cleaned


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


# Suggestions for the user name field; a Pemda's staff fits, and typing the name works beyond it.
ACCOUNT_SUGGESTIONS = 500


@require_safe
@login_required
def units(request: HttpRequest) -> HttpResponse:
    """Every unit with the people holding a role there and, per module, its operators: to find the OPD nobody runs."""
    _admin_required(request)
    kind = request.GET.get("kind", UnitKind.OPD)
    if kind not in UnitKind.values:
        kind = UnitKind.OPD
    query = request.GET.get("q", "").strip()[:80]
    qs = Unit.objects.filter(kind=kind).order_by("-is_active", "name")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    active = Q(memberships__is_active=True, memberships__user__is_active=True)
    sources = registry.readiness()
    counts = {
        f"operators_{index}": Count(
            "memberships__user",
            filter=active & Q(memberships__module=module.label, memberships__role=source.role),
            distinct=True,
        )
        for index, (module, source) in enumerate(sources)
    }
    qs = qs.annotate(people=Count("memberships__user", filter=active, distinct=True), **counts)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # One column per module: the people holding the role that operates it (readiness asks for one per OPD).
    columns = [(module.name, getattr(module.role(source.role), "label", "")) for module, source in sources]
    rows = [
        (unit, [(*column, getattr(unit, name)) for column, name in zip(columns, counts, strict=True)])
        for unit in page.object_list
    ]
    return render(
        request,
        "platform/units.html",
        {
            "page": page,
            "rows": rows,
            "columns": columns,
            "kind": kind,
            "kinds": UnitKind.choices,
            "query": query,
            "opd": kind == UnitKind.OPD,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_members(request: HttpRequest, slug: str) -> HttpResponse:
    """One screen per unit: who holds which role for which module; grant and end roles here (audited)."""
    _admin_required(request)
    unit = get_object_or_404(Unit, slug=slug)
    form = GrantForm(unit=unit)
    labels = dict(role_choices())
    if request.method == "POST":
        if "revoke" in request.POST:
            membership = get_object_or_404(
                Membership.objects.select_related("user"), pk=request.POST.get("revoke"), unit=unit
            )
            membership_revoke(actor=request.user, membership=membership)
            messages.success(
                request,
                _("%(name)s no longer holds the role %(role)s here. The history keeps who held it.")
                % {"name": _name(membership.user), "role": _label(labels, membership)},
            )
            return redirect("platform:unit_members", slug=unit.slug)
        form = GrantForm(request.POST, unit=unit)
        if form.is_valid():
            module, _sep, role = form.cleaned_data["role"].partition(":")
            user = form.cleaned_data["username"]
            try:
                membership = membership_grant(actor=request.user, user=user, unit=unit, role=role, module=module)
            except MembershipError as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s now holds the role %(role)s in %(unit)s.")
                    % {"name": _name(user), "role": _label(labels, membership), "unit": unit.name},
                )
                return redirect("platform:unit_members", slug=unit.slug)
    memberships = list(
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("module", "role", "user__first_name", "user__username")
    )
    rows = [(m, _label(labels, m)) for m in memberships]
    return render(
        request,
        "platform/unit_members.html",
        {
            "unit": unit,
            "active": [(m, label) for m, label in rows if m.is_active],
            "ended": sorted(
                ((m, label) for m, label in rows if not m.is_active), key=lambda r: -r[0].updated_at.timestamp()
            ),
            "form": form,
            "role_groups": role_groups(),
            "accounts": get_user_model()
            .objects.filter(is_active=True)
            .order_by("username")
            .values_list("username", "first_name", "last_name")[:ACCOUNT_SUGGESTIONS],
        },
        status=400 if form.errors else 200,
    )


def _label(labels: dict[str, str], membership: Membership) -> str:
    return labels.get(f"{membership.module}:{membership.role}", membership.role_label)


# --- locked sign-ins ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def locked_accounts(request: HttpRequest) -> HttpResponse:
    """Accounts paused after too many wrong passwords (from any address); a coordinator lifts the pause (audited)."""
    if not staff_scope(request.user).coordinator and not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        user = get_object_or_404(get_user_model(), username=request.POST.get("username", ""))
        login_unlock(actor=request.user, user=user, ip_address=client_address(request))
        messages.success(
            request,
            _("%(name)s can sign in again. The audit trail records that you lifted the pause.") % {"name": _name(user)},
        )
        return redirect("platform:locked_accounts")
    return render(
        request,
        "platform/locked_accounts.html",
        {
            "locked": [(locked, _name(locked.user)) for locked in login_lockouts()],
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": round(settings.AXES_COOLOFF_TIME * 60),
        },
    )


# --- undelivered mail --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def undelivered_mail(request: HttpRequest) -> HttpResponse:
    """Emails the mail server has not taken yet (still retried, or given up on), with "send again" (audited).

    The system administrator sees each recipient's address (to find a typo or a refusing domain); a coordinator
    sees it masked: they need to know that an email failed, not to whom it went (UU 27/2022, data minimisation)."""
    scope = staff_scope(request.user)
    if not scope.coordinator and not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        mail = get_object_or_404(OutgoingMail, public_id=_uuid_or_404(request.POST.get("mail", "")))
        try:
            sent = mail_resend(actor=request.user, mail=mail, ip_address=client_address(request))
        except MailResendError:
            messages.info(request, _("That email was sent already."))
        else:
            if sent:
                messages.success(request, _("The email was sent. The audit trail records that you sent it again."))
            else:
                messages.error(
                    request,
                    _("The mail server refused the email again; it stays in this list. Check the error shown."),
                )
        return redirect("platform:undelivered_mail")
    full_address = scope.admin or request.user.is_superuser
    page = Paginator(mails_needing_attention(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "platform/undelivered_mail.html",
        {
            "page": page,
            "rows": [(mail, mail.to if full_address else mask_address(mail.to)) for mail in page],
            "full_address": full_address,
            "schedule": ", ".join(str(m) for m in settings.MAIL_RETRY_MINUTES),
        },
    )


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404 from exc


# --- before going live -------------------------------------------------------------------------------------------


@require_safe
@login_required
def go_live(request: HttpRequest) -> HttpResponse:
    """`balai doctor`'s findings for the system administrator: what still stands between the site and going live."""
    if not staff_scope(request.user).admin and not request.user.is_superuser:
        raise PermissionDenied
    from .doctor import doctor_run

    results = doctor_run()
    return render(
        request,
        "platform/go_live.html",
        {"results": results, "left": sum(not finding.ok for _check, finding in results)},
    )
