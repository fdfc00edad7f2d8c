"""Start ``streamlit run streamlit_app.py`` on a free localhost port and launch Debian's Chromium headless.

Used by the real-browser test and by bench/bench_app.py. Never downloads a browser (no `playwright install`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0, env: dict[str, str] | None = None) -> Iterator[str]:
    """Yield the base URL of a running app; the server is stopped (by its pid) on exit.

    ``env``: extra environment variables for the server (e.g. ``ANNOTATOR_FEEDBACK_DB``).
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start in time")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with the network-quiet flags (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def annotate_in_page(page, text: str) -> None:
    """Paste ``text`` into the app's text box, press Annotate and wait until the whole article is rendered."""
    box = page.get_by_role("textbox", name="Article text")
    box.wait_for(timeout=30_000)
    box.fill(text)
    page.get_by_role("button", name="Annotate").click()
    page.wait_for_function(
        "(n) => { const a = document.querySelector('.fa-article'); return a && a.textContent.length === n; }",
        arg=len(text),
        timeout=30_000,
    )


def screenshot_annotate(page, path: Path) -> None:
    """The README's screenshot of the Annotate page (after ``annotate_in_page``): the summary, legend and the
    start of the article with one tooltip open. Leaves the page at a 1400x1000 viewport."""
    page.set_viewport_size({"width": 1400, "height": 1700})
    page.get_by_role("heading", name="Summary").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    marks = page.locator(".fa-article mark.fa-m").all()[:15]
    in_view = [m for m in marks if (m.bounding_box() or {"y": 1e9})["y"] < 1300]
    if in_view:
        in_view[min(1, len(in_view) - 1)].hover()
        page.wait_for_timeout(200)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def screenshot_compare(page, path: Path) -> None:
    """The README's screenshot of the Compare page (after the demo pair is shown): profiles and charts."""
    page.set_viewport_size({"width": 1400, "height": 2300})
    page.get_by_role("heading", name="Framing profiles").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
