"""Media bias and framing annotator: loaded terms, framing devices and sentence bias scores with offsets.

from annotator import annotate
doc = annotate(text)          # Document with sentences, annotations and meta
Annotator(lexicons=["my.csv"]).annotate(text)

The engine (nltk, the lexicon, the detectors) loads on first use of ``annotate``, ``Annotator`` or
``InputError`` (PEP 562 module ``__getattr__``), so ``annotator --version`` and ``--help`` start at once.
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from annotator.document import Annotation, Document, Sentence, Span

if TYPE_CHECKING:
    from annotator.pipeline import Annotator, InputError, annotate

_FROM_PIPELINE = ("Annotator", "InputError", "annotate")


def __getattr__(name: str) -> Any:
    if name in _FROM_PIPELINE:
        from annotator import pipeline

        value = globals()[name] = getattr(pipeline, name)
        return value
    raise AttributeError(f"module 'annotator' has no attribute {name!r}")


__all__ = ["Annotation", "Annotator", "Document", "InputError", "Sentence", "Span", "__version__", "annotate"]
