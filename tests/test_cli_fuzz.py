"""Bad inputs through the real command line (a subprocess each): every one ends in exit code 2 and a single
line on stderr, within 10 s and 1 GB (the "done when" of issue 11). Files are built small and in memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.files import hostile_uploads, make_docx

_HOSTILE = hostile_uploads()
MAX_SECONDS = 10
MAX_RSS_KB = 1_000_000  # ru_maxrss is in KiB on Linux


def _case_files() -> dict[str, tuple[str, bytes, str, str]]:
    """name -> (file name, bytes, phrase of the error, reason): the hostile uploads plus a few more."""
    cases = {f"hostile: {k}": v for k, v in _HOSTILE.items()}
    cases.update(
        {
            "random bytes as docx": ("noise.docx", os.urandom(4096), "not a readable .docx", "not a zip at all"),
            "random bytes as pdf": ("noise.pdf", b"%PDF-1.7\n" + os.urandom(4096), "PDF", "garbage after a header"),
            "html that is binary": ("page.html", b"<html>\x00\x01\x02</html>", "binary", "a NUL in HTML"),
            "empty docx zip": ("empty.docx", make_docx([]), "no text found", "a valid document with no text"),
            "encoded surrogate": ("s.txt", b"The regime \xed\xa0\x80 fell.", "not valid UTF-8", "CESU-style bytes"),
        }
    )
    return cases


CASES = _case_files()
EXTRA_ARGS = {
    # name -> (argv after "annotate", phrase, reason): inputs that are not files in tmp_path
    "link with another scheme": (["ftp://example.com/a"], "no such file", "only http(s) is a link"),
    "link without a host": (["http:///nothing"], "no server name", "refused before any network use"),
    "link to the metadata service": (["http://169.254.169.254/latest/"], "never fetched", "never, no connection"),
    "lexicon with a NUL": (["{sample}", "--lexicon", "{nul_lexicon}"], "a NUL character in term", "one validator"),
}


def _run(argv: list[str]) -> tuple[int, str, float, int]:
    """(exit code, stderr, seconds, peak RSS in KiB) of ``python -m annotator`` with ``argv``."""
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_ALLOW_PRIVATE_URLS"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "annotator", *argv],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, stderr.decode("utf-8", "replace"), time.perf_counter() - started, usage.ru_maxrss


def _check(code: int, err: str, seconds: float, rss: int, phrase: str, reason: str) -> None:
    assert code == 2, f"{reason}: exit {code}: {err}"
    assert phrase.lower() in err.lower(), f"{reason}: {err}"
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, f"{reason}: {err}"
    assert seconds < MAX_SECONDS, f"{reason}: {seconds:.1f} s"
    assert rss < MAX_RSS_KB, f"{reason}: {rss / 1024:.0f} MB"


QUICK = {
    "hostile: docx bomb",
    "hostile: pdf stream bomb",
    "random bytes as pdf",
    "hostile: txt with a late NUL",
    "link to the metadata service",
    "lexicon with a NUL",
}


def _params(names) -> list:
    """A few cases in the quick suite, the rest marked slow (each is a fresh interpreter: seconds apiece)."""
    return [pytest.param(n, marks=() if n in QUICK else pytest.mark.slow) for n in sorted(names)]


@pytest.mark.parametrize("case", _params(CASES))
def test_cli_fuzz_bad_files_exit_2_with_one_line(tmp_path, case):
    name, data, phrase, reason = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    _check(*_run(["annotate", str(path), "--no-classifier"]), phrase, reason)


@pytest.mark.parametrize("case", _params(EXTRA_ARGS))
def test_cli_fuzz_bad_links_and_lexicons_exit_2_with_one_line(tmp_path, case):
    argv, phrase, reason = EXTRA_ARGS[case]
    nul_lexicon = tmp_path / "nul.csv"
    nul_lexicon.write_bytes(b"term,category,severity,explanation\nreg\x00ime,emotional,high,Why.\n")
    values = {"sample": str(SAMPLES / "border_surge.txt"), "nul_lexicon": str(nul_lexicon)}
    argv = [a.format(**values) for a in argv]
    _check(*_run(["annotate", *argv, "--no-classifier"]), phrase, reason)
