"""The kelurahan look-up of a map point (balai.lib.geo.PolygonIndex) at 100 outlines and more.

    uv run python -m bench.wilayah_lookup [--outlines 100] [--vertices 200] [--points 20000]

Each outline is a ring of `vertices` points (real batas desa outlines have hundreds), laid out as a grid the
size of a kota; the points fall anywhere in the grid's box, some outside every outline. No database.
"""

from __future__ import annotations

import argparse
import math
import random
import time

from balai.lib.geo import PolygonIndex, polygon_from_geojson


def _ring(lat: float, lng: float, radius: float, vertices: int) -> dict[str, object]:
    points = [
        [lng + radius * math.cos(2 * math.pi * i / vertices), lat + radius * math.sin(2 * math.pi * i / vertices)]
        for i in range(vertices)
    ]
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlines", type=int, default=100)
    parser.add_argument("--vertices", type=int, default=200)
    parser.add_argument("--points", type=int, default=20000)
    args = parser.parse_args()
    side = math.ceil(math.sqrt(args.outlines))
    cell = 0.26 / side  # Kota Bitung is about 0.26 degrees across
    outlines = [
        (f"k{n}", polygon_from_geojson(_ring(1.36 + (n // side + 0.5) * cell, 124.98 + (n % side + 0.5) * cell,
                                             cell / 2, args.vertices)))
        for n in range(args.outlines)
    ]  # fmt: skip
    started = time.perf_counter()
    index = PolygonIndex(outlines)
    built = time.perf_counter() - started
    rng = random.Random(12)  # noqa: S311 - test points, not secrets
    points = [(1.36 + rng.random() * side * cell, 124.98 + rng.random() * side * cell) for _ in range(args.points)]
    started = time.perf_counter()
    found = sum(1 for lat, lng in points if index.find(lat, lng) is not None)
    per_lookup = (time.perf_counter() - started) / len(points)
    print(
        f"outlines={args.outlines} vertices={args.vertices} build_ms={built * 1000:.1f} "
        f"lookup_us={per_lookup * 1e6:.1f} found={found}/{len(points)}"
    )


if __name__ == "__main__":
    main()
