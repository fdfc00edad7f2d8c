"""Start-up benchmark: the CLI's --version/--help, one file with and without the classifier, and the app.

    python bench/bench_startup.py [--corpus ../shared/corpus] [--runs 5] [--no-app]

Prints numbers; it asserts nothing. Goals (issue 10): ``annotator --version`` and ``--help`` under 0.3 s;
the app's text box ready within 5 s of ``streamlit run``, the engine loading while the user pastes; one
CLI file with the classifier as fast as the stack allows. For that file, ``python -X importtime`` splits
the import time by top-level package, to show how much of the start-up is this project's own code.
Times are wall clock on a machine that may be shared: medians of several runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE = "ukraine_nato_partnership.txt"
ENV = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")


def run_cli(args: list[str], importtime: bool = False) -> tuple[float, str]:
    """Wall seconds of ``python -m annotator ARGS`` and its stderr."""
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "annotator", *args]
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, done.stderr


def median_cli(args: list[str], runs: int) -> float:
    return statistics.median(run_cli(args)[0] for _ in range(runs))


def import_split(stderr: str) -> dict[str, float]:
    """Seconds of import time (each module's own time) by top-level package, from -X importtime output."""
    split: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line[len("import time:") :].split("|")
        split[name.strip().split(".")[0]] += int(own) / 1e6
    return dict(split)


def cli_numbers(article: Path, runs: int) -> None:
    print("1. Command line (median wall time of", runs, "runs)")
    for args in (["--version"], ["--help"]):
        print(f"   annotator {' '.join(args):<10} {median_cli(args, runs):6.2f} s  (goal < 0.3 s)")
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.json")
        plain = ["annotate", str(article), "-o", out]
        bare = median_cli([*plain, "--no-classifier"], runs)
        full = median_cli(plain, runs)
        print(f"   annotate one 8 KB file, no classifier   {bare:6.2f} s")
        print(f"   annotate one 8 KB file, with classifier {full:6.2f} s")
        wall, stderr = run_cli(plain, importtime=True)
    split = import_split(stderr)
    imports = sum(split.values())
    ours = split.get("annotator", 0.0)
    print(f"\n   python -X importtime, one file with the classifier ({wall:.2f} s wall in that run):")
    print(f"   imports {imports:.2f} s, of which this project's modules {ours * 1000:.0f} ms;")
    print(f"   the rest ({max(0.0, wall - imports):.2f} s) is the interpreter, model load and annotation")
    top = sorted(split.items(), key=lambda kv: -kv[1])[:12]
    print("   by package: " + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in top))


def app_numbers(article: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.streamlit_server import CHROMIUM, launch_chromium

    print(f"\n2. The app (median of {runs} cold starts; headless Chromium)")
    if not CHROMIUM.is_file():
        print("   /usr/bin/chromium not found: skipped (apt-get install chromium)")
        return
    text = article.read_text(encoding="utf-8")
    box_times, highlight_times = [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(runs):
            box, highlights = _one_app_start(browser, text)
            box_times.append(box)
            highlight_times.append(highlights)
        browser.close()
    box = statistics.median(box_times)
    print(f"   streamlit run -> text box ready:                             {box:5.2f} s (goal < 5 s)")
    print(
        "   streamlit run -> highlights, pasting and clicking at once: "
        f"{statistics.median(highlight_times):5.2f} s (the engine loads meanwhile)"
    )


def _one_app_start(browser, text: str) -> tuple[float, float]:
    """Seconds from ``streamlit run`` to the text box, and to highlights when pasting at once.

    The server counts as started when its health check answers (polled every 0.25 s).
    """
    from tests.streamlit_server import streamlit_server

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    t0 = time.perf_counter()
    try:
        with streamlit_server(env={k: ENV[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}) as url:
            page.goto(url)
            box = page.get_by_role("textbox", name="Article text")
            box.wait_for(timeout=60_000)
            ready = time.perf_counter() - t0
            box.fill(text)
            page.get_by_role("button", name="Annotate").click()
            page.wait_for_function(
                "() => { const a = document.querySelector('.fa-article'); return a && a.querySelector('mark.fa-m'); }",
                timeout=60_000,
            )
            return ready, time.perf_counter() - t0
    finally:
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-app", action="store_true", help="skip the app (needs Chromium and Playwright)")
    args = parser.parse_args()
    article = args.corpus / ARTICLE
    if not article.is_file():
        print(f"{article} not found: pass --corpus DIR (e.g. ../shared/corpus from the project)")
        return 2
    cli_numbers(article, args.runs)
    if not args.no_app:
        app_numbers(article, max(1, args.runs // 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
