"""BABE data for the sentence classifier and the word detector: loading, labels, the held-out test split.

Data are read from ../shared/data (relative to the repository), ``--data-dir`` or ``ANNOTATOR_DATA_DIR``;
they are never copied into the repository.
"""

from __future__ import annotations

import ast
import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODELS_DIR = REPO_ROOT / "models"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
MODEL_FILE = "bias_model.skops"
METRICS_FILE = "metrics.json"
TEST_SPLIT_FILE = "test_split.txt"
CARD_FILE = "MODEL_CARD.md"
SEED = 42
N_FOLDS = 5
TEST_SIZE = 0.2

OPINION_LABELS = {  # BABE's label_opinion -> the auxiliary label "the sentence expresses the writer's opinion"
    "Entirely factual": 0,
    "Somewhat factual but also opinionated": 0,
    "Expresses writer's opinion": 1,
}


class DataError(Exception):
    """The training data are missing or unreadable (reported as one line, exit code 2)."""


# ---------------------------------------------------------------------------------------------- data


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    d = Path(data_dir or os.environ.get("ANNOTATOR_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()
    if not (d / "babe" / "final_labels_SG2.csv").is_file():
        raise DataError(
            f"data directory {d} has no babe/final_labels_SG2.csv "
            "(pass --data-dir or set ANNOTATOR_DATA_DIR to the shared data folder)"
        )
    if not (d / "lexicons").is_dir():
        raise DataError(f"data directory {d} has no lexicons/ folder (Recasens word lists)")
    return d


def text_sha(text: str) -> str:
    """SHA-256 hex of a sentence's text field (UTF-8, stripped): the id used in test_split.txt."""
    return hashlib.sha256(str(text).strip().encode("utf-8")).hexdigest()


def load_sg2(data_dir: Path):
    """BABE SG2 sentences with a Biased / Non-biased expert label (``No agreement`` dropped)."""
    import pandas as pd

    path = data_dir / "babe" / "final_labels_SG2.csv"
    try:
        df = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    except Exception as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    missing = {"text", "outlet", "label_bias", "biased_words"} - set(df.columns)
    if missing:
        raise DataError(f"{path} lacks columns {sorted(missing)}")
    df = df[df["label_bias"].isin(["Biased", "Non-biased"])].reset_index(drop=True)
    df["text"] = df["text"].astype(str).str.strip()
    df["y"] = (df["label_bias"] == "Biased").astype(int)
    df["sha"] = [text_sha(t) for t in df["text"]]
    df["marked"] = [_parse_words(b) for b in df["biased_words"]]
    opinion = df["label_opinion"] if "label_opinion" in df.columns else [None] * len(df)
    df["opinion"] = [OPINION_LABELS.get(str(v).replace("\u2019", "'"), -1) for v in opinion]
    # BABE's outlet leaning: "center" -> 1, "left"/"right" -> 0, unknown -> -1
    leaning = df["type"] if "type" in df.columns else [None] * len(df)
    df["center_outlet"] = [{"center": 1, "left": 0, "right": 0}.get(str(v).strip().lower(), -1) for v in leaning]
    return df


def _parse_words(value) -> list[str]:
    try:
        words = ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        return []
    return [str(w) for w in words] if isinstance(words, (list, tuple)) else []


def load_mbic(data_dir: Path):
    import warnings

    import pandas as pd

    path = data_dir / "babe" / "final_labels_MBIC.xlsx"
    if not path.is_file():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pd.read_excel(path)
    df["text"] = df["text"].astype(str).str.strip()
    df["sha"] = [text_sha(t) for t in df["text"]]
    return df


def make_test_split(df, seed: int = SEED, test_size: float = TEST_SIZE) -> set[str]:
    """Hashes of the held-out sentences: 20% stratified by label x outlet (rare strata merged)."""
    from sklearn.model_selection import train_test_split

    uniq = df.drop_duplicates("sha")
    strata = uniq["label_bias"] + "|" + uniq["outlet"].astype(str)
    counts = strata.value_counts()
    strata = strata.where(strata.map(counts) >= 5, uniq["label_bias"] + "|other")
    counts = strata.value_counts()
    for st in counts[counts < 2].index:  # a lone sentence joins its label's largest stratum
        lab = st.split("|")[0]
        strata = strata.replace(st, strata[strata.str.startswith(lab + "|")].value_counts().index[0])
    _, test = train_test_split(uniq, test_size=test_size, stratify=strata, random_state=seed)
    return set(test["sha"])


def read_test_split(path: Path) -> set[str]:
    return {ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()}


def write_test_split(path: Path, hashes: set[str]) -> None:
    path.write_text("".join(h + "\n" for h in sorted(hashes)), encoding="utf-8")
