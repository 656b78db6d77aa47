"""HTML -> text and metadata: trafilatura for real pages, the tag stripper for broken ones."""

from __future__ import annotations

from datetime import date

from watchfloor.ingest.html import declared_charset, extract_html, strip_tags

PAGE = """<!DOCTYPE html><html lang="en"><head>
<meta charset="utf-8"><title>Clash near Osh | Daily News</title>
<link rel="canonical" href="https://news.example/osh-clash">
<meta name="author" content="Jane Doe">
<meta property="og:site_name" content="Daily News">
<meta property="article:published_time" content="2023-05-01T10:00:00+06:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Clash near Osh</h1>
<p>Border guards exchanged fire near the village on Monday, officials said in a statement.<br>
A second line of the same paragraph.</p>
<ul><li>Two guards were injured</li><li>One vehicle was destroyed</li></ul>
<p>The <b>ministry</b> said talks would resume, according to a spokesman for the government.</p>
</article>
<footer>Copyright 2020 Daily News. All rights reserved.</footer>
</body></html>"""


def test_main_text_with_blank_lines_between_paragraphs() -> None:
    page = extract_html(PAGE)
    assert page.text == (
        "Clash near Osh\n\n"
        "Border guards exchanged fire near the village on Monday, officials said in a "
        "statement.\nA second line of the same paragraph.\n\n"
        "Two guards were injured\nOne vehicle was destroyed\n\n"
        "The ministry said talks would resume, according to a spokesman for the government."
    )
    assert "Home" not in page.text and "Copyright" not in page.text


def test_metadata() -> None:
    page = extract_html(PAGE)
    assert page.title == "Clash near Osh"
    assert page.author == "Jane Doe"
    assert page.sitename == "Daily News"
    assert page.date == date(2023, 5, 1)
    assert page.url == "https://news.example/osh-clash"


def test_body_text_dates_are_not_publication_dates() -> None:
    page = extract_html("<html><body><article><p>" + "On 5 March 2019 a bomb exploded. " * 10
                        + "</p></article></body></html>")
    assert page.date is None


def test_malformed_html_falls_back_to_the_tag_stripper() -> None:
    page = extract_html("<p>Short<b> note")
    assert page.text == "Short note"


def test_strip_tags_keeps_visible_text_in_paragraphs() -> None:
    text, title = strip_tags(
        "<html><head><title>T &amp; C</title><style>p {color: red}</style></head><body>"
        "<div>First block<br>second line</div><script>alert(1)</script>"
        "<p>Para &laquo;two&raquo; &#1046;</p><table><tr><td>a</td><td>b</td></tr></table>"
        "</span></p></div>"
    )
    assert title == "T & C"
    assert text == "First block\nsecond line\n\nPara «two» Ж\n\na | b"


def test_empty_or_tagless_markup() -> None:
    assert extract_html("").text == ""
    assert extract_html("<html><body><script>x()</script></body></html>").text == ""
    assert extract_html("plain words, no tags").text == "plain words, no tags"


def test_declared_charset() -> None:
    assert declared_charset(b'<meta charset="windows-1251">') == "windows-1251"
    assert declared_charset(
        b'<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">') == "KOI8-R"
    assert declared_charset(b"<p>no declaration</p>") is None
