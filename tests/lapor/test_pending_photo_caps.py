"""Invalid and refused posts leave little behind: pending photos are capped per form, per address and in all,
invalid posts with photos count against their own limit, and the worker removes pending photos after hours."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from balai.lapor.models import PendingPhoto, Report
from tests.periodic import periodic_checks

from .test_report_form import FORM_URL, Page, jpeg_upload, report_data, sent_code

pytestmark = pytest.mark.django_db

NOT_KEPT_ONE = "1 photo could not be kept for now; please choose it again when you send the form."


def _photos(count: int, prefix: str = "foto") -> list[Any]:
    return [jpeg_upload(f"{prefix}-{n}.jpg") for n in range(count)]


def _invalid_post(client: Any, token: str, photos: int, **fields: Any) -> Any:
    return client.post(FORM_URL, report_data(form_token=token, title="", photos=_photos(photos), **fields))


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def frozen_clock(time_machine: Any) -> None:
    time_machine.move_to(timezone.now(), tick=False)


def test_one_form_posted_invalid_again_and_again_keeps_at_most_five_photos(city, english):
    token = str(uuid.uuid4())
    assert _invalid_post(english, token, 5).status_code == 200
    first_files = [p.file.name for p in PendingPhoto.objects.all()]
    for _attempt in range(2):
        assert _invalid_post(english, token, 5).status_code == 200

    assert PendingPhoto.objects.filter(form_token=token).count() == 5
    assert not any(default_storage.exists(name) for name in first_files)


def test_a_photo_unticked_on_a_form_that_still_has_errors_is_removed(city, english):
    token = str(uuid.uuid4())
    _invalid_post(english, token, 2)
    first, second = PendingPhoto.objects.all()

    page = Page(_invalid_post(english, token, 0, keep_photos=[str(first.public_id)]))

    assert page.checked("keep_photos") == [str(first.public_id)]
    assert list(PendingPhoto.objects.all()) == [first]
    assert not default_storage.exists(second.file.name)


def test_an_address_past_its_share_of_pending_photos_is_told_to_choose_them_again(city, english, settings):
    settings.PHOTO_PENDING_PER_ADDRESS = 3
    _invalid_post(english, str(uuid.uuid4()), 2)

    response = _invalid_post(english, str(uuid.uuid4()), 2, reporter_name="Maria Lumowa")

    assert PendingPhoto.objects.count() == 3
    page = Page(response)
    assert NOT_KEPT_ONE in page.field_errors("photos")
    assert page.value("reporter_name") == "Maria Lumowa"  # nothing typed is lost
    assert not Report.objects.exists()


def test_pending_photos_stop_being_kept_when_all_of_them_reach_their_total(city, english, settings):
    settings.PHOTO_PENDING_MAX_MB = 0

    response = _invalid_post(english, str(uuid.uuid4()), 1)

    assert not PendingPhoto.objects.exists()
    assert NOT_KEPT_ONE in Page(response).field_errors("photos")


def test_invalid_posts_with_photos_past_their_own_limit_keep_no_photo_but_a_valid_report_still_goes_through(
    city, english, settings, frozen_clock
):
    settings.RATELIMIT_PHOTO_RETRIES = "2/h"
    settings.RATELIMIT_REPORTS = "10/h"
    for _attempt in range(2):
        _invalid_post(english, str(uuid.uuid4()), 1)
    assert PendingPhoto.objects.count() == 2
    for _attempt in range(3):  # invalid posts without photos do not count
        english.post(FORM_URL, report_data(title=""))

    refused = _invalid_post(english, str(uuid.uuid4()), 1)

    assert PendingPhoto.objects.count() == 2
    assert NOT_KEPT_ONE in Page(refused).field_errors("photos")
    code = sent_code(english.post(FORM_URL, report_data(photos=_photos(2))))
    assert Report.objects.get(code=code).photo_count == 2


def test_the_worker_removes_pending_photos_after_their_hours(city, english, settings):
    settings.PHOTO_PENDING_HOURS = 3
    _invalid_post(english, str(uuid.uuid4()), 2)
    old, recent = PendingPhoto.objects.all()
    PendingPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=3, minutes=1))

    counts = periodic_checks()

    assert counts["pending_photos_removed"] == 1
    assert list(PendingPhoto.objects.all()) == [recent]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)
