"""Route check: ask the live server whether the spec's paths exist, without running a handler.

Each path is asked with a method it does not declare (OPTIONS, else TRACE): a router answers
404 for a path it does not know and something else (405, or 200 from an automatic OPTIONS)
for one it knows, before any handler runs. Not every router can tell the two apart: Fastify,
NestJS (its catch-all 404 answers before Express's automatic OPTIONS) and Robyn answer 404 to
a wrong method. So the check calibrates first, on a path that
cannot exist and on one known to exist (the spec's own URL, or a preset's fingerprint route);
when the answers are the same, it says so in an info finding instead of warning falsely.

The paths are asked under the spec's `servers` prefix (or Swagger 2.0 `basePath`); when the
server does not serve them there, at the root and under the folder the spec was served from,
so the report can say where they really are. Requests go out concurrently, bounded in number
(`MAX_PATHS`) and time (`BUDGET_SECONDS`).
"""

from __future__ import annotations

import functools
import posixpath
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from openapi_meta.document.pointer import join_pointer
from openapi_meta.errors import SourceError
from openapi_meta.findings import Finding, Level
from openapi_meta.sources.http import RequestPool, request

PROBE_METHODS = ("OPTIONS", "TRACE")
MAX_PATHS = 200
BUDGET_SECONDS = 3.0
WORKERS = 6  # as in discovery: a stdlib server queues only 6 connections
ABSENT_PATH = "/openapi-meta-route-check/absent"
MISSING = frozenset({404, 410})
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_TEMPLATE = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True)
class RouteReport:
    """What the check found: findings, the share of checked paths served (None when the
    server's answers could not tell), and `served_prefix`, the prefix under which the paths
    are served when the spec does not say so itself."""

    findings: tuple[Finding, ...]
    served_share: float | None
    served_prefix: str | None = None


def check_routes(
    client: httpx.Client,
    origin: str,
    document: dict[str, Any],
    *,
    known_path: str | None,
    spec_folder: str = "/",
    deadline: float | None = None,
) -> RouteReport:
    """Check `document`'s paths against the server at `origin`; `known_path` is a path the
    server is known to serve (for calibration), `spec_folder` where the spec was served."""
    paths = _paths(document)
    if not paths:
        return RouteReport((), None)
    budget = time.monotonic() + BUDGET_SECONDS
    deadline = min(deadline, budget) if deadline is not None else budget
    probe = _Prober(client, origin, deadline)
    declared, pointer = _declared_prefix(document)
    method = probe.calibrate(declared, known_path)
    if method is None:
        return RouteReport(
            (
                Finding(
                    "route-check-inconclusive",
                    Level.INFO,
                    "",
                    "route check skipped: this server answers the same to a path that exists"
                    " and to one that cannot (it answers 404 to a method a path does not"
                    " declare), so it cannot say which of the spec's paths it serves",
                ),
            ),
            None,
        )
    results = probe.paths(declared, paths, method)
    share = _share(results)
    if share >= 0.5:
        return RouteReport(_missing(results, declared), share)
    # Most paths are not where the spec puts them: look at the root and the spec's folder.
    for prefix in dict.fromkeys(("", spec_folder.rstrip("/"))):
        if prefix == declared:
            continue
        elsewhere = probe.paths(prefix, paths, method)
        if _share(elsewhere) >= 0.5:
            return _served_elsewhere(declared, pointer, prefix, elsewhere)
    return RouteReport((_other_server(results, declared), *_missing(results, declared)), share)


