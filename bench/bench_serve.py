"""Throughput and latency of ``annotator serve`` for the 8 KB Ukraine article: requests/s and p50/p95 latency
with 1 and 2 engine worker processes, against ``annotate()`` called in-process (the peer) in the same run.

The server runs as a real ``annotator serve`` process on a free localhost port; several client threads
post the article at once. Rounds are interleaved (the peer measured again before each) and medians printed,
as the machine is shared. ``--roots`` also runs the server of another checkout of the project in the same
rounds (e.g. ``--roots . ../main`` for before/after). Run:
PYTHONPATH=. python bench/bench_serve.py [--requests 60] [--clients 4] [--rounds 3] [--roots . OTHER]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _article() -> str:
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        path = shared / "corpus" / "ukraine_nato_partnership.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    sys.exit("needs ../shared/corpus/ukraine_nato_partnership.txt")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 90) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            if httpx.get(url + "/health", timeout=2).json().get("status") == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


def run(root: Path, workers: int, text: str, requests: int, clients: int) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p95 ms) of the server of the checkout ``root``."""
    port = _free_port()
    cmd = [sys.executable, "-m", "annotator", "serve", "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url)
        with httpx.Client(base_url=url, timeout=120) as client:
            for _ in range(2 * workers):  # warm every worker
                client.post("/annotate", json={"text": text}).raise_for_status()

            def one(_: int) -> float:
                t0 = time.perf_counter()
                client.post("/annotate", json={"text": text}).raise_for_status()
                return time.perf_counter() - t0

            t0 = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                latencies = sorted(pool.map(one, range(requests)))
            elapsed = time.perf_counter() - t0
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        return requests / elapsed, statistics.median(latencies) * 1000, p95 * 1000
    finally:
        server.terminate()
        server.wait(timeout=30)


def peer_rate(engine, text: str, n: int = 20) -> float:
    """``annotate()`` calls per second in this process."""
    t0 = time.perf_counter()
    for _ in range(n):
        engine.annotate(text)
    return n / (time.perf_counter() - t0)


def pool_vs_in_process(text: str, rounds: int, n: int = 10) -> tuple[float, float]:
    """Median ms per call of ``annotate_job`` through a one-worker ``EnginePool`` and called in-process."""
    import asyncio

    from annotator.serve import Engines, annotate_job
    from annotator.serve_pool import EnginePool

    engines = Engines(True)

    async def measure() -> tuple[float, float]:
        pool = EnginePool(engines, 1)
        pool.start()
        try:
            for _ in range(3):
                await pool.call(annotate_job, text, True, timeout=60)
            through, direct = [], []
            for _ in range(rounds):
                t0 = time.perf_counter()
                for _ in range(n):
                    await pool.call(annotate_job, text, True, timeout=60)
                through.append((time.perf_counter() - t0) / n * 1000)
                t0 = time.perf_counter()
                for _ in range(n):
                    annotate_job(engines, text, True)
                direct.append((time.perf_counter() - t0) / n * 1000)
            return statistics.median(through), statistics.median(direct)
        finally:
            pool.close()

    return asyncio.run(measure())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--roots", nargs="+", default=[str(ROOT)], help="checkouts whose server to run")
    args = parser.parse_args()
    text = _article()
    from annotator.pipeline import Annotator

    engine = Annotator()
    engine.annotate(text)
    roots = [Path(r).resolve() for r in args.roots]
    through, direct = pool_vs_in_process(text, args.rounds)
    print(f"one call through the worker pipe: {through:.1f} ms; in-process: {direct:.1f} ms ({through / direct:.2f}x)")
    print(
        f"article: {len(text.encode()):,} bytes; {os.cpu_count()} CPUs; "
        f"{args.requests} requests, {args.clients} clients; medians of {args.rounds} rounds"
    )
    rows: dict[tuple[Path, int], list[tuple[float, float, float, float]]] = {}
    peers = []
    for _ in range(args.rounds):
        for root in roots:
            for workers in (1, 2):
                peer = peer_rate(engine, text)
                peers.append(peer)
                rps, p50, p95 = run(root, workers, text, args.requests, args.clients)
                rows.setdefault((root, workers), []).append((rps / peer, rps, p50, p95))
    print(f"in-process annotate(): {statistics.median(peers):.1f} per s (the peer; {min(peers):.0f}-{max(peers):.0f})")
    for (root, workers), got in rows.items():
        ratio, rps, p50, p95 = (statistics.median(col) for col in zip(*got, strict=True))
        print(
            f"{root.name:>12} serve --workers {workers}: {rps:.1f} req/s ({ratio:.2f}x the peer), "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        )


if __name__ == "__main__":
    main()
