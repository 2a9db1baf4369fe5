"""The progress spinner: drawn only on a terminal, silent with --quiet, and Ctrl-C still works
while it spins (its thread must not swallow the signal)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

from openapi_meta.sources.progress import _FRAMES
from tests.conftest import PROJECT_ROOT
from tests.integration.images import DOCS_ONLY_APP
from tests.processes import free_port

SLOW_SERVER = "sleep 1.5; exec {python} {app} --port {port}"


def start(*args: str, tty: bool) -> tuple[subprocess.Popen[bytes], int | None]:
    """Start openapi-meta with stderr on a new pseudo-terminal (or a pipe); the pty's master."""
    master, slave = pty.openpty() if tty else (None, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "openapi_meta", "extract", *args],
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave if tty else subprocess.PIPE,
    )
    if slave is not None:
        os.close(slave)
    return process, master


def read_until(master: int, process: subprocess.Popen[bytes], stop: bytes | None = None) -> bytes:
    """What the terminal received until the process exits (or `stop` shows up)."""
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            seen += chunk
            if stop is not None and stop in seen:
                return seen
        elif process.poll() is not None:
            break
    return seen


def slow_command() -> list[str]:
    port = free_port()
    command = SLOW_SERVER.format(python=sys.executable, app=DOCS_ONLY_APP, port=port)
    return ["--command", command, "--port", str(port), "-o", "-"]


def test_a_terminal_sees_the_spinner_and_the_note() -> None:
    process, master = start(*slow_command(), tty=True)
    assert master is not None
    output = read_until(master, process).decode()
    assert process.wait(timeout=30) == 0, output
    assert any(frame in output for frame in _FRAMES), output
    assert "\r\x1b[2K" in output
    assert "openapi-meta: using the spec at" in output


def test_a_pipe_gets_notes_but_no_spinner() -> None:
    process, _ = start(*slow_command(), tty=False)
    _, stderr = process.communicate(timeout=60)
    text = stderr.decode()
    assert process.returncode == 0, text
    assert "openapi-meta: using the spec at" in text
    assert not any(frame in text for frame in _FRAMES) and "\x1b[" not in text


def test_quiet_draws_nothing_on_a_terminal() -> None:
    process, master = start(*slow_command(), "--quiet", tty=True)
    assert master is not None
    output = read_until(master, process).decode()
    assert process.wait(timeout=30) == 0, output
    assert not any(frame in output for frame in _FRAMES)
    assert "using the spec at" not in output


def test_ctrl_c_while_the_spinner_spins() -> None:
    never = f"exec sleep 300 # {free_port()}"
    process, master = start("--command", never, "--port", str(free_port()), tty=True)
    assert master is not None
    try:
        seen = read_until(master, process, stop=_FRAMES[2].encode())
        assert _FRAMES[2] in seen.decode(), seen
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 130
        assert b"interrupted" in read_until(master, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
