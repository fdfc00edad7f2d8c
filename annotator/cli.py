"""Command line: ``annotator annotate|compare|train|evaluate`` (also ``python -m annotator``).

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


def _side_name(path: str, given: str | None) -> str:
    if given:
        return given
    return "stdin" if path == "-" else Path(path).stem.replace("_", " ")


def cmd_compare(args: argparse.Namespace) -> int:
    """Annotate two texts with the same engine and write the comparison (json or a self-contained html)."""
    from annotator.compare import compare
    from annotator.lexicon import LexiconError
    from annotator.pipeline import InputError

    expected: tuple[type[Exception], ...] = (IngestError, InputError, LexiconError)
    if not args.no_classifier:
        from annotator.classify import ModelError

        expected += (ModelError,)
    if args.a == "-" and args.b == "-":
        return _fail("only one of A and B can be - (stdin)")
    try:
        text_a, text_b = _read_input(args.a), _read_input(args.b)
        annotator = _build_annotator(args)
        doc_a, doc_b = annotator.annotate(text_a), annotator.annotate(text_b)
    except expected as exc:
        return _fail(str(exc).replace("\n", "; "))
    result = compare(doc_a, doc_b, _side_name(args.a, args.name_a), _side_name(args.b, args.name_b))
    if args.format == "html":
        from annotator.export.compare_html import to_compare_html

        data = to_compare_html(result)
    else:
        from annotator.export.compare_html import to_compare_json

        data = to_compare_json(result)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(
            f"wrote {args.output} ({len(result.only_a)} terms only in A, {len(result.only_b)} only in B, "
            f"{len(result.both)} in both, {len(result.pairs)} pairs)",
            file=sys.stderr,
        )
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def build_parser(training: bool = True) -> argparse.ArgumentParser:
    """The argument parser; ``training=False`` lists ``train``/``evaluate`` without importing their options."""
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

    c = sub.add_parser(
        "compare",
        help="compare how two articles frame a story (loaded terms each uses, framing profiles)",
        description="Annotate A and B with the same word list and model and compare them: flags per 100 words by "
        "category, bias scores, anonymous sources, quoted share, the loaded terms only A / only B / both use, and "
        "loaded terms in one text whose neutral alternative the other uses.",
    )
    c.add_argument("a", metavar="A", help="first article (txt, md, html, docx, pdf, or - for stdin)")
    c.add_argument("b", metavar="B", help="second article")
    c.add_argument("--format", "-f", choices=["html", "json"], default="json", help="output format (default json)")
    c.add_argument("--output", "-o", metavar="OUT", help="write to this file instead of stdout")
    c.add_argument("--lexicon", action="append", metavar="FILE", help="extra lexicon CSV (repeatable)")
    c.add_argument("--no-classifier", action="store_true", help="skip sentence bias scores")
    c.add_argument("--name-a", metavar="NAME", help="label for A in the report (default: file name)")
    c.add_argument("--name-b", metavar="NAME", help="label for B in the report (default: file name)")
    c.set_defaults(func=cmd_compare)

    t = sub.add_parser("train", help="train the sentence bias classifier on BABE")
    e = sub.add_parser("evaluate", help="evaluate the classifier and write models/metrics.json")
    if training:  # scikit-learn and the training code load only for these two commands
        try:
            from annotator import train
        except ImportError:  # the training module is optional at run time
            train = None  # type: ignore[assignment]
        if train is not None and hasattr(train, "add_train_arguments"):
            train.add_train_arguments(t)
            t.set_defaults(func=train.run_train)
            train.add_evaluate_arguments(e)
            e.set_defaults(func=train.run_evaluate)
    return parser


def _no_training(args: argparse.Namespace) -> int:
    return _fail("the training module is not installed")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), "")
    parser = build_parser(training=command in ("train", "evaluate"))
    parser.set_defaults(func=_no_training)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
