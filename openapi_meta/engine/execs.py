"""Run a command in a container through the engine API, within a time limit.

docker-py's own exec reading waits without a limit (it polls the stream with no timeout), so a
fetcher stuck on a server that accepted the connection and never answers would hang the run.
Here every read waits at most until the deadline; the command may go on in the container
(it goes with the container at cleanup), but the run does not wait for it.
"""

from __future__ import annotations

import contextlib
import select
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docker.utils.socket import read as read_some

# A command the runtime could not start (the file is not there, or not executable).
NOT_FOUND_CODES = (126, 127)


@dataclass(frozen=True)
class Finished:
    """What a command wrote, and its exit code (None: still running when time was up)."""

    code: int | None
    stdout: bytes
    stderr: bytes

    @property
    def timed_out(self) -> bool:
        return self.code is None

    def reason(self) -> str:
        """Its stderr (or stdout) as one short line, for messages."""
        text = (self.stderr or self.stdout).decode("utf-8", errors="replace").strip()
        return " ".join(text.split())[:300] or f"exit code {self.code}"


def run_in_container(
    api: Any, container_id: str, argv: Sequence[str], *, timeout: float, limit: int
) -> Finished:
    """Run `argv` in the running container; read at most `limit` bytes of stdout."""
    exec_id = api.exec_create(container_id, list(argv), stdout=True, stderr=True)["Id"]
    stream = api.exec_start(exec_id, socket=True)
    try:
        stdout, stderr, complete = _read_frames(stream, time.monotonic() + timeout, limit)
    finally:
        _close(stream)
    if not complete:
        return Finished(None, stdout, stderr)
    return Finished(_exit_code(api, exec_id, deadline=time.monotonic() + 2), stdout, stderr)


def _exit_code(api: Any, exec_id: str, *, deadline: float) -> int | None:
    """The exit code; the engine may take a moment after the streams end to record it."""
    while True:
        state = api.exec_inspect(exec_id)
        if not state.get("Running") or time.monotonic() > deadline:
            code = state.get("ExitCode")
            return None if state.get("Running") else int(code or 0)
        time.sleep(0.01)


def _read_frames(stream: Any, deadline: float, limit: int) -> tuple[bytes, bytes, bool]:
    """The multiplexed stdout/stderr of an exec (8-byte header, then the frame); `complete`
    is False when the deadline came first or stdout went over `limit`."""
    buffers: dict[int, bytearray] = {1: bytearray(), 2: bytearray()}
    pending = bytearray()
    while True:
        chunk = _read(stream, deadline)
        if chunk is None:
            return bytes(buffers[1]), bytes(buffers[2]), False
        if not chunk:
            return bytes(buffers[1]), bytes(buffers[2]), True
        pending += chunk
        while len(pending) >= 8:
            kind, size = struct.unpack(">BxxxL", pending[:8])
            if len(pending) < 8 + size:
                break
            buffers.get(kind, buffers[2]).extend(pending[8 : 8 + size])
            del pending[: 8 + size]
        if len(buffers[1]) > limit:
            return bytes(buffers[1]), bytes(buffers[2]), False


def _read(stream: Any, deadline: float) -> bytes | None:
    """Some bytes, b"" at the end, None when nothing came before the deadline."""
    pending = getattr(stream, "pending", None)  # TLS: bytes already decrypted
    while True:
        if not (pending and pending()):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([stream], [], [], left)[0]:
                return None
        data = read_some(stream, 65536)
        if data is not None:  # None: interrupted, try again
            return bytes(data)


def _close(stream: Any) -> None:
    for closable in (stream, getattr(stream, "_sock", None)):
        with contextlib.suppress(Exception):
            if closable is not None:
                closable.close()
