"""Sentence scores stacked with word evidence: loading, exact explanations, faithfulness, errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from annotator.model.sentence import BiasModel, ModelError, _shown_terms
from annotator.model.stack import STACK_FILE, StackedBiasModel, StackError, load_sentence_model
from tests.conftest import ROOT, SHARED

MODELS = ROOT / "models"


@pytest.fixture(scope="module")
def stacked():
    model = load_sentence_model()
    assert isinstance(model, StackedBiasModel), "the bundled models/ ship a sentence_stack.json"
    return model


def test_stack_scores_match_predict_proba_and_stay_in_range(stacked):
    texts = ["Critics slammed the reckless plan.", "The council met on Tuesday.", ""]
    probs = stacked.predict_proba(texts)
    scored = stacked.score(texts)
    assert np.allclose(probs, [p for p, _ in scored])
    assert all(0.0 < p < 1.0 for p in probs)


@pytest.mark.parametrize(
    "sentence, word, reason",
    [
        ("The senator's reckless scheme enraged voters across the state.", "reckless", "an adjective of judgement"),
        ("Critics slammed the governor's disastrous budget.", "disastrous", "a verdict on a budget"),
        ("The candidates continued their mudslinging into the final week.", "mudslinging", "a loaded noun"),
        ("Republicans blasted the radical proposal on Tuesday.", "radical", "a label"),
    ],
)
def test_stack_removing_a_flagged_word_lowers_its_sentence_score(stacked, sentence, word, reason):
    without = sentence.replace(word + " ", "", 1)
    assert without != sentence
    before, after = stacked.predict_proba([sentence, without])
    assert after < before, reason


def test_stack_flagged_words_carry_their_evidence_in_top_terms(stacked):
    ((_, terms),) = stacked.score(["The candidates continued their mudslinging into the final week."])
    weights = dict(terms)
    assert weights.get("mudslinging", 0) > 0
    assert terms[0][0] != "[common words]"


def test_stack_pipeline_reuses_the_documents_word_scores_faithfully(stacked):
    """annotate() scores each document's words once (for the flags) and feeds them to the sentence scores; on
    text without quotation marks that gives exactly the scores of each sentence scored on its own."""
    from annotator import Annotator

    text = (
        "Critics slammed the governor's disastrous budget on Monday. The council met on Tuesday.\n\n"
        "The senator's reckless scheme enraged voters across the state. Officials said the vote was delayed."
    )
    engine = Annotator()
    assert engine.model.words is engine.detectors[[d.id for d in engine.detectors].index("loaded_word")].model
    doc = engine.annotate(text)
    prose = [s for s in doc.sentences if s.kind == "prose"]
    alone = stacked.score([text[s.span.start : s.span.end] for s in prose])
    assert len(prose) == 4
    for sentence, (p, terms) in zip(prose, alone, strict=True):
        assert sentence.bias == pytest.approx(p, abs=1e-9)
        assert tuple(sentence.top_terms) == terms


def test_stack_evidence_must_match_the_sentences(stacked):
    with pytest.raises(ValueError, match="evidence"):
        stacked.score(["One sentence.", "Two sentences."], evidence=[])


def test_stack_plain_classifier_without_the_stack_file(tmp_path):
    for name in ("bias_model.skops", "metrics.json", "loaded_words.npz"):
        shutil.copy(MODELS / name, tmp_path / name)
    model = load_sentence_model(tmp_path / "bias_model.skops")
    assert isinstance(model, BiasModel)


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda r: {**r, "weights": {**r["weights"], "max": "x"}}, "a weight that is not a number"),
        (lambda r: {**r, "format_version": 7}, "another format"),
        (lambda r: {**r, "intercept": float("inf")}, "a non-finite weight"),
        (lambda r: {**r, "word_model_sha256": "0" * 64}, "fitted for another word model"),
        (None, "not JSON"),
    ],
)
def test_stack_bad_stack_file_is_one_clear_error(tmp_path, change, reason):
    for name in ("bias_model.skops", "metrics.json", "loaded_words.npz"):
        shutil.copy(MODELS / name, tmp_path / name)
    if change is None:
        (tmp_path / STACK_FILE).write_text("{not json", encoding="utf-8")
    else:
        record = json.loads((MODELS / STACK_FILE).read_text(encoding="utf-8"))
        (tmp_path / STACK_FILE).write_text(json.dumps(change(record)), encoding="utf-8")
    with pytest.raises(StackError) as exc:
        load_sentence_model(tmp_path / "bias_model.skops")
    assert isinstance(exc.value, ModelError) and "\n" not in str(exc.value), reason


def test_stack_missing_word_model_is_a_model_error(tmp_path):
    for name in ("bias_model.skops", "metrics.json", STACK_FILE):
        shutil.copy(MODELS / name, tmp_path / name)
    with pytest.raises(StackError):
        load_sentence_model(tmp_path / "bias_model.skops")


def test_stack_ukraine_quote_no_longer_explained_by_common_words(stacked, ukraine_text):
    from annotator import Annotator

    doc = Annotator(model=stacked).annotate(ukraine_text)
    for s in doc.sentences:
        if s.top_terms:
            assert s.top_terms[0][0] != "[common words]"


needs_data = pytest.mark.skipif(not (SHARED / "data" / "babe").is_dir(), reason="../shared/data is not available")


@needs_data
def test_stack_test_split_numbers_match_metrics(stacked):
    from sklearn.metrics import f1_score

    from annotator.model import data as D
    from annotator.model import training as T

    recorded = json.loads((MODELS / "metrics.json").read_text(encoding="utf-8"))["sentence_stack"]["test"]
    _, test_df = T.split_frames(D.load_sg2(SHARED / "data"), D.read_test_split(MODELS / D.TEST_SPLIT_FILE))
    p = stacked.predict_proba(list(test_df["text"]))
    got = f1_score(test_df["y"].to_numpy(), p >= 0.5, average="macro")
    assert got == pytest.approx(recorded["stacked"]["macro_f1"], abs=1e-4)
    assert recorded["stacked"]["macro_f1"] >= 0.78


def test_stack_batch_evidence_features_equal_each_sentences_own():
    """The batch computation of (sum, max, count) gives each sentence's own values, empty sentences included."""
    from annotator.model.stack import _Flat

    rng = np.random.default_rng(3)
    evidence = [("", [], np.zeros(0)), ("", [], np.array([0.24]))]
    evidence += [("", [], rng.random(int(rng.integers(0, 30)))) for _ in range(200)]
    got = _Flat(evidence).features(0.24)
    want = [[p.sum(), p.max(), (p >= 0.24).sum()] if len(p) else [0.0, 0.0, 0.0] for _, _, p in evidence]
    assert np.allclose(got, np.asarray(want, dtype=np.float64), rtol=0, atol=1e-12)
    assert got[1].tolist() == [0.24, 0.24, 1.0]
    assert _Flat([]).features(0.24).shape == (0, 3)


