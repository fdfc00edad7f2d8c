"""The learned parts of the annotator, one job per module.

- ``data``: BABE sentences, labels and the held-out test split (read from ../shared/data).
- ``features``: the sentence classifier's scikit-learn feature blocks.
- ``sentence``: the shipped sentence classifier at run time (``BiasModel``: safe loading, scores, top terms).
- ``training`` / ``evaluation`` / ``metrics`` / ``card`` / ``commands``: ``annotator train`` and
  ``annotator evaluate`` for the sentence classifier (models/metrics.json, models/MODEL_CARD.md).
- ``word_data`` / ``word_features`` / ``word_training`` / ``words``: the loaded-word detector's data,
  per-token features, training, and run-time model (models/loaded_words.npz).
- ``word_eval`` and ``basil``: word-level evaluation on BABE and span-level evaluation on BASIL
  (evaluation only).
"""
