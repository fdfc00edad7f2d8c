"""``annotator batch``: inputs, output lines, errors, resume, interruption, --jobs and Dask give the same bytes."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from annotator.batch import BatchError, BatchOptions, EngineSpec, InputSpec, run_batch
from annotator.batch.inputs import open_input
from annotator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
NO_MODEL = EngineSpec(classifier=False)


def _folder(tmp_path: Path) -> Path:
    """Samples in two 'outlet' sub-folders, a Markdown and an HTML file, a hidden file and two bad files."""
    root = tmp_path / "corpus"
    for i, sample in enumerate(SAMPLES):
        sub = root / ("outlet_a" if i % 2 else "outlet_b")
        sub.mkdir(parents=True, exist_ok=True)
        (sub / sample.name).write_bytes(sample.read_bytes())
    (root / "top.md").write_text("# A heading\n\nThe so-called experts reportedly met the Kiev regime.\n")
    (root / "page.html").write_text("<html><body><article><p>Officials called it a coup d'etat.</p></article>")
    (root / ".hidden.txt").write_text("never read")
    (root / "notes.csv").write_text("not an article type")
    (root / "broken.txt").write_bytes(b"\x00\x01binary")
    (root / "empty.md").write_text("   \n")
    return root


def _run(tmp_path: Path, input_path: str | Path, name: str = "out.jsonl", **kwargs) -> tuple[Path, object]:
    spec = kwargs.pop("input_spec", None) or InputSpec(str(input_path))
    opts = BatchOptions(input=spec, output=tmp_path / name, engine=kwargs.pop("engine", NO_MODEL), **kwargs)
    return opts.output, run_batch(opts)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_batch_folder_ids_sources_and_errors(tmp_path):
    out, stats = _run(tmp_path, _folder(tmp_path))
    rows = _lines(out)
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids) and "top.md" in ids and "page.html" in ids
    assert not any("hidden" in i or i.endswith(".csv") for i in ids)
    assert {r["source"] for r in rows if "/" in r["id"]} == {"outlet_a", "outlet_b"}
    errors = _lines(tmp_path / "out.errors.jsonl")
    assert {e["id"] for e in errors} == {"broken.txt", "empty.md"}
    assert "binary" in errors[0]["reason"] and "no text" in errors[1]["reason"]
    assert (stats.written, stats.failed) == (len(SAMPLES) + 2, 2)


def test_batch_line_is_the_json_contract_without_timings(tmp_path):
    out, _ = _run(tmp_path, _folder(tmp_path))
    row = _lines(out)[0]
    assert list(row)[:4] == ["id", "source", "date", "schema_version"]
    assert {"text", "sentences", "annotations", "quotes", "summary", "rewrites", "meta"} <= set(row)
    assert "timings_ms" not in row["meta"]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "annotator" / "data" / "document.schema.json").read_text(encoding="utf-8"))
    for line in _lines(out):
        jsonschema.validate(line, schema)
    assert out.read_text(encoding="utf-8").count("\n") == len(_lines(out))  # one line per document


def test_batch_summary_table_csv_and_parquet(tmp_path):
    out, _ = _run(tmp_path, _folder(tmp_path))
    with (tmp_path / "out.summary.csv").open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert [r["id"] for r in table] == [r["id"] for r in _lines(out)]
    top = next(r for r in table if r["id"] == "top.md")
    assert int(top["loaded_terms"]) >= 1 and int(top["hedges"]) >= 1
    pd = pytest.importorskip("pyarrow") and pytest.importorskip("pandas")
    assert len(pd.read_parquet(tmp_path / "out.summary.parquet")) == len(table)


@pytest.mark.parametrize(
    ("content", "spec", "expected"),
    [
        (
            '{"doc": "d1", "body": "The Kiev regime spoke.", "outlet": "X", "day": "2024-05-01"}\n\n'
            '{"doc": "d2", "body": "Calm text here."}\n',
            {"text_column": "body", "id_column": "doc", "source_column": "outlet", "date_column": "day"},
            [("d1", "X", "2024-05-01", None), ("d2", None, None, None)],
        ),
        (
            '{"text": "One."}\nnot json\n{"text": 5}\n[1]\n',
            {},
            [
                ("1", None, None, None),
                ("line 2", None, None, "JSON"),
                ("3", None, None, "int"),
                ("line 4", None, None, "object"),
            ],
        ),
    ],
)
def test_batch_jsonl_records(tmp_path, content, spec, expected):
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    _, records = open_input(InputSpec(str(path), **spec))
    got = [(r.id, r.source, r.date, r.error) for r in records]
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert (g[3] is None) == (e[3] is None) and (e[3] is None or e[3] in g[3])


def test_batch_csv_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,body,src\na,"Officials said, ""the regime"" fell.",Y\nb,Calm.,\n', encoding="utf-8")
    total, records = open_input(InputSpec(str(path), text_column="body", id_column="id", source_column="src"))
    assert total == 2  # for the progress bar's ETA
    assert [(r.id, r.source, r.text) for r in records] == [
        ("a", "Y", 'Officials said, "the regime" fell.'),
        ("b", None, "Calm."),
    ]
    with pytest.raises(BatchError, match="no column 'text'"):
        open_input(InputSpec(str(path)))


def test_batch_stdin_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"First text.\n\nThird line, the mob.\n")))
    out, _ = _run(tmp_path, "-")
    assert [r["id"] for r in _lines(out)] == ["1", "3"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p / "missing", "no such file"),
        (lambda p: (p / "x.xlsx").write_bytes(b"") or p / "x.xlsx", "give a folder"),
    ],
)
def test_batch_bad_input_is_a_batch_error(tmp_path, setup, message):
    with pytest.raises(BatchError, match=message):
        _run(tmp_path, setup(tmp_path))


def test_batch_refuses_to_overwrite_without_a_flag(tmp_path):
    folder = _folder(tmp_path)
    _run(tmp_path, folder)
    with pytest.raises(BatchError, match="--resume"):
        _run(tmp_path, folder)
    _, stats = _run(tmp_path, folder, overwrite=True)
    assert stats.skipped == 0 and stats.written == len(SAMPLES) + 2


def test_batch_resume_repairs_a_truncated_line_and_matches_a_fresh_run(tmp_path):
    folder = _folder(tmp_path)
    fresh, _ = _run(tmp_path, folder, name="fresh.jsonl")
    lines = fresh.read_bytes().splitlines(keepends=True)
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(b"".join(lines[:3]) + lines[3][:50])  # a run killed while writing line 4
    _, stats = _run(tmp_path, folder, name="partial.jsonl", resume=True)
    assert stats.repaired and stats.skipped == 3 and stats.written == len(lines) - 3
    assert partial.read_bytes() == fresh.read_bytes()


def test_batch_interrupt_keeps_what_was_written(tmp_path, monkeypatch):
    from annotator.batch import work

    folder = _folder(tmp_path)
    real = work.annotate_records
    calls = []

    def flaky(engine, records):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(engine, records)

    monkeypatch.setattr(work, "annotate_records", flaky)
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, folder, batch_size=2)
    # chunk 1 is the two bad files (errors), chunk 2 two documents, chunk 3 was interrupted
    assert len(_lines(tmp_path / "out.jsonl")) == 2
    monkeypatch.setattr(work, "annotate_records", real)
    _, stats = _run(tmp_path, folder, batch_size=2, resume=True)
    assert stats.skipped == 2 and len(_lines(tmp_path / "out.jsonl")) == len(SAMPLES) + 2


def test_batch_duplicate_ids_are_errors(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n', encoding="utf-8")
    out, _ = _run(tmp_path, path, input_spec=InputSpec(str(path), id_column="id"))
    assert [r["text"] for r in _lines(out)] == ["One."]
    assert "duplicate" in _lines(tmp_path / "out.errors.jsonl")[0]["reason"]


def test_batch_jobs_2_equals_jobs_1_byte_for_byte(tmp_path):
    folder = _folder(tmp_path)
    one, _ = _run(tmp_path, folder, name="one.jsonl", engine=EngineSpec(), batch_size=3)
    two, _ = _run(tmp_path, folder, name="two.jsonl", engine=EngineSpec(), jobs=2, batch_size=2)
    assert one.read_bytes() == two.read_bytes()
    assert (tmp_path / "one.errors.jsonl").read_bytes() == (tmp_path / "two.errors.jsonl").read_bytes()


def test_batch_dask_local_cluster_equals_jobs_1_byte_for_byte(tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = _folder(tmp_path)
    one, _ = _run(tmp_path, folder, name="one.jsonl", engine=EngineSpec())
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        dask, _ = _run(
            tmp_path, folder, name="dask.jsonl", engine=EngineSpec(), scheduler=c.scheduler_address, batch_size=2
        )
    assert one.read_bytes() == dask.read_bytes()
    assert (tmp_path / "one.errors.jsonl").read_bytes() == (tmp_path / "dask.errors.jsonl").read_bytes()
    assert not (tmp_path / "dask.jsonl.parts").exists()


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["batch", "MISSING", "-o", "OUT"], 2, "no such file"),
        (["batch", "CORPUS", "-o", "OUT", "--jobs", "0"], 2, "--jobs"),
        (["batch", "CORPUS", "-o", "OUT", "--no-classifier"], 0, "annotated 8 texts"),
    ],
)
def test_batch_cli_exit_codes(tmp_path, capsys, argv, code, message):
    folder = _folder(tmp_path)
    argv = [str(folder) if a == "CORPUS" else str(tmp_path / a) if a in ("MISSING", "OUT") else a for a in argv]
    assert main(argv) == code
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("progress", "shown"), [(None, False), (False, False), (True, True)])
def test_batch_progress_bar_only_when_asked_or_on_a_terminal(tmp_path, capsys, progress, shown):
    _run(tmp_path, _folder(tmp_path), progress=progress)  # None: stderr is not a terminal under pytest
    err = capsys.readouterr().err
    assert ("doc/s" in err or "s/doc" in err) == shown
    if shown:
        assert f"{len(SAMPLES) + 4}/{len(SAMPLES) + 4}" in err  # every record counted, errors included


def test_batch_extra_lexicon_reaches_the_workers(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "The NIMBYs blocked the zoning grab again."}\n', encoding="utf-8")
    lexicon = str(ROOT / "samples" / "custom_lexicon_example.csv")
    for jobs in (1, 2):
        out, _ = _run(tmp_path, path, name=f"j{jobs}.jsonl", engine=EngineSpec((lexicon,), False), jobs=jobs)
        terms = {a["text"] for a in _lines(out)[0]["annotations"]}
        assert {"NIMBYs", "zoning grab"} <= terms


@pytest.mark.slow  # two CLI start-ups: 8-9 s on the shared 2-core machine
def test_batch_killed_process_resumes_to_the_same_output(tmp_path):
    """SIGKILL a real ``annotator batch`` mid-run; ``--resume`` then yields exactly a fresh run's bytes."""
    import os
    import signal
    import subprocess
    import time

    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"text": texts[i % len(texts)]}) + "\n" for i in range(60)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "annotator",
        "batch",
        str(path),
        "-o",
        str(out),
        "--no-classifier",
        "--batch-size",
        "1",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.is_file() or out.read_bytes().count(b"\n") < 5):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = out.read_bytes().count(b"\n")
    assert 5 <= written < 60, "the run was killed part-way"
    subprocess.run([*cmd, "--resume"], env=env, check=True, stderr=subprocess.DEVNULL)
    fresh, _ = _run(tmp_path, path, name="fresh.jsonl", batch_size=1)
    assert out.read_bytes() == fresh.read_bytes()


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_bad_lexicon_fails_before_any_work(tmp_path, capsys, jobs):
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category\nthing,not_a_category\n", encoding="utf-8")
    folder = _folder(tmp_path)
    argv = ["batch", str(folder), "-o", str(tmp_path / "out.jsonl"), "--lexicon", str(bad), "--jobs", str(jobs)]
    assert main([*argv, "--no-classifier"]) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("scheduler", [None, "dask"])
