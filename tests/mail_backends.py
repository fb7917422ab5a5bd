"""A mail server that is down for some addresses: the locmem outbox for the others, an SMTP error for those."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend

DOWN_FOR: set[str] = set()


class PartlyDownBackend(EmailBackend):
    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if DOWN_FOR & set(message.recipients()):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
