"""Background work of the API app: taking reports from the reporting mailbox."""

from __future__ import annotations

from django_tasks import task

from .email_intake import fetch_imap


@task()
def fetch_email() -> dict[str, int]:
    """One IMAP fetch (INTAKE_IMAP_*); the worker queues it every few minutes when INTAKE_IMAP_HOST is set."""
    return fetch_imap().summary()
