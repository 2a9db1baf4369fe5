"""Which Docker engine to talk to, chosen as the docker CLI chooses, and what kind it is.

Order: `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`), then the current docker
context (`DOCKER_CONTEXT`, else `currentContext` in ~/.docker/config.json: rootless Docker's
setup tool selects a `rootless` context rather than exporting DOCKER_HOST), then the default
socket, then rootless Docker's and Podman's sockets when the default one does not exist.
`ssh://` engines go through docker-py's paramiko transport (the `ssh` extra).

Whether a published port can be reached from here is a property of the engine: a remote
engine publishes on its own host's 127.0.0.1, and so does an engine on this machine that
runs in another network namespace (found by asking the kernel which process holds the
socket, and comparing its network namespace with ours). Rootless Docker and Podman run in
namespaces of their own but forward published ports to the host, so they count as here.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from openapi_meta.cleanup import signals_blocked
from openapi_meta.errors import SourceError

DEFAULT_SOCKET = "/var/run/docker.sock"
SSH_EXTRA_HINT = "ssh:// engines need paramiko: pip install 'openapi-meta[ssh]'"
PODMAN_SSH_HINT = (
    "ssh:// runs `docker system dial-stdio` on the remote host, which needs the docker CLI"
    " there; for Podman, forward its socket instead (ssh -NL /tmp/podman.sock:"
    "/run/user/1000/podman/podman.sock HOST) and set DOCKER_HOST=unix:///tmp/podman.sock"
)


@dataclass(frozen=True)
class EngineAddress:
    """Where the engine is (`url`, as docker writes it) and what chose it (`origin`)."""

    url: str
    origin: str
    tls: Any = None

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme or "unix"

    @property
    def ssh_host(self) -> str | None:
        """`user@host` of an ssh:// engine (docker-py forgets it: its base URL becomes
        http+docker://ssh), else None."""
        return urlsplit(self.url).netloc if self.scheme == "ssh" else None


@dataclass
class Engine:
    """A connected engine: its client, what it is, and whether its published ports reach
    this machine (`ports_here`; `elsewhere` says why not)."""

    client: Any
    address: EngineAddress
    product: str
    arch: str
    ports_here: bool
    elsewhere: str = ""

    def describe(self) -> str:
        return f"{self.product} at {self.address.url} ({self.address.origin})"

    @property
    def concurrent_calls(self) -> int:
        """How many streaming calls (execs) may run at once. Over ssh:// every connection
        is an SSH session, and sshd allows 10 per client by default (MaxSessions): an exec
        holds one for its stream and one for the calls around it."""
        return 3 if self.address.scheme == "ssh" else 6

    def close(self) -> None:
        self.client.close()


def resolve_address(environ: Mapping[str, str] | None = None) -> EngineAddress:
    """The engine the docker CLI would use with this environment."""
    import docker.context
    import docker.utils

    env = os.environ if environ is None else environ
    if env.get("DOCKER_HOST"):
        params = docker.utils.kwargs_from_env(environment=dict(env))
        return EngineAddress(params["base_url"], "DOCKER_HOST", params.get("tls"))
    name, where = _current_context(env)
    if name != "default":
        context = docker.context.ContextAPI.get_context(name)
        if context is None:
            raise SourceError(
                f"docker context {name!r} ({where}) does not exist",
                hint="`docker context ls` lists them; `docker context use default` resets",
            )
        if context.Host:
            return EngineAddress(context.Host, f"docker context {name!r}", context.TLSConfig)
    if os.path.exists(DEFAULT_SOCKET):
        return EngineAddress(f"unix://{DEFAULT_SOCKET}", "the default socket")
    runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    for path, origin in (
        (f"{runtime}/docker.sock", "rootless Docker's socket"),
        (f"{runtime}/podman/podman.sock", "Podman's socket"),
        ("/run/podman/podman.sock", "Podman's socket"),
    ):
        if os.path.exists(path):
            return EngineAddress(f"unix://{path}", origin)
    return EngineAddress(f"unix://{DEFAULT_SOCKET}", "the default socket")


def _current_context(env: Mapping[str, str]) -> tuple[str, str]:
    if env.get("DOCKER_CONTEXT"):
        return env["DOCKER_CONTEXT"], "DOCKER_CONTEXT"
    from docker.context.config import get_current_context_name

    return get_current_context_name(), "the current context in ~/.docker/config.json"


