"""Batch inputs: a folder of files, a JSONL or CSV file with a text column, or stdin lines, as Records.

Reading is lazy (a corpus can be larger than memory); a folder file is only opened by the worker that
annotates it. A row that cannot be used (no text, bad JSON) becomes a Record with ``error`` set, so the run
records it and goes on. Only a problem with the input as a whole (missing file, no such column) raises
BatchError.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.ingest import MAX_BYTES, SUPPORTED


class BatchError(ValueError):
    """The batch job cannot run at all (bad input or output path, unknown column); fit for a user."""


@dataclass(frozen=True)
class Record:
    """One text to annotate: its id, where the text is, and its optional source and date."""

    id: str
    text: str | None = None  # the text itself (JSONL, CSV, stdin)
    path: str | None = None  # a file to read where the record is annotated (folder input)
    data: bytes | None = None  # a file's bytes, read before shipping the record to another machine
    name: str | None = None  # file name for ``data`` (its extension picks the parser)
    source: str | None = None
    date: str | None = None
    error: str | None = None  # the record is unusable; the reason is recorded, nothing is annotated


@dataclass(frozen=True)
class InputSpec:
    """Where the texts are and which columns hold the text, id, source and date (JSONL and CSV)."""

    path: str
    text_column: str = "text"
    id_column: str | None = None
    source_column: str | None = None
    date_column: str | None = None


def open_input(spec: InputSpec) -> tuple[int | None, Iterator[Record]]:
    """``(number of records if cheaply known, records in input order)``; raises BatchError."""
    if spec.path == "-":
        return None, _stdin_records()
    path = Path(spec.path)
    if path.is_dir():
        files = _folder_files(path)
        return len(files), _folder_records(path, files)
    if not path.is_file():
        raise BatchError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _count_lines(path), _jsonl_records(path, spec)
    if suffix == ".csv":
        _check_csv_header(path, spec)
        return _count_csv_rows(path), _csv_records(path, spec)
    raise BatchError(f"{path}: give a folder, a .jsonl or .csv file, or - for one text per line on stdin")


def _folder_files(root: Path) -> list[Path]:
    suffixes = set(SUPPORTED)
    files = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in suffixes
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _folder_records(root: Path, files: list[Path]) -> Iterator[Record]:
    """Id: the path relative to the folder; source: the first sub-folder (e.g. one folder per outlet)."""
    for p in files:
        rel = p.relative_to(root)
        source = rel.parts[0] if len(rel.parts) > 1 else None
        yield Record(id=rel.as_posix(), path=str(p), source=source)


def _stdin_records() -> Iterator[Record]:
    for number, line in enumerate(sys.stdin.buffer, start=1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield Record(id=str(number), error=f"line {number}: not valid UTF-8")
            continue
        if text.strip():
            yield Record(id=str(number), text=text)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        for line in f:
            count += bool(line.strip())
    return count


def _field(row: dict, column: str | None) -> str | None:
    if column is None:
        return None
    value = row.get(column)
    return None if value is None or value == "" else str(value)


def _row_record(row: dict, number: int, spec: InputSpec, where: str) -> Record:
    rid = _field(row, spec.id_column) if spec.id_column else str(number)
    if rid is None:
        return Record(id=f"{where} {number}", error=f"{where} {number}: no value in id column {spec.id_column!r}")
    source, date = _field(row, spec.source_column), _field(row, spec.date_column)
    text = row.get(spec.text_column)
    if not isinstance(text, str):
        found = "missing" if text is None else f"a {type(text).__name__}, not text"
        return Record(id=rid, source=source, date=date, error=f"text column {spec.text_column!r} is {found}")
    return Record(id=rid, text=text, source=source, date=date)


def _jsonl_records(path: Path, spec: InputSpec) -> Iterator[Record]:
    """One JSON object per line; the id defaults to the line number (blank lines are skipped, still counted)."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield Record(id=f"line {number}", error=f"line {number}: not valid JSON ({exc})")
                continue
            if not isinstance(row, dict):
                yield Record(id=f"line {number}", error=f"line {number}: not a JSON object")
                continue
            yield _row_record(row, number, spec, "line")


def _check_csv_header(path: Path, spec: InputSpec) -> None:
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            header = next(csv.reader(f), [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise BatchError(f"{path}: cannot read the CSV header ({exc})") from None
    wanted = [spec.text_column, spec.id_column, spec.source_column, spec.date_column]
    missing = [c for c in wanted if c is not None and c not in header]
    if missing:
        raise BatchError(f"{path}: no column {', '.join(map(repr, missing))} (columns: {', '.join(header)})")


def _count_csv_rows(path: Path) -> int | None:
    """Data rows (quoted fields may span lines, so lines are not rows); None if the file cannot be read."""
    csv.field_size_limit(MAX_BYTES)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return max(0, sum(1 for _ in csv.reader(f)) - 1)
    except (UnicodeDecodeError, csv.Error):
        return None  # the run itself reports the bad row


def _csv_records(path: Path, spec: InputSpec) -> Iterator[Record]:
    """Rows of a CSV file with a header; the id defaults to the row number (the first data row is 1)."""
    csv.field_size_limit(MAX_BYTES)
    with path.open(encoding="utf-8-sig", newline="", errors="strict") as f:
        reader = csv.DictReader(f)
        number = 0
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as exc:
                raise BatchError(f"{path}: row {number}: cannot read ({exc})") from None
            yield _row_record(row, number, spec, "row")


def with_bytes(record: Record) -> Record:
    """The record with its file read into ``data`` (for workers that cannot see the file system)."""
    if record.path is None:
        return record
    p = Path(record.path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            error = f"{p.name}: the file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB)"
            return Record(record.id, source=record.source, date=record.date, error=error)
        data = p.read_bytes()
    except OSError as exc:
        return Record(record.id, source=record.source, date=record.date, error=f"{p}: cannot read ({exc.strerror})")
    return Record(record.id, data=data, name=p.name, source=record.source, date=record.date)
