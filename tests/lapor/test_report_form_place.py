"""The report form's place: a kelurahan from the list, or a point on the map; with the Pemda's kelurahan
boundaries the point gives the kelurahan, without them the coordinator sets it when verifying."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from balai.lapor.models import Report
from tests.lapor.test_report_form import FORM_URL, Page, report_data, sent_code

pytestmark = pytest.mark.django_db

BOUNDARIES = Path(__file__).resolve().parent.parent / "fixtures" / "bitung-kelurahan.geojson"
IN_WANGURER_BARAT = ("1.441200", "125.161700")  # inside the fixture's square of Wangurer Barat (71.72.02.1001)


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _import_boundaries() -> None:
    call_command("wilayah", "boundaries", str(BOUNDARIES), stdout=io.StringIO())


def test_without_kelurahan_or_point_the_form_asks_for_one_and_keeps_what_was_typed(city, english):
    response = english.post(FORM_URL, report_data(kelurahan=None))

    page = Page(response)
    assert page.field_errors("kelurahan") == ["Choose the kelurahan or desa where it is, or mark it on the map."]
    assert "Jalan berlubang di depan SD Negeri 3" in response.content.decode()
    assert not Report.objects.exists()


def test_a_point_in_an_imported_boundary_gives_the_kelurahan(city, english):
    _import_boundaries()

    response = english.post(
        FORM_URL, report_data(kelurahan=None, latitude=IN_WANGURER_BARAT[0], longitude=IN_WANGURER_BARAT[1])
    )

    report = Report.objects.get(code=sent_code(response))
    assert (report.kelurahan_id, report.kecamatan_id) == ("71.72.02.1001", "71.72.02")


def test_a_point_without_boundaries_leaves_the_kelurahan_to_the_coordinator(city, english):
    response = english.post(
        FORM_URL, report_data(kelurahan=None, latitude=IN_WANGURER_BARAT[0], longitude=IN_WANGURER_BARAT[1])
    )

    report = Report.objects.get(code=sent_code(response))
    assert (report.kelurahan_id, report.kecamatan_id) == (None, None)
    assert (str(report.latitude), str(report.longitude)) == IN_WANGURER_BARAT


def test_a_chosen_kelurahan_wins_over_the_boundaries(city, english):
    _import_boundaries()

    response = english.post(
        FORM_URL,
        report_data(kelurahan="71.72.06.1003", latitude=IN_WANGURER_BARAT[0], longitude=IN_WANGURER_BARAT[1]),
    )

    assert Report.objects.get(code=sent_code(response)).kelurahan_id == "71.72.06.1003"


def test_the_form_asks_the_server_for_the_kelurahan_of_a_point_only_with_boundaries(city, client):
    assert "data-kelurahan-url" not in dict(Page(client.get(FORM_URL)).by_id("map-box").attributes)
    _import_boundaries()

    box = dict(Page(client.get(FORM_URL)).by_id("map-box").attributes)
    found = json.loads(client.get(box["data-kelurahan-url"], {"lat": "1.4412", "lng": "125.1617"}).content)
    outside = json.loads(client.get(box["data-kelurahan-url"], {"lat": "1.40", "lng": "125.16"}).content)

    assert found == {"code": "71.72.02.1001", "name": "Kel. Wangurer Barat", "kecamatan": "Kec. Madidir"}
    assert outside == {"code": "", "name": ""}
    assert client.get(box["data-kelurahan-url"], {"lat": "utara", "lng": "1"}).status_code == 400
