"""What the API and the email intake bring to the platform's worker (balai.core.registry)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from balai.core.registry import Module, PeriodicCheck


def periodic_email_fetch(now: datetime) -> dict[str, int]:
    """One IMAP fetch when INTAKE_IMAP_HOST is set; nothing otherwise."""
    from .email_intake import fetch_imap, imap_configured

    return fetch_imap().summary() if imap_configured() else {}


MODULE = Module(
    label="api", name=_("API and email intake"), periodic=(PeriodicCheck("api.email_fetch", periodic_email_fetch),)
)
