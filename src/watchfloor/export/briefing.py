"""Briefings as one self-contained HTML file (inline CSS and SVG: opens offline, prints
well, mails as one attachment) or as a PDF (fpdf2, pure Python, no browser needed).

Both render the dict from ``watchfloor.analyse.briefing.build_briefing``; the geometry of
the map and the timeline is computed once here and drawn by each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

MAP_WIDTH = 640.0
CHART_WIDTH = 640.0
CHART_HEIGHT = 140.0
# A TrueType font with Cyrillic and accents for the PDF, where the system has one; the PDF
# core fonts only know Latin-1, so without it other characters become "?".
PDF_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)


@dataclass(frozen=True)
class Projection:
    """Equirectangular, scaled by the cosine of the middle latitude, fitted to a width."""

    west: float
    north: float
    scale_x: float
    scale_y: float
    width: float
    height: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.west) * self.scale_x, 1),
                round((self.north - lat) * self.scale_y, 1))


def projection(rings: list[list[list[float]]], points: list[dict[str, Any]],
               width: float = MAP_WIDTH) -> Projection | None:
    lons = [p[0] for ring in rings for p in ring] + [p["lon"] for p in points]
    lats = [p[1] for ring in rings for p in ring] + [p["lat"] for p in points]
    if not lons:
        return None
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    pad_x, pad_y = max(0.5, (east - west) * 0.05), max(0.5, (north - south) * 0.05)
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    squeeze = math.cos(math.radians((north + south) / 2))
    scale_x = width / (east - west)
    scale_y = scale_x / max(squeeze, 0.2)
    return Projection(west, north, scale_x, scale_y, width, (north - south) * scale_y)


def map_geometry(data: dict[str, Any]) -> dict[str, Any] | None:
    """SVG-ready map: outline paths and circles (radius grows with fatalities)."""
    rings, points = data["map"]["outline"], data["map"]["points"]
    proj = projection(rings, points)
    if proj is None:
        return None
    paths = []
    for ring in rings:
        xy = [proj(lon, lat) for lon, lat in ring]
        paths.append("M" + " L".join(f"{x},{y}" for x, y in xy) + " Z")
    circles = [
        {"x": x, "y": y, "r": round(3 + 2.5 * math.sqrt(p["fatalities"]), 1),
         "precise": p["precise"], "title": f"{p['title']} ({p['fatalities']} killed)"}
        for p in points
        for x, y in [proj(p["lon"], p["lat"])]
    ]
    return {"width": proj.width, "height": round(proj.height, 1), "paths": paths,
            "circles": circles, "rings": [[proj(lon, lat) for lon, lat in r] for r in rings]}


def chart_geometry(data: dict[str, Any]) -> dict[str, Any] | None:
    """Bars of events per period (and the fatalities figure in each bar's title)."""
    periods = data["timeline"]["periods"]
    if not periods:
        return None
    top = max(1, max(p["events"] for p in periods))
    step = CHART_WIDTH / len(periods)
    bars = [
        {"x": round(i * step, 1), "width": round(max(1.0, step - 1), 1),
         "height": round(CHART_HEIGHT * p["events"] / top, 1),
         "y": round(CHART_HEIGHT - CHART_HEIGHT * p["events"] / top, 1),
         "label": p["period"], "events": p["events"], "fatalities": p["fatalities"]}
        for i, p in enumerate(periods)
    ]
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": bars, "top": top,
            "first": periods[0]["period"], "last": periods[-1]["period"]}


_env = Environment(loader=PackageLoader("watchfloor.export", "templates"),
                   autoescape=select_autoescape(["html"]))


def render_html(data: dict[str, Any]) -> str:
    return _env.get_template("brief.html").render(
        data=data, map=map_geometry(data), chart=chart_geometry(data))


def render_pdf(data: dict[str, Any]) -> bytes:
    """The same content as the HTML, laid out for A4."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    family = "Helvetica"
    for font in PDF_FONTS:
        if font.is_file():
            pdf.add_font("Body", "", str(font))
            family = "Body"
            break

    def text(value: Any) -> str:
        raw = "" if value is None else str(value)
        return raw if family != "Helvetica" else raw.encode("latin-1", "replace").decode(
            "latin-1")

    def heading(value: str, size: int = 13) -> None:
        pdf.set_font(family, size=size)
        pdf.ln(2)
        pdf.multi_cell(0, 7, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=9)

    def line(value: str) -> None:
        pdf.multi_cell(0, 4.6, text(value), new_x="LMARGIN", new_y="NEXT")

    heading(data["title"], 17)
    period = f"{data['since'] or 'the start of the record'} to {data['until'] or 'today'}"
    line(f"Period: {period}. Events: {data['totals']['events']}; fatalities: "
         f"{data['totals']['fatalities']}. Generated by watchfloor from the reports listed "
         "at the end.")
    heading("Trend findings")
    for finding in data["findings"] or ["No anomaly flagged."]:
        line(f"- {finding}")
    line(f"Method: {data['method']}")
    geometry = map_geometry(data)
    if geometry:
        heading("Map")
        scale = (pdf.epw * 0.8) / geometry["width"]
        x0, y0 = pdf.l_margin, pdf.get_y()
        if y0 + geometry["height"] * scale > pdf.eph:
            pdf.add_page()
            x0, y0 = pdf.l_margin, pdf.get_y()
        pdf.set_draw_color(120, 120, 120)
        for ring in geometry["rings"]:
            pdf.polygon([(x0 + x * scale, y0 + y * scale) for x, y in ring], style="D")
        pdf.set_fill_color(200, 40, 40)
        for c in geometry["circles"]:
            r = c["r"] * scale
            pdf.circle(x=x0 + c["x"] * scale, y=y0 + c["y"] * scale, radius=r,
                       style="F" if c["precise"] else "D")
        pdf.set_y(y0 + geometry["height"] * scale + 3)
    chart = chart_geometry(data)
    if chart:
        heading(f"Events per {data['timeline']['bucket']} ({chart['first']} to "
                f"{chart['last']})")
        scale = pdf.epw / chart["width"]
        x0, y0 = pdf.l_margin, pdf.get_y()
        pdf.set_fill_color(60, 90, 160)
        for bar in chart["bars"]:
            if bar["height"]:
                pdf.rect(x0 + bar["x"] * scale, y0 + bar["y"] * scale * 0.5,
                         bar["width"] * scale, bar["height"] * scale * 0.5, style="F")
        pdf.set_y(y0 + chart["height"] * scale * 0.5 + 3)
    heading("Key events")
    for e in data["key_events"]:
        place = (e["location"] or {}).get("name") or e["admin1"] or e["country"] or ""
        line(f"{e['start_date'] or 'undated'} - {e['sub_event_type'] or e['event_type']}, "
             f"{place}; fatalities: {e['fatalities'] if e['fatalities'] is not None else '?'}"
             f" ({(e['document'] or {}).get('title') or e['doc_id']})")
    heading("Top actors")
    for a in data["top_actors"]:
        line(f"{a['name']} ({a['actor_type'] or 'type unknown'}): {a['events']} events")
    heading("Notable quotes")
    for q in data["quotes"]:
        line(f"\u201c{q['text']}\u201d - {q['speaker'] or 'unnamed'} ({q['title'] or ''})")
    heading("Sources")
    for s in data["sources"]:
        line(f"{s['published'] or 'undated'}  {s['title'] or s['doc_id']}  "
             f"{s['publisher'] or ''} {s['url'] or s['source'] or ''}")
    return bytes(pdf.output())
