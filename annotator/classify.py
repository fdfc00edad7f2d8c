"""Compatibility: the sentence classifier moved to ``annotator.model.sentence``."""

from annotator.model.sentence import *  # noqa: F403
from annotator.model.sentence import BiasModel, ModelError, default_model_path, file_sha256  # noqa: F401
