"""What each server process keeps a copy of (the Pemda, categories, kelurahan, calendar) is seen changed at once
in the process that made the change, and by the others within seconds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from balai.core import selectors as core_selectors
from balai.core.models import Wilayah, WilayahLevel
from balai.lapor import cache
from balai.lapor.models import Category, CategoryQuestion

from .test_report_form import FORM_URL, report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def test_a_change_to_the_pemda_shows_at_once(city, english):
    assert "Something wrong in Kota Bitung?" in english.get("/").content.decode()

    city.short_name = "Kota Bitung Baru"
    city.save()

    assert "Something wrong in Kota Bitung Baru?" in english.get("/").content.decode()


def test_a_change_made_by_another_process_shows_within_seconds(city, english, monkeypatch):
    english.get("/")
    # Raw SQL tells nothing to this process and leaves the shared versions alone (an ORM write in another process
    # moves them: tests/core/test_shared_version.py); the copy's time limit is the net under such a write.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_pemda SET short_name = %s WHERE id = %s", ["Kota Lain", city.pk])
    assert "Kota Lain" not in english.get("/").content.decode()

    real_clock = core_selectors._pemda._clock
    monkeypatch.setattr(core_selectors._pemda, "_clock", lambda: real_clock() + core_selectors.PEMDA_TTL + 1)

    assert "Something wrong in Kota Lain?" in english.get("/").content.decode()


def test_a_renamed_category_shows_on_the_form_at_once(city, client):
    client.get(FORM_URL)
    category = Category.objects.get(slug="jalan-rusak")

    category.name = "Jalan dan trotoar rusak"
    category.save()

    assert "Jalan dan trotoar rusak" in client.get(FORM_URL).content.decode()


def test_a_category_switched_off_leaves_the_form_and_is_refused(city, english):
    english.get(FORM_URL)
    category = Category.objects.get(slug="jalan-rusak")

    category.is_active = False
    category.save()

    assert f'value="{category.pk}"' not in english.get(FORM_URL).content.decode()
    response = english.post(FORM_URL, report_data(category=category.pk))
    assert response.status_code == 200
    assert "The category “Jalan rusak” is no longer in use." in response.content.decode()


def test_a_new_question_shows_on_the_form_at_once(city, client):
    client.get(FORM_URL)

    CategoryQuestion.objects.create(
        category=Category.objects.get(slug="jalan-rusak"), code="lebar", label="Seberapa lebar lubangnya?"
    )

    assert "Seberapa lebar lubangnya?" in client.get(FORM_URL).content.decode()


def test_a_renamed_kelurahan_shows_on_the_form_at_once(city, client):
    client.get(FORM_URL)
    place = Wilayah.objects.get(level=WilayahLevel.DESA_KELURAHAN, code__startswith="71.72.", name="Girian Bawah")

    place.name = "Girian Bawah Baru"
    place.save()

    assert "Girian Bawah Baru" in client.get(FORM_URL).content.decode()


def test_the_lists_are_read_once_per_process(city, django_assert_num_queries):
    cache.categories()
    cache.places(city.wilayah_id)
    core_selectors.work_calendar()

    with django_assert_num_queries(0):
        cache.categories()
        cache.places(city.wilayah_id)
        core_selectors.pemda_current()
        core_selectors.work_calendar()
