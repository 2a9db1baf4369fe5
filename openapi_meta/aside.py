"""Text computed from a finished tree in a forked child, while this process goes on.

Writing the output (0.15 s for GitHub's 13 MB description) and validating and linting it
(0.3 s) only read the finished spec; with two cores they can run at once. `fork` shares the
tree with the child at no cost (copy on write), and the child sends its text back through
a pipe. It is used only where fork is safe and pays: Linux, no other thread running, a
large document. Otherwise, and whenever the child fails, the function runs here: the
result never depends on where it was computed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable

# Below this many bytes of input, the fork costs about what it saves.
MIN_FORK_BYTES = 2_000_000
_CHUNK = 1 << 20


class Aside:
    """The text `function` returns: computed in a child when `start` forked one."""

    def __init__(self, function: Callable[[], str]) -> None:
        self.function = function
        self.pid: int | None = None
        self.fd: int | None = None

    def start(self) -> None:
        """Fork the child that computes the text; nothing when forking is not worth it."""
        read_fd, write_fd = os.pipe()
        gc.freeze()  # the child's collections would touch (and copy) every shared object
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid == 0:  # the child: compute, send, leave without running any cleanup
            os.close(read_fd)
            _child(self.function, write_fd)
        os.close(write_fd)
        self.pid, self.fd = pid, read_fd

    def result(self) -> str:
        """The text: the child's when it sent all of it, else computed here."""
        if self.pid is None:
            return self.function()
        chunks = []
        assert self.fd is not None
        while chunk := os.read(self.fd, _CHUNK):
            chunks.append(chunk)
        status = self._end()
        if status == 0:
            return b"".join(chunks).decode("utf-8", "surrogatepass")
        return self.function()

    def cancel(self) -> None:
        """Stop the child, if any (the run failed or was interrupted)."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):  # it had finished
                os.kill(self.pid, signal.SIGKILL)
            self._end()

    def _end(self) -> int:
        pid, fd = self.pid, self.fd
        assert pid is not None and fd is not None
        self.pid = self.fd = None  # a second call (cancel after an interrupted result) is a no-op
        gc.unfreeze()
        os.close(fd)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


def compute_aside(function: Callable[[], str], *, size: int) -> Aside:
    """Start computing `function()` beside this process when `size` (bytes of input) makes
    it pay; `result()` gives the text either way, `cancel()` ends the child."""
    aside = Aside(function)
    if size >= MIN_FORK_BYTES and sys.platform == "linux" and threading.active_count() == 1:
        aside.start()
    return aside


def _child(function: Callable[[], str], fd: int) -> None:
    code = 1
    try:
        # Ctrl-C reaches the whole process group: the child just goes, the parent cleans up.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.disable()
        data = memoryview(function().encode("utf-8", "surrogatepass"))
        while data:
            data = data[os.write(fd, data) :]
        code = 0
    finally:
        os._exit(code)
