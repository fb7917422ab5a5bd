"""Staff sign-in and the staff landing page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .selectors import user_memberships


class StaffLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {  # noqa: RUF012
        "invalid_login": _(
            "The username/email or password is wrong. After %(limit)d wrong tries the account is paused for "
            "%(minutes)d minutes."
        ),
        "inactive": _("This account is not active. Ask your system administrator."),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        )


class StaffLoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """'My work': what needs this person today, by role."""
    from balai.lapor.access import reports_visible_to, staff_scope
    from balai.lapor.selectors import InboxFilters, my_work, staff_inbox

    from .selectors import work_calendar

    scope = staff_scope(request.user)
    now = timezone.now()
    soon = work_calendar().add_working_days(now, 1)
    urgent = []
    if scope.is_staff_member:
        urgent = list(staff_inbox(scope, InboxFilters(), now=now, soon=soon)[:8])
    return render(
        request,
        "core/staff_home.html",
        {
            "memberships": user_memberships(request.user),
            "scope": scope,
            "work": my_work(scope, now=now, soon=soon) if scope.is_staff_member else {},
            "urgent": urgent,
            "now": now,
            "soon": soon,
            "total_visible": reports_visible_to(scope).count() if scope.is_staff_member else 0,
        },
    )
