"""Links as input: the address rules (unit-tested without connecting anywhere) and fetching real-looking news
pages from a local server on 127.0.0.1 (the only address these tests ever connect to)."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
import time

import pytest

import annotator.fetch as fetch
from annotator.fetch import AddressPolicy, FetchError, checked_addresses, fetch_article, is_url
from annotator.ingest import IngestError
from tests.conftest import ROOT
from tests.news_site import news_site

PUBLIC_ONLY = AddressPolicy()
LOOPBACK = AddressPolicy(loopback=True)
EVERYTHING = AddressPolicy(loopback=True, private=True)

# address -> (refused with the default, with loopback allowed, with loopback and private allowed, reason)
ADDRESSES = {
    "93.184.216.34": (False, False, False, "a public address"),
    "2606:2800:220:1:248:1893:25c8:1946": (False, False, False, "a public IPv6 address"),
    "127.0.0.1": (True, False, False, "loopback: only with the option"),
    "127.8.9.10": (True, False, False, "all of 127/8 is loopback"),
    "::1": (True, False, False, "IPv6 loopback"),
    "10.0.0.1": (True, True, False, "a private network: only when private networks are allowed"),
    "172.16.5.4": (True, True, False, "172.16/12 is private"),
    "192.168.1.1": (True, True, False, "a home router"),
    "100.64.0.1": (True, True, False, "carrier-grade NAT space is not public"),
    "fd00::1": (True, True, False, "IPv6 unique local"),
    "::ffff:10.0.0.1": (True, True, False, "IPv4-mapped IPv6 is checked as the IPv4 address"),
    "169.254.169.254": (True, True, True, "cloud metadata (link-local): never, whatever the option"),
    "fe80::1": (True, True, True, "IPv6 link-local: never"),
    "::ffff:169.254.169.254": (True, True, True, "metadata behind an IPv4-mapped address: never"),
    "2002:a9fe:a9fe::1": (True, True, True, "metadata behind a 6to4 address: never"),
    "0.0.0.0": (True, True, True, "unspecified: never"),
    "224.0.0.1": (True, True, True, "multicast: never"),
    "240.0.0.1": (True, True, True, "reserved: never"),
    "255.255.255.255": (True, True, True, "broadcast: never"),
}


@pytest.mark.parametrize("address", sorted(ADDRESSES))
def test_fetch_address_rules(address):
    *expected, reason = ADDRESSES[address]
    ip = ipaddress.ip_address(address)
    got = [policy.refusal(ip) is not None for policy in (PUBLIC_ONLY, LOOPBACK, EVERYTHING)]
    assert got == expected, reason


def _resolver(answers: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("name not found")
        return answers[host]

    return resolve


# host -> (resolver answers, phrase of the error or None when allowed, reason)
NAMES = {
    "news.example": (["93.184.216.34"], None, "a name with a public address"),
    "mixed.example": (["93.184.216.34", "10.1.2.3"], "private network", "one private answer refuses the name"),
    "rebind.example": (["127.0.0.1"], "loopback", "a public-looking name that points home"),
    "meta.example": (["169.254.169.254"], "never fetched", "a name for the metadata service"),
    "gone.example": (None, "cannot find the server", "a name that does not resolve"),
    "empty.example": ([], "cannot find the server", "a resolver with no answer"),
}


@pytest.mark.parametrize("host", sorted(NAMES))
def test_fetch_every_resolved_address_is_checked(host):
    answers, phrase, reason = NAMES[host]
    resolver = _resolver({host: answers} if answers is not None else {})
    if phrase is None:
        assert checked_addresses(host, 443, PUBLIC_ONLY, resolver) == answers, reason
    else:
        with pytest.raises(FetchError, match=phrase):
            checked_addresses(host, 443, PUBLIC_ONLY, resolver)


# link -> (phrase, reason); all refused before any name is resolved or any connection made
BAD_LINKS = {
    "ftp://example.com/a.txt": ("only http and https", "other schemes"),
    "file:///etc/passwd": ("only http and https", "local files"),
    "http:///no-host": ("no server name", "no host"),
    "http://user:secret@example.com/": ("user name or password", "credentials in links"),
    "http://[::1/": ("not a valid link", "a broken IPv6 literal"),
}


@pytest.mark.parametrize("link", sorted(BAD_LINKS))
def test_fetch_refuses_bad_links_before_connecting(link, monkeypatch):
    phrase, _reason = BAD_LINKS[link]
    monkeypatch.setattr(fetch, "_connect", lambda *a, **k: pytest.fail("no connection may be made"))
    with pytest.raises(FetchError, match=re.escape(phrase)):
        fetch_article(link, EVERYTHING, resolver=_resolver({}))


def test_fetch_is_url():
    assert is_url("https://example.com/a") and is_url(" HTTP://x.test ")
    assert not is_url("article.html") and not is_url("-") and not is_url("ftp://x")


def test_fetch_policy_from_option_and_environment(monkeypatch):
    assert AddressPolicy.parse("loopback") == LOOPBACK and AddressPolicy.parse("1") == EVERYTHING
    assert AddressPolicy.parse(None) == PUBLIC_ONLY and AddressPolicy.parse(True) == EVERYTHING
    monkeypatch.setenv(fetch.ENV_VAR, "loopback")
    assert AddressPolicy.from_env() == LOOPBACK
    with pytest.raises(FetchError, match="not one of 0, loopback, 1"):
        AddressPolicy.parse("maybe")


# ---- against the local news site -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site():
    with news_site() as base:
        yield base


@pytest.fixture
def connections(monkeypatch):
    """Every address a connection is opened to during the test."""
    seen: list[str] = []
    real = fetch._connect

    def spy(scheme, addresses, *args, **kwargs):
        seen.extend(addresses)
        return real(scheme, addresses, *args, **kwargs)

    monkeypatch.setattr(fetch, "_connect", spy)
    return seen


def test_fetch_extracts_article_text_and_metadata(site, connections):
    article = fetch_article(site + "/world/2026/03/14/referendum-east.html", LOOPBACK)
    assert article.title == "Referendum in the east: what the vote means"
    assert article.outlet == "The Daily Ledger"
    assert article.date == "2026-03-14" and article.author == "Maria Kowalska"
    text = article.text
    assert text.startswith(article.title + "\n\n"), "the title is the first paragraph"
    assert "The Kiev regime called the so-called referendum a provocation" in text
    assert "international mediation" in text, "the last paragraph after the aside is kept"
    for furniture in ("Subscribe", "ADVERTISEMENT", "Sponsored", "Related", "All rights reserved", "dataLayer"):
        assert furniture not in text, f"{furniture!r} is page furniture"
    assert set(connections) == {"127.0.0.1"}


def test_fetch_follows_a_redirect_on_the_same_rules(site):
    article = fetch_article(site + "/short-link", LOOPBACK)
    assert article.final_url.endswith("/world/2026/03/14/referendum-east.html")
    assert article.url.endswith("/short-link")


# path -> (policy, phrase, reason)
REFUSED = {
    "/redirect-private": (
        LOOPBACK, "redirects to http://10.0.0.1/internal/admin): refused: 10.0.0.1 is a private",
        "loopback allowed, a redirect into the private network is not",
    ),
    "/redirect-metadata": (
        EVERYTHING, "169.254.169.254 is a link-local", "never reached, even with every option on"
    ),
    "/redirect-ftp": (LOOPBACK, "only http and https", "a redirect may not change the scheme to ftp"),
    "/loop": (LOOPBACK, "more than 5 redirects", "redirects are counted"),
    "/missing": (LOOPBACK, "the server answered 404", "HTTP errors are one line"),
    "/image.png": (LOOPBACK, "content type image/png", "only pages, text and PDF"),
    "/declared-huge": (LOOPBACK, "the page is 50,000,000 bytes", "refused from Content-Length before reading"),
    "/endless": (LOOPBACK, "larger than 5,000,000 bytes", "a body without a length stops at the limit"),
    "/gzip-bomb": (LOOPBACK, "larger than 5,000,000 bytes", "the limit counts decompressed bytes"),
    "/no-article": (LOOPBACK, "no article text found", "a page of menus is not an article"),
    "/world/2026/03/14/referendum-east.html": (
        PUBLIC_ONLY, "is this computer (loopback)", "the default reaches no local server"
    ),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(REFUSED))
def test_fetch_refusals_are_one_line_errors(site, connections, path):
    policy, phrase, reason = REFUSED[path]
    with pytest.raises(FetchError) as info:
        fetch_article(site + path, policy)
    message = str(info.value)
    assert phrase in message, (reason, message)
    assert "\n" not in message and isinstance(info.value, IngestError), "the CLI's exit 2 path"
    assert set(connections) <= {"127.0.0.1"}, "no connection to any other address"


def test_fetch_plain_text_page(site):
    article = fetch_article(site + "/notes.txt", LOOPBACK)
    assert "so-called referendum" in article.text and article.title == ""


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/slow", "the answer starts too late"), ("/drip", "each read is quick but the body never ends in time")],
)
def test_fetch_time_limit(site, monkeypatch, path, reason):
    monkeypatch.setattr(fetch, "TOTAL_SECONDS", 0.8)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out|longer than"):
        fetch_article(site + path, LOOPBACK)
    assert time.monotonic() - started < 2.5, reason


def test_fetch_localhost_name_resolves_and_is_checked(site):
    article = fetch_article(site.replace("127.0.0.1", "localhost") + "/notes.txt", LOOPBACK)
    assert "provocation" in article.text
    with pytest.raises(FetchError, match="loopback"):
        fetch_article(site.replace("127.0.0.1", "localhost") + "/notes.txt", PUBLIC_ONLY)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environ.pop(fetch.ENV_VAR, None) if env is None or fetch.ENV_VAR not in env else None
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args], capture_output=True, cwd=ROOT, env=environ, timeout=120
    )


def test_fetch_cli_annotates_a_link(site):
    result = _cli("annotate", site + "/short-link", "--no-classifier", env={fetch.ENV_VAR: "loopback"})
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["meta"]["source"]["outlet"] == "The Daily Ledger"
    assert data["meta"]["source"]["final_url"].endswith("referendum-east.html")
    assert "Kiev regime" in [a["text"] for a in data["annotations"]]


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        ((), "is this computer (loopback)"),
        (("--allow-private-urls", "loopback"), "10.0.0.1 is a private network address"),
    ],
)
def test_fetch_cli_refusals_exit_2_with_one_line(site, args, phrase):
    path = "/redirect-private" if args else "/short-link"
    result = _cli("annotate", site + path, "--no-classifier", *args)
    err = result.stderr.decode()
    assert result.returncode == 2 and phrase in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_fetch_cli_compare_takes_links_and_names_them_by_title(site):
    sample = str(ROOT / "samples" / "separatist_referendum.txt")
    result = _cli("compare", site + "/short-link", sample, "--no-classifier", env={fetch.ENV_VAR: "loopback"})
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    names = json.dumps(data)
    assert "Referendum in the east: what the vote means" in names and "separatist referendum" in names
