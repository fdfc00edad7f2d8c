"""Worker side of a batch job: build the engine once, turn a chunk of Records into output lines or errors.

The same function serves the in-process run, ``--jobs N`` processes and Dask workers, so all three give
byte-identical lines. Lines are the JSON contract (``annotate --format json``: the document, its summary and
rewrites) plus ``id``, ``source`` and ``date``, on one line, without ``meta.timings_ms`` (timings differ from
run to run; dropping them makes runs comparable byte for byte).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from annotator.batch.inputs import Record


@dataclass(frozen=True)
class EngineSpec:
    """How to build the Annotator in every worker (picklable: it travels to processes and machines)."""

    lexicons: tuple[str, ...] = ()
    classifier: bool = True

    def build(self) -> Any:  # -> Annotator (imported here: workers pay the import, the CLI start does not)
        from annotator.pipeline import Annotator

        return Annotator(lexicons=self.lexicons, model="default" if self.classifier else None)


@dataclass(frozen=True)
class Result:
    """One record's outcome: ``line`` (JSON, no newline) or ``error`` (a one-line reason)."""

    id: str
    line: str | None = None
    error: str | None = None


def _text_of(record: Record) -> str:
    from annotator.ingest import check_text, extract_text, read_path

    if record.path is not None:
        return read_path(record.path)
    if record.data is not None:
        return extract_text(record.data, record.name or record.id)
    return check_text(record.text or "", record.id)


def _reason(exc: BaseException) -> str:
    from annotator.ingest import IngestError
    from annotator.pipeline import InputError

    message = " ".join(str(exc).split())
    if isinstance(exc, IngestError | InputError):
        return message
    return f"internal error ({type(exc).__name__}: {message})"


def to_line(record: Record, doc: Any) -> str:
    """The output line of an annotated record (see the module docstring)."""
    from annotator.export.json_writer import document_dict

    data = document_dict(doc)
    data["meta"] = {k: v for k, v in data["meta"].items() if k != "timings_ms"}
    row = {"id": record.id, "source": record.source, "date": record.date, **data}
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def annotate_records(engine: Any, records: list[Record]) -> list[Result]:
    """Annotate a chunk in one ``annotate_batch`` call (one classifier call); errors stay per record."""
    results: list[Result | None] = [None] * len(records)
    texts: list[str] = []
    where: list[int] = []
    for i, record in enumerate(records):
        if record.error is not None:
            results[i] = Result(record.id, error=record.error)
            continue
        try:
            texts.append(_text_of(record))
            where.append(i)
        except Exception as exc:  # a bad file must not stop the run: record why
            results[i] = Result(record.id, error=_reason(exc))
    for i, doc in zip(where, engine.annotate_batch(texts, errors="return"), strict=True):
        record = records[i]
        if isinstance(doc, BaseException):
            results[i] = Result(record.id, error=_reason(doc))
            continue
        try:
            results[i] = Result(record.id, line=to_line(record, doc))
        except Exception as exc:
            results[i] = Result(record.id, error=_reason(exc))
    return [r for r in results if r is not None]


# ---- one engine per worker process (multiprocessing pool) ---------------------------------------

_ENGINE: Any = None
_ENGINE_SPEC: EngineSpec | None = None


def init_process(spec: EngineSpec) -> None:
    """Pool initializer: load the engine (and model) once in this process, unless it came with a fork."""
    global _ENGINE, _ENGINE_SPEC
    if _ENGINE is None or spec != _ENGINE_SPEC:
        _ENGINE, _ENGINE_SPEC = spec.build(), spec


def run_chunk(records: list[Record]) -> list[Result]:
    """Pool task: annotate a chunk with this process's engine."""
    return annotate_records(_ENGINE, records)
