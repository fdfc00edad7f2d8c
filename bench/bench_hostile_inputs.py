"""Hostile-input benchmark: how long and how much memory each bad file of issue 11 costs before its one-line
error, next to a normal article of each format (the peer in the same run).

    python bench/bench_hostile_inputs.py

Each case runs ``annotator.ingest.extract_text`` in a fresh interpreter (so peak RSS is the case's own) and
prints seconds, peak RSS and the time as a ratio of the normal article of the same format. The goal from the
issue: a result or a one-line error within 10 s and 1 GB. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.files import GOOD_UPLOADS, hostile_uploads  # noqa: E402

_CHILD = """
import json, resource, sys, time
from annotator.ingest import IngestError, extract_text
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    extract_text(data, sys.argv[2]); outcome = "text"
except IngestError as exc:
    outcome = "error: " + str(exc)[:70]
seconds = time.perf_counter() - started
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome]))
"""


def _measure(name: str, data: bytes, folder: Path) -> tuple[float, float, str]:
    path = folder / name
    path.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), name], capture_output=True, cwd=ROOT, check=True, timeout=120
    )
    seconds, rss_mb, outcome = json.loads(out.stdout)
    return seconds, rss_mb, outcome


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}; fresh interpreter per case")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        peers = {}
        print(f"{'case':34} {'bytes':>10} {'seconds':>8} {'x peer':>7} {'peak MB':>8}  outcome")
        for kind, (name, data, _) in sorted(GOOD_UPLOADS.items()):
            seconds, rss, outcome = _measure(name, data, folder)
            peers[Path(name).suffix] = max(seconds, 1e-4)
            print(f"{'normal ' + kind:34} {len(data):>10,} {seconds:>8.3f} {1:>7.1f} {rss:>8.0f}  {outcome}")
        for case, (name, data, _, _) in sorted(hostile_uploads().items()):
            seconds, rss, outcome = _measure(name, data, folder)
            ratio = seconds / peers.get(Path(name).suffix, peers[".txt"])
            print(f"{case:34} {len(data):>10,} {seconds:>8.3f} {ratio:>7.1f} {rss:>8.0f}  {outcome}")


if __name__ == "__main__":
    main()
