"""The command line: output formats and one-line errors with exit code 2 on bad input."""

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.conftest import DATA, SAMPLES


def run(*args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "annotator", *args], input=stdin, capture_output=True, timeout=120)


def test_cli_annotate_json(tmp_path):
    out = tmp_path / "out.json"
    result = run("annotate", str(SAMPLES / "separatist_referendum.txt"), "--no-classifier", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.1"
    assert {"text", "sentences", "annotations", "meta"} <= set(data)
    first = data["annotations"][0]
    assert {"start", "end", "text", "detector", "category", "score", "explanation", "alternatives", "voice"} <= set(
        first
    )
    assert data["text"][first["start"] : first["end"]] == first["text"]


def test_cli_annotate_stdin_csv_and_md():
    text = b"Experts believe the so-called referendum was a provocation."
    result = run("annotate", "-", "--format", "csv", "--no-classifier", stdin=text)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8-sig"))))
    assert {r["row_type"] for r in rows} == {"annotation", "sentence"}
    result = run("annotate", "-", "--format", "md", "--no-classifier", stdin=text)
    assert result.returncode == 0
    assert b"# Framing report" in result.stdout


def test_cli_annotate_extra_lexicon(tmp_path):
    lex = tmp_path / "beat.csv"
    lex.write_text(
        "term,variants,category,severity,explanation,alternatives,note\n"
        "zoning grab,,emotional,medium,Frames a rule change as theft.,rezoning,\n",
        encoding="utf-8",
    )
    result = run("annotate", "-", "--lexicon", str(lex), "--no-classifier", stdin=b"The council's zoning grab passed.")
    assert result.returncode == 0, result.stderr
    assert any(a["text"] == "zoning grab" for a in json.loads(result.stdout)["annotations"])


def _bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"   \n\t ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    (tmp_path / "big.txt").write_bytes(b"word " * 1_100_000)
    (tmp_path / "bad.csv").write_text("term,category\nx,emotional\n", encoding="utf-8")
    return {
        "missing file": (["annotate", str(tmp_path / "nope.txt")], "no such file"),
        "directory": (["annotate", str(tmp_path)], "is a directory"),
        "whitespace only": (["annotate", str(tmp_path / "empty.txt")], "no text found"),
        "binary data": (["annotate", str(tmp_path / "binary.txt")], "binary"),
        "invalid UTF-8": (["annotate", str(tmp_path / "latin1.txt")], "byte offset 3"),
        "too large": (["annotate", str(tmp_path / "big.txt")], "limit is 5,000,000 bytes"),
        "malformed lexicon": (
            ["annotate", str(SAMPLES / "border_surge.txt"), "--lexicon", str(tmp_path / "bad.csv")],
            "missing column",
        ),
    }


@pytest.mark.parametrize(
    "case",
    ["missing file", "directory", "whitespace only", "binary data", "invalid UTF-8", "too large", "malformed lexicon"],
)
def test_cli_bad_input_one_line_error(tmp_path, case):
    args, message = _bad_inputs(tmp_path)[case]
    result = run(*args, "--no-classifier")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert message in err, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_empty_stdin_is_an_error():
    result = run("annotate", "-", "--no-classifier", stdin=b"")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr.decode()


# ---- compare ---------------------------------------------------------------------------------------------

PAIR = (str(SAMPLES / "separatist_referendum.txt"), str(SAMPLES / "separatist_referendum_kyiv_framing.txt"))


def test_cli_compare_json_golden(tmp_path):
    """Two framings of one referendum: the terms only each uses, both use, and loaded/neutral pairs."""
    golden = json.loads((DATA / "compare_golden.json").read_text(encoding="utf-8"))
    out = tmp_path / "cmp.json"
    result = run("compare", *PAIR, "--no-classifier", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert b"6 terms only in A, 6 only in B, 1 in both, 4 pairs" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0"
    assert data["terms"] == golden["terms"]
    assert data["pairs"] == golden["pairs"]
    assert data["a"]["name"] == "separatist referendum"
    assert data["a"]["document"]["text"] == (SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8")
    assert data["b"]["summary"]["anonymous_sources"] == 2
    details = {(d["key"], d["in"]): d for d in data["term_details"]}
    assert details[("coup d'etat", "A")]["other_text_says"] == "revolution"
    assert details[("so-called", "both")]["count_a"] == details[("so-called", "both")]["count_b"] == 1


def test_cli_compare_html_parses_and_is_self_contained(tmp_path):
    import lxml.html

    out = tmp_path / "cmp.html"
    result = run("compare", *PAIR, "--format", "html", "--name-a", "<b>Wire</b>", "--name-b", "Daily", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    assert len(tree.xpath("//div[@class='fa-article']")) == 2
    assert len(tree.xpath("//div[contains(@class, 'plotly-graph-div')]")) == 4
    assert "<b>Wire</b>" not in html and "&lt;b&gt;Wire&lt;/b&gt;" in html
    assert not tree.xpath("//script[@src] | //link[@href]"), "no external resources"
    assert "Content-Security-Policy" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "nope.txt", PAIR[1]], "no such file"),
        (["compare", "-", "-"], "only one of A and B can be -"),
    ],
    ids=["missing file", "two stdins"],
)
def test_cli_compare_bad_input_one_line_error(args, message):
    result = run(*args, "--no-classifier")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_tampered_model_is_a_one_line_error(tmp_path):
    import os
    import shutil

    from tests.conftest import ROOT

    shutil.copy(ROOT / "models" / "metrics.json", tmp_path / "metrics.json")
    (tmp_path / "bias_model.skops").write_bytes(b"not a model")
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "annotate", "-"],
        input=b"The regime lied.",
        capture_output=True,
        timeout=120,
        env={**os.environ, "ANNOTATOR_MODEL_DIR": str(tmp_path)},
    )
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "bias_model.skops" in err and "annotator train" in err
    assert len(err.strip().splitlines()) == 1
