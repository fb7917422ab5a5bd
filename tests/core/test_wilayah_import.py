"""`balai wilayah import`: official Kemendagri areas, refreshed from a CSV without duplicates or partial writes."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from balai.core.models import Wilayah, WilayahLevel
from balai.core.services import WilayahImportError, packaged_wilayah_text, wilayah_import

pytestmark = pytest.mark.django_db

BITUNG_ROWS = 1 + 1 + 8 + 69  # the province, the city, its kecamatan and its kelurahan


def _import_bitung(*args: str) -> str:
    out = io.StringIO()
    call_command("wilayah", "import", "--only", "71.72", *args, stdout=out)
    return out.getvalue()


def _packaged_bitung_lines() -> list[str]:
    lines = packaged_wilayah_text().splitlines()
    return [line for line in lines if line.startswith(("71,", "71.72,", "71.72."))]


def _write_csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "wilayah-baru.csv"
    path.write_text("\n".join(["code,name", *lines]) + "\n", encoding="utf-8")
    return path


def _updated_at() -> dict[str, object]:
    return dict(Wilayah.objects.values_list("code", "updated_at"))


def test_the_packaged_table_gives_kota_bitung_8_kecamatan_and_69_kelurahan():
    output = _import_bitung()

    assert f"{BITUNG_ROWS} created, 0 updated, 0 unchanged" in output
    assert Wilayah.objects.count() == BITUNG_ROWS
    assert Wilayah.objects.kecamatan_of("71.72").count() == 8
    assert Wilayah.objects.kelurahan_of("71.72").count() == 69
    assert Wilayah.objects.get(code="71").name == "Sulawesi Utara"
    city = Wilayah.objects.get(code="71.72")
    assert (city.name, city.level, city.parent_id) == ("Kota Bitung", WilayahLevel.KABUPATEN_KOTA, "71")
    lembeh = Wilayah.objects.get(code="71.72.01")
    assert (lembeh.name, lembeh.level, lembeh.parent_id) == ("Lembeh Selatan", WilayahLevel.KECAMATAN, "71.72")
    pasir_panjang = Wilayah.objects.get(code="71.72.01.1001")
    assert (pasir_panjang.name, pasir_panjang.parent_id) == ("Pasir Panjang", "71.72.01")
    assert pasir_panjang.level == WilayahLevel.DESA_KELURAHAN
    assert pasir_panjang.display_name == "Kel. Pasir Panjang"
    assert set(Wilayah.objects.kecamatan_of("71.72").values_list("name", flat=True)) == {
        "Lembeh Selatan", "Madidir", "Ranowulu", "Aertembaga", "Matuari", "Girian", "Maesa", "Lembeh Utara",
    }  # fmt: skip


def test_every_kelurahan_hangs_under_a_kecamatan_of_bitung():
    _import_bitung()

    for kelurahan in Wilayah.objects.kelurahan_of("71.72").select_related("parent"):
        assert kelurahan.parent.level == WilayahLevel.KECAMATAN
        assert kelurahan.parent.parent_id == "71.72"
        assert kelurahan.code.startswith(f"{kelurahan.parent_id}.")


def test_importing_twice_changes_nothing(time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    wilayah_import(only="71.72")
    before = _updated_at()
    time_machine.move_to("2026-03-09 09:00 +0800", tick=False)

    second = wilayah_import(only="71.72")

    assert (second.created, second.updated, second.unchanged) == (0, 0, BITUNG_ROWS)
    assert _updated_at() == before
    assert "0 created, 0 updated, 79 unchanged" in _import_bitung()


def test_a_newer_csv_renames_and_adds_exactly_what_changed(tmp_path, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    wilayah_import(only="71.72")
    before = _updated_at()
    assert Wilayah.objects.get(code="71.72.02.1009").name == "Wangurer timur"
    lines = [
        "71.72.02.1009,Wangurer Timur" if line.startswith("71.72.02.1009,") else line
        for line in _packaged_bitung_lines()
    ]
    newer = _write_csv(tmp_path, [*lines, "71.72.08.1099,  Posokan   Baru "])
    time_machine.move_to("2026-03-09 09:00 +0800", tick=False)

    out = io.StringIO()
    call_command("wilayah", "import", "--csv", str(newer), stdout=out)

    assert "1 created, 1 updated, 78 unchanged" in out.getvalue()
    assert Wilayah.objects.count() == BITUNG_ROWS + 1
    assert Wilayah.objects.get(code="71.72.02.1009").name == "Wangurer Timur"
    added = Wilayah.objects.get(code="71.72.08.1099")
    assert (added.name, added.level, added.parent_id) == ("Posokan Baru", WilayahLevel.DESA_KELURAHAN, "71.72.08")
    after = _updated_at()
    changed = {code for code in before if after[code] != before[code]}
    assert changed == {"71.72.02.1009"}
    assert after["71.72.02.1009"] - before["71.72.02.1009"] == timedelta(days=7)


def test_a_csv_with_only_the_changes_is_enough_when_the_parents_are_already_there(tmp_path):
    wilayah_import(only="71.72")
    partial = _write_csv(tmp_path, ["71.72.01.1001,Pasir Panjang Baru"])

    result = wilayah_import(source=partial)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Wilayah.objects.get(code="71.72.01.1001").name == "Pasir Panjang Baru"
    assert Wilayah.objects.count() == BITUNG_ROWS


GOOD_START = ["71,SULAWESI UTARA", "71.72,KOTA BITUNG", "71.72.01,Lembeh Selatan"]


@pytest.mark.parametrize(
    ("bad_line", "says"),
    [
        ("71.72.0X,Lembeh Utara", "not a Kemendagri code"),
        ("7172.01,Lembeh Utara", "not a Kemendagri code"),
        ("71.72.01.1001,   ", "has no name"),
        ("71.72.01.1001", "expected 'code,name'"),
        ("71.72.09.1001,Kelurahan Tanpa Kecamatan", "parent 71.72.09"),
    ],
)
def test_a_malformed_csv_names_the_line_and_stores_nothing(tmp_path, bad_line, says):
    # Line 1 is the header, lines 2–4 are good, line 5 is the bad one, line 6 is good again.
    path = _write_csv(tmp_path, [*GOOD_START, bad_line, "71.72.01.1002,Paudean"])

    with pytest.raises(WilayahImportError) as caught:
        wilayah_import(source=path)

    assert "line 5" in str(caught.value)
    assert says in str(caught.value)
    assert Wilayah.objects.count() == 0


def test_the_command_reports_a_malformed_csv_as_a_command_error_with_the_line(tmp_path):
    path = _write_csv(tmp_path, [*GOOD_START, "71.72.01.1001,"])

    with pytest.raises(CommandError, match=r"line 5: 71\.72\.01\.1001 has no name"):
        call_command("wilayah", "import", "--csv", str(path), stdout=io.StringIO())

    assert Wilayah.objects.count() == 0


def test_a_malformed_refresh_leaves_the_existing_wilayah_as_they_were(tmp_path):
    wilayah_import(only="71.72")
    before = dict(Wilayah.objects.values_list("code", "name"))
    path = _write_csv(tmp_path, ["71.72.01.1001,Nama Baru", "71.72.01.1002,Paudean", "71.72.01.77,Salah"])

    with pytest.raises(WilayahImportError, match="line 4"):
        wilayah_import(source=path)

    assert dict(Wilayah.objects.values_list("code", "name")) == before


def test_a_missing_file_is_a_command_error_not_a_traceback(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("wilayah", "import", "--csv", str(tmp_path / "tidak-ada.csv"), stdout=io.StringIO())
