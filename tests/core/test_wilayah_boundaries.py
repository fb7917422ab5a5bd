"""`balai wilayah boundaries FILE`: kelurahan outlines from GeoJSON, so a map point finds its kelurahan."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from balai.core.models import WilayahBoundary
from balai.core.selectors import kelurahan_at, pemda_has_boundaries

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "bitung-kelurahan.geojson"


def _import(path: Path = FIXTURE) -> str:
    out = io.StringIO()
    call_command("wilayah", "boundaries", str(path), stdout=out)
    return out.getvalue()


def _square(south: float, north: float, west: float, east: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def _write(tmp_path: Path, features: list[dict]) -> Path:
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_a_point_finds_the_kelurahan_whose_outline_holds_it(city):
    assert not pemda_has_boundaries(city)

    assert "4 created, 0 updated, 0 unchanged" in _import()

    assert pemda_has_boundaries(city)
    assert kelurahan_at(city, "1.4412", "125.1617").name == "Wangurer Barat"
    assert kelurahan_at(city, 1.44, 125.20).name == "Paceda"
    # BIG's export: the code without dots in KDEPUM, the kelurahan with an island (a MultiPolygon).
    assert kelurahan_at(city, 1.515, 125.155).code == "71.72.06.1001"
    assert kelurahan_at(city, 1.48, 125.16).code == "71.72.06.1001"
    assert kelurahan_at(city, 1.46, 125.20).code in {"71.72.02.1002", "71.72.06.1002"}  # on the shared edge
    assert kelurahan_at(city, 1.40, 125.16) is None  # inside the city, outside every imported outline


def test_importing_the_same_file_twice_changes_nothing(city):
    _import()
    before = dict(WilayahBoundary.objects.values_list("wilayah_id", "updated_at"))

    assert "0 created, 0 updated, 4 unchanged" in _import()

    assert dict(WilayahBoundary.objects.values_list("wilayah_id", "updated_at")) == before


def test_a_bad_file_names_every_bad_feature_and_stores_nothing(city, tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[125.1, 1.4], [125.2, 1.5], [125.2, 1.4], [125.1, 1.5], [125.1, 1.4]]],
    }
    path = _write(
        tmp_path,
        [
            {"type": "Feature", "properties": {"code": "71.72.02.1001"}, "geometry": _square(1.42, 1.46, 125.14, 125.18)},
            {"type": "Feature", "properties": {"code": "71.72.02.1002"}, "geometry": bowtie},
            {"type": "Feature", "properties": {"code": "71.71.01.1001"}, "geometry": _square(1.4, 1.5, 124.8, 124.9)},
            {"type": "Feature", "properties": {"nama": "Tanpa kode"}, "geometry": _square(1.4, 1.5, 125.1, 125.2)},
            {"type": "Feature", "properties": {"code": "71.72.02.1003"}, "geometry": {"type": "LineString", "coordinates": [[125.1, 1.4], [125.2, 1.5]]}},
        ],
    )  # fmt: skip

    with pytest.raises(CommandError) as caught:
        _import(path)

    message = str(caught.value)
    assert "feature 2 (71.72.02.1002): the polygon is not valid (Self-intersection" in message
    assert "feature 3: 71.71.01.1001 is not an imported kelurahan/desa of 71.72" in message
    assert "feature 4: no kelurahan/desa code in its properties" in message
    assert "feature 5 (71.72.02.1003): a Polygon or MultiPolygon is needed, not LineString" in message
    assert not WilayahBoundary.objects.exists()


def test_a_file_that_is_not_geojson_is_a_command_error(city, tmp_path):
    path = tmp_path / "batas.geojson"
    path.write_text("<kml/>", encoding="utf-8")

    with pytest.raises(CommandError, match="is not GeoJSON"):
        _import(path)
    with pytest.raises(CommandError, match="cannot read"):
        _import(tmp_path / "tidak-ada.geojson")
