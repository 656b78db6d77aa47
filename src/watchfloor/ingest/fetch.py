"""Safe HTTP(S) fetching: every hop checked, size and time bounded, errors that say what to do.

Safety model (server-side request forgery): an analyst may paste any URL or ingest a feed
whose entries point anywhere, so a URL must not reach the analyst's own machine or network
unless ``settings.allow_private`` says so.

* Only http and https. Redirects are followed by hand (at most ``MAX_REDIRECTS``), so every
  hop goes through the same checks.
* Before connecting, the host is resolved with ``socket.getaddrinfo`` and the request is
  refused when ANY resolved address is loopback, private, link-local, multicast, reserved,
  unspecified or otherwise not globally routable (``classify_address``; IPv4 addresses
  embedded in IPv6 — mapped, 6to4, Teredo, NAT64 — are checked too).
* DNS rebinding: the connection goes to the address that was checked, never to a second
  lookup. The request URL is rewritten to that IP; the original name is sent in the ``Host``
  header and, for https, as the TLS SNI name via httpcore's ``sni_hostname`` request
  extension, which is also the name the certificate is verified against. Certificate
  verification therefore works exactly as for a normal request to the hostname.
* Keep-alive is off: a pooled TLS connection is keyed by IP, and reusing one verified for one
  hostname for another hostname on the same IP would skip that hostname's certificate check.
* Environment proxies are ignored (``trust_env=False``): through a proxy the address check
  would be meaningless and the proxy would do its own DNS lookup.
* The body is streamed and abandoned as soon as it passes ``settings.max_bytes`` (after
  decompression, so a compressed bomb is stopped too); ``settings.timeout`` bounds connecting
  and each read, and ``TRANSFER_TIME_FACTOR`` bounds a whole response that trickles in.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from types import TracebackType

import httpx

from watchfloor.config import Settings
from watchfloor.ingest.errors import SourceError, too_large_reason

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Returns None for an address that may be fetched, else a word saying why not ("loopback").
AddressClassifier = Callable[[IPAddress], str | None]
Resolver = Callable[[str, int], list[IPAddress]]

# Browsers allow about 20; news sites need 1-3 (http -> https -> canonical). More is a loop
# or a tracker chain.
MAX_REDIRECTS = 5
# A server that sends one byte per read timeout never trips the read timeout; a whole
# response may take at most this many read timeouts (2 minutes at the default 20 s).
TRANSFER_TIME_FACTOR = 6
ACCEPT = ("text/html,application/xhtml+xml,application/pdf,application/rss+xml,"
          "application/atom+xml,text/plain;q=0.9,*/*;q=0.5")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_CHECKS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)
_PRIVATE_HINT = "pass --allow-private to fetch from local networks"


@dataclass(frozen=True, kw_only=True)
class FetchResult:
    url: str  # the final URL, after redirects, with the original hostname
    status: int
    media_type: str | None  # e.g. "text/html", lowercased, without parameters
    charset: str | None
    body: bytes


def classify_address(address: IPAddress) -> str | None:
    """None for a public address; otherwise why it is not ("loopback", "private", ...)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            verdict = classify_address(embedded)
            if verdict is not None:
                return verdict
            if address.ipv4_mapped is not None or address in _NAT64:
                return None
    for attribute, label in _CHECKS:
        if getattr(address, attribute):
            return label
    if not address.is_global:
        return "not globally routable"
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """All addresses ``host`` resolves to, in resolver order, without duplicates.

    Raises ``socket.gaierror`` when the name does not resolve.
    """
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone ("fe80::1%eth0")
        address = ipaddress.ip_address(text)
        if address not in addresses:
            addresses.append(address)
    return addresses


