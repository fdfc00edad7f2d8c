"""Framing detectors behind one interface, found by stable id in ``REGISTRY``.

Adding a detector: write a module with a ``Detector`` subclass decorated with ``@register`` and import it
below; its ``id`` is what the JSON, the CLI and the app use.
"""

from annotator.detectors import anonymous_sources, hedges, lexicon_terms, loaded_words, scare_quotes  # noqa: F401
from annotator.detectors.base import REGISTRY, Context, Detector, register

DEFAULT_DETECTORS = ("lexicon", "scare_quote", "anonymous_source", "hedge", "loaded_word")

__all__ = ["DEFAULT_DETECTORS", "REGISTRY", "Context", "Detector", "register"]
