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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
# Of those, the first lines of a longer log: where a server says how it started, before the
# lines of the requests that looked for its spec.
LOG_HEAD_LINES = 10
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

    def log_head(self, lines: int) -> str:
        """Its first `lines` lines of output."""


class RouteUnusable(SourceError):
    """Raised by a route's transport when that route can never reach the server (the image
    has no fetcher and helpers are not allowed, say): the wait goes on without it."""


class Route(Protocol):
    """One way to reach the server: a client, and the server's base URL through it.

    `not_before` is how long into the wait the route is first tried (a costly route can
    wait until the cheap one has had its chance)."""

    @property
    def name(self) -> str:
        """What the route is, for -v and for the messages when nothing answers."""

    client: httpx.Client
    base_url: str
    not_before: float


@dataclass(frozen=True)
class HttpRoute:
    """A route that is a plain URL for a plain client."""

    name: str
    client: httpx.Client
    base_url: str
    not_before: float = 0.0


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
    routes = [HttpRoute(url, client, url) for url in candidates]
    found, _ = wait_for_spec_on(
        routes,
        watched=watched,
        timeout=timeout,
        spec_path=spec_path,
        progress=progress,
        options=options,
        preflight=preflight,
        spec_disabled=spec_disabled,
    )
    return found


def wait_for_spec_on(
    routes: Sequence[Route],
    *,
    watched: Watched | None,
    timeout: float,
    spec_path: str | None = None,
    progress: Progress | None = None,
    not_tried: Sequence[str] = (),
    options: Options | None = None,
    preflight: Callable[[], str | None] | None = None,
    spec_disabled: str | None = None,
) -> tuple[FoundSpec, Route]:
    """`wait_for_spec` over routes: each attempt tries them in order and stops at the first
    that answers, which is then the only one tried. The spec and the route it came by.

    When nothing answers in time, the error says what each route answered last, and why the
    routes in `not_tried` were not tried."""
    started = time.monotonic()
    deadline = started + timeout
    delay = FIRST_DELAY
    first_answer: float | None = None
    answered: Route | None = None
    usable = list(routes)
    last: dict[str, SourceError] = {}
    options = replace(options or Options(), spec_path=spec_path)
    if watched is not None and options.log is None:
        options = replace(options, log=lambda: watched.log_tail(HINT_LINES))
    silent = _Silence(preflight, started)
    if progress is not None:
        progress.status(f"waiting for {watched.description if watched else routes[0].name}")
    while True:
        check_alive(watched)
        elapsed = time.monotonic() - started
        for route in [answered] if answered else [r for r in usable if r.not_before <= elapsed]:
            try:
                found = discover(route.client, route.base_url, deadline=deadline, options=options)
                return found, route
            except RouteUnusable as exc:
                last[route.name] = exc
                usable.remove(route)
                if not usable:
                    raise error_with_logs(
                        f"no route reaches the server ({_last_attempts(last, not_tried)})",
                        watched,
                    ) from exc
            except Unreachable as exc:
                last[route.name] = exc
            except NoSpec as exc:
                last = {route.name: exc}
                answered = route
                if spec_disabled is not None:
                    raise error_with_logs(f"{spec_disabled}\n{exc}", watched) from exc
                if not exc.busy:
                    first_answer = first_answer or time.monotonic()
                    if time.monotonic() - first_answer >= NO_SPEC_GRACE:
                        raise error_with_logs(str(exc), watched) from exc
                break
        if answered is None:
            cause = silent.cause()
            if cause is not None:
                raise error_with_logs(cause, watched)
        now = time.monotonic()
        if now + delay >= deadline:
            check_alive(watched)
            raise error_with_logs(
                f"timed out after {timeout:g} s waiting for the server's spec"
                f" ({_last_attempts(last, not_tried)}); raise --startup-timeout if it needs longer",
                watched,
            ) from next(reversed(last.values()), None)
        time.sleep(delay)
        delay = min(max((time.monotonic() - started) * 0.1, FIRST_DELAY), MAX_DELAY)


def _last_attempts(last: dict[str, SourceError], not_tried: Sequence[str]) -> str:
    """What each route answered last: one route as before (`last attempt: ...`), several
    by name, then the routes not tried and why."""
    if len(last) == 1 and not not_tried:
        return f"last attempt: {next(iter(last.values()))}"
    parts = [f"{name}: {error}" for name, error in last.items()]
    parts += [f"not tried: {reason}" for reason in not_tried]
    return "last attempts: " + "; ".join(parts)


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
        raise error_with_logs(
            f"{watched.description} exited with code {code} before serving a spec", watched
        )


def error_with_logs(message: str, watched: Watched | None) -> SourceError:
    """`message` followed by the log of what was watched: all of it when short, else its
    first and last lines (how it started; what it said last)."""
    if watched is None:
        return SourceError(message)
    tail = watched.log_tail(LOG_LINES + 1).rstrip()
    if not tail:
        return SourceError(f"{message}\n(no output from {watched.description})")
    lines = tail.splitlines()
    if len(lines) <= LOG_LINES:
        header = f"last {len(lines)} log line{'s' if len(lines) != 1 else ''}"
    else:
        head = watched.log_head(LOG_HEAD_LINES).rstrip().splitlines()
        last = LOG_LINES - len(head)
        header = f"first {len(head)} and last {last} log lines"
        lines = [*head, "...", *lines[-last:]]
    return SourceError(
        f"{message}\n{header} of {watched.description}:\n"
        + "\n".join("  | " + line for line in lines)
    )
