"""HTTP over an exchange function (the transport of the in-namespace and SSH routes).

Answers are generated (status, headers, body, and how the body is framed) and written by
h11's server side, as a real server would; the transport must hand httpx exactly that.
"""

from __future__ import annotations

import gzip

import h11
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from openapi_meta.engine.fetchers import Exchange
from openapi_meta.engine.rawhttp import (
    MAX_ANSWER_BYTES,
    AnswerTimedOut,
    ExchangeTransport,
    Unanswered,
)
from openapi_meta.errors import SourceError

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
VALUE = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)


def server_answer(status: int, headers: list[tuple[str, str]], body: bytes, framing: str) -> bytes:
    """The bytes a server sends for this answer, written by h11 as a server."""
    server = h11.Connection(h11.SERVER)
    server.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    server.next_event()
    server.next_event()
    framed = list(headers)
    if framing == "length":
        framed.append(("Content-Length", str(len(body))))
    elif framing == "chunked":
        framed.append(("Transfer-Encoding", "chunked"))
    out = server.send(h11.Response(status_code=status, headers=framed))
    middle = len(body) // 2
    for part in (body[:middle], body[middle:]):  # two chunks when chunked
        if part:
            out += server.send(h11.Data(data=part))
    return out + server.send(h11.EndOfMessage())


@given(
    status=st.sampled_from([200, 201, 204, 301, 404, 405, 500, 503]),
    headers=st.lists(st.tuples(TOKEN.map(lambda t: "x-" + t), VALUE), max_size=5),
    body=st.binary(max_size=3000),
    framing=st.sampled_from(["length", "chunked", "close"]),
)
def test_a_generated_answer_reaches_httpx_unchanged(
    status: int, headers: list[tuple[str, str]], body: bytes, framing: str
) -> None:
    if status == 204:
        body = b""
    raw = server_answer(status, headers, body, framing)
    client = httpx.Client(transport=ExchangeTransport(lambda exchange: raw))
    reply = client.get("http://127.0.0.1:8000/")
    assert reply.status_code == status
    assert reply.content == body
    for name, value in headers:
        assert value in reply.headers.get_list(name)


@given(
    path=st.lists(TOKEN, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    query=st.dictionaries(TOKEN, TOKEN, max_size=3),
    headers=st.dictionaries(TOKEN.map(lambda t: "x-" + t), VALUE, max_size=4),
)
def test_the_request_a_fetcher_sends_is_the_request_httpx_made(
    path: str, query: dict[str, str], headers: dict[str, str]
) -> None:
    seen: list[Exchange] = []

    def exchange(request: Exchange) -> bytes:
        seen.append(request)
        return b"HTTP/1.1 204 No Content\r\n\r\n"

    client = httpx.Client(transport=ExchangeTransport(exchange), timeout=7.5)
    client.get(f"http://127.0.0.1:8123{path}", params=query, headers=headers)
    (request,) = seen
    server = h11.Connection(h11.SERVER)
    server.receive_data(request.raw)
    event = server.next_event()
    assert isinstance(event, h11.Request) and event.method == b"GET"
    assert event.target.decode() == request.target
    assert request.target.split("?")[0] == path
    received = {name.decode(): value.decode() for name, value in event.headers}
    assert received["connection"] == "close"  # the answer ends where the server closes
    assert received["host"] == "127.0.0.1:8123"
    assert all(received[name] == value for name, value in headers.items())
    assert (request.port, request.seconds) == (8123, 8)  # the read timeout, rounded up
    assert request.url == f"http://localhost:8123{request.target}"


def test_a_gzipped_answer_is_decoded_by_httpx() -> None:
    body = gzip.compress(b'{"openapi": "3.0.3"}')
    raw = server_answer(200, [("Content-Encoding", "gzip")], body, "chunked")
    client = httpx.Client(transport=ExchangeTransport(lambda exchange: raw))
    assert client.get("http://127.0.0.1:1/").json() == {"openapi": "3.0.3"}


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        (b"", httpx.ConnectError, "no answer"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            httpx.RemoteProtocolError,
            "complete message body",
        ),
        (b"garbage\r\n\r\n", httpx.RemoteProtocolError, "broken HTTP answer"),
    ],
    ids=["empty", "truncated", "not-http"],
)
def test_broken_answers_are_httpx_errors(raw: bytes, error: type, message: str) -> None:
    client = httpx.Client(transport=ExchangeTransport(lambda exchange: raw))
    with pytest.raises(error, match=message):
        client.get("http://127.0.0.1:1/")


def test_what_the_exchange_says_becomes_the_httpx_error() -> None:
    def refused(exchange: Exchange) -> bytes:
        raise Unanswered("python3: connection refused")

    def hung(exchange: Exchange) -> bytes:
        raise AnswerTimedOut("python3: no answer in 5 s")

    with pytest.raises(httpx.ConnectError, match="python3: connection refused"):
        httpx.Client(transport=ExchangeTransport(refused)).get("http://127.0.0.1:1/")
    with pytest.raises(httpx.ReadTimeout, match="no answer in 5 s"):
        httpx.Client(transport=ExchangeTransport(hung)).get("http://127.0.0.1:1/")


def test_an_answer_over_the_limit_is_refused() -> None:
    raw = b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * MAX_ANSWER_BYTES
    client = httpx.Client(transport=ExchangeTransport(lambda exchange: raw))
    with pytest.raises(SourceError, match="over the"):
        client.get("http://127.0.0.1:1/")
