"""``annotator report``: corpus tables from batch results, the self-contained HTML page and its CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from annotator.batch.report import ALL_SOURCES, NO_SOURCE, corpus_tables, write_report
from annotator.cli import main


def _row(rid, source, date, words, terms, sentences):
    """A minimal batch result line: ``terms`` lexicon flags, ``sentences`` as (voice, bias)."""
    return {
        "id": rid,
        "source": source,
        "date": date,
        "text": "w " * words,
        "summary": {"words": words},
        "annotations": [{"detector": "lexicon", "term": t, "text": t} for t in terms]
        + [{"detector": "hedge", "term": "", "text": "reportedly"}],
        "sentences": [{"kind": "prose", "voice": v, "bias": b} for v, b in sentences]
        + [{"kind": "caption", "voice": "author", "bias": None}],
    }


ROWS = [
    _row("1", "Outlet <A>", "2024-01-05", 1000, ["regime", "regime", "mob"], [("author", 0.9), ("quote", 0.1)]),
    _row("2", "Outlet <A>", "2024-02-01T09:00:00Z", 500, ["mob"], [("author", 0.2), ("author", 0.7)]),
    _row("3", "B", "not a date", 2000, ["thugs"], [("reported", 0.5)]),
    _row("4", None, None, 100, [], [("author", 0.4)]),
]


@pytest.fixture
def results(tmp_path) -> Path:
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS) + '{"id": "5", "tru', encoding="utf-8")
    return path  # the last line is truncated, as after a kill: it is ignored


def test_batch_report_tables(results):
    t = corpus_tables(results)
    assert (t.documents, t.words, t.sources) == (4, 3600, [NO_SOURCE, "B", "Outlet <A>"])
    by_source = t.by_source.set_index("source")["loaded_per_1000_words"].to_dict()
    assert by_source == {"Outlet <A>": pytest.approx(1000 * 4 / 1500, abs=1e-3), "B": 0.5, NO_SOURCE: 0.0}
    assert t.by_month[["month", "loaded_terms"]].values.tolist() == [["2024-01", 3], ["2024-02", 1]]
    top = t.top_terms[t.top_terms.source == "Outlet <A>"]
    assert top["term"].tolist() == ["mob", "regime"] and top["count"].tolist() == [2, 2]  # ties by name
    voice = t.by_voice.set_index(["source", "voice"])["biased_share"].to_dict()
    assert voice[("Outlet <A>", "author")] == pytest.approx(2 / 3, abs=1e-4)
    assert voice[("Outlet <A>", "quote")] == 0.0 and voice[("B", "reported")] == 1.0  # 0.5 counts as biased
    assert voice[(ALL_SOURCES, "author")] == 0.5  # 2 of the 4 author sentences of the corpus
    assert t.by_voice["source"].iloc[0] == ALL_SOURCES


def test_batch_report_html_is_self_contained_and_escaped(results, tmp_path):
    written = write_report(results, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert soup.find_all("script") and not any(s.get("src") for s in soup.find_all("script"))  # inline, no CDN
    assert not soup.find_all("link")
    assert "Outlet <A>" not in html and "Outlet &lt;A&gt;" in html
    assert "Content-Security-Policy" in html and "plotly" in html.lower()
    names = sorted(p.name for p in written[1:])
    assert names == [
        "report.biased_by_voice.csv",
        "report.loaded_by_month.csv",
        "report.loaded_by_source.csv",
        "report.top_terms_by_source.csv",
    ]
    assert "Outlet <A>" in (tmp_path / "report.loaded_by_source.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "extra", "code", "message"),
    [
        (lambda p: p, ["--csv-dir", "CSV"], 0, "loaded_by_source.csv"),
        (lambda p: p.with_name("missing.jsonl"), [], 2, "no such file"),
        (lambda p: (p.write_text("not json\n"), p)[1], [], 2, "not a batch results file"),
    ],
)
def test_batch_report_cli(results, tmp_path, capsys, make, extra, code, message):
    extra = [str(tmp_path / "csv") if e == "CSV" else e for e in extra]
    assert main(["report", str(make(results)), "-o", str(tmp_path / "r.html"), *extra]) == code
    assert message in capsys.readouterr().err
    if code == 0:
        assert (tmp_path / "csv" / "loaded_by_source.csv").is_file()
