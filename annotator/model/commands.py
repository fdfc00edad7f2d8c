"""``annotator train`` and ``annotator evaluate`` (also ``python -m annotator.train``): arguments and runs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.model.data import DEFAULT_MODELS_DIR, SEED, DataError, resolve_data_dir
from annotator.model.evaluation import evaluate
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


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common_arguments(parser)
    parser.add_argument(
        "--feedback",
        metavar="DB",
        default=None,
        help="reviewer-feedback database (SQLite): add its agreed/disagreed sentences as training rows "
        "(never test-split sentences) and report the test-split change",
    )


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common_arguments(parser)
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel CV fits (default 2)")
    parser.add_argument("--skip-ablation", action="store_true", help="do not recompute the feature ablation")


def _fail(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def run_train(args) -> int:
    try:
        feedback = getattr(args, "feedback", None)
        if feedback is not None:
            load_feedback(feedback)  # fail fast, before the data are read
        data_dir = resolve_data_dir(args.data_dir)
        train_model(data_dir, Path(args.out), seed=args.seed, subset=args.subset, feedback=feedback)
    except DataError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    return 0


def run_evaluate(args) -> int:
    from annotator.model.sentence import ModelError

    try:
        data_dir = resolve_data_dir(args.data_dir)
        evaluate(
            data_dir,
            Path(args.out),
            seed=args.seed,
            n_jobs=getattr(args, "n_jobs", 2),
            ablation=not getattr(args, "skip_ablation", False),
        )
    except (DataError, ModelError) as exc:
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
