"""API clients (hashed keys), the record of idempotent submissions, and the log of emails taken in."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel


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


class EmailStatus(models.TextChoices):
    IMPORTED = "imported", _("imported as a new report")
    ATTACHED = "attached", _("attached to a report as the reporter's message")
    IGNORED = "ignored", _("ignored (automatic reply or bounce)")
    FAILED = "failed", _("unreadable, kept aside")


class EmailMessageLog(TimestampedModel):
    """One email taken from the reporting mailbox: what became of it, so that it is never imported twice."""

    # The Message-ID header, or "sha256:<hash of the raw message>" when it has none (or one too long).
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    received_at = models.DateTimeField(_("fetched at"), default=timezone.now)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=10, blank=True, help_text="imap, maildir or mbox")
    status = models.CharField(_("status"), max_length=10, choices=EmailStatus.choices)
    report = models.ForeignKey(
        "lapor.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField(_("error"), blank=True)
    # Unreadable messages are saved whole in the media storage (email-gagal/…) so nothing is lost.
    raw_file = models.CharField(_("stored original"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("email message")
        verbose_name_plural = _("email messages")
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["status", "-received_at"], name="email_status_recent")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"
