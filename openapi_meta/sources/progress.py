"""Progress on stderr: a one-line spinner while waiting, and short notes ("using the spec at ...").

The spinner only draws when stderr is a terminal (CI logs stay clean) and never with
`--quiet`; notes are printed unless `--quiet`. Nothing here writes to stdout, which carries
data under `-o -`.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

from openapi_meta.cleanup import start_background_thread

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Progress:
    """Where a live source reports what it is doing; a context manager that runs the spinner."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.animated = not quiet and _is_tty(self.stream)
        self._status = ""
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def note(self, message: str) -> None:
        """A line for the user (unless --quiet), printed above the spinner."""
        if self.quiet:
            return
        with self._lock:
            self._clear()
            print(f"openapi-meta: {message}", file=self.stream, flush=True)

    def status(self, message: str) -> None:
        """What the spinner says now (e.g. the last build log line)."""
        self._status = message

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.animated:
            self._thread = start_background_thread(self._spin, "openapi-meta-spinner")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
            with self._lock:
                self._clear()

    def _spin(self) -> None:
        frame = 0
        while not self._stop.wait(0.1):
            elapsed = time.monotonic() - self._started
            line = f"{_FRAMES[frame % len(_FRAMES)]} {self._status} ({elapsed:.0f} s)"
            width = shutil.get_terminal_size((80, 24)).columns - 1
            with self._lock:
                self.stream.write("\r\x1b[2K" + line[:width])
                self.stream.flush()
            frame += 1

    def _clear(self) -> None:
        if self.animated:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
