from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from balai.core.models import StaffPreference
from tests.factories import make_report
from tests.lapor.backoffice.steps import dispatched, run_worker

# The worker closes connections between jobs, as in production: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def _dispatch_email_to(address: str) -> mail.EmailMessage:
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_staff_emails_are_in_indonesian_unless_the_person_chose_english(city, coordinator, operator_pupr):
    dispatched(make_report(), coordinator)
    run_worker()
    assert "Laporan baru untuk" in _dispatch_email_to(operator_pupr.email).subject

    browser = Client()
    browser.force_login(operator_pupr)
    browser.post("/bahasa/", {"language": "en", "next": "/staf/"})
    assert StaffPreference.objects.get(user=operator_pupr).language == "en"

    mail.outbox.clear()
    dispatched(make_report(), coordinator)
    run_worker()
    message = _dispatch_email_to(operator_pupr.email)
    assert message.subject.startswith("New report for")
    assert "A report was sent to" in message.body


def test_an_anonymous_visitor_switching_language_stores_no_preference(city):
    Client().post("/bahasa/", {"language": "en", "next": "/"})
    assert not StaffPreference.objects.exists()
