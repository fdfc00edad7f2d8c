"""Compatibility: the classifier's features moved to ``annotator.model.features``.

Model files trained before the move name their classes under this module; skops imports them from here.
"""

from annotator.model.features import *  # noqa: F403
from annotator.model.features import (  # noqa: F401
    AuxStackedLogisticRegression,
    CompactCountVectorizer,
    CompactTfidfVectorizer,
    LexiconCounts,
    MarkedWordRates,
    QuoteFeatures,
    ValenceFeatures,
    WordVectorMean,
)
