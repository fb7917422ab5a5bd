"""A change that staff make to what server processes keep copies of (categories, units, the Pemda) is seen by every
process at its next request: the write moves a shared version number in the database, in its own transaction,
and each request compares that number with the one its process saw last (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balai.core.changes import shared_versions
from balai.core.models import Pemda, Unit
from balai.core.selectors import pemda_forget
from balai.lapor import cache
from balai.lapor.models import Category
from tests.lapor.test_report_form import Page, report_data

pytestmark = pytest.mark.django_db

FORM_URL = "/lapor/"


@contextmanager
def as_another_process() -> Iterator[None]:
    """Writes made inside are not told to this process's copies, as a write made by another worker is not:
    only what such a write leaves in the database (the rows, the shared version) reaches this process."""
    receivers = [
        (cache._clear_categories, Category, "lapor.cache.categories.Category"),
        (pemda_forget, Pemda, "core.pemda_forget.Pemda"),
    ]
    for _receiver, model, uid in receivers:
        assert post_save.disconnect(sender=model, dispatch_uid=uid)
    try:
        yield
    finally:
        for receiver, model, uid in receivers:
            post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_a_write_moves_the_shared_version_inside_its_transaction(city):
    def version() -> int:
        return shared_versions().get("lapor.category", 0)

    before = version()
    category = Category.objects.get(slug="sampah")

    with pytest.raises(RuntimeError), transaction.atomic():
        category.name = "Sampah liar"
        category.save()
        assert version() == before + 1
        raise RuntimeError("rolled back")

    assert version() == before
    Category.objects.filter(pk=category.pk).update(is_active=False)
    assert version() == before + 1


def test_a_category_added_by_another_process_is_on_the_next_form(city):
    citizen = english()
    citizen.get(FORM_URL)  # this process's copy of the categories is warm

    with as_another_process():
        new = Category.objects.create(
            slug="pohon", name="Pohon dan taman", default_unit=Unit.objects.get(slug="dlh"), order=1
        )
        assert new.pk not in cache.categories().by_pk  # the copy did not hear of it

    page = citizen.get(FORM_URL).content.decode()

    assert f'value="{new.pk}"' in page and "Pohon dan taman" in page


def test_a_pemda_renamed_by_another_process_shows_on_the_next_page(city):
    visitor = english()
    assert "Something wrong in Kota Bitung?" in visitor.get("/").content.decode()

    with as_another_process():
        city.short_name = "Kota Bitung Baru"
        city.save()

    assert "Something wrong in Kota Bitung Baru?" in visitor.get("/").content.decode()


def test_a_request_reads_the_shared_version_once_and_nothing_more_when_it_stands_still(city):
    visitor = english()
    visitor.get("/")
    with CaptureQueriesContext(connection) as first:
        visitor.get("/")
    with CaptureQueriesContext(connection) as second:
        visitor.get("/")

    reads = [q["sql"] for q in second.captured_queries if "core_sharedversion" in q["sql"]]
    assert len(reads) == 1
    assert len(second.captured_queries) == len(first.captured_queries)


def test_a_category_no_longer_in_use_is_refused_in_plain_words(city):
    citizen = english()
    citizen.get(FORM_URL)
    category = Category.objects.get(slug="sampah")
    category.is_active = False
    category.save()

    response = citizen.post(FORM_URL, report_data(category=category.pk, title="Sampah menumpuk di pasar"))

    assert response.status_code == 200
    errors = Page(response).field_errors("category")
    assert errors == ["The category “Sampah” is no longer in use. Choose the one closest to your report."]
    assert Page(response).value("title") == "Sampah menumpuk di pasar"


def test_a_category_that_does_not_exist_is_refused_in_plain_words(city):
    citizen = english()
    citizen.get(FORM_URL)

    response = citizen.post(FORM_URL, report_data(category="999999"))

    assert Page(response).field_errors("category") == [
        "That category is not on the list (any more). Choose the one closest to your report."
    ]
