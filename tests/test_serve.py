"""``annotator serve``: endpoints, limits, errors without tracebacks, API key, parallel clients."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from annotator.serve import Engines, Settings, create_app

TEXT = "The Kiev regime staged a so-called referendum, officials reportedly said. The council met on Tuesday."


@pytest.fixture(scope="module")
def engines():
    return Engines(classifier=True)


def _client(engines, **settings) -> TestClient:
    return TestClient(create_app(Settings(**settings), engines=engines), raise_server_exceptions=False)


def _without_timings(data: dict) -> dict:
    return {**data, "meta": {k: v for k, v in data["meta"].items() if k != "timings_ms"}}


def test_serve_annotate_returns_the_json_contract(engines):
    with _client(engines) as client:
        response = client.post("/annotate", json={"text": TEXT})
    assert response.status_code == 200
    data = response.json()
    assert _without_timings(data) == _without_timings(_dict(engines.full.annotate(TEXT)))
    assert any(s["bias"] is not None for s in data["sentences"])
    assert {"summary", "rewrites"} <= set(data)


def test_serve_annotate_without_classifier(engines):
    with _client(engines) as client:
        data = client.post("/annotate", json={"text": TEXT, "classifier": False}).json()
    assert all(s["bias"] is None for s in data["sentences"]) and data["meta"]["model"] is None


def test_serve_compare_health_version_docs(engines):
    with _client(engines) as client:
        cmp = client.post("/compare", json={"a": TEXT, "b": "The Ukrainian government held a vote.", "name_a": "X"})
        health, version, docs = client.get("/health"), client.get("/version"), client.get("/openapi.json")
    assert cmp.status_code == 200 and cmp.json()["a"]["name"] == "X"
    assert health.json() == {"status": "ok"}
    assert version.json()["model"]["model_id"] and version.json()["lexicon_entries"] > 100
    assert "path" not in version.json()["model"]
    assert {"/annotate", "/compare", "/health", "/version"} <= set(docs.json()["paths"])


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"text": "   "}, 422, "empty"),
        ({"text": 5}, 422, "string"),
        ({}, 422, "Field required"),
        ({"text": "ok", "colour": "red"}, 422, "Extra inputs"),
        ({"text": "x" * 1_000_001}, 422, "at most"),
        ("not json", 422, "JSON"),
    ],
)
def test_serve_bad_input_is_a_clear_4xx(engines, body, status, detail):
    with _client(engines) as client:
        if isinstance(body, str):
            response = client.post("/annotate", content=body, headers={"content-type": "application/json"})
        else:
            response = client.post("/annotate", json=body)
    assert response.status_code == status
    assert detail.lower() in json.dumps(response.json()).lower()
    assert "x" * 1000 not in response.text  # the input is not echoed back


def test_serve_body_limit_before_parsing(engines):
    with _client(engines, max_bytes=1000) as client:
        big = client.post("/annotate", json={"text": "word " * 500})
        declared = client.post("/annotate", content=b"{}", headers={"content-length": "5000"})
        invalid = client.post("/annotate", content=b"{}", headers={"content-length": "two"})
    assert big.status_code == 413 and "1,000 bytes" in big.json()["detail"]
    assert declared.status_code == 413  # refused on the header alone, before reading the body
    assert invalid.status_code == 400 and "Content-Length" in invalid.json()["detail"]


def test_serve_time_limit(engines):
    class Slow:
        lexicon, model_info = engines.plain.lexicon, {}

        def annotate(self, text):
            time.sleep(1)

    slow = Engines.__new__(Engines)
    slow.full = slow.plain = Slow()
    with _client(slow, timeout=0.2) as client:
        response = client.post("/annotate", json={"text": "hello"})
    assert response.status_code == 503 and "0.2 s" in response.json()["detail"]


def test_serve_internal_error_has_no_traceback(engines):
    class Broken:
        lexicon, model_info = engines.plain.lexicon, {}

        def annotate(self, text):
            raise RuntimeError("secret internals at /srv/path")

    broken = Engines.__new__(Engines)
    broken.full = broken.plain = Broken()
    with _client(broken) as client:
        response = client.post("/annotate", json={"text": "hello"})
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(("header", "status"), [(None, 401), ("wrong", 401), ("s3cret", 200)])
def test_serve_api_key(engines, header, status):
    headers = {"X-API-Key": header} if header else {}
    with _client(engines, api_key="s3cret") as client:
        assert client.post("/annotate", json={"text": TEXT}, headers=headers).status_code == status
        assert client.get("/version", headers=headers).status_code == status
        assert client.get("/health").status_code == 200  # liveness probes need no key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_parallel_clients_on_localhost(engines, workers):
    import uvicorn

    port = _free_port()
    app = create_app(Settings(workers=workers), engines=engines)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        texts = [f"{TEXT} Article number {i} says the mob attacked." * (1 + i % 3) for i in range(12)]
        expected = [_without_timings(_dict(engines.full.annotate(t))) for t in texts]

        def call(text: str) -> dict:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                response = client.post("/annotate", json={"text": text})
                response.raise_for_status()
                return _without_timings(response.json())

        with ThreadPoolExecutor(max_workers=6) as pool:
            got = list(pool.map(call, texts))
        assert got == expected
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _dict(doc) -> dict:
    from annotator.export.json_writer import document_dict

    return json.loads(json.dumps(document_dict(doc)))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "0"], "--port"),
        (["serve", "--workers", "0"], "positive"),
        (["serve", "--timeout", "-1"], "positive"),
    ],
)
def test_serve_cli_rejects_bad_options(capsys, argv, message):
    from annotator.cli import main

    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_serve_engine_loads_once_per_process(monkeypatch):
    import annotator.serve as serve

    built = []
    real = serve.Engines.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(serve.Engines, "__init__", counting)
    with TestClient(create_app(Settings(classifier=False))) as client:
        assert not built or client.get("/health").json() == {"status": "ok"}
        for _ in range(3):
            assert client.post("/annotate", json={"text": TEXT}).status_code == 200
    assert built == [1]


# ---- the time limit stops the work: worker processes -------------------------------------------------


def _proc_state(pid: int) -> str | None:
    """The kernel's one-letter state of ``pid`` ("R" running, "S" sleeping, "Z" zombie), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _tricky(engines) -> Engines:
    """Engines whose annotate spins the CPU forever on "spin", ends its process on "crash", else works."""
    real = engines.plain

    class Tricky:
        lexicon, model_info = real.lexicon, {}

        def annotate(self, text):
            if text == "spin":
                while True:
                    pass
            if text == "crash":
                import os

                os._exit(3)
            return real.annotate(text)

    tricky = Engines.__new__(Engines)
    tricky.full = tricky.plain = Tricky()
    return tricky


needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")


@needs_proc
@pytest.mark.parametrize(("text", "status"), [("spin", 503), ("crash", 500)])
def test_serve_overrun_or_crash_replaces_the_worker(engines, text, status):
    app = create_app(Settings(timeout=2.0, workers=2), engines=_tricky(engines))
    with TestClient(app, raise_server_exceptions=False) as client:
        pool = app.state.serve["pool"]
        before = pool.pids()
        response = client.post("/annotate", json={"text": text})
        assert response.status_code == status and "Traceback" not in response.text
        after = pool.pids()
        gone = set(before) - set(after)
        assert len(gone) == 1 and len(after) == 2, "one worker replaced, the pool keeps its size"
        assert _proc_state(gone.pop()) is None, "the worker is killed and reaped, not left running"
        assert pool.replaced == 1
        # the service answers the next requests (on both workers) within the same limit
        for _ in range(3):
            ok = client.post("/annotate", json={"text": TEXT})
            assert ok.status_code == 200 and ok.json()["annotations"]
    assert all(_proc_state(pid) is None for pid in after), "shutdown stops every worker"


@needs_proc
def test_serve_idle_workers_sleep_after_a_timeout(engines):
    app = create_app(Settings(timeout=0.5, workers=1), engines=_tricky(engines))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/annotate", json={"text": "spin"}).status_code == 503
        assert client.post("/annotate", json={"text": TEXT}).status_code == 200
        (pid,) = app.state.serve["pool"].pids()
        states = set()
        for _ in range(50):  # a worker back from sending its answer goes to sleep on its pipe
            states.add(_proc_state(pid))
            if "S" in states:
                break
            time.sleep(0.02)
        assert "S" in states, f"the worker should be waiting for work, its states were {states}"


@pytest.mark.slow
def test_serve_pool_spawned_workers_build_their_own_engine():
    """Where fork is unavailable (macOS, Windows) each worker loads the engine; jobs travel by reference."""
    import asyncio

    from annotator.serve import annotate_job
    from annotator.serve_pool import EnginePool

    async def one() -> dict:
        pool = EnginePool(None, 1, classifier=False, start_method="spawn")
        pool.start()
        try:
            return json.loads(await pool.call(annotate_job, TEXT, False, timeout=120))
        finally:
            pool.close()

    data = asyncio.run(one())
    assert data["text"] == TEXT and data["annotations"] and data["meta"]["model"] is None


def test_serve_pool_needs_a_worker():
    from annotator.serve_pool import EnginePool

    with pytest.raises(ValueError, match="at least one worker"):
        EnginePool(None, 0)
