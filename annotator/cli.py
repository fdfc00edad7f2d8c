"""Command line: ``annotator annotate|train|evaluate`` (also ``python -m annotator``).

Bad input gets a one-line error on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator import __version__
from annotator.export import WRITERS, write
from annotator.ingest import IngestError, check_text, decode_text, read_path

EXIT_USAGE = 2


def _fail(message: str) -> int:
    print(f"annotator: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _read_input(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read()
        return check_text(decode_text(data, "stdin"), "stdin")
    return read_path(path)


def _build_annotator(args: argparse.Namespace):  # -> Annotator (imported lazily: startup time)
    from annotator.pipeline import Annotator

    model = None if args.no_classifier else "default"
    return Annotator(lexicons=args.lexicon or (), model=model)


def cmd_annotate(args: argparse.Namespace) -> int:
    from annotator.lexicon import LexiconError
    from annotator.pipeline import InputError

    expected: tuple[type[Exception], ...] = (IngestError, InputError, LexiconError)
    if not args.no_classifier:
        from annotator.classify import ModelError

        expected += (ModelError,)
    try:
        text = _read_input(args.path)
        annotator = _build_annotator(args)
        doc = annotator.annotate(text)
    except expected as exc:
        return _fail(str(exc).replace("\n", "; "))
    data = write(doc, args.format)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(f"wrote {args.output} ({len(doc.annotations)} annotations)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="annotator", description="Media bias and framing annotator.")
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("annotate", help="annotate one article (txt, md, html, docx, pdf or - for stdin)")
    p.add_argument("path", help="file to annotate, or - to read UTF-8 text from stdin")
    p.add_argument("--format", "-f", choices=sorted(WRITERS), default="json", help="output format (default json)")
    p.add_argument("--lexicon", action="append", metavar="FILE", help="extra lexicon CSV (repeatable)")
    p.add_argument("--output", "-o", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument("--no-classifier", action="store_true", help="skip sentence bias scores")
    p.set_defaults(func=cmd_annotate)

    try:
        from annotator import train
    except ImportError:  # the training module is optional at run time
        train = None  # type: ignore[assignment]
    if train is not None and hasattr(train, "add_train_arguments"):
        t = sub.add_parser("train", help="train the sentence bias classifier on BABE")
        train.add_train_arguments(t)
        t.set_defaults(func=train.run_train)
        e = sub.add_parser("evaluate", help="evaluate the classifier and write models/metrics.json")
        train.add_evaluate_arguments(e)
        e.set_defaults(func=train.run_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