class Fetcher:
    """Fetches URLs under the safety rules above; one per run, closed when done.

    ``classify`` and ``resolve`` can be replaced (tests use them to treat a loopback test
    server as public, or a name as resolving to given addresses); ``verify`` is passed to
    httpx (an ``ssl.SSLContext`` trusting a test certificate, for instance).
    """

    def __init__(
        self,
        *,
        settings: Settings,
        classify: AddressClassifier = classify_address,
        resolve: Resolver = resolve_host,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._settings = settings
        self._classify = classify
        self._resolve = resolve
        self._verify = verify
        self._client: httpx.Client | None = None

    @property
    def settings(self) -> Settings:
        return self._settings

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def get(self, url: str) -> FetchResult:
        """GET ``url``, following redirects; SourceError with the cause and what to do."""
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise SourceError(f"not a valid URL ({exc}); check how it was written") from None
        for hop in range(MAX_REDIRECTS + 1):
            addresses = self._checked_addresses(current, original=url if hop else None)
            outcome = self._request(current, addresses)
            if isinstance(outcome, FetchResult):
                return outcome
            current = outcome
        raise SourceError(
            f"too many redirects (more than {MAX_REDIRECTS}) starting at {url}; open it in a "
            "browser to see where it leads and pass the final URL"
        )

    def post_json(self, url: str, body: bytes) -> int:
        """POST a JSON body (a webhook) under the same address checks as ``get``; returns
        the HTTP status. Redirects are not followed: a webhook that moved is an error to
        fix, and re-sending a POST elsewhere is not safe. SourceError says what went wrong."""
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise SourceError(f"not a valid URL ({exc}); check how it was written") from None
        addresses = self._checked_addresses(current, original=None)
        host = current.raw_host.decode("ascii")
        headers = {"Host": current.netloc.decode("ascii"), "Content-Type": "application/json",
                   "Accept": "*/*"}
        extensions = {"sni_hostname": host} if current.scheme == "https" else {}
        last_error: httpx.ConnectError | None = None
        for address in addresses:
            target = current.copy_with(host=str(address))
            try:
                response = self._get_client().post(target, content=body, headers=headers,
                                                   extensions=extensions)
                return response.status_code
            except httpx.ConnectError as exc:
                last_error = exc
            except httpx.TimeoutException as exc:
                raise SourceError(self._timeout_reason(current, exc)) from None
            except httpx.HTTPError as exc:
                raise SourceError(f"request to {current} failed ({type(exc).__name__}: "
                                  f"{_detail(exc)})") from None
        raise SourceError(f"could not connect to {current} ({_detail(last_error)})")

    # -- one hop ---------------------------------------------------------------------------

    def _checked_addresses(self, url: httpx.URL, *, original: str | None) -> list[IPAddress]:
        where = f"redirect from {original} to {url}" if original else "URL"
        if url.scheme not in ("http", "https"):
            raise SourceError(
                f"unsupported URL scheme '{url.scheme}' ({where}); only http and https URLs "
                "can be fetched"
            )
        host = url.raw_host.decode("ascii")
        if not host:
            raise SourceError(f"URL has no host name ({url}); check how it was written")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = self._resolve(host, port)
        except (socket.gaierror, UnicodeError) as exc:
            detail = getattr(exc, "strerror", None) or str(exc)
            raise SourceError(
                f"could not resolve host '{host}' (DNS lookup failed: {detail}); check the "
                "spelling of the URL and your network connection"
            ) from None
        if not addresses:
            raise SourceError(f"host '{host}' has no addresses; check the URL")
        if not self._settings.allow_private:
            for address in addresses:
                verdict = self._classify(address)
                if verdict is not None:
                    raise SourceError(
                        f"refused: {where} resolves to private address {address} ({verdict}); "
                        f"{_PRIVATE_HINT}"
                    )
        return addresses

    def _request(self, url: httpx.URL, addresses: list[IPAddress]) -> FetchResult | httpx.URL:
        """The response to ``url`` (or the URL it redirects to), trying each address in turn."""
        host = url.raw_host.decode("ascii")
        headers = {"Host": url.netloc.decode("ascii")}
        extensions = {"sni_hostname": host} if url.scheme == "https" else {}
        last_error: httpx.ConnectError | None = None
        for address in addresses:
            target = url.copy_with(host=str(address))
            try:
                return self._send(url, target, headers=headers, extensions=extensions)
            except httpx.ConnectError as exc:
                if _is_tls_error(exc):
                    raise SourceError(
                        f"TLS certificate check failed for {url} ({_detail(exc)}); the site's "
                        "certificate is invalid or not trusted — check that the URL is right"
                    ) from None
                logger.debug("could not connect to %s at %s: %s", url, address, exc)
                last_error = exc
            except httpx.TimeoutException as exc:
                raise SourceError(self._timeout_reason(url, exc)) from None
            except httpx.HTTPError as exc:
                raise SourceError(
                    f"request to {url} failed ({type(exc).__name__}: {_detail(exc)}); the "
                    "server closed the connection or sent an invalid response — try again later"
                ) from None
        raise SourceError(
            f"could not connect to {url} ({_detail(last_error)}); check the address, or try "
            "again later if the site is down"
        )

    def _send(
        self, url: httpx.URL, target: httpx.URL, *, headers: dict[str, str],
        extensions: dict[str, str],
    ) -> FetchResult | httpx.URL:
        client = self._get_client()
        client.cookies.clear()  # the jar is keyed by IP here; never carry cookies across hosts
        deadline = time.monotonic() + TRANSFER_TIME_FACTOR * self._settings.timeout
        with client.stream("GET", target, headers=headers, extensions=extensions) as response:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise SourceError(
                        f"HTTP {status} redirect from {url} has no Location header; open the "
                        "URL in a browser and pass the address it ends at"
                    )
                return url.join(location)
            if status >= 400:
                raise SourceError(_status_reason(url, status, response.reason_phrase))
            if not 200 <= status < 300:
                raise SourceError(
                    f"unexpected HTTP {status} {response.reason_phrase} from {url}; "
                    "try the URL in a browser"
                )
            limit = self._settings.max_bytes
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise SourceError(too_large_reason(f"response from {url}", int(declared), limit))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise SourceError(too_large_reason(f"response from {url}", None, limit))
                if time.monotonic() > deadline:
                    raise SourceError(
                        f"{url} is sending too slowly (still incomplete after "
                        f"{TRANSFER_TIME_FACTOR * self._settings.timeout:g} s); try again "
                        "later or raise --timeout"
                    )
                chunks.append(chunk)
            media_type, charset = parse_content_type(response.headers.get("content-type"))
            return FetchResult(url=str(url), status=status, media_type=media_type,
                               charset=charset, body=b"".join(chunks))

    def _get_client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self._settings.timeout),
                follow_redirects=False,
                trust_env=False,
                verify=self._verify,
                limits=httpx.Limits(max_keepalive_connections=0),
                headers={"User-Agent": self._settings.user_agent, "Accept": ACCEPT},
            )
        return self._client

    def _timeout_reason(self, url: httpx.URL, exc: httpx.TimeoutException) -> str:
        seconds = f"{self._settings.timeout:g} s"
        if isinstance(exc, httpx.ConnectTimeout):
            return (f"timed out connecting to {url} after {seconds}; the site may be down or "
                    "blocking you — try again later or raise --timeout")
        if isinstance(exc, httpx.ReadTimeout):
            return (f"{url} sent nothing for {seconds} (read timeout); the server is too slow "
                    "— try again later or raise --timeout")
        return f"request to {url} timed out after {seconds}; try again later or raise --timeout"


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``'text/html; charset=UTF-8'`` -> ``('text/html', 'UTF-8')``."""
    if not value:
        return None, None
    message = Message()
    message["content-type"] = value
    media_type = message.get_content_type() if "/" in value.split(";", 1)[0] else None
    charset = message.get_param("charset")
    return media_type, charset if isinstance(charset, str) and charset else None


def _status_reason(url: httpx.URL, status: int, phrase: str) -> str:
    said = f"HTTP {status} {phrase}".strip() + f" from {url}"
    if status in (404, 410):
        return f"{said}; check the address — the page may have moved or been removed"
    if status in (401, 403):
        return (f"{said}; access denied — the page may need a login or block automated "
                "clients; save it from a browser and ingest the file")
    if status == 429:
        return f"{said}; the site is rate-limiting requests — wait and try again later"
    if status >= 500:
        return f"{said}; server error — the site may be down, try again later"
    return f"{said}; the server rejected the request — check the URL"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_tls_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc) or "SSL" in str(exc)


def _detail(exc: BaseException | None) -> str:
    if exc is None:
        return "no address to connect to"
    text = str(exc).strip() or type(exc).__name__
    if "Connection refused" in text:
        return "connection refused"
    return text[:160]
