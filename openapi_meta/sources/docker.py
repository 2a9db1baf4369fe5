"""The `--image` and `--build` sources: run the server's image as a container, get its spec.

The engine is the one the docker CLI would use (`engine.resolve`: DOCKER_HOST, the docker
context, Podman's or rootless Docker's socket; ssh:// too). The container is published on
the engine host's 127.0.0.1 only (a random port, read back from the engine), runs with no
extra privileges, and carries the label `org.openapi-meta.run=<run id>`. Its server is
reached by the first route that answers (`engine.routes`: the published port when it is on
this machine, an SSH forward for ssh:// engines, a fetch inside the container's network
namespace). Everything the run starts there (the container, a helper container) carries
the run's label and is removed on every path: `fetch` ends by removing every container
with the label, inside `shielded()` so Ctrl-C or SIGTERM cannot cut the removal short.
"""

from __future__ import annotations

import contextlib
import shlex
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.types
import docker.utils

from openapi_meta.cleanup import (
    BUILD_REPOSITORY,
    LABEL,
    PID_LABEL,
    new_run_id,
    owner_label,
    remove_run_containers,
    shielded,
)
from openapi_meta.engine.netns import ContainerNetns
from openapi_meta.engine.resolve import Engine, connect_engine, explain
from openapi_meta.engine.routes import allowed_routes, container_routes
from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources import RawDocument
from openapi_meta.sources.discovery import Options
from openapi_meta.sources.preflight import (
    ProcReader,
    Target,
    container_listeners,
    diagnose,
    loopback_only,
)
from openapi_meta.sources.progress import Progress
from openapi_meta.sources.readiness import (
    LOG_LINES,
    check_alive,
    error_with_logs,
    wait_for_spec_on,
)
from openapi_meta.sources.spec_disabled import environment_of, spec_disabled

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ImageBuild:
    """`--build`: a build context, its Dockerfile and build args; `keep` the image after."""

    context: Path
    dockerfile: Path | None = None
    build_args: tuple[tuple[str, str], ...] = ()
    keep: bool = False


