"""`balai situs import-wordpress EXPORT.xml --unit <slug>`: a WordPress export (WXR 1.1/1.2) into a unit's site.

Posts become news (announcements or agenda when their category says so), pages stay pages, attachments become
documents (PDF/Office) or gallery photos when their files are given with --uploads (a copy of wp-content/uploads:
the export itself carries only their addresses). Published items are published with their WordPress date; drafts
and private items stay drafts. Each item is keyed by its WordPress post id, so a second run updates, never doubles.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nh3
from defusedxml import ElementTree

from . import services
from .models import Kind, Site

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
CATEGORY_KINDS = {"pengumuman": Kind.ANNOUNCEMENT, "announcement": Kind.ANNOUNCEMENT, "agenda": Kind.AGENDA}
IMAGE = (".jpg", ".jpeg", ".png", ".webp", ".gif")
DOCUMENT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx")
_BREAKS = re.compile(r"(?i)<br\s*/?>|</p>|</h[1-6]>|</li>|</div>")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)


def html_to_text(value: str) -> str:
    """WordPress HTML as plain paragraphs: tags and block comments dropped, entities decoded."""
    text = _BREAKS.sub("\n\n", value)
    text = html.unescape(nh3.clean(text, tags=set()))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _text(item: Any, tag: str) -> str:
    found = item.find(tag, NS)
    return (found.text or "") if found is not None else ""


def _date(item: Any) -> datetime | None:
    raw = _text(item, "wp:post_date_gmt").strip()
    if not raw or raw.startswith("0000"):
        return None
    return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def import_wxr(path: Path, site: Site, uploads: Path | None = None) -> ImportResult:
    tree = ElementTree.parse(path)
    result = ImportResult()
    for item in tree.getroot().iter("item"):
        post_id = int(_text(item, "wp:post_id") or 0)
        post_type, status = _text(item, "wp:post_type"), _text(item, "wp:status")
        title = html.unescape(_text(item, "title")).strip()
        categories = [c.get("nicename", "") for c in item.findall("category") if c.get("domain") == "category"]
        result.categories.update(categories)
        if not post_id or status in {"trash", "auto-draft"}:
            continue
        data: dict[str, Any] = {
            "title": title[:200] or f"WordPress {post_id}",
            "summary": html_to_text(_text(item, "excerpt:encoded"))[:300],
            "body": html_to_text(_text(item, "content:encoded")),
            "slug": _text(item, "wp:post_name"),
        }
        when = _date(item)
        if post_type == "attachment":
            url = _text(item, "wp:attachment_url")
            upload, kind = _attachment(url, uploads)
            if upload is None:
                result.skipped.append(f"{post_id}: {url}")
                continue
            field_name = "photo" if kind == Kind.GALLERY else "document"
            if kind == Kind.GALLERY:
                data["photo_alt"] = title[:200]
            existing = site.pages.filter(wp_id=post_id).first()
            with upload.stream:
                if existing is None:
                    services.page_create(actor=None, scope=None, site=site, kind=kind, data=data, wp_id=post_id,
                                         **{field_name: upload})  # fmt: skip
                    created = True
                else:
                    created = False  # the file does not change on a re-run
            page = site.pages.get(wp_id=post_id)
            if page.status != "published":
                services.page_act(actor=None, scope=None, page=page, action="publish", version=None, now=when)
        elif post_type in {"post", "page"}:
            kind = (
                Kind.PAGE
                if post_type == "page"
                else next((CATEGORY_KINDS[c] for c in categories if c in CATEGORY_KINDS), Kind.NEWS)
            )
            created = services.page_import(site=site, wp_id=post_id, kind=kind, data=data, publish=status == "publish",
                                           when=when)  # fmt: skip
        else:
            continue
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


def _attachment(url: str, uploads: Path | None) -> tuple[services.Upload | None, str]:
    lower = url.lower()
    kind = Kind.GALLERY if lower.endswith(IMAGE) else Kind.DOCUMENT if lower.endswith(DOCUMENT) else ""
    if not kind or uploads is None or "/uploads/" not in url:
        return None, kind
    local = (uploads / url.split("/uploads/", 1)[1]).resolve()
    if not local.is_relative_to(uploads.resolve()) or not local.is_file():
        return None, kind
    return services.Upload(local.name, local.stat().st_size, local.open("rb")), kind
