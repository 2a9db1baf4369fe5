"""The `--app` source: a Python app object's spec, taken in a child process without serving HTTP.

`--app MODULE:ATTR` (or `path/to/file.py:ATTR`; ATTR may be dotted) names a FastAPI, Starlette
or Litestar app, any object with an `openapi()` method returning a dict, or a plain dict;
`--factory` calls ATTR first. Importing an app runs its code, so that happens in a child
Python (`openapi_meta.sources._app_child`): its side effects, `sys.path` changes and prints
stay there, a hanging import ends at the timeout, and the child is killed on every path
(error, timeout, Ctrl-C, SIGTERM).

A Starlette app has no spec of its own: the child uses the one `SchemaGenerator` defined in
the app's module (Starlette's documented pattern), and says so when there is none.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources import RawDocument

DEFAULT_TIMEOUT = 60.0
STDERR_TAIL_LINES = 20
_TARGET = re.compile(r"^(?P<location>[^:]+):(?P<attr>[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)$")


def parse_target(target: str) -> tuple[str, str]:
    """Split `MODULE:ATTR` / `path/to/file.py:ATTR`, or a usage error that shows the form."""
    match = _TARGET.match(target.strip())
    if not match:
        raise UsageError(
            f"--app {target!r}: expected MODULE:ATTR or path/to/file.py:ATTR"
            " (e.g. --app main:app or --app src/server.py:create_app --factory)"
        )
    return match["location"], match["attr"]


@dataclass(frozen=True)
class AppSource:
    """An app object named `target`, imported with `app_dir` first on `sys.path`."""

    target: str
    app_dir: Path = Path(".")
    factory: bool = False
    timeout: float = DEFAULT_TIMEOUT

    def fetch(self) -> RawDocument:
        parse_target(self.target)
        if not self.app_dir.is_dir():
            raise UsageError(f"--app-dir {self.app_dir}: no such folder")
        content = self._run_child()
        return RawDocument(
            content=content,
            origin=f"app {self.target}",
            name=f"app {self.target}",
            syntax="json",
        )

    def _run_child(self) -> bytes:
        """The spec's JSON from a child Python; SourceError with its stderr when it fails."""
        spec = run_child(
            "openapi_meta.sources._app_child",
            [self.target, str(self.app_dir), "1" if self.factory else "0"],
            timeout=self.timeout,
            what=f"app {self.target}",
            timeout_hint="does the import start a server or wait for something? raise"
            " --app-timeout if it is only slow",
        )
        return json.dumps(spec, ensure_ascii=True, allow_nan=False).encode()


def run_child(module: str, args: list[str], *, timeout: float, what: str, timeout_hint: str) -> Any:
    """Run `python -m module *args` (a child that writes one JSON envelope) and return its
    result; the child and its process group are killed on every path."""
    # The child must import openapi_meta itself even from a checkout that is not installed.
    package_root = str(Path(__file__).resolve().parents[2])
    pythonpath = os.environ.get("PYTHONPATH")
    env = {
        **os.environ,
        "PYTHONPATH": package_root + (os.pathsep + pythonpath if pythonpath else ""),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own group, so whatever it starts is killed with it
    )
    try:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            _, stderr = process.communicate()
            raise SourceError(
                f"{what}: importing it took longer than {timeout:g} s" + _stderr_tail(stderr),
                hint=timeout_hint,
            ) from None
    finally:
        _kill(process)
    return _result_of_envelope(stdout, stderr, process.returncode, what)


def _result_of_envelope(stdout: bytes, stderr: bytes, code: int | None, what: str) -> Any:
    """The result out of the child's `{"result": ...}` / `{"error": ...}` envelope."""
    try:
        envelope = json.loads(stdout)
    except (ValueError, UnicodeDecodeError):
        envelope = None
    if not isinstance(envelope, dict):
        raise SourceError(
            f"{what}: the child Python exited with code {code} without a result"
            + _stderr_tail(stderr)
        )
    if "error" in envelope:
        detail = envelope.get("detail") or ""
        message = f"{what}: {envelope['error']}"
        if detail:
            message += "\n" + _indent(detail)
        message += _stderr_tail(stderr)
        raise SourceError(message)
    return envelope["result"]


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the child's process group unless the child has already been reaped."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _stderr_tail(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", errors="replace").rstrip().splitlines()
    if not lines:
        return ""
    return "\nits stderr ended with:\n" + _indent("\n".join(lines[-STDERR_TAIL_LINES:]))


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
