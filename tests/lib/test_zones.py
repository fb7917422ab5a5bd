import gzip
from pathlib import Path

import pytest

from balai.lib.zones import WIB, WIT, WITA, zone_for_wilayah

WILAYAH = Path(__file__).resolve().parents[2] / "balai" / "core" / "data" / "wilayah.csv.gz"


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("71.72", WITA),  # Kota Bitung, Sulawesi Utara
        ("71.74.01.1001", WITA),
        ("31.71", WIB),  # Jakarta Pusat
        ("61.71", WIB),  # Pontianak: Kalimantan Barat is WIB
        ("62.71", WIB),  # Palangka Raya
        ("63.71", WITA),  # Banjarmasin
        ("65.71", WITA),  # Tarakan
        ("51.71", WITA),  # Denpasar
        ("53.71", WITA),  # Kupang
        ("81.71", WIT),  # Ambon
        ("92.71", WIT),  # Sorong (seed 004), Papua Barat Daya's city under its old code
        ("96.71", WIT),
        ("93.01", WIT),  # Merauke, Papua Selatan
    ],
)
def test_the_zone_follows_the_province(code, zone):
    assert zone_for_wilayah(code) == zone


def test_every_shipped_province_has_a_zone_and_all_three_zones_occur():
    with gzip.open(WILAYAH, "rt", encoding="utf-8") as rows:
        provinces = {line.split(",", 1)[0] for line in rows if len(line.split(",", 1)[0]) == 2 and line[:2].isdigit()}
    assert len(provinces) == 38
    zones = {zone_for_wilayah(code) for code in provinces}
    assert zones == {WIB, WITA, WIT}
    assert sum(zone_for_wilayah(code) == WIT for code in provinces) == 8


@pytest.mark.parametrize("code", ["", "x1.71", "7", "  "])
def test_a_code_without_a_province_is_refused(code):
    with pytest.raises(ValueError):
        zone_for_wilayah(code)
