"""Tracking codes: short, unguessable, and readable aloud over the phone (no 0/O, no 1/I)."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
GROUPS = 2
GROUP_LENGTH = 4
_BODY = re.compile(rf"^[{ALPHABET}]{{{GROUPS * GROUP_LENGTH}}}$")


def generate(prefix: str) -> str:
    """`PREFIX-XXXX-XXXX`: 40 random bits from the operating system's generator."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    groups = [body[i : i + GROUP_LENGTH] for i in range(0, len(body), GROUP_LENGTH)]
    return "-".join([prefix, *groups])


def normalize(raw: str, prefix: str) -> str | None:
    """The canonical code for what a person typed or read aloud, or None if it cannot be one.

    Case, spaces and dashes do not matter and the prefix may be left out.
    """
    text = re.sub(r"[\s\-_.]", "", raw.upper())
    # Only strip a prefix that is really there: a body may itself start with the prefix's letters.
    if text.startswith(prefix) and len(text) == len(prefix) + GROUPS * GROUP_LENGTH:
        text = text[len(prefix) :]
    if not _BODY.match(text):
        return None
    groups = [text[i : i + GROUP_LENGTH] for i in range(0, len(text), GROUP_LENGTH)]
    return "-".join([prefix, *groups])
