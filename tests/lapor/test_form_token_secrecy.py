"""A form token is a secret: no file name is made from it, and replaying it from another browser opens nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from balai.lapor.models import PendingPhoto, Report, ReportPhoto

from .test_report_form import FORM_URL, jpeg_upload, report_data, sent_code

pytestmark = pytest.mark.django_db


def _served_name(response: Any) -> str:
    disposition = response["Content-Disposition"]
    b"".join(response.streaming_content)
    return disposition


def test_a_kept_photo_is_stored_and_served_under_names_that_do_not_reveal_the_form_token(publish_on_arrival, client):
    token = uuid.uuid4()
    client.post(FORM_URL, report_data(form_token=str(token), title="", photos=[jpeg_upload("lubang.jpg")]))
    pending = PendingPhoto.objects.get()
    assert token.hex not in pending.file.name
    assert str(token) not in pending.file.name
    served_pending = _served_name(client.get(f"/lapor/foto-sementara/{pending.public_id}/"))
    assert served_pending == f'inline; filename="foto-{pending.public_id}.jpg"'

    code = sent_code(client.post(FORM_URL, report_data(form_token=str(token), keep_photos=[str(pending.public_id)])))

    photo = ReportPhoto.objects.get(report__code=code)
    assert token.hex not in photo.file.name
    assert code not in photo.file.name
    assert _served_name(Client().get(f"/foto/{photo.public_id}/")) == f'inline; filename="foto-{photo.public_id}.jpg"'


def test_a_photo_sent_with_the_report_is_not_named_after_its_tracking_code(city, client):
    code = sent_code(client.post(FORM_URL, report_data(is_confidential="on", photos=[jpeg_upload("rumah.jpg")])))

    photo = ReportPhoto.objects.get(report__code=code)
    assert code not in photo.file.name
    assert photo.public_id.hex in photo.file.name


def test_a_form_token_replayed_from_another_browser_leads_only_to_the_public_tracking_page(city, client):
    client.get(FORM_URL)  # the citizen's browser opens the form
    token = str(uuid.uuid4())
    original = report_data(form_token=token, is_anonymous="on", reporter_email="rahasia.saya@example.id")
    code = sent_code(client.post(FORM_URL, original))
    attacker = Client()
    attacker.get(FORM_URL)

    replay = attacker.post(FORM_URL, report_data(form_token=token, reporter_email="penyerang@example.id"))

    assert replay.status_code == 302
    assert replay["Location"] == f"/lacak/{code}/"
    assert "balai_terkirim" not in replay.cookies
    confirmation = attacker.get(f"/lapor/terkirim/{code}/")
    assert confirmation.status_code == 302 and confirmation["Location"] == f"/lacak/{code}/"
    tracking = attacker.get(f"/lacak/{code}/")
    assert tracking.status_code == 200
    assert b"rahasia.saya@example.id" not in tracking.content
    assert Report.objects.count() == 1


def test_a_retry_from_the_sending_browser_whose_first_answer_was_lost_gets_its_confirmation(city, client):
    client.get(FORM_URL)
    before_sending = {name: morsel.value for name, morsel in client.cookies.items()}
    data = report_data()
    code = sent_code(client.post(FORM_URL, data))
    # The same browser as it was before the answer (and its cookies) got lost on the way.
    retry_browser = Client()
    for name, value in before_sending.items():
        retry_browser.cookies[name] = value

    retry = retry_browser.post(FORM_URL, data)

    assert sent_code(retry) == code
    assert retry_browser.get(f"/lapor/terkirim/{code}/").status_code == 200
    assert Report.objects.count() == 1


def test_the_form_cookie_is_random_http_only_and_kept_to_the_form_pages(city, client):
    cookie = client.get(FORM_URL).cookies["balai_formulir"]

    assert cookie["httponly"]
    assert cookie["path"] == "/lapor/"
    assert cookie["samesite"] == "Lax"
    assert len(cookie.value) >= 32
    assert Client().get(FORM_URL).cookies["balai_formulir"].value != cookie.value
