"""The newsroom pages (streamlit.testing AppTest): compare two articles, edit the word list, reviewer feedback.

Data-editor edits are seeded the way AppTest supports them: the edit state (edited_rows, added_rows,
deleted_rows) is assigned to the editor's key before ``run()``, exactly what the browser sends.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from annotator.feedback import FeedbackStore, text_hash
from tests.conftest import SAMPLES
from tests.files import make_damaged_feedback_db

APP = "../streamlit_app.py"
TIMEOUT = 60
TEXT_A = (SAMPLES / "separatist_referendum.txt").read_text(encoding="utf-8")
TEXT_B = (SAMPLES / "separatist_referendum_kyiv_framing.txt").read_text(encoding="utf-8")
HOUSING = "Developers slammed the zoning grab as NIMBY obstruction, and the council bulldozed the plan through."


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _app(page: str | None = None) -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    if page:
        _run(at.switch_page(page))
    return at


def _annotate(at: AppTest, text: str) -> AppTest:
    at.text_area(key="article").set_value(text)
    at.button[0].click()
    return _run(at)


def _article(at: AppTest, index: int = 0) -> str:
    bodies = [h.value for h in at.html if 'class="fa-article"' in h.value]
    return bodies[index]


def _marked(html: str) -> list[str]:
    return re.findall(r'<mark class="fa-m"[^>]*>([^<]*)', html)


def _editor(at: AppTest, prefix: str):
    editors = [e for e in at.data_editor if (e.key or "").startswith(prefix)]
    assert len(editors) == 1, [e.key for e in at.data_editor]
    return editors[0]


def _tables(at: AppTest, column: str) -> list:
    """Read-only tables (st.dataframe keeps no key in AppTest) that have ``column``, in page order."""
    return [d.value for d in at.dataframe if d.editing_mode == "read_only" and column in d.value.columns]


def _seed(at: AppTest, key: str, edited_rows=None, added_rows=None) -> AppTest:
    at.session_state[key] = {"edited_rows": edited_rows or {}, "added_rows": added_rows or [], "deleted_rows": []}
    return _run(at)


@pytest.fixture
def feedback_db(tmp_path, monkeypatch):
    path = tmp_path / "feedback.sqlite3"
    monkeypatch.setenv("ANNOTATOR_FEEDBACK_DB", str(path))
    return path


# ---- compare -------------------------------------------------------------------------------------------


def test_app_compare_page_profiles_charts_terms_pairs_and_articles():
    at = _app("app_pages/compare.py")
    assert at.title[0].value == "Compare two articles"
    at.text_area(key="compare_text_a").set_value(TEXT_A)
    at.text_area(key="compare_text_b").set_value(TEXT_B)
    at.text_input(key="compare_name_a").set_value("Kremlin wire")
    at.text_input(key="compare_name_b").set_value("Kyiv daily")
    at.button(key="compare_run").click()
    _run(at)

    (profiles,) = _tables(at, "Measure")
    assert list(profiles.columns) == ["Measure", "Kremlin wire", "Kyiv daily", "What it means"]
    assert "Loaded terms per 100 words" in set(profiles["Measure"])
    assert len(at.get("plotly_chart")) == 4
    only_a, both, only_b = _tables(at, "Term")
    assert {"coup d'etat", "Kiev regime", "Russophobia"} <= set(only_a["Term"])
    assert {"sham election", "puppet government", "mouthpiece"} <= set(only_b["Term"])
    assert list(both["Term"]) == ["so-called"]
    (pairs,) = _tables(at, "Loaded term")
    pair = pairs[pairs["Loaded term"] == "coup d'etat"].iloc[0]
    assert pair["Neutral wording in the other text"] == "revolution" and pair["Used in"] == "Kremlin wire"
    assert len([h for h in at.html if 'class="fa-article"' in h.value]) == 2, "both articles highlighted"
    assert "coup d&#x27;etat" in _article(at, 0) or "coup d'etat" in _article(at, 0)
    assert "sham referendum" in _marked(_article(at, 1))
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Comparison report (HTML)", "Comparison data (JSON)"]


def test_app_compare_page_demo_pair_and_missing_text():
    at = _app("app_pages/compare.py")
    at.text_area(key="compare_text_a").set_value(TEXT_A)
    at.button(key="compare_run").click()
    _run(at)
    assert any("Paste an article" in w.value for w in at.warning), "B is empty"
    assert not at.get("plotly_chart")
    at.button(key="compare_demo").click()
    _run(at)
    assert at.text_area(key="compare_text_b").value == TEXT_B
    assert len(at.get("plotly_chart")) == 4


def test_app_compare_page_keeps_main_page_text_and_filters():
    at = _annotate(_app(), TEXT_A)
    at.slider(key="min_score").set_value(0.5)
    _run(at)
    _run(at.switch_page("app_pages/compare.py"))
    _run(at.switch_page("app_pages/annotate.py"))
    assert at.text_area(key="article").value == TEXT_A
    assert at.slider(key="min_score").value == 0.5


# ---- word list -----------------------------------------------------------------------------------------

UPLOAD = (
    b"term,variants,category,severity,explanation,alternatives,note\n"
    b"zoning grab,,emotional,medium,Frames a planning change as theft.,rezoning,\n"
    b"NIMBY,NIMBYs,delegitimizing_label,medium,Dismisses objectors as selfish.,residents opposed to the project,\n"
    b"bulldozed,,villainy,high,Unknown category.,approved,\n"
    b"obstruction,,emotional,extreme,Bad severity.,opposition,\n"
)


def test_app_word_list_upload_shows_bad_rows_and_applies_good_ones():
    at = _app("app_pages/word_list.py")
    at.file_uploader(key="lexicon_upload").set_value(("housing.csv", UPLOAD, "text/csv"))
    _run(at)
    assert at.success and "Added 4 row(s) from housing.csv" in at.success[0].value
    (problems,) = _tables(at, "Problem")
    assert list(problems["Term"]) == ["bulldozed", "obstruction"]
    assert "unknown category 'villainy'" in problems["Problem"].iloc[0]
    assert "severity 'extreme'" in problems["Problem"].iloc[1]
    assert any("2 row(s) have problems" in w.value for w in at.warning)

    _run(at.switch_page("app_pages/annotate.py"))
    _annotate(at, HOUSING)
    marked = _marked(_article(at))
    assert "zoning grab" in marked and "NIMBY" in marked, "good rows apply at once"
    assert "bulldozed" not in marked and "obstruction" not in marked, "bad rows are skipped"
    assert any("have problems and are skipped" in w.value for w in at.warning)


def test_app_word_list_edit_disable_and_add_rows():
    at = _app("app_pages/word_list.py")
    editor = _editor(at, "lexicon_editor")
    table = editor.value
    regime = int(table.index[table["term"] == "Kiev regime"][0])
    new_row = {
        "term": "slumlord",
        "category": "delegitimizing_label",
        "severity": "high",
        "explanation": "Brands a landlord without saying what they did.",
        "alternatives": "landlord",
        "enabled": True,
    }
    bad_row = {"enabled": True, "term": "", "category": "emotional", "severity": "low", "explanation": "No term."}
    _seed(at, editor.key, edited_rows={regime: {"enabled": False}}, added_rows=[new_row, bad_row])
    status = " ".join(m.value for m in at.markdown)
    assert "This is your edited list" in status
    (problems,) = _tables(at, "Problem")
    assert len(problems) == 1 and "empty term" in problems["Problem"].iloc[0]

    _run(at.switch_page("app_pages/annotate.py"))
    _annotate(at, "The Kiev regime evicted tenants, and a slumlord profited.")
    marked = _marked(_article(at))
    assert "slumlord" in marked, "an added row applies"
    assert "Kiev regime" not in marked, "a disabled row does not"

    _run(at.switch_page("app_pages/word_list.py"))
    assert "This is your edited list" in " ".join(m.value for m in at.markdown), "edits survive a page visit"
    at.button(key="lexicon_reset").click()
    _run(at)
    assert "bundled list, unchanged" in " ".join(m.value for m in at.markdown)


def test_app_word_list_rejects_unreadable_file():
    at = _app("app_pages/word_list.py")
    at.file_uploader(key="lexicon_upload").set_value(("bad.csv", b"term,severity\nx,high\n", "text/csv"))
    _run(at)
    assert at.error and "missing column" in at.error[0].value
    assert "bundled list, unchanged" in " ".join(m.value for m in at.markdown)


# ---- reviewer feedback ---------------------------------------------------------------------------------


def test_app_feedback_mark_flags_and_sentences_then_see_them_again(feedback_db):
    at = _annotate(_app(), TEXT_A)
    flags = _editor(at, "flag_feedback")
    first = flags.value.iloc[0]
    assert first["Text"] == "Kiev Regime" and first["Your call"] == ""
    calls = {0: {"Your call": "disagree", "Note": "headline style"}, 1: {"Your call": "agree"}}
    _seed(at, flags.key, edited_rows=calls)
    sentences = _editor(at, "sentence_feedback")
    scored = int(sentences.value["Bias"].first_valid_index())
    _seed(at, sentences.key, edited_rows={scored: {"Your call": "agree"}})

    stored = FeedbackStore(feedback_db).decisions(text_hash(TEXT_A))
    by_target = {(d.target, d.decision) for d in stored}
    assert by_target == {("annotation", "disagree"), ("annotation", "agree"), ("sentence", "agree")}
    rejected = next(d for d in stored if d.decision == "disagree")
    assert (rejected.term, rejected.note, rejected.detector) == ("Kiev regime", "headline style", "lexicon")
    assert TEXT_A[rejected.start : rejected.end] == "Kiev Regime"
    assert rejected.model_id and rejected.lexicon_version

    again = _annotate(_app(), TEXT_A)  # a new session: the calls come from the database
    table = _editor(again, "flag_feedback").value
    assert list(table["Your call"].iloc[:2]) == ["disagree", "agree"]
    assert table["Note"].iloc[0] == "headline style"
    assert any("call(s) on this text are in the feedback database" in c.value for c in again.caption)


def test_app_feedback_rejected_terms_become_the_ignore_list(feedback_db):
    at = _annotate(_app(), TEXT_A)
    flags = _editor(at, "flag_feedback")
    kiev = int(flags.value.index[flags.value["Text"] == "Kiev"][0])
    _seed(at, flags.key, edited_rows={kiev: {"Your call": "disagree"}})
    assert "Kiev" in _marked(_article(at))
    at.button(key="ignore_rejected").click()
    _run(at)
    assert at.success and "Now ignoring: kiev" in at.success[0].value
    marked = _marked(_article(at))
    assert "Kiev" not in marked and "Kiev regime" in marked, "only the rejected term is ignored"

    _run(at.switch_page("app_pages/feedback.py"))
    assert "`kiev`" in " ".join(m.value for m in at.markdown)
    assert at.metric[0].value == "1" and at.metric[2].value == "1"
    at.button(key="clear_ignored").click()
    _run(at)
    assert FeedbackStore(feedback_db).ignored_terms() == set()
    _run(at.switch_page("app_pages/annotate.py"))
    assert "Kiev" in _marked(_article(at))


@pytest.mark.parametrize("problem", ["corrupt", "damaged pages", "unwritable"])
def test_app_feedback_broken_database_keeps_annotating(tmp_path, monkeypatch, problem):
    if problem == "corrupt":
        path = tmp_path / "feedback.sqlite3"
        path.write_bytes(b"not a database " * 200)
    elif problem == "damaged pages":  # opens fine; only a check at open finds it (issue 11)
        path = make_damaged_feedback_db(tmp_path / "feedback.sqlite3")
    else:
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        path = blocker / "feedback.sqlite3"
    monkeypatch.setenv("ANNOTATOR_FEEDBACK_DB", str(path))
    at = _annotate(_app(), TEXT_A)
    assert len(_marked(_article(at))) >= 8, "highlights still work"
    assert not at.data_editor, "no editable feedback columns"
    assert len(at.dataframe) == 2, "read-only sentence and flag tables instead"
    messages = " ".join(w.value for w in at.warning)
    assert "Reviewer feedback is off" in messages and str(path) in messages
    _run(at.switch_page("app_pages/feedback.py"))
    assert at.error and "Reviewer feedback is off" in at.error[0].value


def test_app_neutral_rewrites_tab_shows_escaped_diffs():
    text = "The Kiev regime <b>staged</b> a provocation. “The Kiev regime lies,” the minister said."
    at = _annotate(_app(), text)
    diffs = [h.value for h in at.html if 'class="fa-rw"' in h.value]
    assert len(diffs) == 1
    assert "<del" in diffs[0] and "Kiev regime</del>" in diffs[0]
    assert '<ins title="neutral alternative">Ukrainian government</ins>' in diffs[0]
    assert "&lt;b&gt;staged&lt;/b&gt;" in diffs[0] and "<b>staged</b>" not in diffs[0]
    assert diffs[0].count("<li>") == 1, "the quoted sentence is not rewritten"
