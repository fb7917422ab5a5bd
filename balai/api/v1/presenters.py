"""Reports as the API shows them: only what the public tracking page shows, never anybody's identity or contact."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from balai.lapor import selectors
from balai.lapor.models import EventKind, Report, ReportKind, Status
from balai.lapor.questions import answer_rows


def _choice(choices: Any, value: str) -> dict[str, str]:
    return {"value": value, "label": str(choices(value).label)}


def _absolute(request: HttpRequest, path: str) -> str:
    # The site's public address, as in emails and Open311: not whatever Host header the request came with.
    return settings.SITE_URL + path


def report_url(request: HttpRequest, report: Report) -> str:
    """The public page, or the tracking page for a report that has none (rahasia, or not yet published)."""
    name = "lapor:detail" if report.is_public else "lapor:track_detail"
    return _absolute(request, reverse(name, args=[report.code]))


def report_summary(request: HttpRequest, report: Report, title: str | None = None) -> dict[str, Any]:
    return {
        "code": report.code,
        "title": title if title is not None else report.display_title,
        "kind": _choice(ReportKind, report.kind),
        "status": _choice(Status, report.status),
        "category": {"slug": report.category.slug, "name": report.category.name},
        "kecamatan": {"code": report.kecamatan.code, "name": report.kecamatan.name} if report.kecamatan else None,
        "kelurahan": {"code": report.kelurahan.code, "name": report.kelurahan.name} if report.kelurahan else None,
        "photo_count": report.public_photo_count,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "url": report_url(request, report),
    }


def report_detail(request: HttpRequest, report: Report) -> dict[str, Any]:
    """What the holder of the tracking code sees, rahasia or not: the public timeline, no identity, no contact."""
    events = selectors.report_public_events(report)
    question = None
    if report.status == Status.DITUNDA:
        asked = [e for e in events if e.to_status == Status.DITUNDA]
        question = asked[-1].note if asked else None
    photos = selectors.report_public_photos(report)
    merged = report.merged_into
    return {
        **report_summary(request, report),
        "description": report.display_description,
        "address": report.address,
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "is_confidential": report.is_confidential,
        "is_published": report.is_published,
        "handled_by": report.lead_unit.name if report.lead_unit else None,
        "verify_due_at": report.verify_due_at if report.status == Status.DITERIMA else None,
        "due_at": report.due_at if report.status in (Status.DIDISPOSISIKAN, Status.DIPROSES) else None,
        "finished_at": report.finished_at,
        "clarification_question": question,
        "referral": (report.referral or None) if report.status == Status.BUKAN_WEWENANG else None,
        "merged_into": merged.code if merged is not None and merged.is_public else None,
        "rating": report.rating,
        "answers": [
            {"code": row.code, "question": row.question, "answer": row.answer}
            for row in answer_rows(report, public_only=True)
        ],
        "photos": [
            {
                "url": _absolute(request, reverse("lapor:photo", args=[photo.public_id])),
                "width": photo.width,
                "height": photo.height,
            }
            for photo in photos
        ],
        "timeline": [
            {
                "at": event.created_at,
                "kind": _choice(EventKind, event.kind),
                "status": _choice(Status, event.to_status) if event.to_status else None,
                # The sentence in the caller's language (Accept-Language / ?lang), then the person's words.
                "code": event.code or None,
                "note": event.text,
            }
            for event in events
        ],
    }


def report_created(request: HttpRequest, report: Report) -> dict[str, Any]:
    return {
        **report_detail(request, report),
        "reporter_token": report.reporter_token,
        "reporter_url": _absolute(request, reverse("lapor:reporter", args=[report.code, report.reporter_token])),
    }
