"""Worker processes for ``annotator serve``: a request's time limit stops its work, not only its wait.

Python cannot stop a thread, so a request that runs past its time limit would keep a core busy to its end.
Here every engine call runs in one of a few worker processes; a request that overruns is answered 503 and
its worker is killed and replaced, so hostile texts cannot pile up work. Workers are forked from the server
after the engine is loaded (they share its memory and start at once; ``gc.freeze`` first keeps the garbage
collector from copying those pages); where ``fork`` is unavailable each worker loads its own engine.

A job is a module-level function ``fn(engines, *args) -> bytes`` (the response body, built in the worker so
the server only relays bytes). ``InputError`` from a job comes back as is (a 4xx for the user); any other
error is logged in the worker with its traceback and comes back as ``WorkerError`` with no details.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from annotator.pipeline import InputError

log = logging.getLogger("annotator.serve")
_PARENT_CHECK_S = 1.0  # an idle worker checks this often whether the server is still there


class WorkerError(RuntimeError):
    """A job failed inside a worker for a reason that is not the user's (details are in the server log)."""


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection


def _worker_main(conn: Connection, other_end: Connection | None, engines: Any, classifier: bool) -> None:
    """Serve jobs from ``conn`` until the server closes it or goes away."""
    if other_end is not None:
        other_end.close()  # so a server that dies leaves this end at EOF
    try:  # Ctrl+C reaches the whole process group: the server stops the workers itself
        signal.set_wakeup_fd(-1)  # a forked copy of the server's event-loop wake-up must not be written to
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except ValueError:  # not the main thread (cannot happen in a fresh process; harmless if it does)
        pass
    if engines is None:
        from annotator.serve import Engines

        engines = Engines(classifier)
    server = os.getppid()
    while True:
        if not conn.poll(_PARENT_CHECK_S):
            if os.getppid() != server:
                return
            continue
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", fn(engines, *args))
        except InputError as exc:
            answer = ("input", str(exc))
        except Exception:
            log.exception("internal error in a serve worker")
            answer = ("internal", None)
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


class EnginePool:
    """``size`` worker processes with one set of engines each; ``call`` runs a job in an idle one."""

    def __init__(self, engines: Any, size: int, classifier: bool = True, start_method: str | None = None) -> None:
        """``engines``: what forked workers inherit (spawned ones build ``Engines(classifier)`` themselves);
        ``start_method``: ``fork`` where available, else ``spawn`` (tests can choose)."""
        if size < 1:
            raise ValueError(f"the pool needs at least one worker, got {size}")
        self.size, self.classifier, self.engines = size, classifier, engines
        if start_method is None:
            start_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._context = multiprocessing.get_context(start_method)
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] | None = None
        self.replaced = 0  # workers killed for overrunning (or lost); for /health and tests

    # ---- life cycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers (call from the event loop that will call ``call``)."""
        self._idle = asyncio.Queue()
        if self._context.get_start_method() == "fork":
            gc.collect()
            gc.freeze()  # the engine's objects stay put: a worker's collections do not copy their pages
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    def _spawn(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        forked = self._context.get_start_method() == "fork"
        process = self._context.Process(
            target=_worker_main,
            args=(theirs, mine if forked else None, self.engines if forked else None, self.classifier),
            daemon=True,
            name="annotator-serve-worker",
        )
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        self._workers.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        """Kill a worker at once (it may be in the middle of a job) and reap it."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        if worker in self._workers:
            self._workers.remove(worker)

    def _replace(self, worker: _Worker) -> None:
        running = worker in self._workers  # not after close()
        self._stop(worker)
        self.replaced += 1
        if running and self._idle is not None:
            self._idle.put_nowait(self._spawn())

    def close(self) -> None:
        """Stop every worker (server shutdown)."""
        for worker in list(self._workers):
            self._stop(worker)
        self._idle = None

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers]

    # ---- jobs ----------------------------------------------------------------------------------------

    async def call(self, fn: Callable[..., bytes], *args: Any, timeout: float) -> bytes:
        """``fn(engines, *args)`` in a worker, waiting in line included within ``timeout`` seconds.

        Raises TimeoutError (its worker, if it had started, is killed and replaced), InputError, WorkerError.
        """
        if self._idle is None:
            raise WorkerError("the engine pool is not running")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        worker = await asyncio.wait_for(self._idle.get(), timeout)  # waiting in line: nothing to stop yet
        try:
            worker.conn.send((fn, args))
            await self._readable(worker.conn, deadline - loop.time())
            status, value = worker.conn.recv()
        except BaseException as exc:  # overrun, lost worker, or the request was cancelled mid-job
            self._replace(worker)
            if isinstance(exc, EOFError | OSError) and not isinstance(exc, TimeoutError):  # TimeoutError is an OSError
                raise WorkerError("a worker process ended unexpectedly") from None
            raise
        if self._idle is not None and worker in self._workers:  # not if the pool closed meanwhile
            self._idle.put_nowait(worker)
        if status == "input":
            raise InputError(value)
        if status != "ok":
            raise WorkerError("internal error in a worker")
        return value

    @staticmethod
    async def _readable(conn: Connection, timeout: float) -> None:
        """Wait without a thread until ``conn`` has data (or the worker ended); TimeoutError after ``timeout``."""
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, max(timeout, 0.0))
        finally:
            loop.remove_reader(fd)
