"""Staff sign in with their username or their email address, then, if they use one, a code from their phone."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .selectors import staff_2fa_required, totp_device_of


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username and "@" in username:
            user_model = get_user_model()
            match = user_model._default_manager.filter(email__iexact=username.strip()).only("username").first()
            if match is not None:
                username = match.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """The account a sign-in attempt is for, so that django-axes counts failures per account.

    Without this, `budi@…`, `Budi@…` and `budi` would each get their own five tries.
    """
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    typed = (raw or "").strip()
    if "@" in typed:
        match = get_user_model()._default_manager.filter(email__iexact=typed).only("username").first()
        return match.get_username() if match is not None else typed.lower()
    return typed


SecondStep = Literal["code", "enrol"]
_MEMO = "_balai_second_step"


def second_step_missing(request: HttpRequest) -> SecondStep | None:
    """What this signed-in session still lacks before it may use anything meant for staff.

    "code": the person has an authenticator app but this session has not passed a code from it (a session
    started before the app was set up, or by another way in); "enrol": the Pemda requires the app for
    their role and they have none yet. None: nothing is missing (or nobody is signed in).
    """
    if hasattr(request, _MEMO):
        return getattr(request, _MEMO)  # type: ignore[no-any-return]
    user = request.user
    missing: SecondStep | None = None
    if user.is_authenticated and not getattr(user, "is_verified", lambda: False)():
        if totp_device_of(user) is not None:
            missing = "code"
        elif staff_2fa_required(user, getattr(request, "pemda", None)):
            missing = "enrol"
    setattr(request, _MEMO, missing)
    return missing