@dataclass(frozen=True)
class DockerSource:
    """Run `image` (or the image `build` makes) and discover its spec."""

    image: str | None = None
    build: ImageBuild | None = None
    port: int | None = None
    spec_path: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    cmd: str | None = None
    entrypoint: str | None = None
    pull: str = "missing"
    platform: str | None = None
    gpus: str | None = None
    memory: str | None = None
    startup_timeout: float = 300.0
    quiet: bool = False
    route_check: bool = True
    preset: str | None = None
    port_option: str = "--port"  # how the user set `port`, for the preflight's advice
    verbose: bool = False

    def fetch(self) -> RawDocument:
        routes = allowed_routes()
        engine = connect_engine()
        client = engine.client
        run_id = new_run_id()
        progress = Progress(quiet=self.quiet)
        if self.verbose:
            progress.note(f"engine: {engine.describe()}")
        built_tag = None
        try:
            with progress:
                if self.build is not None:
                    built_tag = f"{BUILD_REPOSITORY}:{run_id}"
                    image = self._build(client, self.build, built_tag, progress)
                    name = f"build {self.build.context.as_posix()}"
                else:
                    assert self.image is not None
                    image = self._image(client, self.image, progress)
                    name = self.image
                port = self._container_port(image, name)
                found = self._run(engine, image, port, run_id, routes, progress)
        finally:
            with shielded():
                try:
                    remove_run_containers(client, run_id)
                    if built_tag is not None and not (self.build and self.build.keep):
                        with contextlib.suppress(docker.errors.DockerException):
                            client.images.remove(built_tag)
                finally:
                    client.close()
        if built_tag is not None and self.build is not None and self.build.keep:
            progress.note(f"kept the image as {built_tag} ({image.id})")
        label = found.label(found.path)
        on = "" if engine.address.origin == "the default socket" else f", on {engine.describe()}"
        progress.note(f"using the spec at {label} (container port {port}{on})")
        origin = f"{name} ({image.id}, spec at {label})"
        return found.raw_document(origin=origin, name=f"{name}: {label}")

    def _image(self, client: Any, ref: str, progress: Progress) -> Any:
        if self.pull != "always":
            try:
                return client.images.get(ref)
            except docker.errors.ImageNotFound as exc:
                if self.pull == "never":
                    raise SourceError(
                        f"image {ref} is not in the local engine (--pull never)",
                        hint="build it, or allow a pull with --pull missing",
                    ) from exc
            except docker.errors.DockerException as exc:
                raise SourceError(f"image {ref}: {explain(exc)}") from exc
        repository, tag = docker.utils.parse_repository_tag(ref)
        progress.status(f"pulling {ref}")
        try:
            return client.images.pull(repository, tag=tag or "latest", platform=self.platform)
        except docker.errors.DockerException as exc:
            local = "" if self.pull == "always" else " is not in the local engine and"
            raise SourceError(f"image {ref}{local} could not be pulled: {explain(exc)}") from exc

    def _build(self, client: Any, build: ImageBuild, tag: str, progress: Progress) -> Any:
        if not build.context.is_dir():
            raise UsageError(f"--build {build.context}: not a folder (give the build context)")
        dockerfile = str(build.dockerfile.resolve()) if build.dockerfile else None
        log: deque[str] = deque(maxlen=LOG_LINES)
        progress.status(f"building {build.context}")
        try:
            for chunk in client.api.build(
                path=str(build.context),
                dockerfile=dockerfile,
                buildargs=dict(build.build_args) or None,
                tag=tag,
                rm=True,
                forcerm=True,
                decode=True,
                platform=self.platform,
                pull=self.pull == "always",
            ):
                for line in str(chunk.get("stream", "")).splitlines():
                    if line.strip():
                        log.append(line)
                        progress.status(f"building: {line.strip()}")
                if "error" in chunk:
                    message = str(chunk.get("errorDetail", {}).get("message") or chunk["error"])
                    raise SourceError(
                        f"docker build of {build.context} failed: {message.strip()}\n"
                        + _indent(log, "last build log lines")
                    )
            return client.images.get(tag)
        except docker.errors.DockerException as exc:
            raise SourceError(f"docker build of {build.context} failed: {explain(exc)}") from exc

    def _container_port(self, image: Any, name: str) -> int:
        if self.port is not None:
            return self.port
        exposed = sorted((image.attrs.get("Config") or {}).get("ExposedPorts") or {})
        tcp = [p.split("/")[0] for p in exposed if p.endswith("/tcp")]
        if len(tcp) == 1:
            return int(tcp[0])
        if not tcp:
            raise UsageError(
                f"{name} exposes no TCP port: give the port its server listens on with --port"
            )
        raise UsageError(f"{name} exposes {', '.join(exposed)}: choose the server's with --port")

    def _run(
        self,
        engine: Engine,
        image: Any,
        port: int,
        run_id: str,
        allowed: tuple[str, ...],
        progress: Progress,
    ) -> Any:
        labels = {LABEL: run_id, PID_LABEL: owner_label()}
        container = self._start(engine, image, port, labels, progress)
        watched = _Container(container, "the container")
        host_port = _host_port(container, port, watched)
        attrs = container.attrs
        argv = (attrs.get("Path") or "", *(attrs.get("Args") or ()))
        env = environment_of((attrs.get("Config") or {}).get("Env") or [])
        netns = ContainerNetns(engine, container.id, labels)
        headers = dict(self.headers)
        # What the server listens on: this machine's /proc for a local engine, else read
        # inside the container's network namespace through the engine.
        read = None if engine.ports_here else _netns_reader(netns)
        target = Target(port, self.port_option, argv=argv)
        listening = container_listeners(attrs, read=read)
        with container_routes(
            engine, netns, port=port, host_port=host_port, headers=headers, allowed=allowed
        ) as reach:
            progress.status(f"waiting for the container on {engine.describe()}")
            found, route = wait_for_spec_on(
                reach.routes,
                watched=watched,
                timeout=self.startup_timeout,
                spec_path=self.spec_path,
                not_tried=reach.not_tried,
                options=Options(route_check=self.route_check, preset=self.preset),
                preflight=listening and (lambda: diagnose(listening(), target)),
                spec_disabled=spec_disabled(argv, env),
            )
            if self.verbose:
                progress.note(f"reached the server through {route.name}")
            # A route inside the container's namespace reaches a server fal's gateway cannot.
            problem = listening and loopback_only(listening(), target)
            if problem:
                raise error_with_logs(problem, watched)
        return found

    def _start(
        self, engine: Engine, image: Any, port: int, labels: dict[str, str], progress: Progress
    ) -> Any:
        client = engine.client
        options: dict[str, Any] = {
            "command": shlex.split(self.cmd) if self.cmd is not None else None,
            "entrypoint": shlex.split(self.entrypoint) if self.entrypoint is not None else None,
            "environment": dict(self.env),
            "labels": labels,
            "ports": {f"{port}/tcp": (HOST, None)},
            "detach": True,
        }
        if self.memory:
            options["mem_limit"] = self.memory
        if self.platform:
            options["platform"] = self.platform
        if self.gpus:
            count = -1 if self.gpus == "all" else int(self.gpus)
            options["device_requests"] = [
                docker.types.DeviceRequest(count=count, capabilities=[["gpu"]])
            ]
        progress.status(f"starting the container on {engine.describe()}")
        try:
            return _create_and_start(client, image.id, options)
        except docker.errors.APIError as exc:
            if "device_requests" not in options or not _no_gpu_driver(exc):
                raise SourceError(f"cannot start the container: {explain(exc)}") from exc
            remove_run_containers(client, labels[LABEL])
            progress.note("this Docker engine has no GPU support: running without --gpus")
            del options["device_requests"]
        try:
            return _create_and_start(client, image.id, options)
        except docker.errors.DockerException as exc:
            raise SourceError(f"cannot start the container: {explain(exc)}") from exc


