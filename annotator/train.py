"""Compatibility: ``python -m annotator.train [train|evaluate]`` and the old module of the training code.

Training and evaluation live in ``annotator.model`` (data, training, evaluation, card, commands).
"""

import sys

from annotator.model.card import *  # noqa: F403
from annotator.model.commands import *  # noqa: F403
from annotator.model.commands import main
from annotator.model.data import *  # noqa: F403
from annotator.model.data import _parse_words  # noqa: F401
from annotator.model.evaluation import *  # noqa: F403
from annotator.model.metrics import *  # noqa: F403
from annotator.model.metrics import _r  # noqa: F401
from annotator.model.training import *  # noqa: F403
from annotator.model.training import _as_aux, _as_marked, _as_text  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
