"""Staff download the inbox as CSV: their own reports only, with every answer to the category's questions."""

from __future__ import annotations

import csv
import io

import pytest

from balai.lapor.models import Category, CategoryQuestion
from tests.factories import make_report

from .steps import client_for, dispatched

pytestmark = pytest.mark.django_db

SIZE = "Besar (lebih dari 3 meter atau seluruh badan jalan)"


def _download(user, **params: str):
    client = client_for(user)
    client.cookies["django_language"] = "id"  # the headers in the default language
    return client.get("/staf/laporan/", {**params, "format": "csv"})


def _rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def test_an_operator_downloads_the_opds_reports_with_every_answer(city, coordinator, operator_pupr):
    jalan = Category.objects.get(slug="jalan-rusak")
    CategoryQuestion.objects.create(category=jalan, code="rumah_terdekat", label="Rumah siapa yang paling dekat?")
    ours = dispatched(
        make_report(category=jalan, title="=HYPERLINK(1)", answers={"ukuran": "besar", "rumah_terdekat": "Ibu Wenas"}),
        coordinator,
    )
    theirs = dispatched(
        make_report(category=Category.objects.get(slug="layanan-kesehatan")), coordinator, lead="dinkes"
    )

    rows = _rows(_download(operator_pupr))

    assert [row["Kode pelacakan"] for row in rows] == [ours.code]
    assert theirs.code not in str(rows)
    (row,) = rows
    assert row["Jawaban atas pertanyaan kategori"] == (
        f"Seberapa besar kerusakannya?: {SIZE} | Rumah siapa yang paling dekat?: Ibu Wenas"
    )
    assert row["Judul"] == "'=HYPERLINK(1)"  # a spreadsheet does not run it
    assert row["Status"] == "Didisposisikan"


def test_the_file_follows_the_inbox_filters(city, coordinator):
    jalan = Category.objects.get(slug="jalan-rusak")
    road = make_report(category=jalan)
    other = make_report(category=Category.objects.get(slug="banjir"))

    rows = _rows(_download(coordinator, category="jalan-rusak"))

    assert [row["Kode pelacakan"] for row in rows] == [road.code]
    assert other.code not in str(rows)
