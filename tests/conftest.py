"""Shared fixtures: one engine per test session, paths to samples and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def engine():
    """The engine with the bundled lexicon and detectors but no classifier (fast, model-independent)."""
    from annotator import Annotator

    return Annotator(model=None)


@pytest.fixture(scope="session")
def ukraine_text() -> str:
    path = CORPUS / "ukraine_nato_partnership.txt"
    if not path.is_file():
        pytest.skip("../shared/corpus is not available")
    return path.read_text(encoding="utf-8")


def spans_of(doc, detector: str | None = None) -> list[str]:
    return [doc.evidence(a.span) for a in doc.annotations if detector is None or a.detector == detector]


@pytest.fixture(scope="session", autouse=True)
def _feedback_db_in_tmp(tmp_path_factory):
    """Never write reviewer feedback to the user's data directory during tests."""
    import os

    from annotator.feedback import ENV_VAR

    previous = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = str(tmp_path_factory.mktemp("feedback") / "feedback.sqlite3")
    yield
    if previous is None:
        os.environ.pop(ENV_VAR, None)
    else:
        os.environ[ENV_VAR] = previous
