"""Readiness: poll a starting server until its spec answers, failing fast when it dies.

Polls start at 50 ms (a small server is up in well under a second) and back off to 1 s (a
model server may take minutes): the pause is a tenth of the time waited so far, so the spec
is fetched at most about 10% later than it could have been. Before every attempt the watched
process or container is checked: the moment it exits, the wait ends with its exit code and
its last log lines. The same logs come with a timeout, since they usually say why the server
never came up.

Two causes end the wait at once instead of after --startup-timeout: a `preflight` that names
why the port is silent (the server listens elsewhere, or only on loopback in its container),
once the same diagnosis has held for `PREFLIGHT_STABLE` seconds; and a server that was told
not to serve its spec (`spec_disabled`), as soon as it answers without one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import httpx

from openapi_meta.errors import SourceError
from openapi_meta.sources.discovery import FoundSpec, NoSpec, Options, discover
from openapi_meta.sources.http import Unreachable
from openapi_meta.sources.progress import Progress

FIRST_DELAY = 0.05
MAX_DELAY = 1.0
# A server that answers HTTP but has no spec may still be registering routes; after this
# long it is taken at its word.
NO_SPEC_GRACE = 1.0
LOG_LINES = 50
# Start-up URLs a server prints (where its docs are) are looked for in this many lines.
HINT_LINES = 200
# A silent port is diagnosed from this long after the start, and the diagnosis must hold this
# long (a server may open its ports one after another).
PREFLIGHT_AFTER = 0.5
PREFLIGHT_STABLE = 1.5


class Watched(Protocol):
    """The thing serving the spec: a local process or a container."""

    description: str

    def exit_code(self) -> int | None:
        """The exit code once it has exited, else None."""

    def log_tail(self, lines: int) -> str:
        """Its last `lines` lines of output."""


def wait_for_spec(
    client: httpx.Client,
    base_url: str | tuple[str, ...],
    *,
    watched: Watched | None,
    timeout: float,
    spec_path: str | None = None,
    progress: Progress | None = None,
    options: Options | None = None,
    preflight: Callable[[], str | None] | None = None,
    spec_disabled: str | None = None,
) -> FoundSpec:
    """Discover the spec at `base_url`, retrying while the server is not up yet.

    Several base URLs are tried in turn on each attempt (the same port on 127.0.0.1 and on
    [::1]: a server that listens on "localhost" may have picked either); the first one that
    answers at all is where the spec is looked for.
    """
    candidates = (base_url,) if isinstance(base_url, str) else base_url
    started = time.monotonic()
    deadline = started + timeout
    delay = FIRST_DELAY
    first_answer: float | None = None
    options = replace(options or Options(), spec_path=spec_path)
    if watched is not None and options.log is None:
        options = replace(options, log=lambda: watched.log_tail(HINT_LINES))
    silent = _Silence(preflight, started)
    if progress is not None:
        progress.status(f"waiting for {watched.description if watched else candidates[0]}")
    while True:
        check_alive(watched)
        try:
            return _discover_any(client, candidates, options=options, deadline=deadline)
        except Unreachable as exc:
            last: SourceError = exc
            cause = silent.cause()
            if cause is not None:
                raise _with_logs(cause, watched) from exc
        except NoSpec as exc:
            last = exc
            if spec_disabled is not None:
                raise _with_logs(f"{spec_disabled}\n{exc}", watched) from exc
            if not exc.busy:
                first_answer = first_answer or time.monotonic()
                if time.monotonic() - first_answer >= NO_SPEC_GRACE:
                    raise _with_logs(str(exc), watched) from exc
        now = time.monotonic()
        if now + delay >= deadline:
            check_alive(watched)
            raise _with_logs(
                f"timed out after {timeout:g} s waiting for the server's spec (last attempt:"
                f" {last}); raise --startup-timeout if it needs longer",
                watched,
            ) from last
        time.sleep(delay)
        delay = min(max((time.monotonic() - started) * 0.1, FIRST_DELAY), MAX_DELAY)


def _discover_any(
    client: httpx.Client, candidates: tuple[str, ...], *, options: Options, deadline: float
) -> FoundSpec:
    """`discover` at the first candidate that answers; `Unreachable` when none does."""
    for url in candidates[:-1]:
        try:
            return discover(client, url, deadline=deadline, options=options)
        except Unreachable:
            continue
    return discover(client, candidates[-1], deadline=deadline, options=options)


class _Silence:
    """Runs the preflight while the port is silent; a cause once it has held long enough."""

    def __init__(self, preflight: Callable[[], str | None] | None, started: float) -> None:
        self.preflight = preflight
        self.started = started
        self.seen: tuple[str, float] | None = None

    def cause(self) -> str | None:
        now = time.monotonic()
        if self.preflight is None or now - self.started < PREFLIGHT_AFTER:
            return None
        cause = self.preflight()
        if cause is None or self.seen is None or self.seen[0] != cause:
            self.seen = (cause, now) if cause is not None else None
            return None
        return cause if now - self.seen[1] >= PREFLIGHT_STABLE else None


def check_alive(watched: Watched | None) -> None:
    """Raise a `SourceError` with the logs when the watched server has exited."""
    if watched is None:
        return
    code = watched.exit_code()
    if code is not None:
        raise _with_logs(
            f"{watched.description} exited with code {code} before serving a spec", watched
        )


def _with_logs(message: str, watched: Watched | None) -> SourceError:
    if watched is None:
        return SourceError(message)
    tail = watched.log_tail(LOG_LINES).rstrip()
    if not tail:
        return SourceError(f"{message}\n(no output from {watched.description})")
    lines = tail.splitlines()
    header = f"last {len(lines)} log line{'s' if len(lines) != 1 else ''} of {watched.description}:"
    return SourceError(f"{message}\n{header}\n" + "\n".join("  | " + line for line in lines))
