"""The in-app guide for OPD operators: the daily back-office work in plain words, confirmed once as read.

The confirmation is a training record of kind "in-app guide", so it counts towards the OPD's readiness.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from balai.core.access import staff_scope
from balai.core.middleware import client_address
from balai.core.models import Membership, Role, TrainingKind, TrainingRecord, Unit
from balai.core.services import training_guide_confirm
from balai.dasbor.readiness import ACTIVE_WITHIN_WORKING_DAYS
from balai.lapor.escalation import COORDINATOR_AFTER_OVERDUE_DAYS
from balai.lapor.models import Weight


class GuideConfirmForm(forms.Form):
    read = forms.BooleanField(
        label=gettext_lazy("I have read this guide and know how to do my daily work in Balai."),
        error_messages={"required": gettext_lazy("Tick the box to confirm that you have read the guide.")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def _help_units() -> list[Unit]:
    """Where the coordinators sit (usually Diskominfo): who to ask."""
    units = Membership.objects.filter(role=Role.KOORDINATOR, is_active=True, unit__is_active=True).values("unit_id")
    return list(Unit.objects.filter(pk__in=units).order_by("name"))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def guide(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (staff_scope(user).is_staff_member or user.is_superuser):
        raise PermissionDenied
    confirmed = TrainingRecord.objects.filter(user_id=user.pk or 0, kind=TrainingKind.GUIDE).first()
    form = GuideConfirmForm()
    if request.method == "POST":
        form = GuideConfirmForm(request.POST)
        if form.is_valid():
            _record, created = training_guide_confirm(user=user, ip_address=client_address(request))
            if created:
                messages.success(request, _("Thank you. Your reading of the guide is recorded as training."))
            return redirect("platform:guide")
    return render(
        request,
        "platform/guide.html",
        {
            "form": form,
            "confirmed": confirmed,
            "help_units": _help_units(),
            "weights": [label for _value, label in Weight.choices],
            "coordinator_after": COORDINATOR_AFTER_OVERDUE_DAYS,
            "active_days": ACTIVE_WITHIN_WORKING_DAYS,
        },
    )
