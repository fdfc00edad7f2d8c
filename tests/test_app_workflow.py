"""The newsroom pages (streamlit.testing AppTest): compare two articles, edit the word list, reviewer feedback.

Data-editor edits are seeded the way AppTest supports them: the edit state (edited_rows, added_rows,
deleted_rows) is assigned to the editor's key before ``run()``, exactly what the browser sends.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from annotator.feedback import FeedbackStore, text_hash
from annotator.ui.feedback_page import TABLE_KEYS
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
    only_a, only_b, both = _tables(at, "Term")
    assert list(only_a.columns[:2]) == ["Term", "Category"], "the category is never pushed off-screen"
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


def _select(at: AppTest, kind: str, rows: list[int]) -> AppTest:
    """Tick rows of the Flags ("flags") or Sentences ("sentences") table, as a click on their boxes does."""
    key = at.session_state[TABLE_KEYS][kind]
    at.session_state[key] = {"selection": {"rows": rows, "columns": []}}
    return _run(at)


def _flag_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Uses" in d.value.columns or "Count" in d.value.columns)


def _as(at: AppTest, reviewer: str) -> AppTest:
    at.text_input(key="reviewer").set_value(reviewer)
    return _run(at)


def test_app_feedback_mark_flags_and_sentences_then_see_them_again(feedback_db):
    at = _as(_annotate(_app(), TEXT_A), "Ana")
    flags = _flag_table(at)
    assert flags["Text"].iloc[0] == "Kiev Regime / Kiev regime" and flags["Count"].iloc[0] == 2
    assert flags["Your call"].iloc[0] == ""
    assert at.button(key="flags_disagree").disabled, "nothing selected yet"
    _select(at, "flags", [0])
    note_key = at.session_state[TABLE_KEYS]["flags"] + "_note"
    at.text_input(key=note_key).set_value("headline style")
    at.button(key="flags_disagree").click()
    _run(at)
    assert at.success and "Saved “disagree” on 1 row(s) for Ana" in at.success[0].value
    _select(at, "flags", [1])
    at.button(key="flags_agree").click()
    _run(at)
    sentences = next(d.value for d in at.dataframe if "Sentence" in d.value.columns)
    scored = int(sentences["Bias"].first_valid_index())
    _select(at, "sentences", [scored])
    at.button(key="sentences_agree").click()
    _run(at)

    stored = FeedbackStore(feedback_db).decisions(text_hash(TEXT_A))
    rejected = [d for d in stored if d.decision == "disagree"]
    assert len(rejected) == 2, "a call on a grouped row is a call on each use"
    assert {(d.term, d.note, d.detector, d.reviewer) for d in rejected} == {
        ("Kiev regime", "headline style", "lexicon", "Ana")
    }
    assert sorted(TEXT_A[d.start : d.end] for d in rejected) == ["Kiev Regime", "Kiev regime"]
    assert {(d.target, d.decision) for d in stored} == {
        ("annotation", "disagree"), ("annotation", "agree"), ("sentence", "agree")
    }  # fmt: skip
    assert all(d.model_id and d.lexicon_version and d.reviewer == "Ana" for d in stored)

    again = _as(_annotate(_app(), TEXT_A), "Ana")  # a new session: the calls come from the database
    table = _flag_table(again)
    assert list(table["Your call"].iloc[:2]) == ["✗ disagree", "✓ agree"]
    assert table["Note"].iloc[0] == "headline style"
    assert any("call(s) by you on this text are in the feedback database" in c.value for c in again.caption)
    other = _as(_annotate(_app(), TEXT_A), "Ben")
    assert list(_flag_table(other)["Your call"].iloc[:2]) == ["", ""], "Ben does not see Ana's calls as his"


def test_app_feedback_ignore_list_is_per_reviewer_and_announced(feedback_db):
    at = _as(_annotate(_app(), TEXT_A), "Ana")
    flags = _flag_table(at)
    kiev = int(flags.index[flags["Text"] == "Kiev"][0])
    _select(at, "flags", [kiev])
    at.button(key="flags_disagree").click()
    _run(at)
    assert "Kiev" in _marked(_article(at))
    at.button(key="ignore_rejected").click()
    _run(at)
    assert any("Now ignoring: kiev" in m.value for m in at.success)
    marked = _marked(_article(at))
    assert "Kiev" not in marked and "Kiev regime" in marked, "only the rejected term is ignored"
    notice = " ".join(i.value for i in at.info)
    assert "1 term(s) hidden by Ana’s ignore list (3 flag(s)): Kiev" in notice
    at.button(key="show_ignored").click()  # one click shows them again
    _run(at)
    assert "Kiev" in _marked(_article(at))
    assert any("Showing 3 flag(s)" in i.value for i in at.info)
    at.button(key="hide_ignored").click()
    _run(at)
    assert "Kiev" not in _marked(_article(at))

    ben = _as(_annotate(_app(), TEXT_A), "Ben")  # another reviewer on the same server
    assert "Kiev" in _marked(_article(ben)), "Ana's list does not hide anything for Ben"
    assert not any("ignore list" in i.value for i in ben.info)
    nameless = _annotate(_app(), TEXT_A)
    assert "Kiev" in _marked(_article(nameless))

    _run(at.switch_page("app_pages/compare.py"))  # the same list, said and undoable on the Compare page
    at.button(key="compare_demo").click()
    _run(at)
    assert "Kiev" not in _marked(_article(at, 0)) and "Kiev regime" in _marked(_article(at, 0))
    assert any("hidden by Ana’s ignore list" in i.value for i in at.info)

    _run(at.switch_page("app_pages/feedback.py"))
    assert "`kiev`" in " ".join(m.value for m in at.markdown)
    assert at.metric[0].value == "3" and at.metric[2].value == "3", "one call per use of Kiev"
    at.button(key="clear_ignored").click()
    _run(at)
    assert FeedbackStore(feedback_db).ignored_terms("Ana") == set()
    _run(at.switch_page("app_pages/annotate.py"))
    assert "Kiev" in _marked(_article(at))


def test_app_hide_a_category_in_one_click_and_cards_show_totals():
    at = _annotate(_app(), TEXT_A)
    total = int(at.metric[3].value)
    (pills,) = at.get("button_group")
    assert "Naming choice (3)" in [o.content for o in pills.proto.options], "each category with its count"
    pills.set_value(["naming_choice"])  # one click on its pill
    _run(at)
    marks = _marked(_article(at))
    assert "Kiev" not in marks and "Kiev regime" in marks, "naming choices hidden, the rest stays"
    shown = total - 3
    assert at.metric[3].value == f"{shown} of {total}"
    next(b for b in at.sidebar.button if b.label == "Reset filters").click()
    _run(at)
    assert at.metric[3].value == str(total)


def _scripts(at: AppTest, marker: str) -> list[str]:
    """The app's helper scripts (one-pixel iframes) whose code contains ``marker``."""
    return [e.proto.srcdoc for e in at.get("iframe") if marker in e.proto.srcdoc]


def test_app_scrolls_to_the_results_once_after_annotate():
    at = _annotate(_app(), TEXT_A)
    assert any('id="fa-results"' in h.value for h in at.html)
    assert len(_scripts(at, "fa-results")) == 1, "one scroll script after Annotate"
    assert len(_scripts(at, "fa-up")) == 1, "the tooltip placement script is on the page"
    at.slider(key="min_score").set_value(0.5)
    _run(at)
    assert not _scripts(at, "fa-results"), "moving a filter does not scroll the page again"


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
