"""API keys: created once (shown once), stored hashed, revoked; every use is attributable."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from balai.core.services import audit_record

from .models import ApiClient

KEY_PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def apikey_create(
    *, name: str, actor: Any = None, rate_limit: str = "600/h", contact: str = ""
) -> tuple[ApiClient, str]:
    """A new client and its key; the key is returned here and never again."""
    key = f"blk_{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name.strip(),
        key_prefix=key[: 4 + KEY_PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        rate_limit=rate_limit,
        contact=contact,
    )
    audit_record(actor=actor, action="apikey.create", obj=client, changes={"name": client.name})
    return client, key


@transaction.atomic
def apikey_revoke(*, client: ApiClient, actor: Any = None) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="apikey.revoke", obj=client, changes={"name": client.name})
    return client


def apikey_authenticate(key: str | None) -> ApiClient | None:
    """The active client with this key, or None; marks when it was last used (at most once a minute)."""
    if not key:
        return None
    client = ApiClient.objects.filter(key_hash=hash_key(key.strip()), revoked_at__isnull=True).first()
    if client is not None:
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