def test_stack_term_weights_sum_classifier_and_word_parts(stacked):
    """Each shown weight is the term's whole share of the stacked log-odds: its classifier contributions times
    the stack's classifier weight plus its word evidence (not the evidence alone when the classifier part of
    the same word falls outside the classifier's own top terms)."""
    from annotator.model.stack import _Flat

    sentence = (
        "Open-borders activists, meanwhile, rallied outside the Palo Seco processing center on Tuesday afternoon, "
        "holding signs that read \u201cNo Human Is Illegal\u201d and calling for the facility to be closed."
    )
    ((_, terms),) = stacked.score([sentence], top_k=50)
    _, raw = stacked.base.contributions([sentence])
    evidence = stacked._evidence([sentence])
    blocks = [(r, c, np.asarray(v) * stacked._a, t) for r, c, v, t in raw]
    blocks.append(stacked._word_extras(_Flat(evidence), evidence))
    whole: dict[str, float] = {}
    for _, codes, values, table in blocks:
        shown = _shown_terms([table[i] for i in np.asarray(codes).tolist()])
        for name, value in zip(shown, np.asarray(values).tolist(), strict=True):
            whole[name] = whole.get(name, 0.0) + value
    assert "afternoon" in whole
    for name, weight in terms:
        assert weight == pytest.approx(whole[name], abs=1e-4)
    # the word evidence alone would push; with the word's classifier part it does not
    assert dict(terms).get("afternoon", 0.0) < 0.1
