"""Highlighting: overlapping spans, evidence anchors, and escaping of the report's text."""

from __future__ import annotations

from watchfloor.web.render import highlight, snippet


def test_highlight_escapes_text_and_nests_overlapping_spans() -> None:
    text = "<b>Bomb</b> in Taraz killed 7"
    spans = [
        {"kind": "place", "start": 15, "end": 20, "label": "Taraz <PPLA>"},
        {"kind": "event", "start": 21, "end": 27, "label": "Attack", "event_id": "ev-1"},
        {"kind": "quantity", "start": 21, "end": 29, "label": "7 killed"},
    ]
    html = str(highlight(text, spans, [{"start": 12, "end": 29}]))
    assert "<b>" not in html and "&lt;b&gt;Bomb&lt;/b&gt;" in html
    assert '<span class="anchor" id="span-12-29"></span>' in html
    assert 'class="hl hl-place ev" title="place: Taraz &lt;PPLA&gt;"' in html
    assert 'class="hl hl-event hl-quantity ev"' in html and 'data-event="ev-1"' in html
    assert html.count("data-ev=") == 5  # "in ", "Taraz", " ", "killed", " 7"
    # spans outside the text are ignored rather than breaking the page
    assert str(highlight("abc", [{"kind": "place", "start": 2, "end": 9, "label": "x"}], [])) \
        == "abc"


def test_quotes_get_the_anchor_the_quote_list_links_to() -> None:
    text = 'He said "we will find them" today.'
    quote = {"kind": "quote", "start": 8, "end": 26, "label": "quote by a spokesman"}
    html = str(highlight(text, [quote], []))
    assert html.count('id="span-8-26"') == 1
    assert 'class="hl hl-quote"' in html and "data-ev" not in html
    # a quote that is also an event's evidence keeps a single anchor
    assert str(highlight(text, [quote], [{"start": 8, "end": 26}])).count('id="span-8-26"') == 1


def test_snippet_keeps_only_the_match_markers() -> None:
    assert str(snippet("a <mark>bomb</mark> <script>")) == "a <mark>bomb</mark> &lt;script&gt;"


def test_every_route_is_documented_in_the_readme() -> None:
    """Docs tested against code: each page route (and so its /api/v1 twin) is in README.md."""
    from pathlib import Path

    from watchfloor.web.views import pages

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    routes = [r.path for r in pages.routes]  # type: ignore[attr-defined]
    assert routes, "no page routes registered"
    missing = [path for path in routes if f"`{path}`" not in readme]
    assert not missing, f"routes missing from README.md: {missing}"