def _create_and_start(client: Any, image_id: str, options: dict[str, Any]) -> Any:
    container = client.containers.create(image_id, **options)
    container.start()
    return container


class _Container:
    def __init__(self, container: Any, description: str) -> None:
        self.container = container
        self.description = description

    def exit_code(self) -> int | None:
        try:
            self.container.reload()
        except docker.errors.NotFound:
            return -1
        state = self.container.attrs.get("State") or {}
        if state.get("Status") not in ("exited", "dead"):
            return None
        if state.get("OOMKilled"):
            self.description = "the container (killed: out of memory, see --memory)"
        return int(state.get("ExitCode", -1))

    def log_tail(self, lines: int) -> str:
        try:
            return self.container.logs(tail=lines).decode("utf-8", errors="replace")
        except docker.errors.DockerException:
            return ""

    def log_head(self, lines: int) -> str:
        """Read from the start only as far as `lines` lines (a log may be megabytes)."""
        read = b""
        try:
            stream = self.container.logs(stream=True, follow=False)
            try:
                for chunk in stream:
                    read += chunk
                    if read.count(b"\n") >= lines:
                        break
            finally:
                stream.close()
        except docker.errors.DockerException:
            pass
        return "\n".join(read.decode("utf-8", errors="replace").splitlines()[:lines])


def _host_port(container: Any, port: int, watched: _Container) -> int:
    """The host port the engine chose for `port`; it is known once the container runs."""
    for _ in range(100):
        container.reload()
        bindings = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
        for binding in bindings.get(f"{port}/tcp") or []:
            if binding.get("HostPort"):
                return int(binding["HostPort"])
        check_alive(watched)
        time.sleep(0.02)
    raise SourceError(f"the engine did not publish container port {port} on {HOST}")


def _no_gpu_driver(exc: docker.errors.APIError) -> bool:
    text = str(exc.explanation or exc).lower()
    return "device driver" in text or "nvidia" in text or "gpu" in text


def _indent(lines: deque[str] | list[str], title: str) -> str:
    return f"{title}:\n" + "\n".join("  | " + line for line in lines)


def _netns_reader(netns: ContainerNetns) -> ProcReader:
    """`net/tcp` → the text of /proc/net/tcp inside the container's network namespace."""

    def read(path: str) -> str | None:
        try:
            return netns.read_file(f"/proc/{path}").decode("utf-8", "replace")
        except SourceError:
            return None

    return read
