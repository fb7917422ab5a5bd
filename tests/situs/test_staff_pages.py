"""The editor's screens through the web: a bad form keeps what was typed and saves nothing; a good one makes a
draft, the buttons offered are the rules table's, and publishing and rollback work from the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from balai.situs.models import Page
from tests.factories import jpeg_bytes

from .conftest import client_for, write

pytestmark = pytest.mark.django_db


def test_a_refused_photo_keeps_the_typed_text_and_saves_nothing(sites: Any, editor_dinkes: Any) -> None:
    client = client_for(editor_dinkes)
    response = client.post("/staf/situs/dinkes/baru/berita/", {
        "title": "Posyandu Girian", "body": "Teks panjang yang diketik editor.",
        "photo": SimpleUploadedFile("foto.jpg", b"not an image", "image/jpeg"),
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "Posyandu Girian" in body and "Teks panjang yang diketik editor." in body
    assert 'role="alert"' in body
    assert not Page.objects.exists()


def test_a_missing_title_is_named_and_nothing_is_saved(sites: Any, editor_dinkes: Any) -> None:
    response = client_for(editor_dinkes).post("/staf/situs/dinkes/baru/layanan/", {"requirements": "KTP-el"})
    assert "Give the page a title." in response.content.decode() and "KTP-el" in response.content.decode()
    assert not Page.objects.exists()


def test_the_editor_writes_a_draft_and_sees_only_the_buttons_the_rules_allow(sites: Any, editor_dinkes: Any) -> None:
    client = client_for(editor_dinkes)
    response = client.post("/staf/situs/dinkes/baru/berita/", {
        "title": "Posyandu Girian", "photo": SimpleUploadedFile("f.jpg", jpeg_bytes(), "image/jpeg"),
        "photo_alt": "Balita ditimbang",
    })  # fmt: skip
    page = Page.objects.get()
    assert response["Location"] == f"/staf/situs/dinkes/halaman/{page.slug}/"
    body = client.get(response["Location"]).content.decode()
    assert 'value="submit"' in body and 'value="publish"' not in body
    preview = client.get(f"/staf/situs/dinkes/halaman/{page.slug}/pratinjau/")
    assert preview["Cache-Control"] == "private, no-store" and "Posyandu Girian" in preview.content.decode()
    assert 'name="robots" content="noindex"' in preview.content.decode()


def test_publishing_and_a_stale_form_from_the_page(sites: Any, publisher_dinkes: Any) -> None:
    page = write(sites["dinkes"], publisher_dinkes, title="Jadwal vaksin", slug="jadwal")
    client = client_for(publisher_dinkes)
    client.post("/staf/situs/dinkes/halaman/jadwal/", {"version": 1, "title": "Jadwal vaksin", "body": "Senin"})
    response = client.post(
        "/staf/situs/dinkes/halaman/jadwal/", {"version": 1, "title": "Jadwal vaksin", "body": "Selasa"}
    )
    assert "Someone else changed this" in response.content.decode() and "Selasa" in response.content.decode()
    client.post("/staf/situs/dinkes/halaman/jadwal/aksi/", {"version": 2, "action": "publish"})
    page.refresh_from_db()
    assert page.status == "published" and page.body == "Senin"
    body = client.get("/staf/situs/dinkes/halaman/jadwal/revisi/?nomor=2").content.decode()
    assert "diff-add" in body and "Senin" in body
    client.post("/staf/situs/dinkes/halaman/jadwal/revisi/", {"version": 3, "number": 1})  # publishing made it 3
    page.refresh_from_db()
    assert page.body == "" and page.status == "published"
