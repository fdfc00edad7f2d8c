"""Command line: ``annotator annotate|compare|batch|report|serve|train|evaluate`` (also ``python -m annotator``).

Bad input gets a one-line error on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from annotator import __version__
from annotator.export import WRITERS, write
from annotator.ingest import IngestError, check_text, decode_text, read_path
from annotator.limits import MAX_BYTES

EXIT_USAGE = 2


def _fail(message: str) -> int:
    print(f"annotator: error: {message}", file=sys.stderr)
    return EXIT_USAGE


@dataclass(frozen=True)
class _Input:
    text: str
    name: str  # a label for reports: the file stem, "stdin" or the fetched article's title
    source: dict[str, str] | None = None  # a fetched link's url, title, outlet, date (into meta["source"])


def _read_input(path: str, args: argparse.Namespace) -> _Input:
    """A file, ``-`` (stdin) or an http(s) link (fetched under the address rules of ``annotator.fetch``)."""
    from annotator.fetch import AddressPolicy, fetch_article, is_url

    if is_url(path):
        given = getattr(args, "allow_private_urls", None)
        policy = AddressPolicy.parse(given) if given is not None else AddressPolicy.from_env()
        article = fetch_article(path, policy)
        return _Input(article.text, article.name, article.meta())
    if path == "-":
        return _Input(_read_stdin(), "stdin")
    return _Input(read_path(path), Path(path).stem.replace("_", " "))


def _read_stdin() -> str:
    data = sys.stdin.buffer.read(MAX_BYTES + 1)  # never more than the limit, however much is piped in
    if len(data) > MAX_BYTES:
        raise IngestError(f"stdin: more than {MAX_BYTES:,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB)")
    return check_text(decode_text(data, "stdin"), "stdin")


def _build_annotator(args: argparse.Namespace):  # -> Annotator (imported lazily: startup time)
    from annotator.pipeline import Annotator

    model = None if args.no_classifier else "default"
    return Annotator(lexicons=args.lexicon or (), model=model)


def cmd_annotate(args: argparse.Namespace) -> int:
    from annotator.lexicon import LexiconError
    from annotator.pipeline import InputError

    expected: tuple[type[Exception], ...] = (IngestError, InputError, LexiconError)
    if not args.no_classifier:
        from annotator.model.sentence import ModelError

        expected += (ModelError,)
    try:
        given = _read_input(args.path, args)
        annotator = _build_annotator(args)
        doc = _with_source(annotator.annotate(given.text), given)
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


def _with_source(doc, given: _Input):  # Document -> Document
    """Record where a fetched article came from in ``meta["source"]`` (url, title, outlet, date, author)."""
    return doc.with_(meta={**doc.meta, "source": given.source}) if given.source else doc


def cmd_compare(args: argparse.Namespace) -> int:
    """Annotate two texts with the same engine and write the comparison (json or a self-contained html)."""
    from annotator.compare import compare
    from annotator.lexicon import LexiconError
    from annotator.pipeline import InputError

    expected: tuple[type[Exception], ...] = (IngestError, InputError, LexiconError)
    if not args.no_classifier:
        from annotator.model.sentence import ModelError

        expected += (ModelError,)
    if args.a == "-" and args.b == "-":
        return _fail("only one of A and B can be - (stdin)")
    try:
        input_a, input_b = _read_input(args.a, args), _read_input(args.b, args)
        annotator = _build_annotator(args)
        doc_a = _with_source(annotator.annotate(input_a.text), input_a)
        doc_b = _with_source(annotator.annotate(input_b.text), input_b)
    except expected as exc:
        return _fail(str(exc).replace("\n", "; "))
    result = compare(doc_a, doc_b, args.name_a or input_a.name, args.name_b or input_b.name)
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


def _add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-private-urls",
        nargs="?",
        const="all",
        choices=["loopback", "all"],
        metavar="loopback|all",
        help="let links reach this computer (loopback) or also private networks (all); by default only public "
        "addresses are fetched (also $ANNOTATOR_ALLOW_PRIVATE_URLS=loopback|1)",
    )


def cmd_batch(args: argparse.Namespace) -> int:
    """Annotate many texts into one JSONL file (resumable), with a summary table and an errors file."""
    from annotator.batch import BatchError, BatchOptions, EngineSpec, InputSpec, run_batch
    from annotator.lexicon import LexiconError

    expected: tuple[type[Exception], ...] = (BatchError, LexiconError)
    if not args.no_classifier:
        from annotator.classify import ModelError

        expected += (ModelError,)
    scheduler = args.scheduler or ("local" if args.dask == "local" else None)
    jobs = args.jobs if args.jobs is not None else (max(1, os.cpu_count() or 1) if args.dask == "local" else 1)
    opts = BatchOptions(
        input=InputSpec(args.input, args.text_column, args.id_column, args.source_column, args.date_column),
        output=Path(args.output),
        errors=Path(args.errors) if args.errors else None,
        engine=EngineSpec(tuple(args.lexicon or ()), not args.no_classifier),
        jobs=jobs,
        batch_size=args.batch_size,
        resume=args.resume,
        overwrite=args.overwrite,
        scheduler=scheduler,
    )
    try:
        stats = run_batch(opts)
    except expected as exc:
        return _fail(str(exc).replace("\n", "; "))
    except KeyboardInterrupt:
        print(
            f"annotator: interrupted; what was written to {args.output} is kept: rerun with --resume", file=sys.stderr
        )
        return 130
    repaired = "; cut off a truncated last line" if stats.repaired else ""
    print(
        f"annotated {stats.written:,} texts ({stats.skipped:,} already done{repaired}), {stats.failed:,} errors, "
        f"in {stats.seconds:.1f} s; wrote {', '.join(str(p) for p in stats.files)}",
        file=sys.stderr,
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Corpus report of a batch results file: one HTML page with charts, and the same figures as CSV."""
    from annotator.batch.report import write_report

    results = Path(args.results)
    if not results.is_file():
        return _fail(f"{results}: no such file")
    try:
        written = write_report(results, Path(args.output), Path(args.csv_dir) if args.csv_dir else None)
    except (ValueError, KeyError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
        return _fail(f"{results}: not a batch results file ({exc})")
    except OSError as exc:
        return _fail(f"cannot write {exc.filename}: {exc.strerror}")
    print(f"wrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


def _add_report_parser(sub) -> None:
    r = sub.add_parser(
        "report",
        help="corpus report of a batch results JSONL: HTML with charts, plus CSV tables",
        description="Loaded terms per 1,000 words by source and by month, top terms per source and the share of "
        "biased sentences by voice, as a self-contained HTML page; the same figures as CSV files beside it "
        "(REPORT.<table>.csv) or in --csv-dir.",
    )
    r.add_argument("results", metavar="RESULTS", help="the JSONL written by 'annotator batch'")
    r.add_argument("--output", "-o", metavar="REPORT", required=True, help="the HTML file to write")
    r.add_argument("--csv-dir", metavar="DIR", help="write the CSV tables here instead of beside the report")
    r.set_defaults(func=cmd_report)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the REST API until interrupted (the engine loads once per worker process)."""
    if not 0 < args.port < 65536:
        return _fail(f"--port must be between 1 and 65535, got {args.port}")
    if args.workers < 1 or args.timeout <= 0 or args.max_bytes < 1:
        return _fail("--workers, --timeout and --max-bytes must be positive")
    from annotator.serve import API_KEY_ENV, Settings, serve

    settings = Settings(
        max_bytes=args.max_bytes,
        timeout=args.timeout,
        api_key=os.environ.get(API_KEY_ENV) or None,
        classifier=not args.no_classifier,
    )
    serve(args.host, args.port, args.workers, settings)
    return 0


def _add_serve_parser(sub) -> None:
    s = sub.add_parser(
        "serve",
        help="run the REST API (POST /annotate, /compare; GET /health, /version; docs at /docs)",
        description="A small HTTP service returning the JSON contract. Set ANNOTATOR_API_KEY to require that key "
        "in the X-API-Key header.",
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--workers", type=int, default=1, help="worker processes, each with its own engine (default 1)")
    s.add_argument("--timeout", type=float, default=30.0, help="seconds per request before a 503 (default 30)")
    s.add_argument("--max-bytes", type=int, default=5_000_000, help="request body limit (default 5,000,000)")
    s.add_argument("--no-classifier", action="store_true", help="never score sentences (faster, less memory)")
    s.set_defaults(func=cmd_serve)


def _add_batch_parser(sub) -> None:
    b = sub.add_parser(
        "batch",
        help="annotate many texts: a folder, a JSONL or CSV file, or - (one text per line on stdin)",
        description="Annotate every text of INPUT into one JSONL file (one document per line: the JSON of "
        "'annotate' plus id, source and date, without timings), a per-document summary table (.summary.csv, and "
        ".summary.parquet with pyarrow) and an errors file (.errors.jsonl: id and reason). A folder is read "
        "recursively (txt, md, html, docx, pdf; id = path inside the folder, source = first sub-folder).",
    )
    b.add_argument("input", metavar="INPUT", help="folder, .jsonl/.ndjson or .csv file, or - for stdin lines")
    b.add_argument("--output", "-o", metavar="OUT", required=True, help="results JSONL file")
    b.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default 1; Dask local: CPUs)")
    b.add_argument("--resume", action="store_true", help="skip ids already in OUT and append the rest")
    b.add_argument("--overwrite", action="store_true", help="start OUT afresh if it exists")
    b.add_argument("--text-column", default="text", metavar="NAME", help="JSONL/CSV text column (default text)")
    b.add_argument("--id-column", metavar="NAME", help="JSONL/CSV id column (default: line or row number)")
    b.add_argument("--source-column", metavar="NAME", help="JSONL/CSV column naming the outlet or source")
    b.add_argument("--date-column", metavar="NAME", help="JSONL/CSV column with the date (YYYY-MM-DD ...)")
    b.add_argument("--errors", metavar="FILE", help="errors JSONL (default: OUT with .errors.jsonl)")
    b.add_argument("--batch-size", type=int, default=16, metavar="N", help="texts per classifier call and task")
    b.add_argument("--lexicon", action="append", metavar="FILE", help="extra lexicon CSV (repeatable)")
    b.add_argument("--no-classifier", action="store_true", help="skip sentence bias scores")
    b.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    b.add_argument("--dask", choices=["local"], help="run on a Dask LocalCluster on this machine (--jobs workers)")
    b.set_defaults(func=cmd_batch)


def build_parser(training: bool = True) -> argparse.ArgumentParser:
    """The argument parser; ``training=False`` lists ``train``/``evaluate`` without importing their options."""
    parser = argparse.ArgumentParser(prog="annotator", description="Media bias and framing annotator.")
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("annotate", help="annotate one article (txt, md, html, docx, pdf or - for stdin)")
    p.add_argument("path", help="file to annotate, an http(s) link to fetch, or - to read UTF-8 text from stdin")
    p.add_argument("--format", "-f", choices=sorted(WRITERS), default="json", help="output format (default json)")
    p.add_argument("--lexicon", action="append", metavar="FILE", help="extra lexicon CSV (repeatable)")
    p.add_argument("--output", "-o", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument("--no-classifier", action="store_true", help="skip sentence bias scores")
    _add_url_option(p)
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
    _add_url_option(c)
    c.set_defaults(func=cmd_compare)

    _add_batch_parser(sub)
    _add_report_parser(sub)
    _add_serve_parser(sub)

    t = sub.add_parser("train", help="train the sentence classifier, the loaded-word detector and their stack on BABE")
    e = sub.add_parser("evaluate", help="evaluate the models and write models/metrics.json and the model card")
    if training:  # scikit-learn and the training code load only for these two commands
        try:
            from annotator.model import commands as train
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
