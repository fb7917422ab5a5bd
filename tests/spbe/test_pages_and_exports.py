"""The staff screens with data: bad input keeps what was typed and says why; the overview shows the index as the
review moves it; the dossier (PDF, XLSX) lists each indicator with its evidence and never anyone's contact details
or the internal comments; 'my work' and the command center's figures."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from balai.core.access import staff_scope
from balai.core.registry import registry
from balai.spbe import services
from balai.spbe.models import Assessment
from tests.factories import make_report
from tests.pdf_text import pdf_text

from .conftest import YEAR, assessment, reviewed, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(framework, spbe_coordinator, officer) -> Assessment:
    a = services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None,
                                   officer=officer)  # fmt: skip
    a = services.assessment_save(actor=officer, assessment=a, version=None, level=3,
                                 justification="Kanal web, email dan API aktif.")  # fmt: skip
    services.evidence_add(actor=officer, assessment=a, version=None, title="SK Pengelola Pengaduan",
                          url="https://jdih.example.go.id/sk-12")  # fmt: skip
    services.comment_add(actor=spbe_coordinator, assessment=a, text="Catatan internal: cek ke Pak Budi 0812-555-1234")
    a = services.assessment_submit(actor=officer, assessment=a, version=None)
    reviewed(framework, 1, 2, spbe_coordinator)
    return services.assessment_review(actor=spbe_coordinator, assessment=a, version=None)


def test_a_bad_level_keeps_the_justification_and_says_why(framework, spbe_coordinator, officer):
    services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None,
                               officer=officer)  # fmt: skip
    client = signed_in(officer)
    a = assessment(framework, 42)
    response = client.post(f"/staf/spbe/{YEAR}/indikator/42/save/", {"save-version": a.version, "save-level": "7",
                           "save-justification": "Teks panjang yang tidak boleh hilang"}, HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "Teks panjang yang tidak boleh hilang" in page
    assert "Pilih tingkat 1 sampai 5." in page
    assert assessment(framework, 42).justification == ""


def test_a_stale_form_keeps_the_text_and_explains_in_indonesian(framework, spbe_coordinator, officer):
    services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None,
                               officer=officer)  # fmt: skip
    old = assessment(framework, 42).version
    services.assessment_save(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None, level=1,
                             justification="versi koordinator")  # fmt: skip
    client = signed_in(officer)
    response = client.post(f"/staf/spbe/{YEAR}/indikator/42/save/", {"save-version": old, "save-level": "3",
                           "save-justification": "versi petugas"}, HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 409
    assert "versi petugas" in page and "Orang lain mengubah indikator ini" in page
    assert assessment(framework, 42).justification == "versi koordinator"


def test_the_overview_explains_the_index_and_shows_the_reviewed_share(filled, spbe_coordinator):
    page = signed_in(spbe_coordinator).get(f"/staf/spbe/{YEAR}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    # (3 × 3.00 + 2 × 1.30) ÷ 4.30 = 11.60 ÷ 4.30 = 2.697… → 2,70 (Baik), 2 of 47 reviewed.
    assert "2,70" in page and "Baik" in page and "2/47" in page
    assert "belum dikonfirmasi" in page  # the weights are not yet confirmed against the annex


def test_the_raise_list_puts_the_heaviest_gain_first_with_the_next_level(filled, spbe_coordinator):
    page = signed_in(spbe_coordinator).get(f"/staf/spbe/{YEAR}/naikkan/?semua=1").content.decode()
    # Unreviewed 43–47 (3.00 × 4 = 12.00) first, then 32–41 (2.75 × 4 = 11.00); 42, reviewed at level 3, has
    # 3.00 × 2 = 6.00 to gain.
    assert page.index("43. Tingkat") < page.index("32. Tingkat") < page.index("42. Tingkat")


def test_the_dossier_lists_each_indicator_with_its_evidence_and_no_private_data(filled, spbe_coordinator):
    client = signed_in(spbe_coordinator)
    xlsx = client.get(f"/staf/spbe/{YEAR}/dosir.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    row42 = next(r for r in rows if r[0] == 42)
    assert row42[5] == 3 and "https://jdih.example.go.id/sk-12" in row42[8]
    evidence_rows = list(book[book.sheetnames[2]].iter_rows(values_only=True))
    assert (evidence_rows[1][0], evidence_rows[1][2]) == (42, "SK Pengelola Pengaduan")
    auto = [r for r in book[book.sheetnames[3]].iter_rows(values_only=True) if r[0] == 42]
    assert auto, "lapor's automatic evidence for indicator 42 is in the dossier"
    pdf = client.get(f"/staf/spbe/{YEAR}/dosir.pdf")
    assert pdf.content.startswith(b"%PDF-")
    printed = " ".join(pdf_text(pdf.content).split())
    assert "SK Pengelola Pengaduan" in printed and "Sum (" in printed  # Σ, which the font lacks, spelled out
    everything = "\n".join(str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    everything += printed
    for private in ("Pak Budi", "0812", "@example.id", "koord.spbe", "petugas.pupr"):
        assert private not in everything


def test_the_automatic_evidence_in_the_dossier_carries_no_report_or_reporter(filled, spbe_coordinator):
    report = make_report(title="Lampu mati dekat rumah Pak Yohanis", reporter_name="Yohanis Lumi",
                         reporter_email="yohanis@example.org")  # fmt: skip
    xlsx = signed_in(spbe_coordinator).get(f"/staf/spbe/{YEAR}/dosir.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    everything = "\n".join(str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    for private in ("Yohanis", "yohanis@", report.code):
        assert private not in everything


def _work(user: Any) -> dict[str, int]:
    section = registry.get("spbe").work(None, staff_scope(user), timezone.now())  # type: ignore[union-attr]
    return {item.key: item.count for item in section.items} if section else {}


def test_my_work_counts_the_officers_indicators_and_the_coordinators_reviews(framework, spbe_coordinator, officer,
                                                                             operator_pupr):  # fmt: skip
    for number in (42, 43):
        services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, number), version=None,
                                   officer=officer)  # fmt: skip
    a = services.assessment_save(actor=officer, assessment=assessment(framework, 43), version=None, level=2,
                                 justification="x")  # fmt: skip
    services.assessment_submit(actor=officer, assessment=a, version=None)
    assert _work(officer) == {"spbe.fill": 1}
    assert _work(spbe_coordinator) == {"spbe.review": 1}
    assert _work(operator_pupr) == {}


def test_the_command_center_reads_the_index_predicate_and_share(filled):
    kpis = {k.key: k for k in registry.get("spbe").kpis(None, timezone.now())}  # type: ignore[union-attr,misc]
    assert kpis["spbe.index"].value == 2.7 and "Baik" in str(kpis["spbe.index"].label)
    assert kpis["spbe.assessed"].value == float("4.26")  # 2 of 47 = 4.255… → 4.26 %
    assert registry.get("spbe").kpis(frozenset({1}), timezone.now()) == []  # type: ignore[union-attr,misc]


def test_the_overview_and_an_action_take_a_fixed_number_of_queries(filled, spbe_coordinator, sysadmin,
                                                                   django_assert_max_num_queries):  # fmt: skip
    client = signed_in(spbe_coordinator)
    client.get(f"/staf/spbe/{YEAR}/")  # the per-process copies (Pemda, menu) are filled once
    with django_assert_max_num_queries(12):
        assert client.get(f"/staf/spbe/{YEAR}/").status_code == 200
    # A second year adds no query per indicator.
    services.framework_create_year(actor=sysadmin, year=YEAR + 1)
    with django_assert_max_num_queries(12):
        assert client.get(f"/staf/spbe/{YEAR + 1}/").status_code == 200
    a = assessment(filled.indicator.framework, 2)
    with django_assert_max_num_queries(14):
        response = client.post(f"/staf/spbe/{YEAR}/indikator/2/save/",
                               {"save-version": a.version, "save-level": "2", "save-justification": "x"})  # fmt: skip
    assert response.status_code == 302
