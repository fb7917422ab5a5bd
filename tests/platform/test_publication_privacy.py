"""Every public output keeps a report out until a coordinator verifies it, then shows the public version.

Walks the home page, the public list and its search, the report's page and photo, the portal search, Open311
(list and single), /api/v1/ (list and the tracking look-up), the statistics page and the open-data CSV. Balai has
no RSS or Atom feed: there is none to walk.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from balai.core.models import Pemda, PublishReports
from balai.core.registry import registry
from balai.lapor import services
from balai.lapor.models import Report, Weight
from tests.factories import make_report

pytestmark = pytest.mark.django_db

RAW_TITLE = "Pak Joko Susanto tetangga saya buang sampah sembarangan"
RAW_TEXT = "Rumahnya nomor 12, pelat mobilnya DB 1234 XY, ini nomor HP-nya 0812 9999 1111."
PUBLIC_TITLE = "Sampah dibuang di pinggir Jalan Sudirman"
PUBLIC_TEXT = "Warga melaporkan tumpukan sampah liar di pinggir Jalan Sudirman."


def visitor() -> Client:
    client = Client()
    client.cookies["django_language"] = "id"
    return client


def received_tile(page: str) -> str:
    found = re.search(r'id="kpi-received">.*?<strong class="stat-value">(.*?)</strong>', page, re.S)
    assert found, "no tile of received reports"
    return html.unescape(found.group(1)).strip()


def found(response: Any) -> str:
    """The body of a look-up, or "" for its 404 (whose message repeats the code asked for)."""
    assert response.status_code in (200, 404)
    return response.content.decode() if response.status_code == 200 else ""


def public_outputs(report: Report) -> dict[str, str]:
    """What each public output says, as text, read as an anonymous visitor."""
    client = visitor()
    csv_response = client.get("/statistik/data/laporan.csv")
    portal = registry.search("sampah", 20)
    return {
        "home": client.get("/").content.decode(),
        "list": client.get("/laporan/").content.decode(),
        "list search": client.get("/laporan/", {"q": "sampah Sudirman"}).content.decode(),
        "list search by code": client.get("/laporan/", {"q": report.code}).content.decode(),
        "portal search": repr([(hit.title, hit.url) for _module, hits in portal for hit in hits]),
        "open311 list": client.get("/open311/v2/requests.json").content.decode(),
        "open311 single": found(client.get(f"/open311/v2/requests/{report.code}.json")),
        "api list": client.get("/api/v1/reports").content.decode(),
        "open data csv": b"".join(csv_response.streaming_content).decode("utf-8-sig"),
    }


def test_an_unverified_report_is_in_no_public_output_and_appears_verified_with_its_public_text(
    city: Pemda, coordinator: Any
) -> None:
    assert city.publish_reports == PublishReports.AFTER_VERIFICATION  # the default
    report = make_report(title=RAW_TITLE, description=RAW_TEXT, photos=2)
    photos = list(report.photos.all())
    client = visitor()

    for name, text in public_outputs(report).items():
        # The search by code repeats the code typed (in its box and links), not a report with it.
        absent = f"/laporan/{report.code}/" if name == "list search by code" else report.code
        assert absent not in text, name
        assert "Joko" not in text and "DB 1234" not in text, name
    assert client.get(f"/laporan/{report.code}/").status_code == 404
    assert [client.get(f"/foto/{photo.public_id}/").status_code for photo in photos] == [404, 404]
    assert received_tile(client.get("/statistik/").content.decode()) == "0"
    # The holder of the code follows it all the same, marked as not public (tracking page and API).
    tracking = client.get(f"/lacak/{report.code}/").content.decode()
    assert RAW_TITLE in tracking and "Belum publik" in tracking
    tracked = client.get(f"/api/v1/reports/{report.code}").json()
    assert (tracked["is_published"], tracked["photos"], tracked["url"]) == (
        False,
        [],
        f"{settings.SITE_URL}/lacak/{report.code}/",
    )

    services.report_verify(
        report=report, actor=coordinator, version=None, kind=report.kind, category=report.category,
        weight=Weight.NORMATIF, public_title=PUBLIC_TITLE, public_description=PUBLIC_TEXT,
        hidden_photos=[photos[0]], is_anonymous=report.is_anonymous, is_confidential=False,
    )  # fmt: skip
    cache.clear()  # the home page's and the statistics' figures are recounted every five minutes: that time is up

    outputs = public_outputs(report)
    for name in ("home", "list", "list search", "list search by code", "portal search", "api list"):
        assert PUBLIC_TITLE in html.unescape(outputs[name]), name
    for name in ("open311 list", "open311 single"):
        assert PUBLIC_TEXT in outputs[name], name
    assert report.code in outputs["open data csv"]
    for name, text in outputs.items():
        assert "Joko" not in text and "DB 1234" not in text, name
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert PUBLIC_TITLE in page and PUBLIC_TEXT in page and "Joko" not in page and "DB 1234" not in page
    assert f"/foto/{photos[0].public_id}/" not in page and f"/foto/{photos[1].public_id}/" in page
    assert [client.get(f"/foto/{photo.public_id}/").status_code for photo in photos] == [404, 200]
    assert received_tile(client.get("/statistik/").content.decode()) == "1"
    # The reporter's words are kept, for staff: the public search does not find them.
    assert report.code not in visitor().get("/laporan/", {"q": "Joko"}).content.decode()
    report.refresh_from_db()
    assert (report.title, report.description) == (RAW_TITLE, RAW_TEXT)
