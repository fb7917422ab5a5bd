"""'Email me the links to all my requests': the account-less way to find every request again. The page answers
the same for any address; the email (through the outbox, in the citizen's language) lists the address's requests
with their private links; limited per client address and per email address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from balai.ppid import services
from balai.ppid.models import InformationRequest
from tests.periodic import run_queued

from .conftest import NIK, request_input

pytestmark = pytest.mark.django_db

URL = "/ppid/tautan-saya/"


def visitor(language: str = "id", ip: str = "10.1.2.3") -> Client:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)
    client.cookies["django_language"] = language
    return client


def post_email(client: Client, email: str, page: str = "/ppid/lacak/") -> Any:
    """Post the form as a browser does: from the page that shows it, with its CSRF token."""
    form_page = client.get(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.content.decode())
    assert token, "the form carries a CSRF token"
    return client.post(URL, {"email": email, "csrfmiddlewaretoken": token.group(1)}, follow=True)


@pytest.fixture
def requests_of_sinta(city: Any) -> tuple[InformationRequest, InformationRequest, InformationRequest]:
    first = services.request_submit(data=request_input(information="Anggaran taman kota 2025"))
    second = services.request_submit(data=request_input(information="Kontrak jembatan", email="Sinta@Example.id",
                                                        is_private=True))  # fmt: skip
    other = services.request_submit(data=request_input(name="Budi", email="budi@example.id", information="Lain"))
    mail.outbox.clear()
    return first, second, other


def test_the_email_lists_every_request_of_the_address_with_working_links(requests_of_sinta: Any) -> None:
    first, second, other = requests_of_sinta
    client = visitor()
    response = post_email(client, "  SINTA@example.id ")

    assert response.status_code == 200 and "Terima kasih" in response.content.decode()
    assert not mail.outbox  # queued: the page never waits for the look-up or the mail server
    run_queued()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert [a.lower() for a in message.to] == ["sinta@example.id"]
    for item in (first, second):
        assert item.register_number in message.body and f"/ppid/lacak/{item.code}/{item.token}/" in message.body
    assert other.register_number not in message.body and other.token not in message.body
    assert "Diterima" in message.body or "diterima" in message.body  # the state, in Indonesian
    assert NIK not in message.body

    path = re.search(rf"https?://[^/\s]+(/ppid/lacak/{second.code}/[^\s]+)", message.body)
    assert path
    page = Client().get(path.group(1))
    assert page.status_code == 200 and "Kontrak jembatan" in page.content.decode()


def test_the_email_is_in_the_language_of_the_page(requests_of_sinta: Any) -> None:
    post_email(visitor("en"), "sinta@example.id")
    run_queued()
    assert "Private page" in mail.outbox[0].body and "Register number" in mail.outbox[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(requests_of_sinta: Any) -> None:
    known = post_email(visitor(ip="10.0.0.1"), "sinta@example.id").content.decode()
    unknown = post_email(visitor(ip="10.0.0.2"), "nobody@example.id").content.decode()

    def strip(html: str) -> str:
        return re.sub(r'value="[^"]*"', "", html)

    assert strip(known) == strip(unknown)
    assert "sinta@example.id" not in known and "nobody@example.id" not in unknown
    mail.outbox.clear()
    run_queued()
    assert [[a.lower() for a in m.to] for m in mail.outbox] == [["sinta@example.id"]]


def test_the_form_is_on_the_tracking_and_request_sent_pages_without_identity(requests_of_sinta: Any) -> None:
    page = visitor().get("/ppid/lacak/").content.decode()
    assert 'action="/ppid/tautan-saya/"' in page and 'method="post"' in page and "csrfmiddlewaretoken" in page

    from .test_pages import FORM

    client = Client()
    client.cookies["django_language"] = "id"
    sent = client.post("/ppid/permohonan/", {**FORM, "seen_similar": "1"}, follow=True)
    html = sent.content.decode()
    assert sent.redirect_chain and "/ppid/terkirim/" in sent.redirect_chain[-1][0]
    assert 'action="/ppid/tautan-saya/"' in html
    assert NIK not in html and "Jl. Rahasia" not in html and "sinta@example.id" not in html


def test_a_post_without_csrf_is_refused(requests_of_sinta: Any) -> None:
    response = visitor().post(URL, {"email": "sinta@example.id"})
    assert response.status_code == 403
    run_queued()
    assert not mail.outbox


def test_a_bad_address_keeps_what_was_typed_with_a_clear_message(requests_of_sinta: Any) -> None:
    response = post_email(visitor(), "sinta@example")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="sinta@example"' in page and "bukan alamat email yang lengkap" in page
    run_queued()
    assert not mail.outbox


def test_the_limits_refuse_politely_in_indonesian(requests_of_sinta: Any, settings: Any) -> None:
    settings.RATELIMIT_ENABLE = True
    # Per email address: the fourth ask within the hour, even from another connection.
    for n in range(3):
        assert post_email(visitor(ip=f"10.9.0.{n}"), "sinta@example.id").status_code == 200
    refused = post_email(visitor(ip="10.9.0.9"), "sinta@example.id")
    assert refused.status_code == 429 and "sudah dikirim" in refused.content.decode()
    assert 'value="sinta@example.id"' in refused.content.decode()
    # Per client address: the eleventh post from one connection, whatever the address typed.
    client = visitor(ip="10.8.0.1")
    answers = [post_email(client, f"orang{n}@example.id").status_code for n in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429
    assert "Terlalu banyak" in post_email(client, "lagi@example.id").content.decode()
    run_queued()
    assert len(mail.outbox) == 3
