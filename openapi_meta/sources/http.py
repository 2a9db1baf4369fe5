"""HTTP for live-server sources: one httpx client setup, capped reads, httpx errors translated.

Every request a live source makes goes through `get`, so a response is either a `Reply`
(status, content type, bytes) or one of two project errors: `Unreachable` (nothing answered
the connection: the server may still be starting) or `SourceError` (an answer we cannot use).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from openapi_meta.cleanup import start_background_thread
from openapi_meta.errors import SourceError
from openapi_meta.limits import MAX_DOCUMENT_BYTES

# JSON first (the loader is fastest on it and every framework can serve it), YAML next.
SPEC_ACCEPT = (
    "application/json, application/vnd.oai.openapi+json;q=0.95, application/yaml;q=0.9,"
    " application/x-yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/javascript;q=0.9, */*;q=0.5"
MAX_PAGE_BYTES = 8 * 1024 * 1024
CONNECT_TIMEOUT = 5.0


class Unreachable(SourceError):
    """Nothing answered (connection refused or reset, or no answer in time): maybe not up yet."""


@dataclass(frozen=True)
class Reply:
    url: str
    status: int
    content_type: str
    content: bytes


def make_client(
    headers: dict[str, str], *, local: bool, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """A client for one run; `local` servers (ours, on 127.0.0.1) never go through a proxy.
    `transport`: how requests travel, when not over a socket of ours (a container's server
    reached through the engine)."""
    return httpx.Client(
        headers={"User-Agent": "openapi-meta", **headers},
        follow_redirects=True,
        trust_env=not local,
        timeout=httpx.Timeout(30.0, connect=CONNECT_TIMEOUT),
        transport=transport,
    )


def get(
    client: httpx.Client,
    url: str,
    *,
    accept: str = SPEC_ACCEPT,
    deadline: float | None = None,
    limit: int = MAX_DOCUMENT_BYTES,
) -> Reply:
    """GET `url`, reading at most `limit` bytes, giving up at `deadline` (a monotonic time)."""
    return request(client, url, accept=accept, deadline=deadline, limit=limit)


def request(
    client: httpx.Client,
    url: str,
    *,
    method: str = "GET",
    accept: str = SPEC_ACCEPT,
    deadline: float | None = None,
    limit: int = MAX_DOCUMENT_BYTES,
    follow_redirects: bool = True,
) -> Reply:
    """`method` on `url` (TorchServe answers OPTIONS with its spec; the route check asks with
    methods a path does not declare), read and translated as `get` describes."""
    timeout = httpx.Timeout(30.0, connect=CONNECT_TIMEOUT)
    if deadline is not None:
        left = max(deadline - time.monotonic(), 0.05)
        timeout = httpx.Timeout(left, connect=min(left, CONNECT_TIMEOUT))
    try:
        with client.stream(
            method,
            url,
            headers={"Accept": accept},
            timeout=timeout,
            follow_redirects=follow_redirects,
        ) as response:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise SourceError(f"{url}: the answer is over the {limit:,}-byte limit")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
            return Reply(str(response.url), response.status_code, content_type, b"".join(chunks))
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise Unreachable(f"{url}: no answer ({_reason(exc)})") from exc
    except httpx.TimeoutException as exc:
        raise Unreachable(
            f"{url}: no answer in time (the server took the connection but hung)"
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise SourceError(f"{url}: too many redirects") from exc
    except httpx.UnsupportedProtocol as exc:
        raise SourceError(f"{url}: not an http:// or https:// URL") from exc
    except httpx.InvalidURL as exc:
        raise SourceError(f"{url}: invalid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: request failed ({_reason(exc)})") from exc


class RequestPool:
    """Worker threads for concurrent requests, as daemon threads with SIGINT and SIGTERM
    blocked (`start_background_thread`): Ctrl-C reaches the main thread while it waits, and
    a request still hanging then never holds up the exit (an executor's threads would)."""

    def __init__(self, workers: int, name: str) -> None:
        self._jobs: queue.Queue[tuple[object, Callable[[], object]] | None] = queue.Queue()
        self._results: queue.Queue[tuple[object, object, BaseException | None]] = queue.Queue()
        self._workers = workers
        for index in range(workers):
            start_background_thread(self._work, f"{name}-{index}")

    def submit(self, key: object, job: Callable[[], object]) -> None:
        self._jobs.put((key, job))

    def result(self, timeout: float) -> tuple[object, object, BaseException | None] | None:
        """(key, value, error) of a finished job, or None after `timeout` seconds."""
        try:
            return self._results.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None

    def close(self) -> None:
        """Let idle workers end; jobs still running end with their own timeouts."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        for _ in range(self._workers):
            self._jobs.put(None)

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            key, job = item
            try:
                self._results.put((key, job(), None))
            except Exception as exc:  # handed to the caller, which decides
                self._results.put((key, None, exc))


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__
