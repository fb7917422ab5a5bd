"""This process's copies of the Pemda, its calendar, the categories and the places follow every write to them.

`balai run` loads the demo and then serves pages from the same process: a copy of the Pemda read while the
demo was being loaded must not outlive the bulk `update()` that marks it as a demo.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from balai.core.changes import NoticedQuerySet
from balai.core.models import CalendarDay, CalendarDayKind, Pemda, Unit, Wilayah
from balai.core.selectors import pemda_current, work_calendar
from balai.core.services import wilayah_import
from balai.lapor import cache
from balai.lapor.models import Category, CategoryQuestion
from balai.platform.demo import BITUNG, load_demo
from tests.api.open311_support import api_client, json_of

pytestmark = pytest.mark.django_db


def test_the_first_page_after_the_demo_was_loaded_says_demo():
    # `balai run` on an empty database: the demo is loaded (reading the Pemda on the way), then pages are served.
    load_demo(reports=2)
    page = Client().get("/")
    assert b'class="demo-banner"' in page.content
    discovery = json_of(api_client().get("/open311/discovery.json"))
    assert discovery["endpoints"][0]["type"] == "test"


def test_a_bulk_update_of_the_pemda_is_seen_by_the_next_request(city):
    assert pemda_current().is_demo  # the copy is warm
    Pemda.objects.update(is_demo=False)
    discovery = json_of(api_client().get("/open311/discovery.json"))
    assert discovery["endpoints"][0]["type"] == "production"
    assert b'class="demo-banner"' not in Client().get("/").content


def test_a_bulk_write_of_calendar_days_moves_the_working_days(city):
    friday = datetime.date(2031, 3, 7)
    assert work_calendar().is_working_day(friday)
    CalendarDay.objects.bulk_create([CalendarDay(date=friday, kind=CalendarDayKind.LIBUR, name="Libur daerah")])
    assert not work_calendar().is_working_day(friday)


def test_a_wilayah_import_that_renames_a_kelurahan_shows_the_new_name_on_the_form(city):
    before = cache.places(BITUNG)
    code, old = next(iter(before.kelurahan.items()))
    wilayah_import(text=f"{code},Kelurahan Baru Sekali\n")
    after = cache.places(BITUNG)
    assert after.kelurahan[code].name == "Kelurahan Baru Sekali" != old.name
    assert "Kelurahan Baru Sekali" in Client().get("/lapor/").content.decode()


def test_a_bulk_update_of_a_category_takes_it_off_the_form(city):
    category = cache.categories().active[0]
    Category.objects.filter(pk=category.pk).update(is_active=False)
    assert category.pk not in cache.categories().by_pk


@pytest.mark.parametrize("model", [Pemda, Wilayah, CalendarDay, Unit, Category, CategoryQuestion])
def test_every_model_kept_in_a_process_copy_notices_bulk_writes(model):
    assert isinstance(model._default_manager.all(), NoticedQuerySet)
