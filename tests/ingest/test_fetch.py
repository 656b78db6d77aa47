"""Safe fetching against real HTTP(S) servers on loopback; no HTTP client is mocked.

The address check is exercised three ways: the classification function on its own, the
real resolver refusing loopback, and an injected classifier that treats the loopback test
server as "public" so that a redirect from it to a private address can be seen refused.
"""

from __future__ import annotations

import gzip
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import make_pdf
from loopback import Reply, closed_port, resolver_for, self_signed, serve

from watchfloor.config import Settings
from watchfloor.ingest.errors import SourceError
from watchfloor.ingest.fetch import (
    MAX_REDIRECTS,
    Fetcher,
    IPAddress,
    classify_address,
    parse_content_type,
    resolve_host,
)
from watchfloor.ingest.remote import iter_url
from watchfloor.records import Failure, RawDocument

LOCAL = Settings(database_url="sqlite://", allow_private=True, timeout=2.0)
STRICT = Settings(database_url="sqlite://", timeout=2.0)
ARTICLE = (b"<html><head><title>Osh</title></head><body><article><p>"
           + b"Border guards exchanged fire near the village on Monday. " * 4
           + b"</p></article></body></html>")
TEST_SERVER = ipaddress.ip_address("127.0.0.1")


def only_test_server_is_public(address: IPAddress) -> str | None:
    """Treat 127.0.0.1 (the test server) as public; everything else as usual."""
    return None if address == TEST_SERVER else classify_address(address)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(settings=LOCAL) as f:
        yield f


def fetch_failure(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(SourceError) as caught:
        fetcher.get(url)
    return caught.value.reason


# -- address classification ---------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "8.8.8.8", "93.184.216.34", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8",
    "2002:808:808::1",
])
def test_public_addresses(address: str) -> None:
    assert classify_address(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("address", "verdict"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("240.0.0.1", None), ("100.64.0.1", "not globally routable"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::1", "loopback"), ("64:ff9b::a00:1", "private"),
])
def test_non_public_addresses(address: str, verdict: str | None) -> None:
    result = classify_address(ipaddress.ip_address(address))
    assert result is not None
    if verdict is not None:
        assert result == verdict


def test_resolve_host_returns_every_address() -> None:
    addresses = resolve_host("localhost", 80)
    assert addresses and all(a.is_loopback for a in addresses)
    assert resolve_host("127.0.0.1", 80) == [TEST_SERVER]


# -- refusing private addresses --------------------------------------------------------------

def test_loopback_url_is_refused_without_allow_private() -> None:
    with serve({"/": Reply(body=ARTICLE)}) as server, Fetcher(settings=STRICT) as strict:
        reason = fetch_failure(strict, server.url("/"))
        assert not server.seen  # refused before connecting
    assert reason == ("refused: URL resolves to private address 127.0.0.1 (loopback); "
                      "pass --allow-private to fetch from local networks")


def test_name_resolving_to_loopback_is_refused() -> None:
    with Fetcher(settings=STRICT) as strict:
        reason = fetch_failure(strict, f"http://localhost:{closed_port()}/")
    assert reason.startswith("refused: URL resolves to private address")


def test_name_with_any_private_address_is_refused() -> None:
    resolve = resolver_for({"news.test": ["93.184.216.34", "10.1.2.3"]})
    with Fetcher(settings=STRICT, resolve=resolve) as strict:
        reason = fetch_failure(strict, "http://news.test/story")
    assert "private address 10.1.2.3 (private)" in reason


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/x", "http://10.0.0.1/admin",
                                    "http://[::1]:{port}/", "http://169.254.169.254/latest"])
def test_redirect_from_an_allowed_server_to_a_private_address_is_refused(target: str) -> None:
    with serve({}) as server:
        location = target.format(port=server.port)
        server.routes["/go"] = Reply(status=302, headers={"Location": location})
        with Fetcher(settings=STRICT, classify=only_test_server_is_public) as strict:
            reason = fetch_failure(strict, server.url("/go"))
        assert [s.path for s in server.seen] == ["/go"]  # the allowed hop was fetched
    assert reason.startswith(f"refused: redirect from {server.url('/go')} to ")
    assert "resolves to private address" in reason and "--allow-private" in reason


def test_allowed_server_is_fetched_with_the_injected_classifier() -> None:
    with serve({"/": Reply(body=ARTICLE)}) as server, \
            Fetcher(settings=STRICT, classify=only_test_server_is_public) as strict:
        assert strict.get(server.url("/")).body == ARTICLE


