"""Comparing two texts: terms only one uses, loaded/neutral pairs, the report, JSON, charts and tables."""

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup

from annotator.charts import compare_figures
from annotator.compare import compare
from annotator.export.compare_html import compare_filename, to_compare_html, to_compare_json
from annotator.render.tables import pair_rows, profile_table, term_rows
from tests.conftest import SAMPLES


def test_compare_terms_and_pairs(engine):
    a = engine.annotate("A coup d'etat in 2014 brought the Kiev regime to power.")
    b = engine.annotate("The 2014 revolution brought a new government to power in Kyiv.")
    result = compare(a, b, "Outlet A", "Outlet B")
    assert "coup d'etat" in result.only_a
    assert result.only_b == []
    assert any(p["loaded"] == "coup d'etat" and p["in"] == "A" for p in result.pairs)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["a"]["name"] == "Outlet A"
    assert data["a"]["per_100_words"]
    assert data["b"]["summary"]["loaded_terms"] == 0


@pytest.mark.parametrize(
    ("text_a", "text_b", "expected", "reason"),
    [
        ("Moscow condemned the provocation at the border.", "Kyiv called it an incident at the border.",
         [("provocation", "incident")], "the term itself, with its own alternative"),
        ("Moscow condemned the provocative acts of the army.", "The alliance would not support any action.",
         [], "another word form of the term: its alternatives were not written for it"),
        ("Moscow condemned the provocations at the border.", "Kyiv listed an incident at the border.",
         [("provocation", "incident")], "a plural is still the term"),
        ("Voters boycotted the sham referendum.", "The election was held on Sunday.",
         [], "a variant ('sham referendum' for 'sham election') does not pair with the term's alternative"),
        ("The Kiev regime spoke.", "The government of Moldova spoke.", [], "no alternative in the other text"),
    ],
)  # fmt: skip
def test_compare_pairs_only_a_term_with_its_own_alternatives(engine, text_a, text_b, expected, reason):
    pairs = compare(engine.annotate(text_a), engine.annotate(text_b)).pairs
    assert [(p["loaded"], p["neutral"]) for p in pairs] == expected, reason


# ---- report, JSON, charts and tables ------------------------------------------------------------------------

XSS_NAME = '<img src=x onerror=alert(1)>"'


@pytest.fixture(scope="module")
def twin(engine):
    a = engine.annotate((SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8"))
    twin_text = (SAMPLES / "separatist_referendum_kyiv_framing.txt").read_text(encoding="utf-8")
    b = engine.annotate("<script>alert(1)</script>\n\n" + twin_text)
    return compare(a, b, XSS_NAME, "Kyiv daily")


def test_compare_html_report_is_escaped_and_self_contained(twin):
    html = to_compare_html(twin, generated=dt.datetime(2025, 5, 30, 9, 15)).decode("utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert not soup.select("img"), "names and article text never become markup"
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(soup.select(".fa-article")) == 2 and len(soup.select(".plotly-graph-div")) == 4
    assert all(not s.get("src") for s in soup.select("script")), "plotly.js is inline"
    assert "coup d'etat" in soup.select_one("table.pairs").get_text()
    terms = soup.select(".terms .card")
    assert "Kiev regime" in terms[0].get_text() and "so-called" in terms[1].get_text()
    assert "sham election" in terms[2].get_text()
    assert "Generated 2025-05-30 09:15" in soup.select_one("footer").get_text()


def test_compare_html_without_charts_is_small(twin):
    assert len(to_compare_html(twin, include_charts=False)) < 200_000


def test_compare_json_has_schema_version_documents_and_term_details(twin):
    data = json.loads(to_compare_json(twin))
    assert data["schema_version"] == "1.0"
    assert data["a"]["name"] == XSS_NAME
    assert data["b"]["document"]["text"].startswith("<script>")
    rows = {(r["key"], r["in"]): r for r in data["term_details"]}
    assert rows[("kiev regime", "A")]["term"] == "Kiev regime"
    assert rows[("kiev regime", "A")]["other_text_says"] == "Ukrainian government"


def test_compare_figures_escape_names_and_cover_both_texts(twin):
    figures = compare_figures(twin)
    assert set(figures) == {"categories", "bias", "devices", "voice"}
    names = {trace.name for trace in figures["categories"].data}
    assert "Kyiv daily" in names and XSS_NAME not in names
    assert any("&lt;img" in (name or "") for name in names), "plotly renders HTML in names: escaped"
    devices = figures["devices"].data
    assert [list(t.y) for t in devices] == [[2, 1, 1], [2, 1, 1]]


def test_compare_tables_for_the_app(twin):
    profiles = profile_table(twin)
    assert list(profiles.columns) == ["Measure", XSS_NAME, "Kyiv daily", "What it means"]
    assert {r["Term"] for r in term_rows(twin, "A")} >= {"coup d'etat", "Russophobia"}
    assert [r["Term"] for r in term_rows(twin, "both")] == ["so-called"]
    pair = next(r for r in pair_rows(twin) if r["Loaded term"] == "coup d'etat")
    assert (pair["Used in"], pair["Neutral wording in the other text"]) == (XSS_NAME, "revolution")
    same = compare(twin.a, twin.b, "Outlet", "Outlet")
    assert list(profile_table(same).columns)[1:3] == ["Outlet (A)", "Outlet (B)"]


def test_compare_filename_is_safe(twin):
    name = compare_filename(twin, "html", date=dt.date(2025, 5, 30))
    assert name == "img-src-x-onerror_vs_kyiv-daily_framing-comparison_2025-05-30.html"
