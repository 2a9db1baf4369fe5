"""The `--command` source: start a local server, find its spec, stop its whole process group.

The command runs through `/bin/sh` (so `cd app && uvicorn main:app` works) in a new session,
with its output captured to a temporary file for the log lines shown when it fails. The group
is stopped on every path, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from openapi_meta.cleanup import shielded, stop_process_group
from openapi_meta.errors import SourceError
from openapi_meta.sources import RawDocument
from openapi_meta.sources.discovery import Options
from openapi_meta.sources.http import make_client
from openapi_meta.sources.preflight import Target, diagnose, group_listeners
from openapi_meta.sources.progress import Progress
from openapi_meta.sources.readiness import wait_for_spec
from openapi_meta.sources.spec_disabled import command_words, spec_disabled

# The command's server may listen on either loopback address ("localhost" is ::1 first for
# Node 17+, for example); both are watched, and nothing else.
HOSTS = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class CommandSource:
    """Run `command` (in `cwd`, default the current folder), which serves HTTP on
    127.0.0.1:`port`, until its spec answers."""

    command: str
    port: int
    cwd: Path | None = None
    spec_path: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    startup_timeout: float = 300.0
    quiet: bool = False
    route_check: bool = True
    preset: str | None = None

    def fetch(self) -> RawDocument:
        if _port_answers(self.port):
            raise SourceError(
                f"port {self.port} on localhost is already in use: another server would answer"
                " instead of your command; stop it or pick another --port"
            )
        progress = Progress(quiet=self.quiet)
        with tempfile.TemporaryFile() as log, make_client(dict(self.headers), local=True) as client:
            # O_APPEND: the child's writes go to the end even while we seek to read its tail.
            flags = fcntl.fcntl(log.fileno(), fcntl.F_GETFL)
            fcntl.fcntl(log.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)
            process = None
            try:
                # A signal noted while starting is raised as the block ends: by then `process`
                # is set, so the `finally` below still stops the group.
                with shielded():
                    process = self._start(log)
                target = Target(self.port, in_container=False)
                group = process.pid  # the command leads a session, and a process group, of its own
                with progress:
                    found = wait_for_spec(
                        client,
                        tuple(f"http://{_url_host(h)}:{self.port}/" for h in HOSTS),
                        watched=_Process(process, log, "the command"),
                        timeout=self.startup_timeout,
                        spec_path=self.spec_path,
                        progress=progress,
                        options=Options(route_check=self.route_check, preset=self.preset),
                        preflight=lambda: diagnose(group_listeners(group), target),
                        spec_disabled=spec_disabled(
                            command_words(self.command), {**os.environ, **dict(self.env)}
                        ),
                    )
            finally:
                if process is not None:
                    with shielded():
                        stop_process_group(process)
        label = found.label(found.path)
        progress.note(f"using the spec at {found.label(found.url)}")
        origin = f"{self.command} (spec at {label})"
        return found.raw_document(origin=origin, name=label)

    def _start(self, log: IO[bytes]) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                self.command,
                shell=True,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **dict(self.env)},
                cwd=self.cwd,
            )
        except OSError as exc:
            raise SourceError(f"cannot start {self.command!r}: {exc.strerror}") from exc


class _Process:
    def __init__(self, process: subprocess.Popen[bytes], log: IO[bytes], description: str) -> None:
        self.process = process
        self.log = log
        self.description = description

    def exit_code(self) -> int | None:
        return self.process.poll()

    def log_tail(self, lines: int) -> str:
        return tail(self.log, lines)

    def log_head(self, lines: int) -> str:
        return "\n".join(_read_at(self.log, 0, _LOG_WINDOW).splitlines()[:lines])


_LOG_WINDOW = 64 * 1024


def tail(log: IO[bytes], lines: int, *, window: int = _LOG_WINDOW) -> str:
    """The last `lines` lines of a log file (reading at most its last `window` bytes)."""
    size = os.fstat(log.fileno()).st_size
    return "\n".join(_read_at(log, max(size - window, 0), window).splitlines()[-lines:])


def _read_at(log: IO[bytes], offset: int, size: int) -> str:
    # pread, not seek + read: the server writes through the same open file, and a seek here
    # would move where its next line lands.
    return os.pread(log.fileno(), size, offset).decode("utf-8", errors="replace")


def _port_answers(port: int) -> bool:
    for host in HOSTS:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return True
    return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
