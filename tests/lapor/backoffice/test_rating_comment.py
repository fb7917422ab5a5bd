"""A rating's comment goes where the form says: to the officers, never onto the public page."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.lapor.models import Report
from tests.factories import make_report

from .steps import client_for, finished, text

pytestmark = pytest.mark.django_db

COMMENT = "Tambalannya kasar, tetangga saya Pak Budi 0812 9999 0000 bisa tunjukkan tempatnya."


def _private(report: Report) -> str:
    return f"/lacak/{report.code}/{report.reporter_token}/"


def test_the_rating_form_says_the_comment_is_for_the_officers_and_not_published(city, coordinator, operator_pupr):
    report = finished(make_report(), coordinator, operator_pupr)
    english = text(client_for().get(_private(report)))
    assert "Comment (optional, read by the officers, not published)" in english
    assert "public)" not in english

    indonesian = Client()
    indonesian.cookies["django_language"] = "id"
    page = text(indonesian.get(_private(report)))
    assert "Komentar (opsional, dibaca petugas, tidak dipublikasikan)" in page
    assert "publik)" not in page


def test_the_comment_reaches_the_officers_and_the_reporter_but_not_the_public_page(city, coordinator, operator_pupr):
    report = finished(make_report(), coordinator, operator_pupr)
    client_for().post(_private(report), {"action": "rate", "rate-rating": "2", "rate-comment": COMMENT})

    assert COMMENT in text(client_for(operator_pupr).get(f"/staf/laporan/{report.code}/"))
    assert COMMENT in text(client_for().get(_private(report)))  # the reporter can read and change it
    public = text(client_for().get(f"/laporan/{report.code}/"))
    assert "2/5" in public
    assert COMMENT not in public
