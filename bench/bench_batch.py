"""Throughput of ``annotator batch``: articles per CPU-second and per wall-second, --jobs 1 and 2, with and
without the classifier, against an in-process ``annotate()`` loop (the peer) in the same run.

The bench corpus is built at run time in a temporary folder from ../shared/corpus, samples/ and, when
present, the BASIL article bodies in ../shared/data/basil/articles/*/*.json (read, never copied into the
repo). Each batch run is a fresh ``python -m annotator batch`` process, so the numbers include start-up
and model loading; "marginal" subtracts a one-article run of the same command (start-up only).

A second table splits the cost of ``--jobs 2`` in one process, start-up left out: the records annotated
serially by one engine, by two forked processes that each take half and send nothing back (the peer: what
two busy cores cost on this machine), and by the batch pool itself (``run._processes``: records pickled to
the workers, result lines pickled back), with the pool's parent and worker CPU apart. Rounds are interleaved
and medians printed, as the machine is shared.

With ``--cli-rounds N`` the command runs and the peer are repeated N times, interleaved, and medians
printed (the marginal rate is the median of the per-round rates).

Run: PYTHONPATH=. python bench/bench_batch.py [--repeat 1] [--rounds 3] [--cli-rounds 1] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shared(given: str | None) -> Path | None:
    for candidate in [given, ROOT.parent / "shared", ROOT.parent.parent / "shared"]:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def build_corpus(shared: Path | None, repeat: int) -> list[dict]:
    rows = []
    for p in sorted((ROOT / "samples").glob("*.txt")):
        rows.append({"id": f"samples/{p.name}", "text": p.read_text(encoding="utf-8"), "source": "samples"})
    if shared is not None:
        for p in sorted((shared / "corpus").glob("*.txt")):
            rows.append({"id": f"corpus/{p.name}", "text": p.read_text(encoding="utf-8"), "source": "corpus"})
        for p in sorted((shared / "data" / "basil" / "articles").glob("*/*.json")):
            data = json.loads(p.read_text(encoding="utf-8"))
            paragraphs = [" ".join(x) if isinstance(x, list) else str(x) for x in data.get("body-paragraphs", [])]
            text = "\n\n".join(x for x in paragraphs if x.strip())
            if text.strip():
                rows.append(
                    {"id": f"basil/{p.name}", "text": text, "source": data.get("source"), "date": data.get("date")}
                )
    return [{**r, "id": f"{r['id']}#{k}"} for k in range(repeat) for r in rows]


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(corpus: Path, out: Path, jobs: int, classifier: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its workers) of one batch command."""
    cmd = [sys.executable, "-m", "annotator", "batch", str(corpus), "-o", str(out), "--overwrite"]
    cmd += ["--id-column", "id", "--source-column", "source", "--date-column", "date", "--jobs", str(jobs)]
    if not classifier:
        cmd.append("--no-classifier")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cpu0, t0 = _cpu_children(), time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _cpu_children() - cpu0


def in_process(rows: list[dict], classifier: bool) -> tuple[float, float]:
    """The peer: one engine, ``annotate()`` per article in this process (load excluded)."""
    from annotator.pipeline import Annotator

    engine = Annotator(model="default" if classifier else None)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for r in rows:
        engine.annotate(r["text"])
    return time.perf_counter() - t0, time.process_time() - cpu0


def _records(rows: list[dict]) -> list:
    from annotator.batch.inputs import Record

    return [Record(id=r["id"], text=r["text"], source=r.get("source"), date=r.get("date")) for r in rows]


def _serial_share(chunks: list, k: int) -> None:
    from annotator.batch.work import run_chunk

    for chunk in chunks[k::2]:
        run_chunk(chunk)


def _timed_chunk(chunk: list) -> tuple[list, float]:
    from annotator.batch.work import run_chunk

    t0 = time.process_time()
    return run_chunk(chunk), time.process_time() - t0


