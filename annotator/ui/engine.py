"""Build the app's engine: lexicon, detectors and the bias classifier if it loads and passes a self-check.

No Streamlit here (the app caches ``build_engine`` with ``st.cache_resource``; the benchmark calls it directly).
A missing, corrupt or incompatible model file never stops the app: highlights still work, sentence scores are
switched off and the reason is shown to the user.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from annotator import Annotator

log = logging.getLogger(__name__)
_PROBE = ("The council approved the budget on Tuesday.", "Critics slammed the disastrous plan.")


@dataclass(frozen=True)
class Engine:
    annotator: Annotator
    model_status: str  # "" when the classifier is loaded, else why it is not

    @property
    def key(self) -> str:
        """Changes when the word list or the model changes (part of the result cache key)."""
        info = self.annotator.model_info
        return f"{self.annotator.lexicon.version}|{info.get('model_id', 'none')}"


def load_model() -> tuple[Any, str]:
    """(model, "") or (None, reason): the classifier if it loads and can score two probe sentences."""
    try:
        from annotator.model.sentence import ModelError
        from annotator.model.stack import load_sentence_model
    except ImportError as exc:
        return None, f"the classifier code is not available ({exc})"
    try:
        model = load_sentence_model()
    except ModelError as exc:
        return None, str(exc)
    try:
        scores = model.score(list(_PROBE))
        if len(scores) != len(_PROBE) or not all(0.0 <= float(p) <= 1.0 for p, _ in scores):
            raise ValueError("scores out of range")
    except Exception as exc:  # an incompatible model file must not take the whole app down
        log.warning("bias classifier failed its self-check: %r", exc)
        return None, f"the model file failed a self-check ({exc.__class__.__name__}); retrain or reinstall it"
    return model, ""


def build_engine() -> Engine:
    model, status = load_model()
    return Engine(Annotator(model=model), status)
