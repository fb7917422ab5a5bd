"""Reports by email: each message to the reporting address becomes a report, or a reply on the report it names.

The one entry point for a message is `message_import`; the sources (IMAP, Maildir, mbox) only hand it raw
bytes. Every message taken ends in an `EmailMessageLog` row, so it is never imported twice, and a message that
cannot be read is saved whole under `email-gagal/` in the media storage: nothing sent to the Pemda is lost.

The modules: `parsing` reads a raw message, `rules` fills what the email cannot say, `intake` takes one
message in, `sources` brings the messages (IMAP, Maildir, mbox). Other code imports from this package only.

Where the email cannot say what the web form asks, these rules apply (see docs/api.md, "Email intake"):
- category: the one with slug `lainnya` ("other") if it is active, else the first active category; the
  coordinator reclassifies at verification anyway.
- kelurahan: a Kemendagri code of the Pemda written anywhere (71.72.02.1001), else a kelurahan name in the
  subject, else in the body (the longest name wins, so "Girian Bawah" beats "Girian"); else the Pemda's
  first kelurahan by code, with an internal note asking the coordinator to ask the reporter.
- consent: writing to the reporting address is consent to process the data the reporter sent.
"""

from __future__ import annotations

from .intake import Outcome, message_import
from .sources import (
    FetchResult,
    IntakeConfigError,
    IntakeSourceError,
    fetch_imap,
    fetch_local,
    imap_configured,
    imap_settings,
)

__all__ = [
    "FetchResult",
    "IntakeConfigError",
    "IntakeSourceError",
    "Outcome",
    "fetch_imap",
    "fetch_local",
    "imap_configured",
    "imap_settings",
    "message_import",
]
