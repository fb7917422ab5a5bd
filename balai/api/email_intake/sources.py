"""Where mail comes from: the IMAP mailbox of the environment, or the Maildir or mbox given to `balai email fetch`."""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from balai.api.models import EmailStatus
from balai.core.selectors import pemda_current
from balai.lib.env import env_bool, env_int, env_str

from .intake import Outcome, _take


class IntakeConfigError(ImproperlyConfigured):
    """The mailbox cannot be reached as configured; the message says which setting to fix."""


class IntakeSourceError(Exception):
    """The mailbox itself failed (connection, login, folder): nothing was lost, try again later."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    use_ssl: bool


def imap_configured() -> bool:
    return bool(env_str("INTAKE_IMAP_HOST").strip())


def imap_settings() -> ImapSettings:
    """The IMAP mailbox from the environment, or IntakeConfigError naming what is missing."""
    host = env_str("INTAKE_IMAP_HOST").strip()
    if not host:
        raise IntakeConfigError(
            "INTAKE_IMAP_HOST is not set: set it (with INTAKE_IMAP_USER and INTAKE_IMAP_PASSWORD) to read the "
            "reporting mailbox over IMAP, or give --maildir PATH or --mbox PATH."
        )
    user = env_str("INTAKE_IMAP_USER").strip()
    password = env_str("INTAKE_IMAP_PASSWORD")
    if not user or not password:
        raise IntakeConfigError(
            "INTAKE_IMAP_USER and INTAKE_IMAP_PASSWORD (or INTAKE_IMAP_PASSWORD_FILE) are needed with INTAKE_IMAP_HOST."
        )
    port = env_int("INTAKE_IMAP_PORT", 993)
    if not 0 < port < 65536:
        raise IntakeConfigError(f"INTAKE_IMAP_PORT={port} is not a port number.")
    return ImapSettings(
        host=host,
        port=port,
        user=user,
        password=password,
        folder=env_str("INTAKE_IMAP_FOLDER", "INBOX").strip() or "INBOX",
        use_ssl=env_bool("INTAKE_IMAP_SSL", True),
    )


@dataclass
class FetchResult:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == EmailStatus.FAILED]

    def summary(self) -> dict[str, int]:
        names = [*EmailStatus.values, "duplicate", "not_addressed"]
        return {name: self.count(name) for name in names}


def _local_messages(path: Path, kind: str) -> Iterator[bytes]:
    try:
        box: mailbox.Mailbox[Any]
        if kind == "maildir":
            box = mailbox.Maildir(path, factory=None, create=False)
        else:
            if not path.is_file():
                raise IntakeSourceError(f"{path}: no such mbox file")
            box = mailbox.mbox(path, factory=None, create=False)
        keys = list(box.iterkeys())
    except (OSError, mailbox.Error) as exc:
        raise IntakeSourceError(f"cannot read the {kind} {path}: {exc}") from exc
    for key in keys:
        try:
            raw = box.get_bytes(key)
        except (OSError, mailbox.Error) as exc:
            raise IntakeSourceError(f"cannot read message {key} of {path}: {exc}") from exc
        yield raw


def fetch_local(*, path: Path, kind: str, address: str | None = None) -> FetchResult:
    """Every message of a Maildir or mbox; read-only: the Message-ID log is what keeps them from coming twice."""
    if kind not in {"maildir", "mbox"}:
        raise ValueError(f"unknown mailbox kind {kind!r}")
    result = FetchResult()
    pemda = pemda_current()
    for raw in _local_messages(path, kind):
        result.outcomes.append(_take(raw, source=kind, address=address, pemda=pemda))
    return result


def _imap_connect(config: ImapSettings) -> imaplib.IMAP4:
    if config.use_ssl:
        return imaplib.IMAP4_SSL(config.host, config.port, ssl_context=ssl.create_default_context(), timeout=60)
    connection = imaplib.IMAP4(config.host, config.port, timeout=60)
    # Without SSL, still never send the password in the clear if the server can switch to TLS.
    if "STARTTLS" in connection.capabilities:
        connection.starttls(ssl_context=ssl.create_default_context())
    return connection


def fetch_imap(*, config: ImapSettings | None = None, address: str | None = None) -> FetchResult:
    """The UNSEEN messages of the IMAP folder; each is marked \\Seen once it is recorded (never before)."""
    config = config or imap_settings()
    result = FetchResult()
    pemda = pemda_current()
    try:
        connection = _imap_connect(config)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise IntakeSourceError(f"cannot connect to {config.host}:{config.port}: {exc}") from exc
    try:
        try:
            connection.login(config.user, config.password)
            status, _data = connection.select(_imap_quote(config.folder))
            if status != "OK":
                raise IntakeSourceError(f"cannot open the folder {config.folder!r}")
            status, found = connection.uid("SEARCH", "UNSEEN")
            if status != "OK":
                raise IntakeSourceError("the server refused the search for unseen messages")
            uids = found[0].split() if found and isinstance(found[0], bytes) else []
            for uid in uids:
                status, fetched = connection.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
                raw = next((item[1] for item in fetched if isinstance(item, tuple)), None) if status == "OK" else None
                if not isinstance(raw, bytes):
                    raise IntakeSourceError(f"cannot fetch message {uid.decode()}")
                outcome = _take(raw, source="imap", address=address, pemda=pemda)
                result.outcomes.append(outcome)
                if outcome.handled:
                    connection.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise IntakeSourceError(f"IMAP error on {config.host}: {exc}") from exc
    finally:
        with contextlib.suppress(Exception):
            connection.logout()
    return result


def _imap_quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
