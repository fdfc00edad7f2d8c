"""Media bias and framing annotator: loaded terms, framing devices and sentence bias scores with offsets.

from annotator import annotate
doc = annotate(text)          # Document with sentences, annotations and meta
Annotator(lexicons=["my.csv"]).annotate(text)
"""

__version__ = "0.1.0"

from annotator.document import Annotation, Document, Sentence, Span
from annotator.pipeline import Annotator, InputError, annotate

__all__ = ["Annotation", "Annotator", "Document", "InputError", "Sentence", "Span", "__version__", "annotate"]
