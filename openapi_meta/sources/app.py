"""The `--app` source: a Python app object's spec, taken in a child process without serving HTTP.

`--app MODULE:ATTR` (or `path/to/file.py:ATTR`; ATTR may be dotted) names a FastAPI, Starlette
or Litestar app, any object with an `openapi()` method returning a dict, or a plain dict;
`--factory` calls ATTR first. Importing an app runs its code, so that happens in a child
Python (`_app_child.py`): its side effects, `sys.path` changes and prints stay there, a
hanging import ends at the timeout, and the child is killed on every path (error, timeout,
Ctrl-C, SIGTERM). The child is the app's own interpreter (`openapi_meta.sources.interpreter`),
so the app's dependencies need not be installed beside openapi-meta; the child scripts use
only the standard library and run by path, so that interpreter needs no openapi-meta either.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources import RawDocument
from openapi_meta.sources.interpreter import Interpreter, choose_interpreter, import_hint

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
    python: str | None = None

    def fetch(self) -> RawDocument:
        location, _ = parse_target(self.target)
        if not self.app_dir.is_dir():
            raise UsageError(f"--app-dir {self.app_dir}: no such folder")
        near = self.app_dir / location if location.endswith(".py") else self.app_dir
        interpreter = choose_interpreter(self.python, near.parent if near.is_file() else near)
        content = self._run_child(interpreter)
        return RawDocument(
            content=content,
            origin=f"app {self.target}",
            name=f"app {self.target}",
            syntax="json",
        )

    def _run_child(self, interpreter: Interpreter) -> bytes:
        """The spec's JSON from a child Python; SourceError with its stderr when it fails."""
        spec = run_child(
            "_app_child.py",
            [self.target, str(self.app_dir), "1" if self.factory else "0"],
            interpreter=interpreter,
            timeout=self.timeout,
            what=f"app {self.target}",
            timeout_hint="does the import start a server or wait for something? raise"
            " --app-timeout if it is only slow",
        )
        return json.dumps(spec, ensure_ascii=True, allow_nan=False).encode()


# Runs a child script by path as `__main__`, with the current folder first on sys.path (as
# `python -m` would have it): `python script.py` would put openapi_meta/sources/ there,
# whose http.py would then stand in for the standard library's `http` in the user's code.
_BOOTSTRAP = "import runpy, sys; sys.argv.pop(0); runpy.run_path(sys.argv[0], run_name='__main__')"


def run_child(
    script: str,
    args: list[str],
    *,
    interpreter: Interpreter,
    timeout: float,
    what: str,
    timeout_hint: str,
) -> Any:
    """Run the child `script` (beside this module; it writes one JSON envelope) with
    `interpreter` and return its result; the child and its process group are killed on
    every path."""
    try:
        process = subprocess.Popen(
            [interpreter.path, "-c", _BOOTSTRAP, str(Path(__file__).with_name(script)), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group, so whatever it starts is killed with it
        )
    except OSError as exc:
        raise UsageError(f"{what}: cannot run {interpreter}: {exc.strerror}") from exc
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
    return _result_of_envelope(stdout, stderr, process.returncode, what, interpreter)


def _result_of_envelope(
    stdout: bytes, stderr: bytes, code: int | None, what: str, interpreter: Interpreter
) -> Any:
    """The result out of the child's `{"result": ...}` / `{"error": ...}` envelope."""
    try:
        envelope = json.loads(stdout)
    except (ValueError, UnicodeDecodeError):
        envelope = None
    if not isinstance(envelope, dict):
        raise SourceError(
            f"{what}: {interpreter} exited with code {code} without a result" + _stderr_tail(stderr)
        )
    if "error" in envelope:
        detail = envelope.get("detail") or ""
        message = f"{what}: {envelope['error']}"
        missing = envelope.get("missing")
        if isinstance(missing, str) and missing:
            message += "\n" + import_hint(interpreter, missing)
        if detail:
            message += "\n" + _indent(detail)
        raise SourceError(message + _stderr_tail(stderr))
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
