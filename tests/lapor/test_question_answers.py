"""Answers to a category's extra questions reach the officers always, and the public where the question says so."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from balai.lapor.models import Category, CategoryQuestion, QuestionType
from tests.factories import make_report

pytestmark = pytest.mark.django_db

SIZE = "Besar (lebih dari 3 meter atau seluruh badan jalan)"


def _page(client: Client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


def _report_with_answers():
    # The demo's road category asks the size of the damage (public) and, here, where the nearest house is (not).
    jalan = Category.objects.get(slug="jalan-rusak")
    CategoryQuestion.objects.create(
        category=jalan, code="rumah_terdekat", label="Rumah siapa yang paling dekat?", order=2
    )
    return make_report(category=jalan, answers={"ukuran": "besar", "rumah_terdekat": "Rumah Ibu Wenas, cat hijau"})


def test_officers_see_every_answer_in_words_on_the_report_page(city, coordinator, operator_pupr):
    report = _report_with_answers()
    staff = Client()
    staff.force_login(coordinator)
    page = _page(staff, f"/staf/laporan/{report.code}/")
    assert "Seberapa besar kerusakannya?" in page
    assert SIZE in page  # the choice's name, not its key
    assert "Rumah siapa yang paling dekat?" in page
    assert "Rumah Ibu Wenas, cat hijau" in page


def test_the_public_page_and_the_api_show_only_answers_to_public_questions(publish_on_arrival):
    report = _report_with_answers()
    page = _page(Client(), f"/laporan/{report.code}/")
    assert "Seberapa besar kerusakannya?" in page and SIZE in page
    assert "Rumah Ibu Wenas" not in page and "Rumah siapa" not in page

    data = Client().get(f"/api/v1/reports/{report.code}").json()
    assert data["answers"] == [{"code": "ukuran", "question": "Seberapa besar kerusakannya?", "answer": SIZE}]


def test_a_question_made_private_later_is_no_longer_shown_publicly(city):
    report = _report_with_answers()
    CategoryQuestion.objects.filter(code="ukuran").update(is_public=False)
    assert SIZE not in _page(Client(), f"/laporan/{report.code}/")
    assert Client().get(f"/api/v1/reports/{report.code}").json()["answers"] == []


def test_a_date_answer_is_shown_in_the_pemdas_time(publish_on_arrival, coordinator):
    banjir = Category.objects.get(slug="banjir")
    CategoryQuestion.objects.create(
        category=banjir, code="mulai", label="Sejak kapan?", datatype=QuestionType.DATETIME, is_public=True
    )
    report = make_report(category=banjir, answers={"mulai": "2026-11-25T00:30:00+00:00"})
    assert "25 Nov 2026, 08:30" in _page(Client(), f"/laporan/{report.code}/")  # WITA, UTC+8
