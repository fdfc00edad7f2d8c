"""Batch output: the results JSONL and the errors JSONL, written so that an interrupted run loses nothing.

Every line is written with one unbuffered ``write`` on a file opened for appending, so a line is either in
the file or (killed mid-write) a truncated last line. ``--resume`` reads the ids already written, cuts such a
truncated last line off, and the run carries on after them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from annotator.batch.inputs import BatchError
from annotator.batch.work import Result


def scan_output(path: Path) -> tuple[set[str], int]:
    """Ids in a results file and the byte length of its complete lines (a truncated last line is excluded).

    A bad line before the last one means the file is not ours or was edited: BatchError.
    """
    ids: set[str] = set()
    good = 0
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            complete = line.endswith(b"\n")
            try:
                row = json.loads(line)
                rid = row["id"] if isinstance(row, dict) else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                rid = None
            if rid is None or not complete:
                if f.read(1):  # not the last line
                    raise BatchError(f"{path}: line {number} is not a result line; fix or remove the file")
                break
            ids.add(str(rid))
            good += len(line)
    return ids, good


def check_output(output: Path, *, resume: bool, overwrite: bool) -> bool:
    """Whether ``output`` already has results; BatchError if they would be replaced without ``--overwrite``."""
    exists = output.is_file() and output.stat().st_size > 0
    if exists and not (resume or overwrite):
        raise BatchError(f"{output} exists; use --resume to continue it or --overwrite to start again")
    return exists


class ResultWriter:
    """Appends result lines to ``output`` and error lines to ``errors``; knows which ids are done."""

    def __init__(self, output: Path, errors: Path, *, resume: bool, overwrite: bool) -> None:
        self.output, self.errors = output, errors
        self.done: set[str] = set()
        self.written = 0
        self.failed = 0
        self.repaired = False
        exists = check_output(output, resume=resume, overwrite=overwrite)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            if resume and exists:
                self.done, good = scan_output(output)
                if good != output.stat().st_size:
                    os.truncate(output, good)  # the truncated last line of a killed run
                    self.repaired = True
            elif exists:
                output.write_bytes(b"")
            # errors of earlier runs are retried (they are not in the output), so the file starts afresh
            self._out = output.open("ab", buffering=0)
            self._err = errors.open("wb", buffering=0)
        except OSError as exc:
            raise BatchError(f"cannot write {exc.filename}: {exc.strerror}") from None

    def write(self, result: Result) -> None:
        if result.line is not None:
            self._out.write((result.line + "\n").encode("utf-8"))
            self.done.add(result.id)
            self.written += 1
        else:
            line = json.dumps({"id": result.id, "reason": result.error}, ensure_ascii=False)
            self._err.write((line + "\n").encode("utf-8"))
            self.failed += 1

    def close(self) -> None:
        for f in (self._out, self._err):
            os.fsync(f.fileno())
            f.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
