"""Staff sign-in (password, then a code from their phone if they use one), sign-in security, the landing page."""

from __future__ import annotations

import base64
import io
from base64 import b32encode
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import client_address
from .selectors import staff_2fa_required, totp_device_of
from .services import (
    CodeCheck,
    TwoFactorError,
    totp_check,
    totp_disable,
    totp_enrol_cancel,
    totp_enrol_confirm,
    totp_enrol_start,
)


class StaffLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=gettext_lazy("Username or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {  # noqa: RUF012
        "invalid_login": gettext_lazy(
            "The username/email or password is wrong. After %(limit)d wrong tries the account is paused for "
            "%(minutes)d minutes."
        ),
        "inactive": gettext_lazy("This account is not active. Ask your system administrator."),
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

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if totp_device_of(user) is not None:
            # The password was right, but the person is not signed in until the code from their phone is too.
            _pending_start(self.request, user, next_url=self.get_success_url())
            return redirect("core:login_code")
        response = super().form_valid(form)
        if staff_2fa_required(user, getattr(self.request, "pemda", None)):
            messages.info(
                self.request,
                _(
                    "Your Pemda asks everyone in your role to use two-step sign-in. Set it up now; the staff "
                    "pages open as soon as it is on."
                ),
            )
            return redirect("core:security")
        return response


# --- The second sign-in step ----------------------------------------------------------------------

# Between the password and the code, the session remembers who is signing in (nobody is signed in yet).
_PENDING = "balai_2fa_pending"
_WRONG_CODES = "balai_2fa_wrong_codes"
# After this many wrong codes the person starts again from the password.
MAX_WRONG_CODES = 5
# The code must follow the password within this many seconds.
PENDING_MAX_AGE = 10 * 60


class CodeInput(forms.TextInput):
    """Always an empty box: a refused code is no use again, and a used one must not sit in the page."""

    def format_value(self, value: Any) -> str | None:
        return None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        help_text=gettext_lazy("Open the authenticator app on your phone; the code changes every 30 seconds."),
        max_length=12,
        widget=CodeInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(gettext_lazy("Type the 6 digits that the app shows, for example 123456."))
        return code


def _pending_start(request: HttpRequest, user: Any, *, next_url: str) -> None:
    # A new session key, as Django's own login does, so an earlier visitor's key is of no use.
    request.session.cycle_key()
    request.session[_PENDING] = {
        "user": str(user.pk),
        "backend": user.backend,
        # Changes with the password: a password changed meanwhile ends the pending sign-in.
        "hash": user.get_session_auth_hash(),
        "next": next_url,
        "at": timezone.now().timestamp(),
    }
    request.session[_WRONG_CODES] = 0


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    if timezone.now().timestamp() - pending.get("at", 0) > PENDING_MAX_AGE:
        return None
    user = get_user_model()._default_manager.filter(pk=str(pending.get("user", "")), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending.get("hash", "")):
        return None
    return user, pending


def _pending_end(request: HttpRequest) -> None:
    request.session.pop(_PENDING, None)
    request.session.pop(_WRONG_CODES, None)


def _next_from_query(request: HttpRequest) -> str:
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _code_error(check: CodeCheck, *, tries_left: int | None = None) -> str:
    if check.retry_after:
        return ngettext(
            "Too many wrong codes in a row. Wait %(seconds)d second, then type the code the app shows now.",
            "Too many wrong codes in a row. Wait %(seconds)d seconds, then type the code the app shows now.",
            check.retry_after,
        ) % {"seconds": check.retry_after}
    message = _(
        "That code is not right. Check that the time on your phone is correct, then type the code the app "
        "shows now (each code works only once)."
    )
    if tries_left is not None:
        message += " " + ngettext(
            "You have %(count)d more try before you must enter your password again.",
            "You have %(count)d more tries before you must enter your password again.",
            tries_left,
        ) % {"count": tries_left}
    return message


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app, after the password."""
    if request.user.is_authenticated:
        # A session signed in with the password only, from before the app was set up.
        user, pending = request.user, None
        next_url = _next_from_query(request)
        if request.user.is_verified():  # type: ignore[union-attr,attr-defined]
            return redirect(next_url)
    else:
        found = _pending_user(request)
        if found is None:
            _pending_end(request)
            messages.info(request, _("Enter your username and password first."))
            return redirect("core:login")
        user, pending = found
        next_url = pending["next"]
    device = totp_device_of(user)
    if device is None:
        # The app was removed meanwhile (by a system administrator, for a lost phone): the password suffices.
        if pending is None:
            return redirect(next_url)
        _pending_end(request)
        messages.info(request, _("Two-step sign-in is no longer on for your account. Sign in again."))
        return redirect("core:login")

    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        check = totp_check(device=device, token=form.cleaned_data["code"])
        if check.accepted:
            _pending_end(request)
            if pending is not None:
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(next_url)
        if check.retry_after:
            form.add_error("code", _code_error(check))
        else:
            wrong = int(request.session.get(_WRONG_CODES, 0)) + 1
            if wrong >= MAX_WRONG_CODES:
                if pending is None:
                    auth_logout(request)
                _pending_end(request)
                messages.error(
                    request,
                    _(
                        "Too many wrong codes. For your safety, start again: enter your username and password, "
                        "then a new code."
                    ),
                )
                return redirect("core:login")
            request.session[_WRONG_CODES] = wrong
            form.add_error("code", _code_error(check, tries_left=MAX_WRONG_CODES - wrong))
    return render(request, "core/login_code.html", {"form": form, "signing_in_as": user.get_username()})


# --- Sign-in security: turning two-step sign-in on and off -------------------------------------------


def _issuer(request: HttpRequest) -> str:
    pemda = getattr(request, "pemda", None)
    # The name the authenticator app shows next to the code; a colon would split it.
    return (f"Balai {pemda.short_name}" if pemda is not None else "Balai").replace(":", "")


def _otpauth_url(device: TOTPDevice, issuer: str) -> str:
    """The standard otpauth:// address an authenticator app reads from the QR code."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": device.digits, "period": device.step},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def _qr_data_uri(text: str) -> str:
    """The QR code as an SVG image in a data: address: drawn on the server, no script, allowed by the CSP."""
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="svg", scale=5, border=4, light="#fff", xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Whether two-step sign-in is on; set it up with a QR code and a first code, or turn it off with a code."""
    user = request.user
    pemda = getattr(request, "pemda", None)
    ip_address = client_address(request)
    required = staff_2fa_required(user, pemda)
    form = CodeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        form = CodeForm(request.POST)
        try:
            if action == "start":
                totp_enrol_start(user=user)
                return redirect("core:security")
            if action == "cancel":
                totp_enrol_cancel(user=user)
                return redirect("core:security")
            if action == "confirm" and form.is_valid():
                check, device = totp_enrol_confirm(user=user, token=form.cleaned_data["code"], ip_address=ip_address)
                if device is not None:
                    # This session has just shown a code: it is verified, other sessions will be asked for one.
                    otp_login(request, device)
                    messages.success(request, _("Two-step sign-in is on. From now on, sign-in asks for a code."))
                    return redirect("platform:staff_home" if required else "core:security")
                form.add_error("code", _code_error(check))
            elif action == "disable" and form.is_valid():
                check = totp_disable(user=user, token=form.cleaned_data["code"], pemda=pemda, ip_address=ip_address)
                if check.accepted:
                    messages.success(request, _("Two-step sign-in is off. Sign-in asks only for your password."))
                    return redirect("core:security")
                form.add_error("code", _code_error(check))
            elif action not in {"confirm", "disable"}:
                return redirect("core:security")
        except TwoFactorError as exc:
            messages.error(request, str(exc))
            return redirect("core:security")

    device = totp_device_of(user)
    setup = totp_device_of(user, confirmed=False) if device is None else None
    context: dict[str, Any] = {"form": form, "device": device, "setup": setup, "required": required}
    if setup is not None:
        secret = b32encode(setup.bin_key).decode("ascii").rstrip("=")
        context.update(
            qr_code=_qr_data_uri(_otpauth_url(setup, _issuer(request))),
            secret=_grouped(secret),
            issuer=_issuer(request),
        )
    return render(request, "core/security.html", context)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in staff member's choice also becomes the language of their emails."""
    from django.views.i18n import set_language as django_set_language

    from .models import StaffPreference

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        StaffPreference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """django-ratelimit's answer (RATELIMIT_VIEW) to a request over a limit: the 429 page in the site's design."""
    return render(request, "429.html", status=429)