class _Prober:
    def __init__(self, client: httpx.Client, origin: str, deadline: float) -> None:
        self.client = client
        self.origin = origin
        self.deadline = deadline

    def status(self, path: str, method: str) -> int | None:
        try:
            reply = request(
                self.client,
                urljoin(self.origin, path),
                method=method,
                deadline=self.deadline,
                limit=1024 * 1024,
                follow_redirects=False,
            )
        except SourceError:
            return None
        return reply.status

    def calibrate(self, prefix: str, known_path: str | None) -> str | None:
        """The first probe method for which an absent path and a known one differ."""
        known = known_path or "/"
        for method in PROBE_METHODS:
            absent = self.status(prefix + ABSENT_PATH, method)
            present = self.status(known, method)
            if absent in MISSING and present is not None and present not in MISSING:
                return method
        return None

    def paths(
        self, prefix: str, paths: Sequence[tuple[str, set[str]]], method: str
    ) -> list[tuple[str, str, int | None]]:
        """(path, method asked, status) for each path that has a method left to ask with."""
        jobs = []
        for path, declared in paths[:MAX_PATHS]:
            ask = method if method.lower() not in declared else _other(method, declared)
            if ask is not None:
                jobs.append((path, ask))
        pool = RequestPool(WORKERS, "openapi-meta-route-check")
        statuses: dict[object, int | None] = {}
        try:
            for index, (path, ask) in enumerate(jobs):
                pool.submit(index, functools.partial(self.status, prefix + _concrete(path), ask))
            while len(statuses) < len(jobs):
                done = pool.result(self.deadline - time.monotonic())
                if done is None:
                    break  # out of time: the rest count as unanswered
                statuses[done[0]] = done[1] if done[2] is None else None  # type: ignore[assignment]
        finally:
            pool.close()
        return [(path, ask, statuses.get(index)) for index, (path, ask) in enumerate(jobs)]


def _other(method: str, declared: set[str]) -> str | None:
    return next((m for m in PROBE_METHODS if m != method and m.lower() not in declared), None)


def _paths(document: dict[str, Any]) -> list[tuple[str, set[str]]]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    return [
        (path, {m for m in item if m in _METHODS} if isinstance(item, dict) else set())
        for path, item in paths.items()
        if isinstance(path, str) and path.startswith("/")
    ]


def _declared_prefix(document: dict[str, Any]) -> tuple[str, str]:
    """The path prefix the spec puts before its paths, and the pointer to where it says so."""
    servers = document.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = servers[0].get("url")
        if isinstance(url, str):
            variables = servers[0].get("variables")
            if isinstance(variables, dict):
                for name, variable in variables.items():
                    if isinstance(variable, dict) and isinstance(variable.get("default"), str):
                        url = url.replace("{" + name + "}", variable["default"])
            # A relative URL ("." in BentoML's, "/api") is relative to the server's root here.
            path = posixpath.normpath("/" + urlsplit(url).path.lstrip("/"))
            return path.rstrip("/"), "/servers/0/url"
    base_path = document.get("basePath")
    if isinstance(base_path, str):
        return base_path.rstrip("/"), "/basePath"
    return "", ""


def _concrete(path: str) -> str:
    """A URL path for a template: every `{name}` becomes 1 (a valid integer and string)."""
    return _TEMPLATE.sub("1", path)


def _share(results: list[tuple[str, str, int | None]]) -> float:
    answered = [status for _, _, status in results if status is not None]
    if not answered:
        return 1.0
    return sum(status not in MISSING for status in answered) / len(answered)


def _missing(results: list[tuple[str, str, int | None]], prefix: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            "route-missing",
            Level.WARNING,
            join_pointer("/paths", path),
            f"the server does not serve {prefix}{path}: {method} {prefix}{_concrete(path)}"
            f" answered {status} (a path it knows answers otherwise)",
        )
        for path, method, status in results
        if status in MISSING
    )


def _other_server(results: list[tuple[str, str, int | None]], prefix: str) -> Finding:
    missing = sum(status in MISSING for _, _, status in results)
    return Finding(
        "route-other-server",
        Level.WARNING,
        "",
        f"the spec seems to describe another server: {missing} of its {len(results)} paths"
        f" are not served here{f' under {prefix}' if prefix else ''}",
    )


def _served_elsewhere(
    declared: str, pointer: str, prefix: str, results: list[tuple[str, str, int | None]]
) -> RouteReport:
    where = prefix or "/"
    if declared:
        finding = Finding(
            "route-servers-prefix",
            Level.WARNING,
            pointer,
            f"the server does not serve the spec's paths under {declared} (its servers"
            f" prefix) but under {where}: something in front of it is assumed to strip"
            f" {declared} (uvicorn --root-path does this). fal sends requests straight to"
            " the port and strips nothing: start the server without that prefix setting,"
            f" or give --server-url {where}",
        )
        return RouteReport((finding, *_missing(results, prefix)), _share(results))
    finding = Finding(
        "route-served-under-prefix",
        Level.INFO,
        "",
        f"the spec's paths are served under {where}, the folder the spec was served from,"
        f" and the spec has no servers entry: servers is set to {where}",
    )
    return RouteReport((finding, *_missing(results, prefix)), _share(results), served_prefix=where)
