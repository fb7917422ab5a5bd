"""The requester's identity (name, NIK, address, phone, email, scans) is in no public output of the module: every
public page, the CSV exports, the PDF/XLSX reports, the notice's public neighbours, the portal search, the open-data
tables, the website panels, the SPBE evidence and the KPIs. A private or withheld request shows nowhere but its
tracking status. The module has no JSON API or feed of its own."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from balai.core.models import Unit
from balai.core.registry import registry
from balai.ppid import services
from balai.ppid.models import DipEntry
from tests.pdf_text import pdf_text

from .conftest import NIK, request_input

pytestmark = pytest.mark.django_db

NAME, ADDRESS, PHONE, EMAIL = "Bartholomeus Kawengian", "Jl. Pribadi Sekali No. 99", "0813 7777 5555", "bart@rahasia.id"
PRIVATE_QUESTION = "Catatan pribadi tentang sengketa tanah keluarga Kawengian"


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)


def public_outputs(codes: list[str]) -> dict[str, str]:
    client = Client()
    outputs = {path: client.get(path).content.decode() for path in (
        "/ppid/", "/ppid/register/", "/ppid/register/?q=tanah", "/ppid/dip/", "/ppid/dik/", "/ppid/statistik/",
        "/ppid/permohonan/", "/ppid/lacak/",
    )}  # fmt: skip
    for code in codes:
        outputs[f"track {code}"] = client.get(f"/ppid/lacak/{code}/").content.decode()
        entry = client.get(f"/ppid/register/{code}/")
        # A 404 page repeats its own address (the language switch): only a found page counts.
        outputs[f"register {code}"] = entry.content.decode() if entry.status_code == 200 else ""
    outputs["dip csv"] = client.get("/ppid/dip/?format=csv").content.decode("utf-8-sig")
    outputs["dik csv"] = client.get("/ppid/dik/?format=csv").content.decode("utf-8-sig")
    outputs["report xlsx"] = xlsx_text(client.get("/ppid/laporan.xlsx").content)
    outputs["report pdf"] = pdf_text(client.get("/ppid/laporan.pdf").content)
    now = timezone.now()
    outputs["portal search"] = repr([(h.title, h.summary) for _m, hits in registry.search("tanah", 20) for h in hits])
    outputs["datasets"] = repr([list(d.rows()) for m in registry for d in (m.datasets() if m.datasets else [])])
    ppid = registry.get("ppid")
    assert ppid is not None and ppid.site_panels and ppid.evidence and ppid.kpis
    outputs["site panel"] = repr([p.context for p in ppid.site_panels(Unit.objects.get(slug="dinas-pupr"), now)])
    outputs["evidence"] = repr(ppid.evidence(now))
    outputs["kpis"] = repr(ppid.kpis(None, now))
    return outputs


def test_identity_and_private_requests_are_in_no_public_output(city: Any) -> None:
    from .conftest import person

    utama = person("ppid.utama", "diskominfo", "utama")
    scan = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4 ktp", content_type="application/pdf")
    identity = {"name": NAME, "address": ADDRESS, "phone": PHONE, "email": EMAIL, "identity_scan": scan}
    public = services.request_submit(data=request_input(information="Peta bidang tanah kelurahan Girian", **identity))
    private = services.request_submit(data=request_input(information=PRIVATE_QUESTION, is_private=True,
                                                         name=NAME, email=EMAIL))  # fmt: skip
    for item in (public, private):
        services.request_notice(actor=utama, request=item, notice=services.NoticeInput(
            decision="sebagian", answer="Sebagian diberikan.", medium="PDF", redactions="NIK pemilik dihitamkan",
            exemption="Pasal 17 huruf h", consequence_test="Data pribadi"))  # fmt: skip
    services.dip_save(actor=utama, entry=DipEntry(unit=Unit.objects.get(slug="dinas-pupr"), title="Peta tanah",
                      summary="s", official="K", made_when_where="2026", form="cetak", retention="5 tahun",
                      category="berkala"))  # fmt: skip

    outputs = public_outputs([public.code, private.code])

    assert "Peta bidang tanah kelurahan Girian" in outputs["/ppid/register/?q=tanah"]  # the walk reads real pages
    assert public.register_number in outputs["report pdf"]  # the PDF's text, not its compressed bytes
    for name, text in outputs.items():
        for secret in (NAME, NIK, ADDRESS, PHONE, EMAIL, public.token, private.token, "ppid/identitas"):
            assert secret not in text, (name, secret)
        if not name.startswith("track"):
            assert PRIVATE_QUESTION not in text, name
            assert f"/ppid/register/{private.code}/" not in text, name
    assert PRIVATE_QUESTION not in outputs[f"track {private.code}"]
    assert outputs[f"register {private.code}"] == "" and "Sebagian diberikan" in outputs[f"register {public.code}"]
    assert (timezone.now() - public.received_at) < timedelta(minutes=5)
