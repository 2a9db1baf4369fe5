"""Preflight: what real sockets look like in /proc, and the diagnosis messages."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openapi_meta.sources.preflight import (
    Listener,
    Target,
    diagnose,
    group_listeners,
    listeners,
    local_container_reader,
    loopback_only,
    parse_tcp,
    proc_reader,
)
from tests.processes import wait_gone


def _listening(host: str, family: int = socket.AF_INET) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.bind((host, 0))
    sock.listen()
    return sock


def test_this_process_sockets_are_read_from_proc() -> None:
    with _listening("127.0.0.1") as v4, _listening("::", socket.AF_INET6) as v6:
        ports = v4.getsockname()[1], v6.getsockname()[1]
        found = listeners(proc_reader(os.getpid()))
    by_port = {listener.port: listener for listener in found}
    mine = by_port[ports[0]], by_port[ports[1]]
    assert (str(mine[0]), mine[0].loopback) == (f"127.0.0.1:{ports[0]}", True)
    assert (str(mine[1]), mine[1].loopback) == (f"[::]:{ports[1]}", False)
    assert all(listener.inode > 0 for listener in mine)


def test_a_process_group_listens_on_what_its_members_hold() -> None:
    # A shell (the group's leader) whose child opens the socket, as `sh -c "uvicorn ..."` does.
    code = (
        "import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen();"
        " print(s.getsockname()[1], flush=True); time.sleep(30)"
    )
    process = subprocess.Popen(
        ["/bin/sh", "-c", f'{sys.executable} -c "{code}"; true'],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with _listening("127.0.0.1") as ours:  # this process's socket is not the group's
            found = group_listeners(process.pid)
            assert ours.getsockname()[1] not in [listener.port for listener in found]
        assert [listener.port for listener in found] == [port]
    finally:
        os.killpg(process.pid, 9)
        process.wait()
        wait_gone(process.pid)


def test_an_unknown_group_listens_on_nothing() -> None:
    assert group_listeners(2**22 + 12345) == []


def test_the_container_reader_refuses_a_process_that_is_not_the_container() -> None:
    attrs = {"State": {"Pid": os.getpid()}, "Path": "definitely-not-this-program"}
    assert local_container_reader(attrs) is None
    argv0 = Path("/proc/self/cmdline").read_text().split("\0", 1)[0]
    attrs["Path"] = "/usr/bin/" + Path(argv0).name  # a container's Path is often absolute
    read = local_container_reader(attrs)
    assert read is not None and read("net/tcp") is not None


@given(st.ip_addresses(), st.integers(1, 65535), st.integers(1, 2**31))
def test_kernel_address_format_round_trips(address, port: int, inode: int) -> None:
    """The kernel writes each 32-bit word of the address in host (little-endian) order."""
    packed = address.packed
    words = b"".join(packed[i : i + 4][::-1] for i in range(0, len(packed), 4))
    line = f"0: {words.hex().upper()}:{port:04X} 00000000:0000 0A 0:0 00:0 0 0 0 {inode} 1"
    [listener] = parse_tcp("header\n" + line)
    expected = address.ipv4_mapped if getattr(address, "ipv4_mapped", None) else address
    assert (ipaddress.ip_address(listener.address), listener.port, listener.inode) == (
        expected,
        port,
        inode,
    )


def test_connections_that_do_not_listen_are_ignored() -> None:
    established = "0: 0100007F:1F90 0100007F:D431 01 0:0 00:0 0 0 0 4242 1"
    assert parse_tcp("header\n" + established) == []


ANY_8000 = Listener(8000, "0.0.0.0")
LOOPBACK_8188 = Listener(8188, "127.0.0.1")


@pytest.mark.parametrize(
    ("found", "target", "message"),
    [
        (
            [ANY_8000],
            Target(9000),
            "nothing listens on 9000; the server listens on 0.0.0.0:8000: use --port 8000"
            " (and exposed_port=8000 in @fal.function)",
        ),
        (
            [ANY_8000],
            Target(9000, "exposed_port"),
            "nothing listens on 9000; the server listens on 0.0.0.0:8000:"
            " set exposed_port=8000 in @fal.function",
        ),
        (
            [LOOPBACK_8188],
            Target(8188, argv=("python3", "main.py", "--listen", "127.0.0.1")),
            "the server listens only on 127.0.0.1:8188 inside the container: fal's gateway"
            " cannot reach it; start it listening on 0.0.0.0: --listen 0.0.0.0 instead of"
            " 127.0.0.1",
        ),
        ([LOOPBACK_8188], Target(8188, in_container=False), None),  # --command: loopback is fine
        ([ANY_8000], Target(8000), None),  # open to us: the silence is something else
        ([], Target(8000), None),  # nothing yet: still starting
    ],
    ids=["wrong-port", "wrong-exposed-port", "loopback-bind", "command-loopback", "fine", "none"],
)
def test_diagnosis(found: list[Listener], target: Target, message: str | None) -> None:
    assert diagnose(found, target) == message


def test_a_server_reached_inside_its_namespace_is_still_checked_for_a_loopback_bind() -> None:
    """Once a spec came by a route inside the container, only the loopback bind matters."""
    loopback_and_any = [LOOPBACK_8188, Listener(8188, "0.0.0.0")]
    assert loopback_only([LOOPBACK_8188], Target(8188)) is not None
    assert loopback_only(loopback_and_any, Target(8188)) is None
    assert loopback_only([LOOPBACK_8188, ANY_8000], Target(8000)) is None
    assert loopback_only([LOOPBACK_8188], Target(8188, in_container=False)) is None


def test_group_listeners_follow_a_real_server_that_starts_late() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not (found := group_listeners(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found and found[0].address == "127.0.0.1"
    finally:
        os.killpg(process.pid, 9)
        process.wait()
