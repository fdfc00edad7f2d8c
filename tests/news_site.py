"""A local news site for the link tests: real-looking pages (menus, ads, byline, date) and hostile answers
(redirects to private and metadata addresses, oversized and gzip-bomb bodies, loops, slow answers).

It listens on 127.0.0.1 only, on a free port, in a thread; tests reach it with loopback allowed.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Referendum in the east: what the vote means | The Daily Ledger</title>
<meta property="og:site_name" content="The Daily Ledger">
<meta property="og:title" content="Referendum in the east: what the vote means">
<meta name="author" content="Maria Kowalska">
<meta property="article:published_time" content="2026-03-14T08:30:00Z">
<script>window.dataLayer = [{"page": "article"}];</script>
<style>.ad{border:1px solid #ccc}</style>
</head><body>
<header class="site-header"><a href="/">The Daily Ledger</a>
<nav><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/subscribe">Subscribe for $1</a></li></ul></nav></header>
<div class="ad" id="top-ad">ADVERTISEMENT: Refinance your mortgage today with LowRate Bank!</div>
<main><article>
<h1>Referendum in the east: what the vote means</h1>
<p class="byline">By <span class="author">Maria Kowalska</span>, Eastern Europe correspondent</p>
<time datetime="2026-03-14T08:30:00Z">14 March 2026</time>
<p>The Kiev regime called the so-called referendum a provocation staged by separatists, while officials in
the region described the vote as the will of the people.</p>
<p>Experts believe the result was decided before a single ballot was cast. A source close to the
administration said observers were barred from several polling stations in the north of the region.</p>
<p>Residents interviewed on Saturday were divided. Some said they had voted to end years of shelling; others
said they stayed at home because they feared reprisals if they were seen at a polling station.</p>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Ten things to know about the region</a></li></ul></aside>
<p>International observers have not yet published a report. The foreign ministry said it would not recognise
the outcome and called for talks under international mediation.</p>
</article></main>
<div class="ad">Sponsored: The best holiday deals of the season</div>
<footer><p>© 2026 The Daily Ledger. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""

NO_ARTICLE_HTML = (
    "<!doctype html><html><head><title>Home</title></head><body><nav><a href='/'>Home</a> <a href='/w'>World</a>"
    "</nav><footer>© 2026</footer></body></html>"
)

PLAIN_TEXT = "Officials called the protest a provocation.\n\nThe so-called referendum was held on Sunday.\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", Location=location)

    def do_GET(self) -> None:
        path = self.path
        if path == "/world/2026/03/14/referendum-east.html":
            self._send(200, ARTICLE_HTML.encode())
        elif path == "/short-link":
            self._redirect("/world/2026/03/14/referendum-east.html")
        elif path == "/redirect-private":
            self._redirect("http://10.0.0.1/internal/admin")
        elif path == "/redirect-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/redirect-ftp":
            self._redirect("ftp://127.0.0.1/file.txt")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/notes.txt":
            self._send(200, PLAIN_TEXT.encode(), "text/plain; charset=utf-8")
        elif path == "/no-article":
            self._send(200, NO_ARTICLE_HTML.encode())
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            self.wfile.write(b"<p>never mind</p>")
        elif path == "/endless":  # no Content-Length, streams past the limit
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"word " * 2000 + b"</p>"
            try:
                for _ in range(1000):  # up to 10 MB; the client hangs up at 5 MB
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/gzip-bomb":
            self._send(200, gzip.compress(b" " * 60_000_000, 9), "text/html", Content_Encoding="gzip")
        elif path == "/drip":  # a byte every 0.1 s: each read is quick, the whole never ends in time
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, ARTICLE_HTML.encode())
        else:
            self._send(404, b"<h1>Not found</h1>")


@contextmanager
def news_site() -> Iterator[str]:
    """Serve the site on 127.0.0.1; yields its base URL (``http://127.0.0.1:PORT``)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