def test_batch_every_file_type_and_bad_files_in_a_folder(tmp_path, scheduler):
    """docx, pdf, html, md, txt are read (locally, or shipped as bytes to Dask workers); broken ones are errors."""
    from tests.files import BAD_UPLOADS, GOOD_UPLOADS

    root = tmp_path / "mixed"
    root.mkdir()
    for name, data, _ in GOOD_UPLOADS.values():
        (root / name).write_bytes(data)
    for name, data, _ in BAD_UPLOADS.values():
        (root / name).write_bytes(data)
    if scheduler is None:
        out, _ = _run(tmp_path, root)
    else:
        distributed = pytest.importorskip("distributed")
        with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
            out, _ = _run(tmp_path, root, scheduler=cluster.scheduler_address, batch_size=2)
    rows = {r["id"]: r for r in _lines(out)}
    for name, _, phrase in GOOD_UPLOADS.values():
        assert phrase in rows[name]["text"], name
    errors = {e["id"]: e["reason"] for e in _lines(tmp_path / "out.errors.jsonl")}
    for name, _, phrase in BAD_UPLOADS.values():
        if Path(name).suffix in (".txt", ".md", ".html", ".docx", ".pdf"):  # others are not picked up at all
            assert phrase.lower() in errors[name].lower(), name
    assert set(rows) | set(errors) == {
        p.name for p in root.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx", ".pdf")
    }
