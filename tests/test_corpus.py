"""The real article in ../shared/corpus (skipped where ../shared is absent)."""

from tests.conftest import spans_of


def test_corpus_ukraine_loaded_terms(engine, ukraine_text):
    doc = engine.annotate(ukraine_text)
    lexicon = [s.lower() for s in spans_of(doc, "lexicon")]
    assert "coup d'etat" in lexicon
    assert lexicon.count("russophobia") == 3


def test_corpus_ukraine_anonymous_sources(engine, ukraine_text):
    sources = spans_of(engine.annotate(ukraine_text), "anonymous_source")
    for phrase in (
        "The RT source in the Servant of the People party",
        "a RT source in the office of the President of Ukraine",
        "the interlocutor of RT in the Ukrainian Foreign Ministry",
        "as analysts state",
    ):
        assert phrase in sources


def test_corpus_ukraine_captions_and_credits_are_not_prose(engine, ukraine_text):
    doc = engine.annotate(ukraine_text)
    kinds = {doc.evidence(s.span): s.kind for s in doc.sentences}
    assert kinds["RIA News"] == "credit"
    assert kinds["© Mikhail Palinchak"] == "credit"
    assert kinds["Military personnel of Ukraine and the United States during the Rapid Trident 2020 exercise"] == (
        "caption"
    )
    assert kinds["Thirty years later"] == "heading"
    assert kinds["Trade in Russophobia"] == "heading"
    assert all(s.bias is None for s in doc.sentences if s.kind != "prose")


def test_corpus_ukraine_quoted_words_have_quote_voice(engine, ukraine_text):
    doc = engine.annotate(ukraine_text)
    voices = [(doc.evidence(a.span), a.voice) for a in doc.annotations if a.detector == "lexicon"]
    russophobia = [v for t, v in voices if t == "Russophobia"]
    assert russophobia.count("quote") == 2  # both in Podberezkin's quote; the third is a heading
    coup = [v for t, v in voices if t == "coup d'etat"]
    assert coup == ["author"]
    quote_sentence = next(s for s in doc.sentences if doc.evidence(s.span).startswith("“This is just a formal"))
    assert quote_sentence.voice == "quote"