# -- connecting to the checked address --------------------------------------------------------

def test_connects_to_the_checked_address_and_sends_the_original_host() -> None:
    with serve({"/story": Reply(body=ARTICLE)}) as server:
        resolve = resolver_for({"news.test": ["127.0.0.1"]})
        with Fetcher(settings=LOCAL, resolve=resolve) as f:
            result = f.get(f"http://news.test:{server.port}/story")
        assert server.seen[0].headers["Host"] == f"news.test:{server.port}"
        assert server.seen[0].headers["User-Agent"] == LOCAL.user_agent
    assert result.url == f"http://news.test:{server.port}/story"


def test_unreachable_first_address_falls_back_to_the_next() -> None:
    with serve({"/": Reply(body=b"ok", content_type="text/plain")}) as server:
        resolve = resolver_for({"dual.test": ["::1", "127.0.0.1"]})  # nothing on ::1
        with Fetcher(settings=LOCAL, resolve=resolve) as f:
            assert f.get(f"http://dual.test:{server.port}/").body == b"ok"


def test_https_uses_sni_and_verifies_the_certificate_for_the_hostname(tmp_path: Path) -> None:
    server_tls, client_tls = self_signed("secure.test", tmp_path)
    resolve = resolver_for({"secure.test": ["127.0.0.1"]})
    with serve({"/": Reply(body=ARTICLE)}, tls=server_tls) as server, \
            Fetcher(settings=LOCAL, resolve=resolve, verify=client_tls) as f:
        result = f.get(f"https://secure.test:{server.port}/")
        assert server.sni_names == ["secure.test"]
        assert server.seen[0].headers["Host"] == f"secure.test:{server.port}"
    assert result.body == ARTICLE


def test_https_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    server_tls, client_tls = self_signed("other.test", tmp_path)
    resolve = resolver_for({"secure.test": ["127.0.0.1"]})
    with serve({"/": Reply(body=ARTICLE)}, tls=server_tls) as server, \
            Fetcher(settings=LOCAL, resolve=resolve, verify=client_tls) as f:
        reason = fetch_failure(f, f"https://secure.test:{server.port}/")
    assert reason.startswith(f"TLS certificate check failed for https://secure.test:{server.port}")


# -- redirects, errors, limits -------------------------------------------------------------------

def test_relative_redirects_are_followed(fetcher: Fetcher) -> None:
    with serve({
        "/old": Reply(status=301, headers={"Location": "/middle"}),
        "/middle": Reply(status=307, headers={"Location": "new?x=1"}),
        "/new?x=1": Reply(body=ARTICLE),
    }) as server:
        result = fetcher.get(server.url("/old"))
    assert result.url == server.url("/new?x=1")
    assert result.body == ARTICLE


def test_too_many_redirects(fetcher: Fetcher) -> None:
    with serve({"/loop": Reply(status=302, headers={"Location": "/loop"})}) as server:
        reason = fetch_failure(fetcher, server.url("/loop"))
        assert len(server.seen) == MAX_REDIRECTS + 1
    assert reason.startswith(f"too many redirects (more than {MAX_REDIRECTS})")


@pytest.mark.parametrize(("status", "hint"), [
    (404, "check the address — the page may have moved or been removed"),
    (410, "may have moved or been removed"),
    (403, "access denied"),
    (429, "rate-limiting"),
    (500, "server error — the site may be down, try again later"),
    (503, "server error"),
])
def test_http_errors(fetcher: Fetcher, status: int, hint: str) -> None:
    with serve({"/x": Reply(status=status, body=b"error page")}) as server:
        reason = fetch_failure(fetcher, server.url("/x"))
    assert reason.startswith(f"HTTP {status} ") and server.url("/x") in reason
    assert hint in reason


def test_unreachable_url(fetcher: Fetcher) -> None:
    url = f"http://127.0.0.1:{closed_port()}/report"
    reason = fetch_failure(fetcher, url)
    assert reason == (f"could not connect to {url} (connection refused); check the address, "
                      "or try again later if the site is down")


def test_dns_failure() -> None:
    with Fetcher(settings=LOCAL, resolve=resolver_for({})) as f:
        reason = fetch_failure(f, "http://no-such-host.test/")
    assert reason.startswith("could not resolve host 'no-such-host.test' (DNS lookup failed")
    assert "check the spelling" in reason


