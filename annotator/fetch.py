"""Links as input: fetch a news page (with time and size limits) and extract its article text and metadata.

A server running the app must not become a proxy into its own network, so every address a link (or any of its
redirects) resolves to is checked before connecting, and the connection goes to that checked address (the
name is not resolved a second time, which would let a DNS answer change in between: "DNS rebinding").

Address rules (``AddressPolicy``):
- never, whatever the options: unspecified (0.0.0.0, ::), link-local (169.254.0.0/16, where cloud metadata
  services live, and fe80::/10), multicast, reserved and broadcast addresses;
- loopback (127.0.0.0/8, ::1) and every other non-public address (10/8, 172.16/12, 192.168/16, 100.64/10,
  fc00::/7, ...) only when allowed: ``--allow-private-urls`` / ``ANNOTATOR_ALLOW_PRIVATE_URLS=1`` allows both,
  ``=loopback`` only loopback (what the tests use: a local test server can be reached, a redirect from it
  to 10.0.0.1 cannot);
- public addresses always.
Redirects are followed by hand (at most ``MAX_REDIRECTS``), each hop under the same rules; only http and
https. The article text and metadata (title, outlet, date, author) come from trafilatura.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from annotator.ingest import IngestError, check_text, extract_text
from annotator.limits import MAX_BYTES

ENV_VAR = "ANNOTATOR_ALLOW_PRIVATE_URLS"
MAX_REDIRECTS = 5
MIN_ARTICLE_WORDS = 20  # fewer words outside menus and furniture: not an article page
CONNECT_SECONDS = 5.0
TOTAL_SECONDS = 20.0  # the whole fetch, redirects and download included
USER_AGENT = "framing-annotator/0.1 (+https://github.com/; reads one article on a user's request)"
_REDIRECTS = (301, 302, 303, 307, 308)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(IngestError):
    """A link cannot be fetched or has no article; the message is one line and names the link."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses a link may reach (see the module docstring for the rules)."""

    loopback: bool = False
    private: bool = False

    @classmethod
    def parse(cls, value: str | bool | None) -> AddressPolicy:
        """From a CLI option or ``$ANNOTATOR_ALLOW_PRIVATE_URLS``: empty/0/false/no -> public only,
        ``loopback`` -> loopback too, 1/true/yes/all -> loopback and private networks."""
        if isinstance(value, bool):
            return cls(value, value)
        text = (value or "").strip().lower()
        if text in ("", "0", "false", "no", "off"):
            return cls()
        if text == "loopback":
            return cls(loopback=True)
        if text in ("1", "true", "yes", "on", "all"):
            return cls(loopback=True, private=True)
        raise FetchError(f"{ENV_VAR}: {value!r} is not one of 0, loopback, 1")

    @classmethod
    def from_env(cls) -> AddressPolicy:
        return cls.parse(os.environ.get(ENV_VAR))

    def refusal(self, address: IpAddress) -> str | None:
        """Why ``address`` may not be reached, or None when it may."""
        if isinstance(address, ipaddress.IPv6Address):
            embedded = address.ipv4_mapped or address.sixtofour
            if embedded is not None:
                return self.refusal(embedded)
        if address.is_loopback:  # first: Python counts ::1 as reserved too
            return None if self.loopback else f"{address} is this computer (loopback); see {ENV_VAR}"
        if address.is_unspecified or address.is_link_local or address.is_multicast or address.is_reserved:
            return f"{address} is a link-local, multicast, reserved or unspecified address (never fetched)"
        if isinstance(address, ipaddress.IPv4Address) and address == ipaddress.IPv4Address("255.255.255.255"):
            return f"{address} is the broadcast address (never fetched)"
        if not address.is_global:
            return None if self.private else f"{address} is a private network address; see {ENV_VAR}"
        return None


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(host: str, port: int, policy: AddressPolicy, resolver: Resolver = system_resolver) -> list[str]:
    """The addresses to connect to for ``host``, in the resolver's order: every resolved address must pass
    ``policy`` (one bad answer refuses the link, so a name cannot mix a public and a private address)."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        candidates = [str(literal)]
    except ValueError:
        try:
            candidates = resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot find the server {host!r} ({exc.__class__.__name__})") from None
    if not candidates:
        raise FetchError(f"cannot find the server {host!r}")
    for candidate in candidates:
        refusal = policy.refusal(ipaddress.ip_address(candidate.split("%")[0]))
        if refusal:
            raise FetchError(f"refused: {refusal}" if host.strip("[]") == candidate else f"refused {host}: {refusal}")
    return candidates


def is_url(value: str) -> bool:
    """True for an http(s) link (what the CLI and the app treat as a link rather than a file name or text)."""
    return value.strip().lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Article:
    """A fetched article: its text (title first) and what trafilatura found about it."""

    url: str  # the link as given
    final_url: str  # after redirects
    text: str
    title: str = ""
    outlet: str = ""
    date: str = ""
    author: str = ""

    def meta(self) -> dict[str, str]:
        """For ``Document.meta["source"]``: where the text came from."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date,
            "author": self.author,
        }

    @property
    def name(self) -> str:
        """A short label for titles and file names: the title, else the host."""
        return self.title or urlsplit(self.final_url).hostname or "article"


@dataclass(frozen=True)
class _Response:
    url: str
    content_type: str
    data: bytes


def _split(url: str) -> tuple[str, str, int, str]:  # scheme, host, port, path with query
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid link ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https links can be fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: the link has no server name")
    if parts.username or parts.password:
        raise FetchError(f"{url}: links with a user name or password are not fetched")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port, path


