"""The reply key of a report's emails: what proves that an email reply comes from someone who received them.

Anyone can write a tracking code into a subject and a reporter's address into `From`; nobody can compute this key
without SECRET_KEY. Every email to a reporter carries it twice: in its `Reply-To` (a plus-address of the reporting
address, `lapor+btg-7k3q-9xfa.<key>@…`) and in its `Message-ID`, which mail programs copy into the reply's
`In-Reply-To` and `References`. The key is an HMAC of the report's code under a purpose of its own (not the
reporter's private link token): knowing it lets one write on that one report by email, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from balai.lib.env import env_str

# A purpose of its own: a key made for replies is worth nothing as any other HMAC of SECRET_KEY, and back.
KEY_SALT = "balai.lapor.replies.reply-key"
KEY_LENGTH = 24  # hex digits: 96 bits

# `<code>.<key>` as it appears in a plus-address or a Message-ID, in any case (some mail servers lower-case).
_TAGGED = re.compile(rf"(?<![a-z0-9])([a-z0-9]+-[a-z0-9]{{4}}-[a-z0-9]{{4}})\.([0-9a-f]{{{KEY_LENGTH}}})(?![0-9a-f])")


def intake_address() -> str:
    """The reporting address (INTAKE_ADDRESS), lower-case; empty when email intake is not set up."""
    return env_str("INTAKE_ADDRESS").strip().lower()


def reply_key(code: str, secret: str | None = None) -> str:
    """The report's reply key: an HMAC of its code under SECRET_KEY (or `secret`) with a purpose of its own."""
    return salted_hmac(KEY_SALT, code.upper(), secret=secret, algorithm="sha256").hexdigest()[:KEY_LENGTH]


def _tag(code: str) -> str:
    return f"{code.lower()}.{reply_key(code)}"


def reply_address(code: str) -> str:
    """The Reply-To of an email about this report (a plus-address of INTAKE_ADDRESS), or "" without intake."""
    address = intake_address()
    local, at, domain = address.partition("@")
    if not at:
        return ""
    return f"{local.split('+', 1)[0]}+{_tag(code)}@{domain}"


def reply_message_id(code: str) -> str:
    """A fresh Message-ID carrying the report's code and key; a reply's In-Reply-To/References repeat it."""
    domain = intake_address().partition("@")[2] or urlsplit(settings.SITE_URL).hostname or "balai.localhost"
    return make_msgid(idstring=_tag(code), domain=domain)


def without_tag(address: str) -> str:
    """`lapor+anything@host` as `lapor@host`: the reporting address a plus-address belongs to."""
    local, at, domain = address.lower().partition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}"


def replied_code(values: Iterable[str]) -> str | None:
    """The code of the report whose reply key one of these header values carries, or None (a wrong key counts not)."""
    for value in values:
        for code, key in _TAGGED.findall(value.lower()):
            # Emails sent before a SECRET_KEY rotation carry keys made with a former one (SECRET_KEY_FALLBACKS).
            if any(constant_time_compare(key, reply_key(code, secret)) for secret in _secrets()):
                return code.upper()
    return None


def _secrets() -> list[str | None]:
    return [None, *settings.SECRET_KEY_FALLBACKS]
