"""The public pages: the form (no account, nothing lost on a mistake, similar requests first), tracking and the
private page (notice PDF, objection), the register, the DIP/DIK with CSV, statistics and the Pasal 12 report."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook

from balai.core.models import Unit
from balai.ppid import services
from balai.ppid.models import Decision, InformationRequest, Status
from tests.pdf_text import pdf_text

from .conftest import NIK, request_input

pytestmark = pytest.mark.django_db

FORM = {
    "requester_kind": "perorangan", "name": "Sinta Wowor", "identity_number": NIK, "address": "Jl. Rahasia No. 7",
    "phone": "", "email": "sinta@example.id", "unit": "", "information": "Daftar penerima beasiswa kota 2025",
    "purpose": "Penelitian", "obtain_how": "salinan", "copy_form": "elektronik", "delivery": "email",
}  # fmt: skip


def visitor() -> Client:
    client = Client()
    client.cookies["django_language"] = "id"
    return client


def answered(utama: Any, information: str = "Daftar penerima beasiswa kota 2024", **kw: Any) -> InformationRequest:
    item = services.request_submit(data=request_input(information=information, **kw))
    return services.request_notice(actor=utama, request=item, notice=services.NoticeInput(
        decision=Decision.GRANTED, answer="Daftar terlampir dalam PDF.", medium="PDF"))  # fmt: skip


def test_a_citizen_sends_a_request_without_an_account_and_gets_code_and_private_link(city: Any) -> None:
    client = visitor()
    response = client.post("/ppid/permohonan/", FORM, follow=True)

    item = InformationRequest.objects.get()
    page = response.content.decode()
    assert item.register_number in page and item.code in page and f"/ppid/lacak/{item.code}/{item.token}/" in page
    assert item.channel == "web" and item.identity_number == NIK
    assert any(item.token in m.body for m in mail.outbox)


def test_a_mistake_keeps_what_was_typed_and_saves_nothing(city: Any) -> None:
    response = visitor().post("/ppid/permohonan/", {**FORM, "identity_number": "123", "email": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert "16 digit" in page and "Daftar penerima beasiswa kota 2025" in page and "Jl. Rahasia No. 7" in page
    assert not InformationRequest.objects.exists()


def test_similar_requests_are_shown_once_before_sending(city: Any, utama: Any) -> None:
    earlier = answered(utama)
    client = visitor()
    first = client.post("/ppid/permohonan/", FORM)
    assert first.status_code == 200 and f"/ppid/register/{earlier.code}/" in first.content.decode()
    assert InformationRequest.objects.count() == 1
    client.post("/ppid/permohonan/", {**FORM, "seen_similar": "1"})
    assert InformationRequest.objects.count() == 2


def test_the_private_page_gives_the_notice_pdf_and_takes_an_objection(city: Any, utama: Any) -> None:
    item = answered(utama, information="Peta “Kawasan Kumuh” — Ranowulu 2024")
    client = visitor()
    private = f"/ppid/lacak/{item.code}/{item.token}/"
    pdf = client.get(private + "pemberitahuan.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Typographic marks beyond Latin-1 (“ ” —) print as typed (the notice is a legal document).
    notice = " ".join(pdf_text(pdf.content).split())
    assert item.register_number in notice and "Peta “Kawasan Kumuh” — Ranowulu 2024" in notice
    assert item.token not in pdf["Content-Disposition"]
    assert client.get(f"/ppid/lacak/{item.code}/wrong-token/").status_code == 404

    empty = client.post(private, {"reason": "Tidak lengkap"})
    assert empty.status_code == 400 and "Tidak lengkap" in empty.content.decode()
    client.post(private, {"grounds": ["d"], "reason": "Tidak lengkap"})
    item.refresh_from_db()
    assert item.status == Status.KEBERATAN


def test_the_register_shows_answers_but_never_private_or_withheld_requests(city: Any, utama: Any) -> None:
    shown = answered(utama)
    hidden = answered(utama, information="Rahasia pribadi beasiswa", is_private=True)
    withheld = answered(utama, information="Ditahan beasiswa")
    services.request_publication(actor=utama, request=withheld, withheld=True)

    page = visitor().get("/ppid/register/", {"q": "beasiswa"}).content.decode()
    assert shown.code in page and hidden.code not in page and withheld.code not in page
    assert visitor().get(f"/ppid/register/{hidden.code}/").status_code == 404


def test_a_word_search_of_the_register_counts_to_a_bound_and_lists_the_newest_first(
    city: Any, utama: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from balai.ppid import views

    monkeypatch.setattr(views, "SEARCH_COUNT_MAX", 3)
    made = [answered(utama, information=f"Data beasiswa tahun {2020 + n}") for n in range(5)]
    client = visitor()
    client.cookies["django_language"] = "en"
    page = client.get("/ppid/register/", {"q": "beasiswa"}).content.decode()
    assert "More than 3 requests match: the newest 3 are listed. Add a word to find fewer." in page
    assert [r.code in page for r in made] == [False, False, True, True, True]  # the newest three of five
    narrower = client.get("/ppid/register/", {"q": "beasiswa 2021"}).content.decode()
    assert "More than" not in narrower and "1 request" in narrower and made[1].code in narrower


def test_the_dip_and_dik_are_searchable_and_export_csv(city: Any, utama: Any) -> None:
    from balai.ppid.models import DipEntry

    pupr = Unit.objects.get(slug="dinas-pupr")
    for title, category, test in [("Rencana jalan", "berkala", ""), ("Dokumen lelang", "dikecualikan", "Uji X")]:
        services.dip_save(actor=utama, entry=DipEntry(unit=pupr, title=title, summary="s", official="Kadis",
                          made_when_where="2026", form="cetak", retention="5 tahun", category=category,
                          consequence_test=test))  # fmt: skip
    dip = visitor().get("/ppid/dip/", {"opd": "dinas-pupr", "q": "jalan"}).content.decode()
    assert "Rencana jalan" in dip and "Dokumen lelang" not in dip
    csv_text = visitor().get("/ppid/dik/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "Dokumen lelang" in csv_text and "Uji X" in csv_text and "Rencana jalan" not in csv_text


def test_the_pasal_12_report_counts_requests_decisions_and_time(city: Any, utama: Any) -> None:
    answered(utama)
    services.request_submit(data=request_input())
    client = visitor()
    stats = client.get("/ppid/statistik/").content.decode()
    assert "Permohonan diterima" in stats or "Requests received" in stats
    workbook = load_workbook(io.BytesIO(client.get("/ppid/laporan.xlsx").content))
    summary = workbook.worksheets[0]
    assert [summary.cell(row=r, column=2).value for r in (2, 3, 4)] == [2, 1, 1]
    assert workbook.worksheets[2].max_row == 2  # the header and the one answered request
    assert client.get("/ppid/laporan.pdf").content.startswith(b"%PDF")
