"""The helper image's static fetcher (om-fetch): built from its source, and doing its job.

Each binary runs here for real, against a real HTTP server on this machine's loopback:
natively for this machine's architecture, under qemu-user for the other when it is installed.
"""

from __future__ import annotations

import json
import platform
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.processes import free_port
from tests.spec_server import SPEC, spec_server

FETCHER_DIR = PROJECT_ROOT / "openapi_meta" / "engine" / "fetcher"
NATIVE = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine())
QEMU = {"amd64": "qemu-x86_64-static", "arm64": "qemu-aarch64-static"}
REQUEST = "GET /openapi.json HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Token: t2\r\n\r\n"


def runner(arch: str) -> list[str]:
    """How to run the `arch` binary here: directly, or under qemu-user; skip if neither."""
    binary = str(FETCHER_DIR / f"om-fetch-{arch}")
    if arch == NATIVE:
        return [binary]
    qemu = shutil.which(QEMU[arch])
    if qemu is None:
        pytest.skip(f"{QEMU[arch]} is not installed (Debian's qemu-user-static)")
    return [qemu, binary]


@pytest.fixture(scope="module")
def server_port() -> Iterator[int]:
    with spec_server() as port:
        yield port


ARCHES = pytest.mark.parametrize("arch", ["amd64", "arm64"])


@ARCHES
def test_it_sends_the_request_and_copies_the_answer(arch: str, server_port: int) -> None:
    done = subprocess.run(
        [*runner(arch), str(server_port), "5", REQUEST], capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 ")
    assert json.loads(body) == {**SPEC, "x-token": "t2"}


@ARCHES
def test_a_closed_port_is_exit_3_connection_refused(arch: str) -> None:
    done = subprocess.run(
        [*runner(arch), str(free_port()), "5", REQUEST], capture_output=True, timeout=30
    )
    assert (done.returncode, done.stdout) == (3, b"")
    assert done.stderr == b"om-fetch: connection refused\n"


@ARCHES
def test_a_silent_server_is_exit_5_after_the_timeout(arch: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # never accepted: the connection is made, nothing ever answers
        port = listener.getsockname()[1]
        done = subprocess.run([*runner(arch), str(port), "1", REQUEST], capture_output=True)
    assert done.returncode == 5
    assert b"timed out" in done.stderr


@ARCHES
def test_a_server_on_ipv6_loopback_only_is_found(arch: str) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    with socket.socket(socket.AF_INET6) as listener:
        listener.bind(("::1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def answer() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.0 204 No Content\r\n\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        done = subprocess.run([*runner(arch), str(port), "5", REQUEST], capture_output=True)
        thread.join(timeout=5)
    assert (done.returncode, done.stdout) == (0, b"HTTP/1.0 204 No Content\r\n\r\n")


@ARCHES
def test_dash_f_copies_a_file_byte_for_byte(arch: str, tmp_path: Path) -> None:
    data = bytes(range(256)) * 700  # binary, and larger than one read
    (tmp_path / "data").write_bytes(data)
    done = subprocess.run([*runner(arch), "-f", str(tmp_path / "data")], capture_output=True)
    assert (done.returncode, done.stdout) == (0, data)
    missing = subprocess.run([*runner(arch), "-f", str(tmp_path / "nope")], capture_output=True)
    assert missing.returncode == 6 and b"cannot open" in missing.stderr


@ARCHES
@pytest.mark.parametrize("args", [["x"], ["0", "5", "GET"], ["80", "0", "GET"], ["-g", "/"]])
def test_bad_arguments_are_exit_2(arch: str, args: list[str]) -> None:
    done = subprocess.run([*runner(arch), *args], capture_output=True)
    assert done.returncode == 2 and b"usage" in done.stderr


@ARCHES
def test_without_arguments_it_waits(arch: str) -> None:
    process = subprocess.Popen(runner(arch))
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.5)
    finally:
        process.kill()
        process.wait()


def test_the_committed_binaries_are_built_from_the_committed_source(tmp_path: Path) -> None:
    """scripts/build_fetcher.sh, run again, gives the same bytes (when the same compilers
    are here: the file BUILT_WITH names them)."""
    recorded = (FETCHER_DIR / "BUILT_WITH").read_text().splitlines()
    here = []
    for compiler in ("gcc", "aarch64-linux-gnu-gcc"):
        if shutil.which(compiler) is None:
            pytest.skip(f"{compiler} is not installed")
        version = subprocess.run([compiler, "--version"], capture_output=True, text=True)
        here.append(version.stdout.splitlines()[0])
    if here != recorded:
        pytest.skip(f"the binaries were built with {recorded}, this machine has {here}")
    subprocess.run([PROJECT_ROOT / "scripts" / "build_fetcher.sh", tmp_path], check=True)
    for arch in ("amd64", "arm64"):
        built = (tmp_path / f"om-fetch-{arch}").read_bytes()
        assert built == (FETCHER_DIR / f"om-fetch-{arch}").read_bytes(), arch
