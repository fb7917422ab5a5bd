"""Error pages (400, 403, 404, 429, 500) in Balai's design and the reader's language, with a way back; with DEBUG
off, as in production. Another OPD's report answers exactly as a report that does not exist."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.factories import make_report
from tests.lapor.backoffice.steps import client_for, dispatched, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _in_balai_design(page: str) -> None:
    assert 'class="site-header"' in page and "balai.css" in page
    assert 'href="/"' in page and 'href="/lacak/"' in page  # a way back: home, tracking


def test_an_unknown_address_is_the_404_page_in_indonesian(city):
    response = Client().get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    page = text(response)
    _in_balai_design(page)
    assert "Halaman tidak ditemukan" in page
    assert 'lang="id"' in page


def test_the_404_page_follows_the_readers_language(city):
    browser = Client()
    browser.cookies["django_language"] = "en"
    response = browser.get("/tidak-ada-halaman-ini/")

    assert "Page not found" in text(response)
    assert 'lang="en"' in text(response)


def _without_tokens(page: str) -> str:
    return re.sub(r'name="(csrfmiddlewaretoken|next)" value="[^"]*"', "", page)


def test_another_opds_report_looks_like_any_other_404(city, coordinator, operator_dinkes):
    report = dispatched(make_report(), coordinator, lead="dinas-pupr")
    staff = client_for(operator_dinkes)

    other_opds = staff.get(f"/staf/laporan/{report.code}/")
    no_such = staff.get("/staf/laporan/BTG-AAAA-AAAA/")

    assert other_opds.status_code == no_such.status_code == 404
    assert _without_tokens(text(other_opds)) == _without_tokens(text(no_such))
    assert report.title not in text(other_opds)
    _in_balai_design(text(other_opds))


def test_a_forbidden_staff_page_is_the_403_page(city, operator_pupr):
    response = client_for(operator_pupr).get("/staf/akun-terkunci/")

    assert response.status_code == 403
    _in_balai_design(text(response))
    assert "You may not open this page" in text(response)


def test_a_form_sent_without_its_csrf_token_is_the_expired_form_page(city):
    response = Client(enforce_csrf_checks=True).post("/lapor/", {"title": "Jalan rusak"})

    assert response.status_code == 403
    _in_balai_design(text(response))
    assert "Formulir sudah kedaluwarsa" in text(response)


def test_a_request_with_too_many_files_is_the_400_page(city, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(4)]

    response = Client().post("/staf/masuk/", {"username": "x", "attachments": files})

    assert response.status_code == 400
    _in_balai_design(text(response))
    assert "Permintaan tidak dapat dibaca" in text(response)


@pytest.mark.urls("tests.core.limited_urls")
def test_a_view_over_its_rate_limit_is_the_429_page(city):
    browser = Client()
    assert browser.get("/coba-batas/").status_code == 200

    response = browser.get("/coba-batas/")

    assert response.status_code == 429
    _in_balai_design(text(response))
    assert "Terlalu banyak permintaan" in text(response)


def test_a_server_error_is_the_500_page_without_the_database(city):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "balai.css" in page and 'href="/"' in page
    assert "Terjadi kesalahan di pihak kami" in page
