"""The packaged wilayah are the current ones (38 provinces, after the 2022 Papua split), and the old codes stay
usable as aliases, so an installation set up before keeps everything that points to its wilayah."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from balai.core.models import Pemda, Unit, Wilayah
from balai.core.services import packaged_wilayah_text, wilayah_by_code, wilayah_import

pytestmark = pytest.mark.django_db

SEED_CITIES = [
    ("71.72", "Pemerintah Kota Bitung", "BTG", "1.36,1.62,124.98,125.36"),
    ("64.74", "Pemerintah Kota Bontang", "BTN", "0.03,0.22,117.38,117.56"),
    ("12.75", "Pemerintah Kota Binjai", "BNJ", "3.55,3.67,98.45,98.54"),
    ("71.74", "Pemerintah Kota Kotamobagu", "KTG", "0.66,0.78,124.27,124.37"),
    ("96.71", "Pemerintah Kota Sorong", "SRG", "-0.96,-0.77,131.22,131.43"),
]


@pytest.mark.parametrize(("code", "name", "prefix", "bounds"), SEED_CITIES)
def test_each_seed_city_is_set_up_with_its_current_code(code, name, prefix, bounds):
    call_command("wilayah", "import", "--only", code, stdout=io.StringIO())
    out = io.StringIO()

    call_command("pemda", "setup", code, "--prefix", prefix, f"--bounds={bounds}", stdout=out)

    pemda = Pemda.objects.get()
    assert (pemda.wilayah_id, pemda.name) == (code, name)
    assert f"{name} is set up." in out.getvalue()
    kecamatan = Wilayah.objects.kecamatan_of(code)
    assert kecamatan.exists()
    assert Unit.objects.filter(wilayah__in=kecamatan).count() == kecamatan.count()


def test_kota_sorong_is_in_papua_barat_daya():
    wilayah_import(only="96.71")

    sorong = Wilayah.objects.select_related("parent").get(code="96.71")
    assert (sorong.name, sorong.parent.code, sorong.parent.name) == ("Kota Sorong", "96", "Papua Barat Daya")
    assert not Wilayah.objects.filter(code__startswith="92").exists()


def test_the_packaged_table_has_38_provinces_514_kabupaten_kota_and_83762_desa_kelurahan():
    codes = [row[0] for row in csv.reader(io.StringIO(packaged_wilayah_text()))][1:]

    by_level = [sum(1 for code in codes if code.count(".") == depth) for depth in range(4)]
    assert by_level == [38, 514, 7285, 83762]


def test_the_old_sorong_code_finds_the_current_city():
    wilayah_import(only="92.71")  # the code from before 2022 imports the city under its current code

    assert wilayah_by_code("92.71").code == "96.71"
    assert wilayah_by_code("92.71.01.1001").name == Wilayah.objects.get(code="96.71.01.1001").name
    assert wilayah_by_code("91.01") is None  # Merauke's alias (93.01) is not imported here


def test_a_pemda_given_its_old_code_is_set_up_on_the_current_one():
    wilayah_import(only="96.71")

    call_command("pemda", "setup", "92.71", "--prefix", "SRG", "--bounds=-0.96,-0.77,131.22,131.43",
                 stdout=io.StringIO())  # fmt: skip

    assert Pemda.objects.get().wilayah_id == "96.71"


def _old_sorong_csv(tmp_path: Path) -> Path:
    path = tmp_path / "wilayah-lama.csv"
    path.write_text(
        "code,name\n92,PAPUA BARAT\n92.71,KOTA SORONG\n92.71.01,Sorong\n92.71.01.1001,Remu Utara\n", encoding="utf-8"
    )
    return path


def test_an_installation_on_the_old_codes_keeps_its_rows_after_importing_the_new_ones(tmp_path):
    call_command("wilayah", "import", "--csv", str(_old_sorong_csv(tmp_path)), stdout=io.StringIO())
    call_command("pemda", "setup", "92.71", "--prefix", "SRG", "--bounds=-0.96,-0.77,131.22,131.43",
                 stdout=io.StringIO())  # fmt: skip
    units_before = dict(Unit.objects.filter(wilayah__isnull=False).values_list("slug", "wilayah_id"))

    call_command("wilayah", "import", "--only", "96.71", stdout=io.StringIO())
    call_command("pemda", "setup", "96.71", "--prefix", "SRG", "--bounds=-0.96,-0.77,131.22,131.43",
                 stdout=io.StringIO())  # fmt: skip

    assert Pemda.objects.get().wilayah_id == "92.71"
    assert Wilayah.objects.filter(code__in=["92.71", "92.71.01", "92.71.01.1001"]).count() == 3
    assert dict(Unit.objects.filter(wilayah__isnull=False).values_list("slug", "wilayah_id")) == units_before
    # The new code of a kelurahan finds the installation's own row within its area.
    remu = wilayah_by_code("96.71.01.1001", code__startswith="92.71.")
    assert remu is not None
    assert remu.code == "92.71.01.1001"