def pool_split(rows: list[dict], classifier: bool, rounds: int) -> dict[str, float]:
    """Median CPU seconds of: one engine serially; two forked processes on halves (no results sent back);
    the batch pool (parent, workers, and the annotation inside the workers)."""
    from annotator.batch import work
    from annotator.pipeline import batched

    spec = work.EngineSpec(classifier=classifier)
    work.init_process(spec)
    chunks = list(batched(_records(rows), 16))
    work.run_chunk(chunks[0])  # first-use costs out of the way
    fork = multiprocessing.get_context("fork")
    got: dict[str, list[float]] = {k: [] for k in ("serial", "two processes", "pool", "parent", "workers", "inside")}
    for _ in range(rounds):
        t0 = time.process_time()
        _serial_share(chunks, 0)
        _serial_share(chunks, 1)
        got["serial"].append(time.process_time() - t0)

        c0 = _cpu_children()
        procs = [fork.Process(target=_serial_share, args=(chunks, k)) for k in (0, 1)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        got["two processes"].append(_cpu_children() - c0)

        c0, p0, inside = _cpu_children(), time.process_time(), 0.0
        with fork.Pool(2, initializer=work.init_process, initargs=(spec,)) as pool:
            for _, cpu in pool.imap(_timed_chunk, chunks):
                inside += cpu
            pool.close()
            pool.join()
        parent, workers = time.process_time() - p0, _cpu_children() - c0
        got["parent"].append(parent)
        got["workers"].append(workers)
        got["inside"].append(inside)
        got["pool"].append(parent + workers)
    return {k: statistics.median(v) for k, v in got.items()}


def _medians(runs: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(column) for column in zip(*runs, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", help="the shared folder (default: ../shared)")
    parser.add_argument("--repeat", type=int, default=1, help="copies of the corpus (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the in-process split (default 3)")
    parser.add_argument("--cli-rounds", type=int, default=1, help="rounds of the command runs, medians (default 1)")
    args = parser.parse_args()
    rows = build_corpus(_shared(args.shared), args.repeat)
    words = sum(len(r["text"].split()) for r in rows)
    print(f"corpus: {len(rows)} articles, {words:,} words ({words / len(rows):.0f} per article); {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, one = Path(tmp) / "corpus.jsonl", Path(tmp) / "one.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        one.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
        print(f"{'run':<42}{'wall s':>8}{'CPU s':>8}{'art/CPU-s':>11}{'art/s':>8}{'marginal art/CPU-s':>20}")
        for classifier in (False, True):
            label = "classifier" if classifier else "no classifier"
            got: dict[str, list[tuple[float, ...]]] = {}
            for _ in range(args.cli_rounds):  # interleaved: the peer and both --jobs in every round
                got.setdefault("peer", []).append(in_process(rows, classifier))
                for jobs in (1, 2):
                    wall, cpu = run_cli(corpus, Path(tmp) / "out.jsonl", jobs, classifier)
                    _, cpu1 = run_cli(one, Path(tmp) / "out1.jsonl", jobs, classifier)
                    got.setdefault(f"jobs {jobs}", []).append((wall, cpu, cpu1))
            wall, cpu = _medians(got["peer"])
            peer = len(rows) / cpu
            print(
                f"{'in-process annotate() loop, ' + label:<42}{wall:8.2f}{cpu:8.2f}{peer:11.1f}{len(rows) / wall:8.1f}"
            )
            for jobs in (1, 2):
                wall, cpu, cpu1 = _medians(got[f"jobs {jobs}"])
                marginal = statistics.median((len(rows) - 1) / max(c - c1, 1e-9) for _, c, c1 in got[f"jobs {jobs}"])
                name = f"batch --jobs {jobs}, {label}"
                print(
                    f"{name:<42}{wall:8.2f}{cpu:8.2f}{len(rows) / cpu:11.1f}{len(rows) / wall:8.1f}{marginal:20.1f}"
                    f"   ({marginal / peer:.2f}x the loop per CPU-s; start-up {cpu1:.1f} CPU s)"
                )

    print(f"\n--jobs 2 split, in one process, start-up excluded (median CPU s of {args.rounds} interleaved rounds)")
    print(f"{'':<15}{'serial':>8}{'2 procs':>9}{'pool':>8}{'parent':>8}{'workers':>9}{'inside':>8}{'pool/2 procs':>14}")
    for classifier in (False, True):
        m = pool_split(rows, classifier, args.rounds)
        label = "classifier" if classifier else "no classifier"
        print(
            f"{label:<15}{m['serial']:8.2f}{m['two processes']:9.2f}{m['pool']:8.2f}{m['parent']:8.2f}"
            f"{m['workers']:9.2f}{m['inside']:8.2f}{m['pool'] / m['two processes']:14.2f}"
            f"   (art/CPU-s: serial {len(rows) / m['serial']:.0f}, 2 procs {len(rows) / m['two processes']:.0f},"
            f" pool {len(rows) / m['pool']:.0f})"
        )


if __name__ == "__main__":
    main()
