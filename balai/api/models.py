"""API clients (hashed keys) and the record of idempotent submissions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """An app or system allowed to submit reports; its key is shown once and stored only as a hash."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    rate_limit = models.CharField(_("rate limit"), max_length=20, default="600/h", help_text=_("e.g. 600/h or 20/m"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a request carrying an Idempotency-Key, replayed for retries of the same request."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    scope = models.CharField(max_length=60, help_text="API client id or 'public'.")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_once")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
