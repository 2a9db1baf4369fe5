"""`extract --image` on an engine whose published ports are not on this machine.

The second engine is a dockerd in its own network namespace (scripts/testbed.sh), reached
through its unix socket with DOCKER_HOST, or as ssh:// through an sshd in that namespace:
what it publishes is on the namespace's 127.0.0.1, not ours. Whatever a run starts there
(the target, a helper container) must be gone when it ends, on every path.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest
from openapi_spec_validator import validate

from openapi_meta.cleanup import LABEL, PID_LABEL
from openapi_meta.engine.resolve import connect_engine
from tests.integration.images import (
    ENGINE2_HOST,
    ENGINE2_SSH_HOME,
    ENGINE2_SSH_HOST,
    EXITS,
    FASTAPI,
    HANGING_SPEC,
    STATIC_SERVER,
)
from tests.integration.test_docker_source import EXPECTED_PATHS, module_spec
from tests.integration.test_signals import containers_of, interrupt, wait_until

pytestmark = pytest.mark.slow

ON_ENGINE2 = {"DOCKER_HOST": ENGINE2_HOST}
OVER_SSH = {"DOCKER_HOST": f"ssh://{ENGINE2_SSH_HOST}", "HOME": str(ENGINE2_SSH_HOME)}
STATIC_PATHS = {"/", "/openapi.json"}
# A server that takes connections on 8000 and never answers: the preflight sees it listen.
SILENT = (
    'python3 -c \'import socket, time; s = socket.socket(); s.bind(("0.0.0.0", 8000));'
    ' s.listen(); print("silent on 8000", flush=True); time.sleep(600)\''
)
STARTED: list[int] = []


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def environment(engine: dict[str, str], **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "OPENAPI_META_"))}
    return {**env, **engine, **more}


def start_cli(engine: dict[str, str], *args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "openapi_meta", *args],
        cwd=cwd,
        env=environment(engine, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process.pid)
    return process


def run_cli(engine: dict[str, str], *args: str, cwd: Path, **env: str) -> Run:
    with start_cli(engine, *args, cwd=cwd, **env) as process:
        stdout, stderr = process.communicate(timeout=300)
    return Run(process.returncode, stdout, stderr)


@pytest.fixture
def nothing_left(engine2: docker.DockerClient) -> Iterator[docker.DockerClient]:
    """No container of any openapi-meta process the test ran is left on the second engine
    (nor on the main one, where they must never have been)."""
    STARTED.clear()
    yield engine2
    assert STARTED, "the test ran no openapi-meta process"
    main = docker.from_env()
    try:
        for client in (engine2, main):
            assert [c for pid in STARTED for c in containers_of(client, pid)] == []
    finally:
        main.close()


def test_its_published_ports_are_not_on_this_machine(engine2: docker.DockerClient) -> None:
    """What makes the second engine remote: a port it publishes on 127.0.0.1 is elsewhere."""
    container = engine2.containers.run(
        STATIC_SERVER,
        detach=True,
        ports={"8000/tcp": ("127.0.0.1", None)},
        labels={"org.openapi-meta.testbed": "remote"},
    )
    try:
        container.reload()
        port = container.attrs["NetworkSettings"]["Ports"]["8000/tcp"][0]["HostPort"]
        try:
            answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
        except OSError:
            answer = b""  # refused here: nothing, or another server, has this port
        assert answer != b"static server\n"
        engine = connect_engine(ON_ENGINE2)
        assert not engine.ports_here
        assert engine.elsewhere == "the engine runs in another network namespace"
        engine.close()
    finally:
        container.remove(force=True)


def test_an_image_with_python3_is_reached_by_exec(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    module = tmp_path / "fal_openapi.py"
    result = run_cli(
        ON_ENGINE2, "extract", "--image", FASTAPI, "-v", "-o", str(module), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    spec = module_spec(module)
    validate(spec)
    assert set(spec["paths"]) == EXPECTED_PATHS[FASTAPI]
    assert "reached the server through exec of python3 in the container" in result.stderr
    assert "engine: Docker" in result.stderr and f"at {ENGINE2_HOST} (DOCKER_HOST)" in result.stderr
    assert f'# Source: "--image {FASTAPI}"' in module.read_text().splitlines()


def test_an_image_with_only_a_static_server_is_reached_by_a_helper(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    result = run_cli(ON_ENGINE2, "extract", "--image", STATIC_SERVER, "-v", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"/openapi.json"' in result.stdout and '"Static server"' in result.stdout
    assert "through a helper container" in result.stderr
    # The helper image was made on the engine itself (no registry) and is kept for next time.
    assert nothing_left.images.list(name="openapi-meta-helper")


def test_when_nothing_answers_the_error_says_what_each_route_did(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    args = ["extract", "--image", FASTAPI, "--cmd", SILENT, "--startup-timeout", "3"]
    result = run_cli(ON_ENGINE2, *args, cwd=tmp_path)
    assert result.returncode == 3
    assert "timed out after 3 s" in result.stderr
    assert (
        "exec of python3 in the container: http://127.0.0.1:8000/: no answer in time"
        in result.stderr
    )
    assert "not tried: the published port (the engine runs in another network namespace)" in (
        result.stderr
    )
    assert "silent on 8000" in result.stderr  # the server's own log
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("engine", [ON_ENGINE2, OVER_SSH], ids=["unix", "ssh"])
def test_a_wrong_port_is_named_through_the_engine(
    engine: dict[str, str], nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    """The preflight reads what the server listens on inside the remote engine's namespace,
    even from an image with no shell (a helper container reads it)."""
    args = ["extract", "--image", STATIC_SERVER, "--port", "9999", "--startup-timeout", "20"]
    result = run_cli(engine, *args, cwd=tmp_path)
    assert result.returncode == 3
    assert (
        "nothing listens on 9999; the server listens on 0.0.0.0:8000: use --port 8000"
        in result.stderr
    )
    assert "timed out" not in result.stderr


def test_a_crashing_server_is_exit_3_with_its_log(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    result = run_cli(ON_ENGINE2, "extract", "--image", EXITS, cwd=tmp_path)
    assert result.returncode == 3
    assert "the container exited with code 3" in result.stderr
    assert "fatal: MODEL_PATH is not set" in result.stderr
    assert not (tmp_path / "fal_openapi.py").exists()


def test_exec_alone_fails_at_once_on_an_image_without_a_fetcher(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    started = time.monotonic()
    result = run_cli(
        ON_ENGINE2, "extract", "--image", STATIC_SERVER, cwd=tmp_path, OPENAPI_META_ROUTES="exec"
    )
    assert result.returncode == 3
    assert "no route reaches the server" in result.stderr
    assert "the image has none of python3, curl, busybox, bash, wget" in result.stderr
    assert time.monotonic() - started < 60  # not the 300 s startup timeout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    ("image", "options", "containers"),
    [(HANGING_SPEC, [], 1), (STATIC_SERVER, ["--port", "9999"], 2)],
    ids=["exec-hangs", "helper-polls"],
)
def test_a_signal_during_readiness_leaves_nothing_on_the_remote_engine(
    image: str,
    options: list[str],
    containers: int,
    signum: signal.Signals,
    nothing_left: docker.DockerClient,
    tmp_path: Path,
) -> None:
    """While an exec waits on a server that never answers, or while the helper polls a port
    nobody listens on: the target and the helper are both removed."""
    process = start_cli(ON_ENGINE2, "extract", "--image", image, *options, cwd=tmp_path)

    def in_the_wait() -> None:
        wait_until(
            lambda: len(containers_of(nothing_left, process.pid)) == containers, "the containers"
        )
        time.sleep(0.5)

    interrupt(process, signum, once=in_the_wait)


def test_a_docker_context_chooses_the_engine(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    config = tmp_path / "docker-config"
    for command in (
        ["context", "create", "engine2", "--docker", f"host={ENGINE2_HOST}"],
        ["context", "use", "engine2"],
    ):
        subprocess.run(
            ["docker", "--config", str(config), *command], check=True, capture_output=True
        )
    result = run_cli(
        {}, "extract", "--image", FASTAPI, "-v", "-o", "-", cwd=tmp_path, DOCKER_CONFIG=str(config)
    )
    assert result.returncode == 0, result.stderr
    assert f"at {ENGINE2_HOST} (docker context 'engine2')" in result.stderr
    assert "through exec of python3" in result.stderr
    missing = run_cli({}, "extract", "--image", FASTAPI, cwd=tmp_path, DOCKER_CONTEXT="nope")
    assert missing.returncode == 3
    assert "docker context 'nope' (DOCKER_CONTEXT) does not exist" in missing.stderr


def test_cleanup_honours_docker_host(engine2: docker.DockerClient, tmp_path: Path) -> None:
    run = f"test-{uuid.uuid4().hex[:8]}"
    dead_owner = "no-such-host:1"
    left = engine2.containers.create(STATIC_SERVER, labels={LABEL: run, PID_LABEL: dead_owner})
    result = run_cli(ON_ENGINE2, "cleanup", "--keep-images", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "engine: Docker" in result.stderr and ENGINE2_HOST in result.stderr
    assert run in result.stderr
    assert not engine2.containers.list(all=True, filters={"id": left.id})


def test_gpus_fall_back_on_a_remote_engine_without_them(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    if "nvidia" in (nothing_left.info().get("Runtimes") or {}):
        pytest.skip("this engine has an nvidia runtime")
    result = run_cli(
        ON_ENGINE2, "extract", "--image", FASTAPI, "--gpus", "all", "-o", "-", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "no GPU support: running without --gpus" in result.stderr


# ---- ssh:// ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "routes", "said"),
    [
        (FASTAPI, "", "an SSH forward to 127.0.0.1:"),
        (FASTAPI, "exec", "exec of python3 in the container"),
        (STATIC_SERVER, "exec,helper", "a helper container"),
    ],
    ids=["tunnel", "exec", "helper"],
)
def test_an_ssh_engine_is_reached_by_each_route(
    image: str, routes: str, said: str, nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    result = run_cli(
        OVER_SSH,
        "extract",
        "--image",
        image,
        "-v",
        "-o",
        "-",
        cwd=tmp_path,
        OPENAPI_META_ROUTES=routes,
    )
    assert result.returncode == 0, result.stderr
    assert f"reached the server through {said}" in result.stderr
    assert f"at ssh://{ENGINE2_SSH_HOST} (DOCKER_HOST)" in result.stderr
    expected = EXPECTED_PATHS[FASTAPI] if image == FASTAPI else STATIC_PATHS
    assert all(f'"{path}"' in result.stdout for path in expected)


def test_the_tunnel_says_what_the_remote_port_answered(
    nothing_left: docker.DockerClient, tmp_path: Path
) -> None:
    args = ["extract", "--image", FASTAPI, "--cmd", SILENT, "--startup-timeout", "3"]
    result = run_cli(OVER_SSH, *args, cwd=tmp_path, OPENAPI_META_ROUTES="tunnel")
    assert result.returncode == 3
    assert "no answer in time (the server took the connection but hung)" in result.stderr
    assert "silent on 8000" in result.stderr


def test_ctrl_c_over_ssh_leaves_nothing(nothing_left: docker.DockerClient, tmp_path: Path) -> None:
    process = start_cli(OVER_SSH, "extract", "--image", HANGING_SPEC, cwd=tmp_path)
    interrupt(
        process,
        signal.SIGINT,
        once=lambda: wait_until(lambda: containers_of(nothing_left, process.pid), "the container"),
    )


def test_an_unknown_host_key_is_a_clear_error(engine2: docker.DockerClient, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "config").write_text((ENGINE2_SSH_HOME / ".ssh" / "config").read_text())
    result = run_cli({**OVER_SSH, "HOME": str(home)}, "extract", "--image", FASTAPI, cwd=tmp_path)
    assert result.returncode == 3
    assert "cannot open an SSH connection" in result.stderr and "known_hosts" in result.stderr
    assert "Traceback" not in result.stderr


# ---- the local engine --------------------------------------------------------------------


def test_a_local_server_on_the_container_s_loopback_is_reached_by_exec_and_named(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    """No published port reaches a server bound to the container's 127.0.0.1: after the
    published port has had its chance, the run goes into the namespace, and finds a server
    that fal's gateway could not reach either, which fails the run with the fix."""
    STARTED.clear()
    cmd = "python3 /app/app.py --host 127.0.0.1 --port 8000"
    result = run_cli({}, "extract", "--image", FASTAPI, "--cmd", cmd, "-v", "-o", "-", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "reached the server through exec of python3 in the container" in result.stderr
    assert "listens only on 127.0.0.1:8000 inside the container" in result.stderr
    assert "--host 0.0.0.0 instead of 127.0.0.1" in result.stderr
    assert result.stdout == ""
    assert [c for pid in STARTED for c in containers_of(docker_testbed, pid)] == []
