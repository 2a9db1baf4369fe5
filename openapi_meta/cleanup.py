"""Cleanup: stop what a run started, on every path, and remove what a killed run left behind.

A run's containers carry the label `org.openapi-meta.run=<run id>`, so the run removes them
by label (which also finds a container whose creation was interrupted before its ID came
back), and `openapi-meta cleanup` removes any a `kill -9` left. Local commands run in their
own process group (`start_new_session=True`); the group gets SIGTERM, then SIGKILL.
Ctrl-C and SIGTERM are held back while cleanup runs (`shielded`), so a second Ctrl-C cannot
leave a half-removed container; they are delivered right after.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_meta.errors import SourceError

LABEL = "org.openapi-meta.run"
# The pid of the openapi-meta process that started the container, so `cleanup` can leave
# running runs alone and a test can find the containers of the process it started.
PID_LABEL = "org.openapi-meta.pid"
BUILD_REPOSITORY = "openapi-meta-build"
# The image helper containers run (engine.netns), and the label that marks them as helpers.
HELPER_REPOSITORY = "openapi-meta-helper"
ROLE_LABEL = "org.openapi-meta.role"
TERM_GRACE = 5.0
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def new_run_id() -> str:
    """A fresh ID for this run's label value and build tag."""
    return uuid.uuid4().hex[:16]


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM in this block (main thread only); deliver them after.

    The Python handlers are swapped for ones that only take note. Blocking the signals with
    `pthread_sigmask` is not enough: it blocks them for this thread only, so with any other
    thread alive (the pipeline imports its later stages in one) the kernel hands the signal
    to that thread and Python still runs the handler in the main thread, inside the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def take_note(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {signum: signal.signal(signum, take_note) for signum in _SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            signal.raise_signal(received[0])


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """SIGINT and SIGTERM blocked in this thread during the block, and so in every thread
    started in it, which keeps them blocked: the kernel then hands those signals to the main
    thread, the only one that can cut its own blocking wait short (a signal that lands in
    another thread leaves the main thread sleeping on). A signal that comes during the block
    is delivered when it ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_background_thread(target: Callable[[], object], name: str) -> threading.Thread:
    """Start a daemon thread that never takes SIGINT or SIGTERM (see `signals_blocked`)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    with signals_blocked():
        thread.start()
    return thread


def stop_process_group(process: subprocess.Popen[bytes], grace: float = TERM_GRACE) -> None:
    """SIGTERM the process's group, wait up to `grace` for it to go, then SIGKILL what is left."""
    group = process.pid
    if not _signal_group(group, signal.SIGTERM):
        process.wait()
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if process.poll() is not None and not _group_alive(group):
            return
        time.sleep(0.02)
    _signal_group(group, signal.SIGKILL)
    process.wait()


def _signal_group(group: int, signum: int) -> bool:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - the group id was reused by someone else
        return False
    return True


def _group_alive(group: int) -> bool:
    return _signal_group(group, 0)


def remove_run_containers(client: Any, run_id: str, *, wait: float = 10.0) -> list[str]:
    """Force-remove every container labelled with `run_id` and wait until the engine lists
    none (a removal can still be under way when the engine answers); the short IDs removed."""
    import docker.errors

    from openapi_meta.engine.resolve import engine_errors

    removed: list[str] = []
    deadline = time.monotonic() + wait
    while True:
        try:
            # sparse: no inspect per container, which races with a removal under way.
            containers = client.containers.list(
                all=True, filters={"label": f"{LABEL}={run_id}"}, sparse=True
            )
        except docker.errors.DockerException:
            return removed
        except engine_errors():  # over ssh://: no session to spare yet, while others end
            if time.monotonic() > deadline:
                return removed
            time.sleep(0.2)
            continue
        if not containers or time.monotonic() > deadline:
            return removed
        if all(c.short_id in removed for c in containers):
            time.sleep(0.05)  # the engine is still removing them
        for container in _helpers_first(containers):
            with contextlib.suppress(docker.errors.NotFound):
                try:
                    container.remove(force=True, v=True)
                except docker.errors.APIError as exc:
                    if exc.status_code != 409:  # 409: removal already in progress
                        raise
                if container.short_id not in removed:
                    removed.append(container.short_id)


def _helpers_first(containers: list[Any]) -> list[Any]:
    """Helper containers before the containers whose network namespace they joined (Podman
    refuses to remove a container another one depends on)."""
    return sorted(
        containers, key=lambda c: (c.attrs.get("Labels") or {}).get(ROLE_LABEL) != "helper"
    )


@dataclass
class CleanupReport:
    engine: str = ""
    containers: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def owner_label() -> str:
    """This process as the PID_LABEL value: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_running(owner: str) -> bool:
    """Whether the openapi-meta process named by a PID_LABEL value still runs here."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"openapi" in cmdline


def cleanup_leftovers(*, images: bool = True) -> CleanupReport:
    """Remove every container a dead openapi-meta run left (and its build images and the
    helper image, with `images`) on the engine the docker CLI would use (DOCKER_HOST, the
    docker context, ...); containers of runs still in progress on this host are left alone."""
    import docker.errors

    from openapi_meta.engine.resolve import connect_engine

    engine = connect_engine()
    report = CleanupReport(engine=engine.describe())
    client = engine.client
    try:
        listed = client.containers.list(all=True, filters={"label": LABEL}, sparse=True)
        for container in _helpers_first(listed):
            if _owner_running((container.attrs.get("Labels") or {}).get(PID_LABEL, "")):
                report.skipped.append(container.short_id)
                continue
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)
                run = (container.attrs.get("Labels") or {}).get(LABEL)
                report.containers.append(f"{container.short_id} (run {run})")
        if images:
            for repository in (BUILD_REPOSITORY, HELPER_REPOSITORY):
                for image in client.images.list(name=repository):
                    for tag in image.tags:
                        if tag.startswith(f"{repository}:"):
                            with contextlib.suppress(docker.errors.NotFound):
                                client.images.remove(tag)
                                report.images.append(tag)
    except docker.errors.DockerException as exc:
        raise SourceError(f"cannot clean up: the Docker engine did not answer ({exc})") from exc
    finally:
        engine.close()
    return report
