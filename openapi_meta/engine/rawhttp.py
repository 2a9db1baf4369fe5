"""HTTP over a way of sending one request's bytes and reading the answer: an httpx transport.

Routes that do not reach the server through a socket of ours (a fetcher run inside the
container's network namespace, a channel of the engine's SSH connection) plug in here, so
discovery, readiness, redirects and size limits are the same code on every route. Each
request is one exchange with `Connection: close`: the answer ends where the server closes.
h11 (httpx's own HTTP/1.1 parser) writes the request and reads the answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import h11
import httpx

from openapi_meta.engine.fetchers import Exchange
from openapi_meta.errors import SourceError
from openapi_meta.limits import MAX_DOCUMENT_BYTES

# Headers and framing around a body at the size limit; more than this is over the limit.
MAX_ANSWER_BYTES = MAX_DOCUMENT_BYTES + 1024 * 1024
DEFAULT_SECONDS = 30


class Unanswered(Exception):
    """Nothing answered the request; the message says what happened instead."""


class AnswerTimedOut(Exception):
    """The connection was made but no complete answer came in time."""


class ExchangeTransport(httpx.BaseTransport):
    """An httpx transport whose every request is one call of `exchange`."""

    def __init__(self, exchange: Callable[[Exchange], bytes]) -> None:
        self._exchange = exchange

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        exchange = self._prepare(request)
        try:
            raw = self._exchange(exchange)
        except Unanswered as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except AnswerTimedOut as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from exc
        if len(raw) > MAX_ANSWER_BYTES:
            raise SourceError(
                f"{request.url}: the answer is over the {MAX_ANSWER_BYTES:,}-byte limit"
            )
        return parse_answer(raw, request)

    def _prepare(self, request: httpx.Request) -> Exchange:
        read = (request.extensions.get("timeout") or {}).get("read") or DEFAULT_SECONDS
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.lower() != b"connection"
        ]
        headers.append(("Connection", "close"))
        target = request.url.raw_path.decode("ascii")
        body = request.read()
        connection = h11.Connection(h11.CLIENT)
        raw = connection.send(h11.Request(method=request.method, target=target, headers=headers))
        if body:
            raw += connection.send(h11.Data(data=body))
        raw += connection.send(h11.EndOfMessage())
        return Exchange(
            port=request.url.port or 80,
            method=request.method,
            target=target,
            headers=tuple(headers),
            raw=raw,
            seconds=max(1, math.ceil(read)),
        )


def parse_answer(raw: bytes, request: httpx.Request) -> httpx.Response:
    """The httpx response in `raw` (a whole answer, the connection closed after it)."""
    if not raw:
        raise httpx.ConnectError("no answer", request=request)
    connection = h11.Connection(h11.CLIENT)
    connection.send(h11.Request(method=request.method, target="/", headers=[("Host", "x")]))
    connection.send(h11.EndOfMessage())
    connection.receive_data(raw)
    connection.receive_data(b"")
    response: h11.Response | None = None
    body = bytearray()
    try:
        while True:
            event = connection.next_event()
            if isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                break
            elif event is h11.NEED_DATA:
                raise h11.RemoteProtocolError("the answer ended early")
    except h11.RemoteProtocolError as exc:
        raise httpx.RemoteProtocolError(f"a broken HTTP answer ({exc})", request=request) from exc
    if response is None:
        raise httpx.RemoteProtocolError("no HTTP answer", request=request)
    return httpx.Response(
        response.status_code,
        headers=[(bytes(name), bytes(value)) for name, value in response.headers],
        content=bytes(body),
        request=request,
        extensions={"http_version": b"HTTP/" + response.http_version},
    )
