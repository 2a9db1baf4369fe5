"""Ctrl-C and SIGTERM sent to a real `openapi-meta` process while it waits for a server.

Whatever it started must be gone when it exits: the container (counted by the tool's label)
or the command's whole process group. The waits below are hang guards, not timings.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from openapi_meta.cleanup import PID_LABEL
from tests.integration.images import HANGING_SPEC, RUN_LABEL, SLOW_START
from tests.processes import alive, free_port

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
HANG_GUARD = 60


def start_cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "openapi_meta", "extract", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def interrupt(
    process: subprocess.Popen[str], signum: signal.Signals, *, once: Callable[[], object]
) -> None:
    """Send `signum` once `once()` returns; the process must exit with the signal's code and
    no traceback (and is killed if it does not exit at all)."""
    try:
        once()
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == EXIT_CODES[signum], stderr
    assert "Traceback" not in stderr


def containers_of(client: docker.DockerClient, pid: int) -> list[str]:
    """The containers the openapi-meta process `pid` started (other runs may share the engine).

    Sparse: no per-container inspect, which races with the removal this test is watching."""
    owner = f"{PID_LABEL}={socket.gethostname()}:{pid}"
    listed = client.containers.list(all=True, filters={"label": [RUN_LABEL, owner]}, sparse=True)
    return sorted(c.id for c in listed)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("image", [SLOW_START, HANGING_SPEC], ids=["slow-start", "hanging-spec"])
def test_signal_during_container_wait_removes_the_container(
    image: str, signum: signal.Signals, docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    process = start_cli("--image", image, cwd=tmp_path)

    def in_the_wait() -> None:
        wait_until(lambda: containers_of(docker_testbed, process.pid), "the container")
        time.sleep(0.3)  # into the readiness wait

    interrupt(process, signum, once=in_the_wait)
    assert containers_of(docker_testbed, process.pid) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_command_wait_stops_the_process_group(
    signum: signal.Signals, tmp_path: Path
) -> None:
    server_pid = tmp_path / "server.pid"
    child_pid = tmp_path / "child.pid"
    # A shell with a background child, neither ever serving: the wait goes on until signalled.
    command = f"sleep 300 & echo $! > {child_pid}; echo $$ > {server_pid}; sleep 300"
    process = start_cli("--command", command, "--port", str(free_port()), cwd=tmp_path)
    interrupt(
        process,
        signum,
        once=lambda: wait_until(
            lambda: server_pid.is_file() and server_pid.read_text().strip(), "the pid"
        ),
    )
    for pid_file in (server_pid, child_pid):
        pid = int(pid_file.read_text())
        wait_until(lambda pid=pid: not alive(pid), f"pid {pid} to go")
