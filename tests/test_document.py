import json

import pytest

from annotator.document import Annotation, Document, Sentence, Span


def test_document_span_rejects_negative_or_reversed():
    with pytest.raises(ValueError):
        Span(5, 2)
    with pytest.raises(ValueError):
        Span(-1, 2)


def test_document_json_round_trip(engine):
    doc = engine.annotate('The so-called "experts" say the Kiev regime staged a provocation.')
    data = json.loads(json.dumps(doc.to_dict()))
    assert data["schema_version"] == "1.1"
    again = Document.from_dict(data)
    assert again.text == doc.text
    assert again.sentences == doc.sentences
    assert again.annotations == doc.annotations
    for a in data["annotations"]:
        assert doc.text[a["start"] : a["end"]] == a["text"]


def test_document_from_dict_rejects_drifted_text():
    doc = Document(
        text="abc def",
        sentences=(Sentence(Span(0, 7)),),
        annotations=(Annotation(Span(0, 3), "lexicon", "emotional", 0.5, "why"),),
    )
    data = doc.to_dict()
    data["annotations"][0]["text"] = "xyz"
    with pytest.raises(ValueError, match="does not match"):
        Document.from_dict(data)


def test_document_from_dict_rejects_unknown_schema():
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_dict({"schema_version": "9.0", "text": "x"})


def test_document_json_export_validates_against_schema(engine):
    import jsonschema

    from annotator.document import SCHEMA_FILE
    from annotator.export import write

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    doc = engine.annotate("“The Kiev regime lies,” he said. Experts believe it.\n\n  • © Photo Agency")
    jsonschema.validate(json.loads(write(doc, "json")), schema)
