"""A container's network namespace, reached through the engine API: no port, no address.

Two ways in, both plain engine calls that work on every engine (local, ssh://, tcp://,
Podman, rootless): exec of a fetcher the image has (probed once, in the order of
`IMAGE_FETCHERS`), or, when it has none, a helper container that joins the namespace
(`network_mode="container:<id>"`) and carries om-fetch. There is no registry to pull a
helper from, so its image is made on the engine itself with `docker import` of a one-file
root file system (om-fetch for the engine's architecture, shipped in this package), and kept
for later runs (`openapi-meta cleanup` removes it). The helper carries the run's labels, so
it is removed with the target on every path. Both ways also reach a server that listens on
the container's 127.0.0.1 only, which no published port can.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from collections.abc import Mapping, Sequence
from importlib import resources

import docker.errors

from openapi_meta.cleanup import HELPER_REPOSITORY, ROLE_LABEL
from openapi_meta.engine.execs import NOT_FOUND_CODES, Finished, run_in_container
from openapi_meta.engine.fetchers import IMAGE_FETCHERS, OM_FETCH, OM_FETCH_PATH, Exchange, Fetcher
from openapi_meta.engine.rawhttp import MAX_ANSWER_BYTES, AnswerTimedOut, Unanswered
from openapi_meta.engine.resolve import Engine, engine_errors, explain
from openapi_meta.errors import SourceError
from openapi_meta.sources.readiness import RouteUnusable

HELPER_LABEL = "org.openapi-meta.helper"
PROBE_SECONDS = 10.0
# Time a fetcher may take beyond the request's own limit (process start, engine round trips).
EXEC_MARGIN = 5.0
MAX_FILE_BYTES = 16 * 1024 * 1024


def fetcher_binary(arch: str) -> bytes:
    """om-fetch for a Docker architecture name (amd64, arm64)."""
    name = {"x86_64": "amd64", "aarch64": "arm64"}.get(arch, arch)
    try:
        return (
            resources.files("openapi_meta.engine") / "fetcher" / f"om-fetch-{name}"
        ).read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(
            f"no helper for a {arch} engine (om-fetch is built for amd64 and arm64)",
            hint="an image with python3, curl, busybox, bash or wget can still be reached",
        ) from exc


def helper_image(engine: Engine) -> str:
    """The helper image's tag on `engine`, imported there first if it is missing."""
    binary = fetcher_binary(engine.arch)
    tag = f"{HELPER_REPOSITORY}:{hashlib.sha256(binary).hexdigest()[:12]}"
    try:
        engine.client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        member = tarfile.TarInfo(OM_FETCH_PATH.lstrip("/"))
        member.size, member.mode = len(binary), 0o755
        tar.addfile(member, io.BytesIO(binary))
    repository, _, version = tag.partition(":")
    engine.client.api.import_image_from_data(
        archive.getvalue(),
        repository=repository,
        tag=version,
        changes=[f'ENTRYPOINT ["{OM_FETCH_PATH}"]', f"LABEL {HELPER_LABEL}=1"],
    )
    return tag


class ContainerNetns:
    """The network namespace of one running container, and the ways into it."""

    def __init__(
        self,
        engine: Engine,
        container_id: str,
        labels: Mapping[str, str],
        *,
        fetchers: Sequence[Fetcher] = IMAGE_FETCHERS,
    ) -> None:
        self.engine = engine
        self.container_id = container_id
        self.labels = dict(labels)
        self.fetchers = tuple(fetchers)
        self._image_fetcher: Fetcher | None = None
        self._probed = False
        self._helper_id: str | None = None
        self._lock = threading.Lock()
        self._calls = threading.BoundedSemaphore(engine.concurrent_calls)

    def image_fetcher(self) -> Fetcher | None:
        """The first fetcher the image has (probed on first use), or None."""
        with self._lock:
            if not self._probed:
                self._image_fetcher = self._probe()
                self._probed = True
            return self._image_fetcher

    def _probe(self) -> Fetcher | None:
        for fetcher in self.fetchers:
            if self._exec(self.container_id, fetcher.probe, PROBE_SECONDS, 65536).code == 0:
                return fetcher
        return None

    def helper_id(self) -> str:
        """The helper container in this namespace, started on first use."""
        with self._lock:
            if self._helper_id is None:
                self._helper_id = self._start_helper()
            return self._helper_id

    def _start_helper(self) -> str:
        client = self.engine.client
        try:
            image = helper_image(self.engine)
        except SourceError as exc:
            raise RouteUnusable(str(exc)) from exc
        except docker.errors.DockerException as exc:
            raise RouteUnusable(f"cannot make the helper image: {explain(exc)}") from exc
        try:
            helper = client.containers.create(
                image,
                network_mode=f"container:{self.container_id}",
                labels={**self.labels, ROLE_LABEL: "helper"},
                read_only=True,
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                detach=True,
            )
            helper.start()
        except docker.errors.DockerException as exc:
            raise Unanswered(f"cannot start a helper container: {explain(exc)}") from exc
        return str(helper.id)

    def exchange(self, exchange: Exchange, *, helper: bool) -> bytes:
        """The raw answer to `exchange`, fetched by the image's fetcher or by the helper."""
        if helper:
            where, fetcher = self.helper_id(), OM_FETCH
        else:
            found = self.image_fetcher()
            if found is None:
                names = ", ".join(f.name for f in self.fetchers)
                raise Unanswered(f"the image has none of {names}")
            where, fetcher = self.container_id, found
        finished = self._exec(
            where, fetcher.command(exchange), exchange.seconds + EXEC_MARGIN, MAX_ANSWER_BYTES
        )
        answer = fetcher.answer(finished)
        if answer:
            return answer
        if finished.timed_out or finished.code == 5:
            raise AnswerTimedOut(f"{fetcher.name}: no answer in {exchange.seconds} s")
        reason = finished.reason().removeprefix(f"{fetcher.name}: ")
        raise Unanswered(f"{fetcher.name}: {reason}")

    def read_file(self, path: str, *, timeout: float = PROBE_SECONDS) -> bytes:
        """The bytes of `path` as seen from inside this network namespace, e.g.
        /proc/net/tcp (a process's /proc/net is its network namespace's): `cat` in the
        container when it has one, else om-fetch in the helper."""
        try:
            finished = self._exec(self.container_id, ("cat", path), timeout, MAX_FILE_BYTES)
            if finished.code in NOT_FOUND_CODES:
                helper = (OM_FETCH_PATH, "-f", path)
                finished = self._exec(self.helper_id(), helper, timeout, MAX_FILE_BYTES)
        except Unanswered as exc:
            raise SourceError(f"cannot read {path} in the container: {exc}") from exc
        if finished.code != 0:
            raise SourceError(f"cannot read {path} in the container: {finished.reason()}")
        return finished.stdout

    def _exec(self, container_id: str, argv: Sequence[str], timeout: float, limit: int) -> Finished:
        try:
            with self._calls:
                return run_in_container(
                    self.engine.client.api, container_id, argv, timeout=timeout, limit=limit
                )
        except engine_errors() as exc:
            raise Unanswered(f"exec failed: {explain(exc)}") from exc
