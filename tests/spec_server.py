"""A real HTTP server on this machine's loopback that serves a small spec, for the tests of
the routes and fetchers: the spec at /openapi.json (with the request's X-Token header in
`x-token`, so a test sees what arrived), 404 everywhere else."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SPEC = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/openapi.json":
            self.send_error(404)
            return
        body = json.dumps({**SPEC, "x-token": self.headers.get("X-Token")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def spec_server() -> Iterator[int]:
    """The port of a running spec server on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
