"""``annotator train`` and ``annotator evaluate`` (also ``python -m annotator.train``): arguments and runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.model.data import DEFAULT_MODELS_DIR, SEED, DataError, resolve_data_dir
from annotator.model.evaluation import evaluate
from annotator.model.stack import evaluate_stack, fit_stack
from annotator.model.training import load_feedback, train_model


def _add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder with babe/ and lexicons/ (default: $ANNOTATOR_DATA_DIR or ../shared/data)",
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_MODELS_DIR),
        metavar="DIR",
        help="models folder (default: models/); use the model in DIR with ANNOTATOR_MODEL_DIR=DIR",
    )
    parser.add_argument("--subset", type=int, default=None, help="train on only N sentences (quick tests)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")


def _add_only_argument(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--only",
        choices=("sentence", "words"),
        default=None,
        help=f"{verb} only the sentence classifier or only the loaded-word detector (default: both)",
    )


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common_arguments(parser)
    _add_only_argument(parser, "train")
    parser.add_argument(
        "--feedback",
        metavar="DB",
        default=None,
        help="reviewer-feedback database (SQLite): add its agreed/disagreed sentences as training rows "
        "(never test-split sentences) and report the test-split change",
    )


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common_arguments(parser)
    _add_only_argument(parser, "evaluate")
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel CV fits (default 2)")
    parser.add_argument("--skip-ablation", action="store_true", help="do not recompute the feature ablation")


def train_words(data_dir: Path, out_dir: Path, subset: int | None = None, log=print) -> dict:
    """Train the loaded-word detector into ``out_dir/loaded_words.npz`` (the test split of ``out_dir``, or
    the one the seed gives, is held out) and record it in metrics.json."""
    from annotator.model.data import TEST_SPLIT_FILE, load_sg2, make_test_split, read_test_split
    from annotator.model.word_training import train_word_model
    from annotator.model.words import MODEL_FILE

    split = out_dir / TEST_SPLIT_FILE
    test_hashes = read_test_split(split) if split.is_file() else make_test_split(load_sg2(data_dir))
    info = train_word_model(data_dir, out_dir / MODEL_FILE.name, test_hashes, subset=subset, log=log)
    _update_metrics(out_dir, {"model": _word_record(out_dir, info)}, replace=True)
    return info


def _word_record(out_dir: Path, info: dict) -> dict:
    from annotator.model.sentence import file_sha256
    from annotator.model.words import MODEL_FILE

    path = out_dir / MODEL_FILE.name
    keep = ("name", "threshold", "cv", "config", "n_training_sentences", "data", "subset")
    return {
        **{k: info[k] for k in keep if k in info},
        "file": MODEL_FILE.name,
        "sha256": file_sha256(path),
        "size_bytes": path.stat().st_size,
    }


def _update_metrics(
    out_dir: Path, section: dict, replace: bool = False, key: str = "loaded_word", section_value: dict | None = None
) -> None:
    """Update the ``key`` section of metrics.json (the rest untouched) and re-render the model card:
    merge ``section`` into it, or set it to ``section_value``."""
    import json

    from annotator.model.card import model_card
    from annotator.model.data import CARD_FILE, METRICS_FILE
    from annotator.model.metrics import _r

    path = out_dir / METRICS_FILE
    metrics = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if section_value is not None:
        metrics[key] = _r(section_value)
    else:
        current = {} if replace else dict(metrics.get(key) or {})
        current.update(section)
        metrics[key] = _r(current)
    path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    if "cv_5fold" in metrics:  # a full evaluation exists: the card can be written
        (out_dir / CARD_FILE).write_text(model_card(metrics), encoding="utf-8")


def evaluate_words_into_metrics(data_dir: Path, out_dir: Path, log=print) -> dict:
    """Evaluate the loaded-word detector in ``out_dir`` and record the numbers in metrics.json."""
    from annotator.model.word_eval import evaluate_words
    from annotator.model.words import MODEL_FILE, LoadedWordModel

    result = evaluate_words(data_dir, out_dir, log=log)
    model = LoadedWordModel.load(out_dir / MODEL_FILE.name)
    result["model"] = _word_record(out_dir, model.info)
    _update_metrics(out_dir, result)
    babe = result["babe_test"]["model_tokens"]
    log(
        f"loaded-word detector: BABE test token F1 {babe['f1']:.3f} (P {babe['precision']:.3f}, R {babe['recall']:.3f})"
    )
    if "basil" in result:
        both = result["basil"]["both"]
        log(
            f"  BASIL lexicon + detector: lexical recall {both['recall_lexical']:.3f}, precision "
            f"{both['precision']:.3f}, {both['flags_per_1000_words']:.1f} flags per 1,000 words"
        )
    return result


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def run_train(args) -> int:
    try:
        feedback = getattr(args, "feedback", None)
        if feedback is not None:
            load_feedback(feedback)  # fail fast, before the data are read
        data_dir = resolve_data_dir(args.data_dir)
        only = getattr(args, "only", None)
        if only != "words":
            train_model(data_dir, Path(args.out), seed=args.seed, subset=args.subset, feedback=feedback)
        if only != "sentence":
            train_words(data_dir, Path(args.out), subset=args.subset)
        # either model may have changed: refit the stack
        fit_stack(data_dir, Path(args.out), seed=args.seed, subset=args.subset)
    except DataError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    return 0


def run_evaluate(args) -> int:
    from annotator.model.sentence import ModelError
    from annotator.model.words import WordModelError

    try:
        data_dir = resolve_data_dir(args.data_dir)
        only = getattr(args, "only", None)
        if only != "words":
            evaluate(
                data_dir,
                Path(args.out),
                seed=args.seed,
                n_jobs=getattr(args, "n_jobs", 2),
                ablation=not getattr(args, "skip_ablation", False),
            )
        if only != "sentence":
            evaluate_words_into_metrics(data_dir, Path(args.out))
        if only is None:
            _update_metrics(
                Path(args.out), {}, key="sentence_stack", section_value=evaluate_stack(data_dir, Path(args.out))
            )
    except (DataError, ModelError, WordModelError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annotator.train", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    add_train_arguments(sub.add_parser("train", help="fit the model and write models/"))
    add_evaluate_arguments(sub.add_parser("evaluate", help="recompute models/metrics.json and MODEL_CARD.md"))
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("train", "evaluate", "-h", "--help"):
        argv.insert(0, "train")
    args = parser.parse_args(argv)
    if args.command == "evaluate":
        return run_evaluate(args)
    return run_train(args)


if __name__ == "__main__":
    sys.exit(main())
