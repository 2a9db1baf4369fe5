"""The programs that can make an HTTP request from inside a container, and how to run each.

An image usually has one of them: python3, curl, busybox (its nc), bash (its /dev/tcp, with
cat), or wget; the helper image has om-fetch. Each gets the request and the time it may take
on its command line (exec passes no stdin) and writes the server's answer to stdout. Those
that speak TCP send the request bytes as they are and write the answer as it came; curl and
wget make the request themselves, so their output is read back into the same form.
Servers that listen on "localhost" may have picked ::1: python3, curl and om-fetch try both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from openapi_meta.engine.execs import Finished


@dataclass(frozen=True)
class Exchange:
    """One HTTP request to the container's `port`, as parts and as the bytes on the wire."""

    port: int
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    raw: bytes
    seconds: int

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}{self.target}"

    def raw_text(self) -> str:
        """The request as a command-line argument (exec arguments travel as JSON strings)."""
        return self.raw.decode("utf-8")


class CannotFetch(Exception):
    """This fetcher cannot make this request (wget: a method other than GET)."""


@dataclass(frozen=True)
class Fetcher:
    """`probe` exits 0 where the fetcher works; `command` makes one exchange; `answer` turns
    what it wrote into the raw HTTP response (b"" when nothing answered)."""

    name: str
    probe: tuple[str, ...]
    command: Callable[[Exchange], list[str]]
    answer: Callable[[Finished], bytes] = lambda finished: finished.stdout


# Any Python 3 (old images have 3.6): no walrus, and socket.timeout is not TimeoutError there.
# Exit codes as om-fetch's: 3 refused, 4 other socket error, 5 timed out.
_PYTHON = """\
import os, socket, sys
def fail(code, why):
    sys.stderr.write(why + "\\n")
    sys.exit(code)
port, seconds, request = int(sys.argv[1]), float(sys.argv[2]), os.fsencode(sys.argv[3])
first = None
for host in ("127.0.0.1", "::1"):
    try:
        connection = socket.create_connection((host, port), timeout=seconds)
        break
    except OSError as error:
        first = first or error
else:
    if isinstance(first, ConnectionRefusedError):
        fail(3, "connection refused")
    fail(5 if isinstance(first, socket.timeout) else 4, str(first))
try:
    connection.sendall(request)
    while True:
        data = connection.recv(65536)
        if not data:
            break
        sys.stdout.buffer.write(data)
except socket.timeout:
    fail(5, "timed out")
except OSError as error:
    fail(4, str(error))
"""

PYTHON3 = Fetcher(
    "python3",
    ("python3", "-c", "import socket"),
    lambda x: ["python3", "-c", _PYTHON, str(x.port), str(x.seconds), x.raw_text()],
)


def _curl(x: Exchange) -> list[str]:
    headers = [arg for name, value in x.headers for arg in ("-H", f"{name}: {value}")]
    method = ["--head"] if x.method == "HEAD" else ["-X", x.method]
    return [
        *("curl", "-sS", "-i", "--raw", "--http1.1", "--path-as-is"),
        *("--max-time", str(x.seconds), *method, *headers, x.url),
    ]


CURL = Fetcher("curl", ("curl", "--version"), _curl)

# printf, not echo: the request is written exactly as given.
BUSYBOX = Fetcher(
    "busybox",
    ("busybox", "sh", "-c", "busybox nc --help >/dev/null 2>&1"),
    lambda x: [
        *("busybox", "sh", "-c", 'printf "%s" "$3" | busybox nc -w "$2" 127.0.0.1 "$1"'),
        *("om", str(x.port), str(x.seconds), x.raw_text()),
    ],
)

_BASH = (
    'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 3; printf "%s" "$3" >&3;'
    ' if command -v timeout >/dev/null; then exec timeout "$2" cat <&3; fi; exec cat <&3'
)
BASH = Fetcher(
    "bash",
    ("bash", "-c", "command -v cat >/dev/null"),
    lambda x: ["bash", "-c", _BASH, "om", str(x.port), str(x.seconds), x.raw_text()],
)


def _wget(x: Exchange) -> list[str]:
    if x.method != "GET":
        raise CannotFetch(f"wget only makes GET requests, not {x.method}")
    headers = [arg for name, value in x.headers for arg in ("--header", f"{name}: {value}")]
    return ["wget", "-q", "-S", "-O", "-", "-T", str(x.seconds), *headers, x.url]


_WGET_STATUS = re.compile(rb"^  (HTTP/\d(?:\.\d)? \d{3}.*)$")


def _wget_answer(finished: Finished) -> bytes:
    """wget writes the body to stdout and, with -S, the headers to stderr, indented."""
    head: list[bytes] = []
    for line in finished.stderr.splitlines():
        if _WGET_STATUS.match(line):
            head = [line.strip()]  # the last response counts (after any redirect)
        elif head and line.startswith(b"  ") and b":" in line:
            name = line.split(b":", 1)[0].strip().lower()
            if name not in (b"content-length", b"transfer-encoding", b"connection"):
                head.append(line.strip())
    if not head:
        return b""
    head += [b"Content-Length: %d" % len(finished.stdout), b"Connection: close"]
    return b"\r\n".join(head) + b"\r\n\r\n" + finished.stdout


WGET = Fetcher("wget", ("wget", "--help"), _wget, _wget_answer)

OM_FETCH_PATH = "/om-fetch"
OM_FETCH = Fetcher(
    "om-fetch",
    (OM_FETCH_PATH,),
    lambda x: [OM_FETCH_PATH, str(x.port), str(x.seconds), x.raw_text()],
)

# In order of preference: the faithful ones (bytes as they came) first, wget last.
IMAGE_FETCHERS = (PYTHON3, CURL, BUSYBOX, BASH, WGET)
