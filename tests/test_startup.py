"""Fast start: the command line's --version/--help and importing the engine load no scientific stack, and
the app draws its text box before it waits for the engine (which loads in a background thread).

Checked through ``sys.modules`` in a fresh interpreter, not with timings (see bench/bench_startup.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

HEAVY = ("nltk", "sklearn", "scipy", "streamlit", "pandas", "skops")


def _modules_after(code: str) -> set[str]:
    """Top-level packages imported after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, env={"PYTHONPATH": "."}
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("import annotator.cli", "the command line module"),
        ("import annotator", "the package and its public names"),
        (
            "import contextlib, io\nfrom annotator.cli import main\n"
            "for args in (['--version'], ['--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "        main(args)",
            "annotator --version and --help",
        ),
        ("import annotator.pipeline, annotator.export, annotator.lexicon", "the engine's modules, before first use"),
    ],
)
def test_startup_imports_no_scientific_stack(code, reason):
    heavy = _modules_after(code) & set(HEAVY)
    assert not heavy, f"{reason} imported {sorted(heavy)}"


def test_startup_nltk_loads_when_sentences_are_first_split():
    modules = _modules_after("from annotator.segment import segment\nsegment('One. Two.')")
    assert "nltk" in modules


def test_startup_public_names_resolve_lazily():
    import annotator
    from annotator.pipeline import Annotator, InputError, annotate

    assert (annotator.Annotator, annotator.InputError, annotator.annotate) == (Annotator, InputError, annotate)
    with pytest.raises(AttributeError):
        annotator.no_such_name  # noqa: B018 - the attribute access is the test


def test_startup_train_options_still_listed(capsys):
    from annotator.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "--data-dir" in capsys.readouterr().out


def test_startup_app_draws_the_text_box_before_the_engine_and_names_a_broken_word_list(monkeypatch):
    """A word list that cannot load stops the app with the reason; the text box was drawn before that."""
    from annotator.lexicon import LexiconError
    from annotator.ui import session

    def broken():
        raise LexiconError("loaded_terms.csv, row 3: unknown category 'x'")

    monkeypatch.setattr(session, "build_engine", broken)
    session._engine_future.clear()
    try:
        at = AppTest.from_file("../streamlit_app.py", default_timeout=60).run()
        assert not at.exception, at.exception
        assert at.text_area(key="article") is not None
        assert any("could not be loaded" in e.value and "row 3" in e.value for e in at.error)
    finally:
        session._engine_future.clear()  # the next app test loads the real engine
