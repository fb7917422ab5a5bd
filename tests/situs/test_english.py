"""English versions of a page: shown to visitors who chose English with Balai's language switch, the Indonesian
text (marked lang="id", with a note) when a page has none; added to a published page through a draft that goes
online only when a publisher publishes it; searched in both languages; the editor's form keeps what was typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from balai.core.models import AuditEvent
from balai.situs import services
from balai.situs.models import Kind, Page
from balai.situs.search import page_ids
from balai.situs.selectors import revision_diff

from .conftest import client_for, publish, scope, write

pytestmark = pytest.mark.django_db

NOTE = "This page is not available in English; shown in Indonesian."
SERVICE_EN = {
    "title_en": "Birth certificate letter",
    "summary_en": "A letter for registering a birth.",
    "body_en": "Bring the documents to the counter.",
    "requirements_en": "Original e-KTP of both parents",
    "cost_en": "Free of charge",
}


def _visitor(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>.*?</h1>", html, re.S)
    assert match is not None
    return match.group(0)


def test_an_english_visitor_sees_the_english_text_and_an_indonesian_one_the_indonesian(sites: Any) -> None:
    page = publish(write(sites["dinkes"], kind=Kind.SERVICE, title="Surat keterangan lahir", summary="Surat untuk",
                         requirements="KTP-el asli kedua orang tua", duration="1 hari kerja", cost="Gratis",
                         **SERVICE_EN))  # fmt: skip

    english = _visitor("en").get(page.path).content.decode()
    assert '<article class="page-article" lang="en">' in english
    assert "Birth certificate letter" in _h1(english) and "Surat keterangan lahir" not in english.split("<article")[1]
    assert "Original e-KTP of both parents" in english and "Free of charge" in english
    # A component left empty in English is shown in Indonesian, marked so a screen reader says it right.
    assert '<dd lang="id">1 hari kerja</dd>' in english
    assert NOTE not in english
    assert "<title>Birth certificate letter" in english

    indonesian = _visitor("id").get(page.path).content.decode()
    assert "Surat keterangan lahir" in _h1(indonesian) and "Birth certificate letter" not in indonesian
    assert "KTP-el asli kedua orang tua" in indonesian and 'lang="en"' not in indonesian.split("<article")[1]

    # Lists show the English title too; the feed keeps the canonical Indonesian text.
    assert "Birth certificate letter" in _visitor("en").get(f"{sites['dinkes'].path}layanan/").content.decode()
    feed = _visitor("en").get(f"{sites['dinkes'].path}feed/").content.decode()
    assert "Birth certificate letter" not in feed


def test_a_page_without_english_is_shown_in_indonesian_with_a_note(sites: Any) -> None:
    page = publish(write(sites["dinkes"], title="Posyandu buka Sabtu", body="Bawa buku KIA."))

    html = _visitor("en").get(page.path).content.decode()
    assert NOTE in html
    assert '<h1 lang="id">Posyandu buka Sabtu</h1>' in html
    assert '<div lang="id"><p>Bawa buku KIA.</p></div>' in html
    assert NOTE not in _visitor("id").get(page.path).content.decode()
    listed = _visitor("en").get(f"{sites['dinkes'].path}berita/").content.decode()
    assert f'<a href="{page.path}" lang="id">Posyandu buka Sabtu</a>' in listed


def test_an_editor_adds_english_to_a_published_page_and_it_shows_only_after_publishing(
    sites: Any, editor_dinkes: Any, publisher_dinkes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = publish(write(sites["dinkes"], editor_dinkes, title="Posyandu buka Sabtu", summary="Mulai bulan ini",
                         body="Bawa buku KIA."))  # fmt: skip
    editor = client_for(editor_dinkes)
    edit_url = f"/staf/situs/dinkes/halaman/{page.slug}/"
    form = editor.get(edit_url).content.decode()
    assert '<details class="english-version">' in form and 'lang="en"' in form

    response = editor.post(edit_url, {"version": page.version, "title": "Posyandu buka Sabtu",
                                      "summary": "Mulai bulan ini", "body": "Bawa buku KIA.", "title_en": "Posyandu open on Saturdays",
                                      "body_en": "Bring the KIA book."})  # fmt: skip
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == "published" and page.title_en == "" and page.draft["title_en"] == "Posyandu open on Saturdays"
    # Online, nothing changed yet; the editor's form and preview show the draft.
    assert NOTE in _visitor("en").get(page.path).content.decode()
    form = editor.get(edit_url).content.decode()
    assert "Posyandu open on Saturdays" in form and "wait to be published" in form
    assert "Posyandu open on Saturdays" in editor.get(f"{edit_url}pratinjau/").content.decode()

    # The revision's diff names the English change.
    with translation.override("en"):
        shown, diff = revision_diff(page, page.revisions.order_by("-number").first().number)
    changes = [(d.field, d.lines) for d in diff]
    assert changes == [("title (English)", [("+", "Posyandu open on Saturdays")]),
                       ("text (English)", [("+", "Bring the KIA book.")])]  # fmt: skip
    assert "<h3>Title (English)</h3>" in editor.get(f"{edit_url}revisi/?nomor={shown.number}").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        page = services.page_act(actor=editor_dinkes, scope=scope(editor_dinkes), page=page, action="submit",
                                 version=page.version)  # fmt: skip
    assert page.status == "published" and [m.to for m in mail.outbox] == [["penerbit.dinkes@example.id"]]
    assert NOTE in _visitor("en").get(page.path).content.decode()

    services.page_act(actor=publisher_dinkes, scope=scope(publisher_dinkes), page=page, action="publish",
                      version=page.version)  # fmt: skip
    page.refresh_from_db()
    assert page.title_en == "Posyandu open on Saturdays" and page.draft is None
    html = _visitor("en").get(page.path).content.decode()
    assert "Posyandu open on Saturdays" in _h1(html) and "Bring the KIA book." in html and NOTE not in html
    assert 'class="lead"' not in html  # no English summary: no Indonesian lead under the English title
    actions = list(AuditEvent.objects.filter(object_type="situs.page", object_id=str(page.pk))
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions[-3:] == ["situs.page.draft", "situs.page.submit", "situs.page.publish"]


def test_english_words_find_the_english_version(sites: Any) -> None:
    page = publish(write(sites["dinkes"], title="Imunisasi anak", title_en="Child immunisation",
                         summary_en="Free vaccines at the health centre"))  # fmt: skip
    other = publish(write(sites["dinkes"], title="Jalan rusak"))
    assert page_ids("immunisation", 10) == [page.pk]
    assert page_ids("health cent", 10) == [page.pk]
    assert page_ids("imunisasi", 10) == [page.pk]
    assert other.pk not in page_ids("child", 10)
    # The search page shows the title in the visitor's language.
    assert "Child immunisation" in _visitor("en").get("/portal/cari/?q=vaccines").content.decode()


def test_english_text_without_an_english_title_is_named_and_nothing_is_saved(sites: Any, editor_dinkes: Any) -> None:
    response = client_for(editor_dinkes).post(
        "/staf/situs/dinkes/baru/berita/", {"title": "Posyandu", "body_en": "Typed English text."}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Give the English version a title too" in html
    assert "Typed English text." in html and '<details class="english-version" open>' in html
    assert not Page.objects.exists()
