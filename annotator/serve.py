"""The REST API (``annotator serve``): the JSON contract over HTTP for a CMS or a script, thin over the engine.

POST /annotate and /compare, GET /health and /version, OpenAPI docs at /docs. The engine (lexicon and
model) is loaded once, at start-up, and runs in a few worker processes (``serve_pool``) so that a request
past its time limit is really stopped: its worker is killed and replaced. Guards: a body size limit checked
before any parsing, that per-request time limit, 4xx errors that say what is wrong, no traceback in any
response, and an optional API key (``ANNOTATOR_API_KEY``; clients send it as ``X-API-Key``).
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from annotator import __version__
from annotator.pipeline import MAX_TEXT_CHARS, InputError

API_KEY_ENV = "ANNOTATOR_API_KEY"
API_KEY_HEADER = "X-API-Key"
log = logging.getLogger("annotator.serve")


@dataclass(frozen=True)
class Settings:
    """Server limits and size; ``from_env`` serves ``create_app()`` called without settings."""

    max_bytes: int = 5_000_000  # request body limit (a 1,000,000-character text in UTF-8 fits)
    timeout: float = 30.0  # seconds per request, waiting for a free worker included
    api_key: str | None = None
    classifier: bool = True
    workers: int = 1  # engine processes: requests annotated at once

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            max_bytes=int(env.get("ANNOTATOR_SERVE_MAX_BYTES", cls.max_bytes)),
            timeout=float(env.get("ANNOTATOR_SERVE_TIMEOUT", cls.timeout)),
            api_key=env.get(API_KEY_ENV) or None,
            classifier=env.get("ANNOTATOR_SERVE_CLASSIFIER", "1") != "0",
            workers=int(env.get("ANNOTATOR_SERVE_WORKERS", cls.workers)),
        )


class AnnotateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="the article text (plain UTF-8)", max_length=MAX_TEXT_CHARS)
    classifier: bool = Field(True, description="score sentences with the bias classifier")


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: str = Field(description="first article", max_length=MAX_TEXT_CHARS)
    b: str = Field(description="second article", max_length=MAX_TEXT_CHARS)
    name_a: str = Field("A", max_length=200)
    name_b: str = Field("B", max_length=200)
    classifier: bool = True


class Engines:
    """The annotator with the classifier (if enabled) and one without it, sharing one lexicon."""

    def __init__(self, classifier: bool = True, full: Any = None) -> None:
        from annotator.pipeline import Annotator

        self.full = full if full is not None else (Annotator() if classifier else None)
        lexicon = self.full.lexicon if self.full is not None else None
        self.plain = Annotator(model=None, lexicon=lexicon) if lexicon is not None else Annotator(model=None)

    def pick(self, classifier: bool) -> Any:
        return self.full if classifier and self.full is not None else self.plain


class BodyLimit:
    """ASGI middleware: reject bodies over ``max_bytes`` (Content-Length first, then the bytes received)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = JSONResponse(
            {"detail": f"the request body is over the limit of {self.max_bytes:,} bytes"}, status_code=413
        )
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and not length.isdigit():
            await JSONResponse({"detail": "invalid Content-Length header"}, status_code=400)(scope, receive, send)
            return
        if length is not None and int(length) > self.max_bytes:
            await too_large(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await too_large(scope, receive, send)
                return
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _json(data: Any) -> bytes:
    """The response body, encoded as FastAPI's JSONResponse would (built in the worker, relayed as bytes)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def annotate_job(engines: Engines, text: str, classifier: bool) -> bytes:
    """Worker job: the document JSON of ``text``."""
    from annotator.export.json_writer import document_dict

    return _json(document_dict(engines.pick(classifier).annotate(text)))


def compare_job(engines: Engines, a: str, b: str, name_a: str, name_b: str, classifier: bool) -> bytes:
    """Worker job: the comparison JSON of two texts."""
    from annotator.compare import compare as compare_docs

    engine = engines.pick(classifier)
    return _json(compare_docs(engine.annotate(a), engine.annotate(b), name_a, name_b).to_dict())


def create_app(settings: Settings | None = None, engines: Engines | None = None) -> FastAPI:
    """The FastAPI app: the engine loads and the worker processes start with the app (its lifespan)."""
    from annotator.serve_pool import EnginePool

    settings = settings or Settings.from_env()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        state["engines"] = engines or Engines(settings.classifier)
        pool = EnginePool(state["engines"], settings.workers, settings.classifier)
        pool.start()
        state["pool"] = pool
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="Framing annotator",
        version=__version__,
        description="Loaded terms, framing devices and sentence bias scores for news text, as JSON.",
        lifespan=lifespan,
    )
    app.state.serve = state  # the pool, for tests and operators' introspection
    app.add_middleware(BodyLimit, max_bytes=settings.max_bytes)

    def check_key(request: Request) -> None:
        if settings.api_key is None:
            return
        given = request.headers.get(API_KEY_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), settings.api_key.encode("utf-8")):
            raise HTTPException(401, f"missing or wrong API key (send it in the {API_KEY_HEADER} header)")

    async def run(fn: Any, *args: Any) -> Response:
        try:
            body = await state["pool"].call(fn, *args, timeout=settings.timeout)
        except TimeoutError:
            raise HTTPException(
                503, f"the request took longer than {settings.timeout:g} s; send a shorter text"
            ) from None
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None
        return Response(body, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """Say which field is wrong and why, without echoing the (possibly huge) input back."""
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)

    @app.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the engine is loaded and the server answers."""
        return {"status": "ok" if "pool" in state else "starting"}

    @app.get("/version", dependencies=[Depends(check_key)])
    async def version() -> dict[str, Any]:
        """Annotator and lexicon versions, and the classifier's id and metrics (null without a classifier)."""
        engines = state["engines"]
        engine = engines.pick(True)
        return {
            "annotator_version": __version__,
            "lexicon_version": engine.lexicon.version,
            "lexicon_entries": len(engine.lexicon),
            "model": {k: v for k, v in engine.model_info.items() if k != "path"} or None,  # no server paths
        }

    @app.post("/annotate", dependencies=[Depends(check_key)])
    async def annotate(body: AnnotateRequest) -> Response:
        """The document JSON (the same as ``annotator annotate --format json``)."""
        return await run(annotate_job, body.text, body.classifier)

    @app.post("/compare", dependencies=[Depends(check_key)])
    async def compare(body: CompareRequest) -> Response:
        """The comparison JSON (the same as ``annotator compare --format json``)."""
        return await run(compare_job, body.a, body.b, body.name_a, body.name_b, body.classifier)

    return app


def serve(host: str, port: int, workers: int, settings: Settings) -> None:
    """Run uvicorn: one server process that relays requests to ``workers`` engine processes."""
    import uvicorn

    app = create_app(dataclasses.replace(settings, workers=workers))
    uvicorn.run(app, host=host, port=port, log_level="info")
