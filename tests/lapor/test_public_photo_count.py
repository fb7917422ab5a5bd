"""The public list and the API count only the photos the public sees, never those a coordinator hid."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from balai.lapor.models import Report
from tests.factories import make_report
from tests.lapor.backoffice import steps

pytestmark = pytest.mark.django_db


def _verified_hiding_one_of_three(coordinator: Any) -> Report:
    report = make_report(photos=3)
    first = report.photos.order_by("position", "id").first()
    steps.verified(report, coordinator, hidden_photos=[first])
    report.refresh_from_db()
    return report


def _card_of(page: str, code: str) -> str:
    found = re.search(rf'href="/laporan/{code}/".*?</li>', page, re.S)
    assert found, "no card for the report"
    return html.unescape(found.group(0))


def test_the_public_list_counts_the_photos_not_hidden(city, coordinator):
    report = _verified_hiding_one_of_three(coordinator)
    client = Client()
    client.cookies["django_language"] = "id"

    card = _card_of(client.get("/laporan/").content.decode(), report.code)

    assert "2 foto" in card and "3 foto" not in card


def test_the_api_counts_the_photos_it_lists(city, coordinator):
    report = _verified_hiding_one_of_three(coordinator)
    client = Client()

    (listed,) = client.get("/api/v1/reports").json()["results"]
    detail = client.get(f"/api/v1/reports/{report.code}").json()

    assert listed["photo_count"] == 2
    assert detail["photo_count"] == 2 == len(detail["photos"])
    assert report.photo_count == 3  # staff keep counting every photo
