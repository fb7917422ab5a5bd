"""Point-in-polygon look-ups over many GeoJSON outlines (kelurahan boundaries), with shapely's STRtree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import shapely
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

K = TypeVar("K")

POLYGON_TYPES = {"Polygon", "MultiPolygon"}


class GeometryError(ValueError):
    pass


def polygon_from_geojson(geometry: Mapping[str, Any]) -> Any:
    """A valid shapely (multi)polygon from a GeoJSON geometry (longitude first, WGS84), or GeometryError."""
    if not isinstance(geometry, Mapping) or geometry.get("type") not in POLYGON_TYPES:
        kind = geometry.get("type") if isinstance(geometry, Mapping) else type(geometry).__name__
        raise GeometryError(f"a Polygon or MultiPolygon is needed, not {kind}")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(f"the coordinates do not make a polygon ({exc})") from exc
    if polygon.is_empty:
        raise GeometryError("the polygon is empty")
    if not polygon.is_valid:
        raise GeometryError(f"the polygon is not valid ({shapely.is_valid_reason(polygon)})")
    min_lng, min_lat, max_lng, max_lat = polygon.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise GeometryError("the coordinates are not longitude, latitude in degrees (WGS84)")
    return polygon


class PolygonIndex(Generic[K]):
    """`find(latitude, longitude)`: the key of the outline that holds the point (on an edge counts), or None.

    The tree compares bounding boxes first, so only the few outlines whose box holds the point are tested.
    """

    def __init__(self, outlines: Iterable[tuple[K, Any]]) -> None:
        pairs = list(outlines)
        self._keys = [key for key, _polygon in pairs]
        self._polygons = [polygon for _key, polygon in pairs]
        for polygon in self._polygons:
            shapely.prepare(polygon)
        self._tree = STRtree(self._polygons)

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, latitude: float, longitude: float) -> K | None:
        point = Point(float(longitude), float(latitude))
        hits = sorted(int(i) for i in self._tree.query(point, predicate="intersects"))
        return self._keys[hits[0]] if hits else None
