"""Preflight: when the server's port stays silent, read what it listens on and name the cause.

Linux lists a network namespace's TCP sockets in `/proc/net/tcp` and `/proc/net/tcp6` (state
0A is LISTEN). For a container that is the namespace of its main process,
`/proc/<State.Pid>/net/tcp{,6}` on the engine's host; for a `--command` server it is this
machine's, narrowed to the sockets whose inodes the command's process group holds open
(`/proc/PID/fd`). The text is read through a `ProcReader`, a callable from a path below
`/proc/<pid>/` to its text, so a remote engine can supply one that reads inside the container.

Two causes are named, each within seconds instead of a whole --startup-timeout: the server
listens, but on another port; or it listens on our port, but only on a loopback address inside
its container, where neither published ports nor fal's gateway reach it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# A path below /proc/<pid>/ ("net/tcp") → its text, or None when it cannot be read.
ProcReader = Callable[[str], "str | None"]

LISTEN = "0A"
_SOCKET_LINK = re.compile(r"socket:\[(\d+)\]")
# Flags servers take for the address they bind, to say which one to change.
_HOST_FLAGS = ("--listen", "--host", "--bind", "--hostname", "--address", "--ip", "-H", "-b")


@dataclass(frozen=True, order=True)
class Listener:
    """A listening TCP socket: its address, port and socket inode."""

    port: int
    address: str
    inode: int = 0

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.address).is_loopback

    def __str__(self) -> str:
        return (
            f"[{self.address}]:{self.port}"
            if ":" in self.address
            else f"{self.address}:{self.port}"
        )


def parse_tcp(text: str) -> list[Listener]:
    """The LISTEN sockets in the text of /proc/net/tcp or /proc/net/tcp6."""
    found = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != LISTEN:
            continue
        address, _, port = fields[1].partition(":")
        found.append(Listener(int(port, 16), _address(address), int(fields[9])))
    return found


def _address(hex_address: str) -> str:
    """The kernel writes addresses as 32-bit words in host byte order (little-endian here)."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def listeners(read: ProcReader, inodes: set[int] | None = None) -> list[Listener]:
    """Every LISTEN socket `read` shows (only those in `inodes`, when given), sorted."""
    found: set[Listener] = set()
    for name in ("net/tcp", "net/tcp6"):
        text = read(name)
        if text:
            found.update(parse_tcp(text))
    if inodes is not None:
        found = {listener for listener in found if listener.inode in inodes}
    return sorted(found)


def proc_reader(pid: int, proc: Path = Path("/proc")) -> ProcReader:
    """A reader of this machine's /proc/<pid>/."""

    def read(name: str) -> str | None:
        try:
            return (proc / str(pid) / name).read_text()
        except OSError:
            return None

    return read


def process_group(pgid: int, proc: Path = Path("/proc")) -> list[int]:
    """The PIDs in process group `pgid` (a `--command` runs in a session of its own)."""
    pids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) is in parentheses and may hold spaces: split after it.
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 2 and fields[2] == str(pgid):
            pids.append(int(entry.name))
    return pids


def socket_inodes(pids: Iterable[int], proc: Path = Path("/proc")) -> set[int]:
    """The inodes of the sockets these processes hold open."""
    inodes: set[int] = set()
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in (proc / str(pid) / "fd").iterdir()]
        except OSError:
            continue
        inodes.update(int(m.group(1)) for link in links if (m := _SOCKET_LINK.fullmatch(link)))
    return inodes


def group_listeners(pgid: int, proc: Path = Path("/proc")) -> list[Listener]:
    """What the process group `pgid` listens on (in its leader's network namespace)."""
    pids = process_group(pgid, proc)
    if not pids:
        return []
    return listeners(proc_reader(pids[0], proc), socket_inodes(pids, proc))


@dataclass(frozen=True)
class Target:
    """What is waited for: `port`, how the user set it (`port_option`: "--port" or
    "exposed_port"), whether the server runs in a container, and its command line."""

    port: int
    port_option: str = "--port"
    in_container: bool = True
    argv: tuple[str, ...] = ()


def diagnose(found: list[Listener], target: Target) -> str | None:
    """Why `target.port` is silent, given what the server listens on; None when there is
    nothing to say (nothing listens yet, or the port is open to us)."""
    if any(listener.port == target.port for listener in found):
        return loopback_only(found, target)
    usable = [x for x in found if not (target.in_container and x.loopback)] or found
    if not usable:
        return None
    where = ", ".join(str(listener) for listener in usable)
    port = usable[0].port
    if target.port_option == "exposed_port":
        fix = f"set exposed_port={port} in @fal.function"
    else:
        fix = f"use --port {port} (and exposed_port={port} in @fal.function)"
    return f"nothing listens on {target.port}; the server listens on {where}: {fix}"


def loopback_only(found: list[Listener], target: Target) -> str | None:
    """Why fal's gateway cannot reach a container's server that binds `target.port` on a
    loopback address only, even when a route inside its namespace reached it; else None."""
    on_port = [listener for listener in found if listener.port == target.port]
    if not (target.in_container and on_port and all(x.loopback for x in on_port)):
        return None
    where = ", ".join(str(listener) for listener in on_port)
    return (
        f"the server listens only on {where} inside the container: fal's gateway cannot"
        f" reach it; start it listening on 0.0.0.0{_bind_hint(target.argv)}"
    )


def _bind_hint(argv: tuple[str, ...]) -> str:
    """` (--listen 0.0.0.0)` when the command line sets the address with a flag we know."""
    for index, arg in enumerate(argv):
        flag, equals, value = arg.partition("=")
        if flag not in _HOST_FLAGS:
            continue
        if not equals:
            if index + 1 == len(argv):
                continue
            value = argv[index + 1]
        return f": {flag} 0.0.0.0 instead of {shlex.quote(value)}"
    return ""


def container_listeners(
    attrs: dict[str, object], read: ProcReader | None = None
) -> Callable[[], list[Listener]] | None:
    """What a running container (`attrs` from the engine's inspect) listens on: through
    `read` when given (a remote engine's), else through this machine's /proc when the engine
    runs here, else None (nothing to read)."""
    if read is None:
        read = local_container_reader(attrs)
        if read is None:
            return None
    return lambda: listeners(read)


def local_container_reader(
    attrs: dict[str, object], proc: Path = Path("/proc")
) -> ProcReader | None:
    """/proc/<State.Pid>/ when that process is the container's (the engine is local and not in
    a VM): its command line must be the container's own."""
    state = attrs.get("State")
    pid = state.get("Pid") if isinstance(state, dict) else None
    path = attrs.get("Path")
    if not isinstance(pid, int) or pid <= 0 or not isinstance(path, str):
        return None
    read = proc_reader(pid, proc)
    cmdline = read("cmdline")
    if not cmdline:
        return None
    argv0 = cmdline.split("\0", 1)[0]
    return read if os.path.basename(argv0) == os.path.basename(path) else None