def connect_engine(environ: Mapping[str, str] | None = None) -> Engine:
    """Connect to the engine `resolve_address` names; a `SourceError` saying which engine
    and why when it does not answer."""
    import docker

    address = resolve_address(environ)
    where = f"{address.url} ({address.origin})"
    try:
        # ssh:// starts paramiko's transport thread: it must not take Ctrl-C from us.
        ssh = address.scheme == "ssh"
        with signals_blocked() if ssh else contextlib.nullcontext():
            client = docker.DockerClient(
                base_url=address.url, tls=address.tls, use_ssh_client=False
            )
    except docker.errors.DockerException as exc:
        hint = SSH_EXTRA_HINT if "paramiko" in str(exc) else None
        raise SourceError(f"cannot use the Docker engine at {where}: {exc}", hint=hint) from exc
    except Exception as exc:  # paramiko's own errors: host key unknown, authentication
        raise SourceError(
            f"cannot open an SSH connection to the Docker engine at {where}:"
            f" {type(exc).__name__}: {exc}",
            hint="check that `ssh HOST docker version` works without a prompt",
        ) from exc
    try:
        version = client.version()
    except docker.errors.DockerException as exc:
        client.close()
        hint = PODMAN_SSH_HINT if address.scheme == "ssh" else None
        raise SourceError(
            f"cannot reach the Docker engine at {where}: {explain(exc)}",
            hint=hint or "start Docker, or point DOCKER_HOST or a docker context at an engine",
        ) from exc
    product = _product(version)
    elsewhere = _why_ports_elsewhere(address, client, product)
    return Engine(
        client=client,
        address=address,
        product=product,
        arch=str(version.get("Arch") or "amd64"),
        ports_here=not elsewhere,
        elsewhere=elsewhere,
    )


def _product(version: Mapping[str, Any]) -> str:
    names = [str(c.get("Name", "")) for c in version.get("Components") or []]
    platform = str((version.get("Platform") or {}).get("Name", ""))
    name = "Podman" if any("podman" in n.lower() for n in [*names, platform]) else "Docker"
    return f"{name} {version.get('Version', '')}".strip()


def _why_ports_elsewhere(address: EngineAddress, client: Any, product: str) -> str:
    """Why the engine's published 127.0.0.1 ports are not this machine's ("" when they are)."""
    parts = urlsplit(address.url)
    if address.scheme == "ssh":
        return f"the engine runs on {parts.hostname}"
    if address.scheme in ("tcp", "http", "https"):
        return "" if _is_loopback(parts.hostname or "") else f"the engine runs on {parts.hostname}"
    if address.scheme != "unix":
        return ""  # npipe: Docker Desktop, which forwards published ports
    if not _other_network_namespace(parts.path):
        return ""
    if product.startswith("Podman") or _rootless(client):
        return ""  # their port drivers forward published ports to the host
    return "the engine runs in another network namespace"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _other_network_namespace(socket_path: str) -> bool:
    """True when the process holding the engine's socket is in another network namespace
    than ours; False when it is not, or when that cannot be seen (not Linux, not allowed)."""
    credentials = getattr(socket, "SO_PEERCRED", None)
    if credentials is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(socket_path)
            pid, _, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, credentials, 12))
        if pid <= 0:
            return False  # a peer in another PID namespace: nothing to compare
        theirs = os.stat(f"/proc/{pid}/ns/net")
        ours = os.stat("/proc/self/ns/net")
    except OSError:
        return False
    return (theirs.st_dev, theirs.st_ino) != (ours.st_dev, ours.st_ino)


def _rootless(client: Any) -> bool:
    with contextlib.suppress(Exception):
        return any("rootless" in str(o) for o in client.info().get("SecurityOptions") or [])
    return False


def engine_errors() -> tuple[type[Exception], ...]:
    """What an engine call can raise: docker-py's errors, and over ssh:// paramiko's own
    (a session the server refuses to open), which docker-py lets through."""
    import docker.errors

    try:
        from paramiko import SSHException
    except ImportError:
        return (docker.errors.DockerException,)
    return (docker.errors.DockerException, SSHException)


def explain(exc: Exception) -> str:
    """The engine's own words for a docker-py error (its `explanation`), else the error."""
    explanation = getattr(exc, "explanation", None)
    return str(explanation or exc).strip()
