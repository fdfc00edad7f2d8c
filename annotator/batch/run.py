"""Run a batch job: records -> chunks -> an executor (this process, N processes or Dask) -> ordered output.

Every executor yields the chunks' results in input order, so the output is the same whichever runs it.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.batch.inputs import BatchError, InputSpec, Record, open_input
from annotator.batch.output import ResultWriter, check_output
from annotator.batch.work import EngineSpec, Result


@dataclass(frozen=True)
class BatchOptions:
    """Everything a batch run needs (the CLI flags, one to one)."""

    input: InputSpec
    output: Path
    errors: Path | None = None  # default: <output stem>.errors.jsonl beside the output
    engine: EngineSpec = field(default_factory=EngineSpec)
    jobs: int = 1
    batch_size: int = 16
    resume: bool = False
    overwrite: bool = False
    scheduler: str | None = None  # a Dask scheduler address, or "local" for a LocalCluster of ``jobs`` workers
    progress: bool | None = None  # None: on when stderr is a terminal
    summary: bool = True

    def errors_path(self) -> Path:
        return self.errors or self.output.with_name(_stem(self.output) + ".errors.jsonl")

    def summary_paths(self) -> tuple[Path, Path]:
        base = _stem(self.output) + ".summary"
        return self.output.with_name(base + ".csv"), self.output.with_name(base + ".parquet")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".jsonl", ".ndjson", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class BatchStats:
    written: int = 0
    failed: int = 0
    skipped: int = 0
    repaired: bool = False
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)


Executor = Callable[[Iterator[list[Record]]], Iterator[list[Result]]]


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    from annotator.pipeline import batched

    return batched(records, size)


def _in_process(spec: EngineSpec) -> Executor:
    from annotator.batch.work import annotate_records

    engine = spec.build()
    return lambda chunks: (annotate_records(engine, chunk) for chunk in chunks)


def _processes(spec: EngineSpec, jobs: int) -> Executor:
    """``jobs`` worker processes with one engine each; a bounded window of chunks keeps memory flat.

    The engine is built here first: a bad lexicon or model fails at once with its own message (a pool
    initializer that raises would be restarted forever), and forked workers inherit it ready-made.
    """
    from annotator.batch import work

    work.init_process(spec)

    def run(chunks: Iterator[list[Record]]) -> Iterator[list[Result]]:
        import multiprocessing

        from annotator.batch.work import init_process, run_chunk

        pool = multiprocessing.get_context().Pool(jobs, initializer=init_process, initargs=(spec,))
        try:
            window: deque = deque()
            for chunk in chunks:
                window.append(pool.apply_async(run_chunk, (chunk,)))
                if len(window) >= 3 * jobs:
                    yield window.popleft().get()
            while window:
                yield window.popleft().get()
            pool.close()
        finally:
            pool.terminate()
            pool.join()

    return run


def _executor(opts: BatchOptions) -> Executor:
    if opts.scheduler:
        try:
            from annotator.batch.dask_run import dask_executor
        except ImportError:
            raise BatchError(
                "Dask is not installed: pip install 'dask[distributed]' (or the project's [cluster] extra)"
            ) from None

        return dask_executor(opts.engine, opts.scheduler, opts.jobs, opts.output)
    if opts.jobs > 1:
        return _processes(opts.engine, opts.jobs)
    return _in_process(opts.engine)


def run_batch(opts: BatchOptions) -> BatchStats:
    """Annotate every record of ``opts.input`` into ``opts.output``; raises BatchError if it cannot start.

    KeyboardInterrupt propagates after the files are closed: everything written so far stays valid.
    """
    if opts.jobs < 1:
        raise BatchError(f"--jobs must be at least 1, got {opts.jobs}")
    if opts.batch_size < 1:
        raise BatchError(f"--batch-size must be at least 1, got {opts.batch_size}")
    start = time.perf_counter()
    total, records = open_input(opts.input)
    stats = BatchStats()
    check_output(opts.output, resume=opts.resume, overwrite=opts.overwrite)
    execute = _executor(opts)  # loads the engine here (in-process runs): a model error stops us before any file
    with ResultWriter(opts.output, opts.errors_path(), resume=opts.resume, overwrite=opts.overwrite) as writer:
        stats.repaired = writer.repaired
        seen: set[str] = set()
        duplicates: list[Result] = []

        def todo() -> Iterator[Record]:
            for record in records:
                if record.id in writer.done:
                    stats.skipped += 1
                    bar.update(1)
                elif record.id in seen:
                    duplicates.append(Result(record.id, error=f"{record.id}: duplicate id (the first one is kept)"))
                    bar.update(1)
                else:
                    seen.add(record.id)
                    yield record

        bar = _progress(opts, total)
        try:
            for results in execute(_chunks(todo(), opts.batch_size)):
                for result in (*duplicates, *results):
                    writer.write(result)
                duplicates.clear()
                bar.update(len(results))
                bar.set_postfix(errors=writer.failed, refresh=False)
            for result in duplicates:
                writer.write(result)
        finally:
            bar.close()
            stats.written, stats.failed = writer.written, writer.failed
            stats.seconds = time.perf_counter() - start
    stats.files = [opts.output, opts.errors_path()]
    if opts.summary:
        from annotator.batch.table import write_summary

        stats.files += write_summary(opts.output, *opts.summary_paths())
    return stats


def _progress(opts: BatchOptions, total: int | None):
    """A tqdm bar with rate and ETA on a terminal; silent (disabled) otherwise."""
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if opts.progress is None else opts.progress
    return tqdm(total=total, unit="doc", disable=not enabled, file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
