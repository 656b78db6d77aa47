"""RSS and Atom feeds served from a real loopback server, entries linking to pages on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import article, atom, rfc822, rss
from loopback import Reply, serve

from watchfloor.config import Settings
from watchfloor.ingest.errors import SourceError
from watchfloor.ingest.feeds import parse_feed
from watchfloor.ingest.sources import iter_inputs
from watchfloor.records import Failure, RawDocument

LOCAL = Settings(database_url="sqlite://", allow_private=True, timeout=2.0)
STRICT = Settings(database_url="sqlite://", timeout=2.0)
PARAGRAPHS = ["Border guards exchanged fire near the village on Monday, officials said.",
              "Two guards were injured and taken to hospital in the regional centre."]


def ingest(*targets: str, settings: Settings = LOCAL) -> list[RawDocument | Failure]:
    return list(iter_inputs(list(targets), settings=settings))


def pages() -> dict[str, Reply]:
    return {
        "/a.html": Reply(body=article("Page A headline", PARAGRAPHS, date="2024-03-01")),
        "/b.html": Reply(body=article("Page B headline", PARAGRAPHS[::-1])),
        "/gone.html": Reply(status=404, body=b"not here"),
    }


def test_rss_feed_yields_one_document_per_entry() -> None:
    with serve(pages()) as server:
        server.routes["/feed.rss"] = Reply(
            content_type="application/rss+xml",
            body=rss([
                {"title": "Entry A", "link": server.url("/a.html"),
                 "pubDate": rfc822(2024, 2, 20)},
                {"title": "Entry B", "link": "/b.html", "pubDate": rfc822(2024, 2, 21),
                 "author": "desk@wire.example (Desk)"},
                {"title": "Entry gone", "link": server.url("/gone.html")},
            ]),
        )
        results = ingest(server.url("/feed.rss"))
        url = server.url
    assert [type(r).__name__ for r in results] == ["RawDocument", "RawDocument", "Failure"]
    a, b, gone = results
    assert isinstance(a, RawDocument) and isinstance(b, RawDocument)
    assert a.source == a.url == url("/a.html")
    assert a.title == "Page A headline"  # the page's own metadata wins
    assert a.published == date(2024, 3, 1)
    assert a.publisher == "Regional Wire"  # the feed's title, as the page names no site
    assert PARAGRAPHS[0] in a.text
    assert b.source == url("/b.html")  # relative link resolved against the feed URL
    assert b.published == date(2024, 2, 21)  # the page has none: the entry's date
    assert isinstance(gone, Failure) and gone.source == url("/gone.html")
    assert gone.reason.startswith("HTTP 404")


def test_atom_feed_served_as_generic_xml_is_sniffed() -> None:
    with serve(pages()) as server:
        server.routes["/atom"] = Reply(
            content_type="text/xml",
            body=atom([
                {"title": "Atom B", "link": server.url("/b.html"),
                 "updated": "2024-03-02T23:30:00-05:00", "id": "urn:b"},
                {"title": "Inline only", "id": "urn:inline",
                 "summary": "A summary with enough words to stand as the document text.",
                 "updated": "2024-03-03T08:00:00Z"},
            ]),
        )
        results = ingest(server.url("/atom"))
        url = server.url
    assert len(results) == 2
    b, inline = results
    assert isinstance(b, RawDocument) and b.published == date(2024, 3, 2)  # local date kept
    assert b.publisher == "Atom Desk"
    assert isinstance(inline, RawDocument)
    assert inline.source == f"{url('/atom')}#urn:inline"
    assert inline.text == "A summary with enough words to stand as the document text."
    assert inline.title == "Inline only" and inline.published == date(2024, 3, 3)


def test_entry_title_is_the_fallback_title() -> None:
    with serve({"/bare": Reply(body=b"<p>Untitled page with a sentence of text.</p>")}) as s:
        s.routes["/feed"] = Reply(content_type="application/rss+xml", body=rss(
            [{"title": "Entry title", "link": s.url("/bare"), "pubDate": rfc822(2024, 1, 5)}]))
        results = ingest(s.url("/feed"))
    assert len(results) == 1 and isinstance(results[0], RawDocument)
    assert results[0].title == "Entry title"
    assert results[0].published == date(2024, 1, 5)


def test_entry_links_follow_the_same_safety_rules() -> None:
    with serve(pages()) as server:
        body = rss([{"title": "A", "link": server.url("/a.html")}])
        path_results = None
        server.routes["/feed.rss"] = Reply(content_type="application/rss+xml", body=body)
        path_results = ingest(server.url("/feed.rss"), settings=STRICT)
        assert not server.seen
    assert len(path_results) == 1 and isinstance(path_results[0], Failure)
    assert "refused" in path_results[0].reason


def test_local_feed_file(tmp_path: Path) -> None:
    with serve(pages()) as server:
        feed = tmp_path / "wire.rss"
        feed.write_bytes(rss([{"title": "A", "link": server.url("/a.html")},
                              {"title": "B", "link": server.url("/b.html")}]))
        results = ingest(str(feed))
        assert [s.path for s in server.seen] == ["/a.html", "/b.html"]
    assert [r.title for r in results if isinstance(r, RawDocument)] == [
        "Page A headline", "Page B headline"]


def test_feed_with_no_entries() -> None:
    with serve({"/empty.rss": Reply(content_type="application/rss+xml", body=rss([]))}) as s:
        results = ingest(s.url("/empty.rss"))
    assert len(results) == 1 and isinstance(results[0], Failure)
    assert results[0].reason.startswith("feed has no entries")


def test_parse_feed_rejects_non_feeds() -> None:
    with pytest.raises(SourceError, match="not a readable RSS or Atom feed"):
        parse_feed(b"<html><body><p>not a feed</p></body></html>")
