"""Refusals that used to come before the form (too many files) or as an empty summary (tampered coordinates):
each answers with the form, a message in the reader's language, and everything typed still there."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.lapor.models import PendingPhoto, Report
from tests.lapor.test_report_form import FORM_URL, Page, jpeg_upload, report_data

pytestmark = pytest.mark.django_db


def test_eleven_photos_bring_the_form_back_with_what_was_typed(city):
    photos = [jpeg_upload(f"foto-{n}.jpg") for n in range(11)]

    response = Client().post(FORM_URL, report_data(title="Lampu jalan mati di Jl. Garuda", photos=photos))

    assert response.status_code == 200
    page = Page(response)
    assert page.field_errors("photos") == ["Anda dapat melampirkan paling banyak 5 foto; Anda memilih 11."]
    assert "Anda memilih 11" in page.summary()
    assert page.value("title") == "Lampu jalan mati di Jl. Garuda"
    assert page.value("reporter_email") == "Yohanes.Sumampouw@Example.ID"
    assert not Report.objects.exists()
    assert not PendingPhoto.objects.exists()


def test_the_api_refuses_six_photos_with_the_forms_message(city):
    from tests.api.v1_support import error_of, photo, submit

    response = submit(Client(), photos=[photo(f"{n}.jpg", width=8, height=8) for n in range(6)], language="en")

    error = error_of(response, 422, "validation_error")
    assert error["fields"]["photos"] == ["You can attach at most 5 photos; you chose 6."]
    assert not Report.objects.exists()


@pytest.mark.parametrize(("latitude", "longitude"), [("NaN", "125.16"), ("abc", "125.16"), ("1,44", "125,16")])
def test_a_tampered_map_point_is_named_in_the_summary_and_forgotten(city, latitude, longitude):
    response = Client().post(
        FORM_URL, report_data(title="Lampu jalan mati di Jl. Garuda", latitude=latitude, longitude=longitude)
    )

    assert response.status_code == 200
    page = Page(response)
    message = "Titik di peta tidak dapat dibaca; silakan tandai lagi."
    assert page.field_errors("address") == [message]
    assert message in page.summary()
    assert page.value("title") == "Lampu jalan mati di Jl. Garuda"
    assert page.value("latitude") in ("", None) and page.value("longitude") in ("", None)
    assert not Report.objects.exists()


def test_the_blank_form_marks_the_contact_fields_and_says_why_they_are_asked(city):
    page = Page(Client().get(FORM_URL))

    def label(name: str) -> str:
        (node,) = page.elements("label", **{"for": f"id_{name}"})
        return page.text(node)

    assert label("reporter_name") == "Nama Anda * wajib, kecuali Anda memilih anonim"
    assert label("reporter_email").endswith("* wajib email atau telepon")
    assert label("reporter_phone").endswith("* wajib email atau telepon")
    (why,) = page.elements("p", id="why-contact")
    assert page.text(why).startswith("Mengapa kami bertanya: petugas mungkin perlu menanyakan")
