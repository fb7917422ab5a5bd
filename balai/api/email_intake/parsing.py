"""Reading a raw email: its headers, text and attachments, its quoted history, automatic mail, and its key."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from balai.lib.text import clean_text as lib_clean_text

NAME_MAX = 100
MESSAGE_ID_MAX = 255
# Text that is mostly control characters after every charset was tried is binary junk, not a letter.
JUNK_RATIO = 0.3

# The start of the quoted history in a reply: "On … wrote:", "Pada … menulis:", Outlook's separator.
_QUOTE_START = re.compile(
    r"^\s*(on\b.*\bwrote:|pada\b.*\bmenulis:|-{2,}\s*original message\s*-{2,}|-{2,}\s*pesan asli\s*-{2,}|"
    r"from:\s.*|dari:\s.*)\s*$",
    re.IGNORECASE,
)
_BROKEN_MIME = ("NoBoundaryInMultipartDefect", "StartBoundaryNotFoundDefect", "MultipartInvariantViolationDefect")
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
_MAGIC = ((b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"))


class UnreadableMessage(Exception):  # noqa: N818 - a verdict on the message, carried to the log
    pass


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text in its declared charset; else UTF-8; else Windows-1252 with replacement (never fails)."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _part_text(part: MIMEPart) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = decode_bytes(payload, part.get_content_charset()).replace("\r\n", "\n").replace("\r", "\n")
    if text:
        junk = sum(1 for ch in text if ch == "\ufffd" or (not ch.isprintable() and ch not in "\n\t"))
        if junk / len(text) > JUNK_RATIO:
            raise UnreadableMessage(f"the {part.get_content_type()} part cannot be decoded as text")
    return text


def _header(message: EmailMessage, name: str) -> str:
    """A header as text; raw 8-bit bytes (not allowed, but sent) are decoded like a body."""
    for raw_name, raw_value in message.raw_items():
        if raw_name.lower() != name.lower():
            continue
        if isinstance(raw_value, str) and any("\udc80" <= ch <= "\udcff" for ch in raw_value):
            recovered = decode_bytes(raw_value.encode("ascii", "surrogateescape"), None)
            return " ".join(recovered.split())
        return " ".join(str(message[name] or "").split())
    return ""


_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "hr",
    "td",
    "th",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.chunks.append("\t" if tag in {"td", "th"} else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS and tag not in {"br", "td", "th"}:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        self.chunks.append(" ".join(data.split("\n")))


def html_to_text(markup: str) -> str:
    """Plain text from an HTML email: scripts, styles and comments dropped, paragraphs kept as lines."""
    # nh3 (a real HTML5 sanitiser) removes script/style with their content and every attribute first;
    # the stdlib parser then only has to turn block tags into line breaks and entities into characters.
    cleaned = nh3.clean(markup, tags=_BLOCK_TAGS, attributes={}, strip_comments=True)
    extractor = _TextExtractor()
    extractor.feed(cleaned)
    extractor.close()
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in "".join(extractor.chunks).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_text(text: str) -> str:
    return lib_clean_text(text, multiline=True)


def strip_quoted(text: str) -> str:
    """A reply without the quoted message below it: the reporter's new words only."""
    kept: list[str] = []
    for line in text.split("\n"):
        if _QUOTE_START.match(line) and kept:
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip() or text.strip()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    sender_name: str
    sender_email: str
    subject: str
    text: str
    recipients: frozenset[str]
    attachments: tuple[Attachment, ...]
    automatic: bool
    # In-Reply-To and References: the Message-IDs of the emails this one answers.
    references: tuple[str, ...] = ()


def message_key(message: EmailMessage | None, raw: bytes) -> str:
    """The Message-ID, or a hash of the raw bytes when there is none (or one too long to index)."""
    value = ""
    if message is not None:
        with contextlib.suppress(Exception):
            value = "".join(str(message.get("Message-ID") or "").split())
    if value and len(value) <= MESSAGE_ID_MAX:
        return value
    digest = hashlib.sha256(value.encode() if value else raw).hexdigest()
    return f"sha256:{digest}"


def _recipients(message: EmailMessage) -> frozenset[str]:
    values = [
        str(value)
        for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
        for value in message.get_all(name) or []
    ]
    return frozenset(addr.lower() for _name, addr in email.utils.getaddresses(values) if addr)


def _is_automatic(message: EmailMessage, sender: str) -> bool:
    """Bounces, out-of-office and bulk mail: answering them (with our confirmation) could start a mail loop."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if _header(message, "Precedence").lower() in _AUTOMATIC_PRECEDENCE:
        return True
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return True
    if _header(message, "Return-Path") == "<>":
        return True
    local = sender.split("@", 1)[0]
    return local in {"mailer-daemon", "postmaster"}


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _part_text(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return clean_text(text)


def _attachments(message: EmailMessage) -> tuple[Attachment, ...]:
    body = message.get_body(preferencelist=("plain", "html"))
    found: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        disposition = part.get_content_disposition()
        if part.get_content_maintype() == "text" and disposition != "attachment":
            continue  # the other alternative of the body
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        name = part.get_filename() or ""
        found.append(
            Attachment(filename=" ".join(name.split())[:120], content_type=part.get_content_type(), content=payload)
        )
    return tuple(found)


def parse_message(raw: bytes) -> ParsedMessage:
    """The parts of an email Balai uses, or UnreadableMessage saying why it cannot be read."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything it still raises is a broken message
        raise UnreadableMessage(f"cannot parse the message: {exc}") from exc
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default always builds EmailMessage
    if not message.keys():
        raise UnreadableMessage("no headers: this is not an email")
    broken = [type(d).__name__ for d in message.defects if type(d).__name__ in _BROKEN_MIME]
    if broken:
        raise UnreadableMessage(f"broken MIME structure ({', '.join(sorted(set(broken)))})")
    try:
        senders = email.utils.getaddresses([_header(message, "From")])
    except Exception as exc:
        raise UnreadableMessage(f"unreadable From header: {exc}") from exc
    name, address = senders[0] if senders else ("", "")
    address = address.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise UnreadableMessage("no sender address (From)") from None
    try:
        text = _body_text(message)
        attachments = _attachments(message)
    except UnreadableMessage:
        raise
    except Exception as exc:
        raise UnreadableMessage(f"cannot read the content: {exc}") from exc
    return ParsedMessage(
        message_id=message_key(message, raw),
        sender_name=" ".join(name.split())[:NAME_MAX],
        sender_email=address,
        subject=_header(message, "Subject"),
        text=text,
        recipients=_recipients(message),
        attachments=attachments,
        automatic=_is_automatic(message, address),
        references=tuple(_header(message, name) for name in ("In-Reply-To", "References")),
    )


def image_kind(content: bytes) -> str | None:
    """jpeg, png or webp by the file's first bytes (never by its name or declared type), else None."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


def _lenient(raw: bytes) -> EmailMessage | None:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    except Exception:
        return None
    return message if isinstance(message, EmailMessage) else None


def _best_effort_headers(raw: bytes) -> tuple[str, str]:
    message = _lenient(raw)
    if message is None:
        return "", ""
    try:
        return _header(message, "From")[:254], _header(message, "Subject")[:255]
    except Exception:
        return "", ""
