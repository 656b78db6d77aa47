"""Turning view data into HTML: the Jinja2 environment, highlighted text, timeline charts."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from watchfloor.store.search import MARK_END, MARK_START

TEMPLATES = Path(__file__).parent / "templates"

# One colour per ACLED event type, the same on charts, legends and map markers
# (colour-blind-safe palette, Okabe & Ito).
TYPE_COLOURS = {
    "Battles": "#d55e00",
    "Explosions/Remote violence": "#cc79a7",
    "Violence against civilians": "#0072b2",
    "Protests": "#009e73",
    "Riots": "#e69f00",
    "Strategic developments": "#777777",
}


def snippet(text: str) -> Markup:
    """A search snippet: escaped, with the store's match markers as <mark>."""
    return Markup(
        str(escape(text)).replace(str(escape(MARK_START)), "<mark>")
        .replace(str(escape(MARK_END)), "</mark>")
    )


def highlight(text: str, spans: Iterable[dict[str, Any]],
              evidence: Iterable[dict[str, Any]]) -> Markup:
    """The text with each span wrapped in ``<span class="hl hl-KIND" title=LABEL>``.

    Spans may overlap: the text is cut at every span boundary and each piece carries the
    classes and labels of every span covering it. Evidence spans and quotes get an anchor
    (``id="span-START-END"``) at their start; evidence spans mark their pieces with
    ``data-ev``, which the page's script uses to light the sentence an event card links to."""
    spans = [s for s in spans if 0 <= s["start"] < s["end"] <= len(text)]
    evidence = [e for e in evidence if 0 <= e["start"] < e["end"] <= len(text)]
    cuts = {0, len(text)}
    for s in [*spans, *evidence]:
        cuts.update((s["start"], s["end"]))
    points = sorted(cuts)
    anchors: dict[int, list[str]] = {}
    # Quotes are linked to from the page's quote list, evidence from its event cards.
    for e in [*evidence, *(s for s in spans if s["kind"] == "quote")]:
        anchors.setdefault(e["start"], []).append(f"span-{e['start']}-{e['end']}")
    out: list[str] = []
    for a, b in itertools.pairwise(points):
        for anchor in dict.fromkeys(anchors.get(a, [])):
            out.append(f'<span class="anchor" id="{anchor}"></span>')
        piece = str(escape(text[a:b]))
        covering = [s for s in spans if s["start"] <= a and s["end"] >= b]
        ev = [f"span-{e['start']}-{e['end']}" for e in evidence if e["start"] <= a
              and e["end"] >= b]
        if not covering and not ev:
            out.append(piece)
            continue
        classes = ["hl", *dict.fromkeys(f"hl-{s['kind']}" for s in covering)]
        if ev:
            classes.append("ev")
        labels = "; ".join(dict.fromkeys(f"{s['kind']}: {s['label']}" for s in covering))
        attrs = f' class="{" ".join(classes)}"'
        if labels:
            attrs += f' title="{escape(labels)}"'
        if ev:
            attrs += f' data-ev="{" ".join(ev)}"'
        events = [s["event_id"] for s in covering if s["kind"] == "event" and s.get("event_id")]
        if events:
            attrs += f' data-event="{escape(events[0])}"'
        out.append(f"<span{attrs}>{piece}</span>")
    return Markup("".join(out))


def timeline_svg(timeline: dict[str, Any], *, height: int = 170) -> Markup:
    """Stacked bars of events per period by type, and a line of fatalities (own scale)."""
    periods = timeline.get("periods") or []
    if not periods:
        return Markup('<p class="muted">No dated events.</p>')
    types = timeline.get("types") or []
    bar = max(3, min(24, 720 // len(periods)))
    width = bar * len(periods) + 50
    top, bottom = 12, 28
    plot = height - top - bottom
    max_events = max(p["events"] for p in periods) or 1
    max_deaths = max(p["fatalities"] for p in periods) or 1
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Events per {timeline["bucket"]} by type, '
        f'and fatalities">',
        f'<text x="0" y="{top - 2}" class="axis">{max_events} events</text>',
    ]
    line = []
    for i, p in enumerate(periods):
        x = 40 + i * bar
        y = top + plot
        for t in types:
            n = p["counts"].get(t, 0)
            if not n:
                continue
            h = plot * n / max_events
            y -= h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar - 1}" height="{h:.1f}" '
                f'fill="{TYPE_COLOURS.get(t, "#999")}" class="bar">'
                f"<title>{escape(p['period'])}: {n} × {escape(t)}</title></rect>"
            )
        line.append(f"{x + bar / 2:.1f},{top + plot - plot * p['fatalities'] / max_deaths:.1f}")
        label = p["period"]
        if (timeline["bucket"] == "month" and label.endswith("-01")) or (
            timeline["bucket"] == "week" and p["start"][5:7] == "01" and int(p["start"][8:]) <= 7
        ) or i == 0:
            parts.append(
                f'<text x="{x}" y="{height - 10}" class="axis">{escape(label[:4])}</text>'
                f'<line x1="{x}" x2="{x}" y1="{top}" y2="{top + plot}" class="tick"/>'
            )
    parts.append(f'<polyline points="{" ".join(line)}" class="deaths"><title>fatalities per '
                 f'{timeline["bucket"]} (max {max_deaths})</title></polyline>')
    parts.append("</svg>")
    return Markup("".join(parts))


def make_renderer() -> Any:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        type_colours=TYPE_COLOURS,
        highlight=highlight,
        snippet=snippet,
        timeline_svg=timeline_svg,
    )

    def render(request: Request, template: str, **context: Any) -> str:
        query = list(request.query_params.multi_items())

        def url_with(**changes: Any) -> str:
            """This page's URL with some query parameters changed (None removes one)."""
            items = [(k, v) for k, v in query if k not in changes]
            items += [(k, str(v)) for k, v in changes.items() if v not in (None, "")]
            return request.url.path + ("?" + urlencode(items) if items else "")

        path = request.url.path
        json_url = "/api/v1" + (path if path != "/" else "/") + (
            "?" + urlencode(query) if query else ""
        )
        return env.get_template(template).render(
            request=request, url_with=url_with, json_url=json_url,
            params=dict(query), **context,
        )

    return render
