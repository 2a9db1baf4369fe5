"""Real HTTP servers on 127.0.0.1 that route like the frameworks the route check meets.

`strict` answers as aiohttp and Starlette do (404 for an unknown path, 405 for a known path
asked with another method); `lenient` as Express and Fastify do (404 for both). Each records
the requests it got, so a test can say which handlers ran.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Router:
    """(METHOD, path pattern with {param} segments) → JSON body; `handled` records what ran."""

    routes: dict[tuple[str, str], object]
    strict: bool = True
    handled: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def match(self, path: str) -> str | None:
        for _, pattern in self.routes:
            regex = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(pattern)) + "$"
            if re.match(regex, path):
                return pattern
        return None


@contextmanager
def serving(router: Router) -> Iterator[Router]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def handle_any(self) -> None:
            path = self.path.split("?", 1)[0]
            pattern = router.match(path)
            if pattern is not None and (self.command, pattern) in router.routes:
                router.handled.append((self.command, path))
                body, status = json.dumps(router.routes[(self.command, pattern)]).encode(), 200
            elif pattern is not None and router.strict:
                body, status = b"405: Method Not Allowed", 405
            else:
                body, status = b"404: Not Found", 404
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = handle_any

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    router.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield router
    finally:
        httpd.shutdown()
        httpd.server_close()


def spec(paths: dict[str, list[str]], **top: object) -> dict[str, object]:
    """A 3.0.3 document with these paths and methods (each answering 200)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "routers", "version": "1"},
        **top,
        "paths": {
            path: {m: {"responses": {"200": {"description": "ok"}}} for m in methods}
            for path, methods in paths.items()
        },
    }
