import json

from annotator.compare import compare


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
