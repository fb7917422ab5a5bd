"""The lurah's form without JavaScript (draft, errors that keep every word typed, sending), the public KIM pages,
and the public-output privacy walk: every public page, export and dataset of the module, nothing private."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from balai.core.registry import registry
from balai.desa import rules
from balai.desa.models import Submission, SubmissionStatus
from balai.desa.services import post_create, post_moderate

from .conftest import FULL, Cast

WITA = ZoneInfo("Asia/Makassar")
pytestmark = pytest.mark.django_db
APRIL = dt.datetime(2026, 4, 2, 9, tzinfo=WITA)


def _form_url(cast: Cast) -> str:
    return reverse("desa:form", args=[cast.report_type.slug, cast.kel_a.slug, "2026-03"])


def _post(client: Client, url: str, data: dict[str, str], action: str) -> object:
    with time_machine.travel(APRIL, tick=False):
        return client.post(url, {**{f"f_{k}": v for k, v in data.items()}, "action": action})


def test_a_lurah_saves_a_draft_fixes_an_error_and_sends(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.lurah_a)
    url = _form_url(cast)
    response = _post(client, url, {"lahir": "4", "kegiatan": "Kerja bakti di lingkungan 2."}, "save")
    assert response.status_code == 302
    draft = Submission.objects.get()
    assert draft.status == SubmissionStatus.DRAFT and draft.values["kegiatan"] == "Kerja bakti di lingkungan 2."
    # A wrong number: the page says so in Indonesian and keeps every word typed; nothing is saved.
    response = _post(client, url, {**FULL, "meninggal": "satu", "masalah": "Banjir di RT 3."}, "send")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tulis bilangan bulat" in page and "Banjir di RT 3." in page and 'value="satu"' in page
    assert Submission.objects.get().status == SubmissionStatus.DRAFT
    # Sending without a required field names it.
    response = _post(client, url, {**FULL, "kegiatan": ""}, "send")
    assert "Kegiatan bulan ini" in response.content.decode()
    response = _post(client, url, FULL, "send")
    sent = Submission.objects.get()
    assert response.status_code == 302 and response.url == reverse("desa:submission", args=[sent.public_id])
    assert sent.status == SubmissionStatus.SENT and sent.values["meninggal"] == 1
    # Sent: the form is closed for changes.
    page = client.get(url).content.decode()
    assert 'name="action" value="send"' not in page


def test_the_public_kim_page_lists_kim_by_kecamatan_and_published_news_only(cast: Cast) -> None:
    shown = post_create(
        actor=cast.member_a,
        actors={rules.Actor.SENDER},
        kim=cast.kim_a,
        kind="berita",
        title="Festival pantai",
        body="Teks.",
    )
    post_moderate(actor=cast.moderator, actors={rules.Actor.OFFICE}, post=shown, action="approve")
    post_create(
        actor=cast.member_a,
        actors={rules.Actor.SENDER},
        kim=cast.kim_a,
        kind="berita",
        title="Belum dimoderasi",
        body="Teks.",
    )
    page = Client().get(reverse("desa:kim_public")).content.decode()
    assert "KIM Maju Bersama" in page and "KIM Bahari" in page and cast.kec_1.name in page
    assert "Festival pantai" in page and "Belum dimoderasi" not in page
    assert "<script src=" in page and "kim-map.js" in page  # the map is added by JavaScript; the list works without


PRIVATE = ["0812000111", "Anggota A", "kel.a@example.org", "kel.c@example.org", "lurah_a", "rahasia-123", "Ibu Rina"]


def test_no_public_page_export_or_dataset_of_the_module_shows_private_data(cast: Cast) -> None:
    from balai.desa.services import submission_save, values_clean

    values, _ = values_clean(cast.report_type, {**FULL, "masalah": "Ibu Rina belum menerima bantuan."})
    with time_machine.travel(APRIL, tick=False):
        submission_save(
            actor=cast.lurah_a, actors={rules.Actor.SENDER}, unit=cast.kel_a, report_type=cast.report_type,
            period_key="2026-03", values=values, send=True,
        )  # fmt: skip
    post = post_create(
        actor=cast.member_a, actors={rules.Actor.SENDER}, kim=cast.kim_a, kind="berita", title="Berita", body="Teks."
    )
    post_moderate(actor=cast.moderator, actors={rules.Actor.OFFICE}, post=post, action="approve")
    client = Client()
    pages = [
        reverse("desa:kim_public"),
        reverse("desa:kim_detail", args=[cast.kim_a.slug]),
        reverse("desa:kim_detail", args=[cast.kim_c.slug]),
        reverse("desa:post_public", args=[post.public_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in PRIVATE:
            assert secret not in body, (url, secret)
    module = registry.get("desa")
    assert module is not None and module.datasets is not None and module.search is not None
    for dataset in module.datasets():
        text = repr(list(dataset.rows()))
        for secret in PRIVATE:
            assert secret not in text, (dataset.key, secret)
    hits = repr(module.search("Berita", 10))
    assert all(secret not in hits for secret in PRIVATE)
    # The staff pages and the SK scan are not public.
    assert client.get(reverse("desa:matrix")).status_code == 302
    assert client.get(reverse("desa:sk_scan", args=[cast.kim_a.slug])).status_code == 302
