"""Staff sign in with their username or their email address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


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