def _get(url: str, policy: AddressPolicy, resolver: Resolver, deadline: float) -> _Response:
    """GET ``url`` following redirects by hand; every hop's address is checked and connected to directly."""
    import urllib3

    current = url
    for hop in range(MAX_REDIRECTS + 1):
        try:
            scheme, host, port, path = _split(current)
            addresses = checked_addresses(host, port, policy, resolver)
        except FetchError as exc:
            via = f" (it redirects to {current})" if hop else ""
            raise FetchError(f"{url}{via}: {exc}") from None
        default_port = 443 if scheme == "https" else 80
        headers = {
            "Host": host if port == default_port else f"{host}:{port}",
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8,application/pdf;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        }
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"{url}: took longer than {TOTAL_SECONDS:.0f} s")
        timeout = urllib3.Timeout(connect=min(CONNECT_SECONDS, remaining), read=remaining)
        response = _connect(scheme, addresses, host, port, path, headers, timeout, current)
        try:
            if response.status in _REDIRECTS and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            if response.status >= 400:
                raise FetchError(f"{current}: the server answered {response.status} {response.reason or ''}".strip())
            try:
                data = _read(response, current, deadline)
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(f"{current}: could not fetch ({exc.__class__.__name__})") from None
            return _Response(current, response.headers.get("Content-Type", ""), data)
        finally:
            response.close()  # the pool is per request; never reuse a connection
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _connect(
    scheme: str, addresses: list[str], host: str, port: int, path: str, headers: dict[str, str], timeout: Any, url: str
) -> Any:  # urllib3.BaseHTTPResponse
    """Send the request to the first checked address that accepts a connection (never to a re-resolved name)."""
    import urllib3

    problem: Exception | None = None
    for address in addresses:
        if scheme == "https":
            pool: Any = urllib3.HTTPSConnectionPool(
                address, port, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED", timeout=timeout
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout)
        try:
            return pool.urlopen(
                "GET", path, headers=headers, redirect=False, retries=False, preload_content=False, timeout=timeout
            )
        except urllib3.exceptions.NewConnectionError as exc:
            problem = exc  # try the next address (e.g. ::1 first, the server listens on 127.0.0.1)
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"{url}: could not fetch ({_reason(exc)})") from None
    raise FetchError(f"{url}: could not connect ({_reason(problem)})")


def _reason(exc: Exception | None) -> str:
    if exc is None:
        return "no address"
    name = exc.__class__.__name__
    return "timed out" if "Timeout" in name else name


def _read(response: Any, url: str, deadline: float) -> bytes:
    """The body, streamed and decompressed, stopping past MAX_BYTES or the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise FetchError(f"{url}: the page is {int(declared):,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB)")
    chunks: list[bytes] = []
    size = 0
    # read1 returns what one socket read gives, so a server that drips a byte at a time still meets the deadline
    while chunk := response.read1(64 * 1024, decode_content=True):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"{url}: the page is larger than {MAX_BYTES:,} bytes (5 MB); stopped reading")
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: took longer than {TOTAL_SECONDS:.0f} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _from_html(data: bytes, url: str, final_url: str) -> Article:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            data, url=final_url, with_metadata=True, include_comments=False, include_tables=False
        )
        found = extracted.as_dict() if extracted is not None else {}
    except Exception as exc:  # lxml and trafilatura errors on broken pages
        raise FetchError(f"{url}: could not read the page ({exc.__class__.__name__})") from None
    paragraphs = [" ".join(line.split()) for line in str(found.get("text") or "").splitlines() if line.strip()]
    title = " ".join(str(found.get("title") or "").split())
    body_words = sum(len(p.split()) for p in paragraphs if p != title)
    if body_words < MIN_ARTICLE_WORDS:
        raise FetchError(
            f"{url}: no article text found on the page ({body_words} words outside menus and page furniture; "
            "a front page, or behind a paywall?)"
        )
    if title and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)
    return Article(
        url=url,
        final_url=final_url,
        text="\n\n".join(paragraphs),
        title=title,
        outlet=" ".join(str(found.get("sitename") or "").split()),
        date=str(found.get("date") or ""),
        author=" ".join(str(found.get("author") or "").split()),
    )


def fetch_article(url: str, policy: AddressPolicy | None = None, resolver: Resolver = system_resolver) -> Article:
    """Fetch ``url`` and return its article; FetchError (an IngestError) with a one-line message otherwise.

    ``policy`` defaults to ``$ANNOTATOR_ALLOW_PRIVATE_URLS`` (public addresses only when unset).
    """
    url = url.strip()
    policy = policy if policy is not None else AddressPolicy.from_env()
    deadline = time.monotonic() + TOTAL_SECONDS
    response = _get(url, policy, resolver, deadline)
    kind = response.content_type.split(";")[0].strip().lower()
    if not response.data:
        raise FetchError(f"{url}: the page is empty")
    if kind in _HTML_TYPES or (not kind and response.data.lstrip()[:1] == b"<"):
        article = _from_html(response.data, url, response.url)
    elif kind in _TEXT_TYPES or kind == "application/pdf":
        name = "page.pdf" if kind == "application/pdf" else "page.txt"
        try:
            text = extract_text(response.data, name)
        except IngestError as exc:
            raise FetchError(f"{url}: {str(exc).removeprefix(name + ': ')}") from None
        article = Article(url=url, final_url=response.url, text=text)
    else:
        raise FetchError(f"{url}: not a web page or text (content type {kind or 'unknown'})")
    try:
        check_text(article.text, url)
    except IngestError as exc:
        raise FetchError(str(exc)) from None
    return article
