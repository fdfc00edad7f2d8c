"""The Dask path of ``annotator batch``: chunks become tasks on a dask.distributed cluster.

A WorkerPlugin loads one Annotator per worker when it joins. Files of a folder are read here, on the
machine that runs the command, and shipped as bytes (workers on other machines cannot see its disk). Each
finished partition is written to a part file beside the output, then the parts are appended to the output
in input order and removed, so the output is the same as a local run's. A window of tasks in flight keeps
memory flat on any corpus size.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from annotator.batch.inputs import BatchError, Record, with_bytes
from annotator.batch.work import EngineSpec, Result, annotate_records

PLUGIN_NAME = "framing-annotator-engine"
_ENGINES: dict[str, Any] = {}  # worker address -> engine (several in-process workers can share a process)


class EnginePlugin(WorkerPlugin):
    """Loads the engine (and model) once on every worker, present and future."""

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec

    def setup(self, worker: Any) -> None:
        _ENGINES[worker.address] = self.spec.build()

    def teardown(self, worker: Any) -> None:
        _ENGINES.pop(worker.address, None)


def annotate_partition(records: list[Record]) -> list[tuple[str, str | None, str | None]]:
    """Dask task: annotate one partition with this worker's engine (plain tuples travel cheaply)."""
    from distributed import get_worker

    engine = _ENGINES[get_worker().address]
    return [(r.id, r.line, r.error) for r in annotate_records(engine, records)]


def _write_part(path: Path, results: list[Result]) -> None:
    tmp = path.with_suffix(".tmp")
    rows = [{"id": r.id, "line": r.line, "error": r.error} for r in results]
    tmp.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    os.replace(tmp, path)


def _read_part(path: Path) -> list[Result]:
    with path.open(encoding="utf-8") as f:
        results = [Result(**json.loads(line)) for line in f]
    path.unlink()
    return results


def _connect(scheduler: str, jobs: int) -> tuple[Any, Any]:
    """(client, cluster we started or None). ``local``: a LocalCluster of ``jobs`` single-thread workers."""
    from distributed import Client, LocalCluster

    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            return Client(cluster), cluster
        return Client(scheduler, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


def _close(client: Any, cluster: Any) -> None:
    client.close()
    if cluster is not None:
        cluster.close()


def dask_executor(spec: EngineSpec, scheduler: str, jobs: int, output: Path):
    """An executor (chunks -> ordered results) running on the cluster at ``scheduler`` (or ``local``)."""

    # Connect and load the engines now, before any output is written: an unreachable scheduler or a
    # lexicon a worker cannot load stops the run with nothing to clean up.
    client, cluster = _connect(scheduler, jobs)
    try:
        client.register_plugin(EnginePlugin(spec), name=PLUGIN_NAME)
    except BaseException:
        _close(client, cluster)
        raise

    def run(chunks: Iterator[list[Record]]) -> Iterator[list[Result]]:
        from distributed import as_completed

        parts = output.with_name(output.name + ".parts")
        parts.mkdir(exist_ok=True)
        for stale in parts.glob("part-*"):  # parts of an interrupted run were never merged: redo them
            stale.unlink()
        run_id = uuid.uuid4().hex[:8]
        try:
            window = 2 * max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
            pending = as_completed()
            index: dict[str, int] = {}
            sent: dict[int, list[str]] = {}
            source = enumerate(chunks)

            def submit() -> None:
                item = next(source, None)
                if item is not None:
                    i, chunk = item
                    future = client.submit(
                        annotate_partition, [with_bytes(r) for r in chunk], key=f"annotate-{run_id}-{i}", pure=False
                    )
                    index[future.key], sent[i] = i, [r.id for r in chunk]
                    pending.add(future)

            for _ in range(window):
                submit()
            done: set[int] = set()
            merged = 0
            for future in pending:
                i = index.pop(future.key)
                try:
                    results = [Result(*row) for row in future.result()]
                except Exception as exc:  # a worker died or the task failed: the partition's texts are errors
                    reason = f"the Dask task failed ({type(exc).__name__}: {' '.join(str(exc).split())})"
                    results = [Result(rid, error=reason) for rid in sent[i]]
                _write_part(parts / f"part-{i:08d}.jsonl", results)
                done.add(i)
                submit()
                while merged in done:
                    done.discard(merged)
                    del sent[merged]
                    yield _read_part(parts / f"part-{merged:08d}.jsonl")
                    merged += 1
        finally:
            _close(client, cluster)
            if not any(parts.iterdir()):
                parts.rmdir()

    return run
