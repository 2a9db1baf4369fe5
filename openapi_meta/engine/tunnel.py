"""An SSH local forward to a port on an ssh:// engine's host, over the engine's own connection.

docker-py talks to an ssh:// engine through one paramiko connection; each request here opens
a `direct-tcpip` channel on it to 127.0.0.1:PORT on the remote host (where the container's
port is published), which is what `ssh -L` does for every connection it forwards. No local
port is opened and no `ssh` process started: the forward lives inside this process and its
connection, so it ends with them on every path, `kill -9` included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from openapi_meta.engine.fetchers import Exchange
from openapi_meta.engine.rawhttp import MAX_ANSWER_BYTES, AnswerTimedOut, Unanswered
from openapi_meta.engine.resolve import Engine
from openapi_meta.sources.readiness import RouteUnusable

SSH_ADAPTER_PREFIX = "http+docker://ssh"


def ssh_transport(engine: Engine) -> Any | None:
    """The paramiko transport under an ssh:// engine's client (None: not one, or the
    `ssh` binary is used instead of paramiko)."""
    if engine.address.scheme != "ssh":
        return None
    adapter = engine.client.api.get_adapter(SSH_ADAPTER_PREFIX)
    client = getattr(adapter, "ssh_client", None)
    return client.get_transport() if client is not None else None


def forward_exchange(engine: Engine) -> Callable[[Exchange], bytes]:
    """An exchange function for `rawhttp.ExchangeTransport` through the forward: each
    request to port P goes to 127.0.0.1:P on the engine's host."""
    host = engine.address.ssh_host

    def exchange(request: Exchange) -> bytes:
        transport = ssh_transport(engine)
        if transport is None or not transport.is_active():
            raise RouteUnusable(f"the SSH connection to {host} is closed")
        try:
            channel = transport.open_channel(
                "direct-tcpip",
                ("127.0.0.1", request.port),
                ("127.0.0.1", 0),
                timeout=request.seconds,
            )
        except Exception as exc:  # paramiko.ChannelException: "Connect failed", refused
            raise Unanswered(f"127.0.0.1:{request.port} on {host}: {exc}") from exc
        try:
            answer = _send(channel, request)
        finally:
            channel.close()
        if not answer:  # docker-proxy takes the connection even when the container refuses it
            raise Unanswered(f"127.0.0.1:{request.port} on {host}: closed without an answer")
        return answer

    return exchange


def _send(channel: Any, request: Exchange) -> bytes:
    deadline = time.monotonic() + request.seconds
    answer = bytearray()
    try:
        channel.settimeout(request.seconds)
        channel.sendall(request.raw)
        while len(answer) <= MAX_ANSWER_BYTES:
            channel.settimeout(max(deadline - time.monotonic(), 0.01))
            data = channel.recv(65536)
            if not data:
                break
            answer += data
    except TimeoutError as exc:
        if not answer:
            raise AnswerTimedOut(f"no answer in {request.seconds} s") from exc
        raise AnswerTimedOut(f"the answer did not end in {request.seconds} s") from exc
    return bytes(answer)