def test_slow_server_times_out() -> None:
    settings = Settings(database_url="sqlite://", allow_private=True, timeout=0.3)
    with serve({"/slow": Reply(body=ARTICLE, delay=5)}) as server, \
            Fetcher(settings=settings) as f:
        reason = fetch_failure(f, server.url("/slow"))
    assert reason == (f"{server.url('/slow')} sent nothing for 0.3 s (read timeout); the server "
                      "is too slow — try again later or raise --timeout")


def test_declared_size_over_the_limit() -> None:
    settings = Settings(database_url="sqlite://", allow_private=True, max_bytes=1000)
    with serve({"/big": Reply(body=b"x" * 5000, content_type="text/plain")}) as server, \
            Fetcher(settings=settings) as f:
        reason = fetch_failure(f, server.url("/big"))
    assert reason == (f"response from {server.url('/big')} is 4.9 kB, over the 1000 bytes "
                      "limit; raise it with --max-bytes or split the file")


def test_streamed_size_over_the_limit() -> None:
    settings = Settings(database_url="sqlite://", allow_private=True, max_bytes=3000)
    with serve({"/big": Reply(body=b"y" * 50_000, chunked=True)}) as server, \
            Fetcher(settings=settings) as f:
        reason = fetch_failure(f, server.url("/big"))
    assert "is larger than that, over the 2.9 kB limit" in reason


def test_compressed_response_is_limited_after_decompression() -> None:
    settings = Settings(database_url="sqlite://", allow_private=True, max_bytes=10_000)
    bomb = gzip.compress(b"z" * 1_000_000)
    with serve({"/gz": Reply(body=bomb, content_type="text/plain",
                             headers={"Content-Encoding": "gzip"})}) as server, \
            Fetcher(settings=settings) as f:
        assert len(bomb) < 10_000
        reason = fetch_failure(f, server.url("/gz"))
    assert "over the 9.8 kB limit" in reason


@pytest.mark.parametrize("url", ["ftp://example.com/file.txt", "file:///etc/passwd"])
def test_only_http_and_https(fetcher: Fetcher, url: str) -> None:
    assert fetch_failure(fetcher, url).startswith("unsupported URL scheme")


def test_parse_content_type() -> None:
    assert parse_content_type("text/html; charset=Windows-1251") == ("text/html", "Windows-1251")
    assert parse_content_type("application/pdf") == ("application/pdf", None)
    assert parse_content_type(None) == (None, None)
    assert parse_content_type("garbage") == (None, None)


# -- content type decides what a response is ---------------------------------------------------

def test_content_types_decide_the_kind(fetcher: Fetcher) -> None:
    russian = "Во вторник в Оше произошла перестрелка."
    with serve({
        "/page": Reply(body=ARTICLE),
        "/doc.bin": Reply(body=make_pdf(["PDF served as octet-stream."]),
                          content_type="application/octet-stream"),
        "/report": Reply(body=make_pdf(["A PDF report."]), content_type="application/pdf"),
        "/note": Reply(body=b"Plain note.\n", content_type="text/plain"),
        "/ru": Reply(body=russian.encode("cp1251"), content_type="text/plain; charset=cp1251"),
        "/ru-guess": Reply(body=russian.encode("cp1251"), content_type="text/plain"),
        "/empty": Reply(body=b"", content_type="text/html"),
        "/png": Reply(body=b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png"),
    }) as server:
        def get(path: str) -> RawDocument | Failure:
            results = list(iter_url(server.url(path), fetcher=fetcher))
            assert len(results) == 1
            return results[0]

        page = get("/page")
        assert isinstance(page, RawDocument) and page.content_type == "text/html"
        assert page.title == "Osh" and page.url == server.url("/page")
        assert page.source == server.url("/page")
        octet = get("/doc.bin")
        assert isinstance(octet, RawDocument) and octet.text == "PDF served as octet-stream."
        pdf = get("/report")
        assert isinstance(pdf, RawDocument) and pdf.content_type == "application/pdf"
        note = get("/note")
        assert isinstance(note, RawDocument) and note.text == "Plain note."
        for path in ("/ru", "/ru-guess"):
            ru = get(path)
            assert isinstance(ru, RawDocument) and ru.text == russian
        empty = get("/empty")
        assert isinstance(empty, Failure) and empty.reason.startswith("response is empty")
        png = get("/png")
        assert isinstance(png, Failure) and png.reason.startswith("binary file (PNG image)")
