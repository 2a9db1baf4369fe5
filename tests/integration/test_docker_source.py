"""`--image` and `--build` end to end: the real CLI, a real engine, the test bed's images."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest
from openapi_spec_validator import validate

from openapi_meta.cleanup import PID_LABEL
from tests.integration.images import (
    DOCS_ONLY,
    EXITS,
    FASTAPI,
    HANGING_SPEC,
    NO_SPEC,
    PYBASE,
    RUN_LABEL,
    SERVERS_DIR,
    SLOW_START,
    SWAGGER2,
    TWO_PORTS,
    tool_containers,
)

pytestmark = pytest.mark.slow

EXPECTED_PATHS = {
    FASTAPI: {
        "/health",
        "/image.png",
        "/items",
        "/items/{item_id}",
        "/orders",
        "/text",
        "/tree",
        "/upload",
    },
    DOCS_ONLY: {"/things"},
    SWAGGER2: {"/pets", "/pets/{petId}", "/pets/{petId}/photo"},
    SLOW_START: {"/predict"},
}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    pid: int


STARTED: list[int] = []  # pids of the openapi-meta processes the current test ran


def run_cli(*args: str, cwd: Path, timeout: float = 300) -> Run:
    """The real CLI; its pid is kept so `no_leftovers` can look for its containers."""
    with subprocess.Popen(
        [sys.executable, "-m", "openapi_meta", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        STARTED.append(process.pid)
        stdout, stderr = process.communicate(timeout=timeout)
    return Run(process.returncode, stdout, stderr, process.pid)


def containers_of(client: docker.DockerClient, pid: int) -> list[str]:
    """Containers the openapi-meta process `pid` started: the tool's label and its owner label
    (other runs may share the engine, so a global count is not this test's to assert)."""
    owner = f"{PID_LABEL}={socket.gethostname()}:{pid}"
    listed = client.containers.list(all=True, filters={"label": [RUN_LABEL, owner]}, sparse=True)
    return [c.id for c in listed]


def module_spec(path: Path) -> dict:
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["metadata"]["openapi"]


@pytest.fixture
def no_leftovers(docker_testbed: docker.DockerClient) -> Iterator[docker.DockerClient]:
    """No container of any openapi-meta process the test ran is left when it ends."""
    STARTED.clear()
    yield docker_testbed
    assert STARTED, "the test ran no openapi-meta process"
    assert [c for pid in STARTED for c in containers_of(docker_testbed, pid)] == []


@pytest.mark.parametrize("image", sorted(EXPECTED_PATHS))
def test_extract_image_gives_a_valid_303_module(
    image: str, no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    module = tmp_path / "fal_openapi.py"
    result = run_cli("extract", "--image", image, "-o", str(module), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    spec = module_spec(module)
    validate(spec)
    assert spec["openapi"] == "3.0.3"
    assert set(spec["paths"]) == EXPECTED_PATHS[image]
    image_id = no_leftovers.images.get(image).id
    # The image as the user named it: no ID, no random host port in what gets committed.
    assert module.read_text().splitlines()[1] == f'# Source: "--image {image}"'
    assert image_id not in module.read_text()


def test_two_ports_needs_port_and_works_with_it(
    no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    refused = run_cli("extract", "--image", TWO_PORTS, cwd=tmp_path)
    assert refused.returncode == 2
    assert "8000/tcp, 9000/tcp" in refused.stderr and "--port" in refused.stderr
    result = run_cli("extract", "--image", TWO_PORTS, "--port", "8000", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"/predict"' in result.stdout


@pytest.fixture
def variant_tag(docker_testbed: docker.DockerClient) -> Iterator[str]:
    """A tag of our own for the docs-only image, which the test may rebuild to change it."""
    tag = f"openapi-meta-test/variant-{uuid.uuid4().hex[:8]}:latest"
    docker_testbed.images.get(DOCS_ONLY).tag(tag)
    yield tag
    docker_testbed.images.remove(tag, force=True)


def test_check_passes_then_fails_after_the_image_changes(
    variant_tag: str, no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    module = tmp_path / "fal_openapi.py"
    assert (
        run_cli("extract", "--image", variant_tag, "-o", str(module), cwd=tmp_path).returncode == 0
    )
    check = ["check", "--image", variant_tag, "--module", str(module)]
    passed = run_cli(*check, cwd=tmp_path)
    assert passed.returncode == 0, passed.stderr

    changed = (
        f"FROM {DOCS_ONLY}\n"
        """RUN sed -i 's#"/things"#"/gadgets"#' /app/app.py\n"""
    )
    no_leftovers.images.build(fileobj=io.BytesIO(changed.encode()), tag=variant_tag, rm=True)
    stale = run_cli(*check, cwd=tmp_path)
    assert stale.returncode == 1, stale.stderr
    assert '"/gadgets"' in stale.stdout and "stale" in stale.stderr


@pytest.mark.parametrize(
    ("image", "options", "reason", "log_line"),
    [
        (EXITS, [], "the container exited with code 3", "fatal: MODEL_PATH is not set"),
        (NO_SPEC, [], "no OpenAPI spec was found", '"GET /openapi.json HTTP/1.1" 404'),
        (HANGING_SPEC, ["--startup-timeout", "3"], "timed out after 3 s", "listening on"),
    ],
    ids=["exits", "no-spec", "hanging-spec"],
)
def test_fault_fixtures_give_exit_3_with_reason_and_logs(
    image: str,
    options: list[str],
    reason: str,
    log_line: str,
    no_leftovers: docker.DockerClient,
    tmp_path: Path,
) -> None:
    result = run_cli("extract", "--image", image, *options, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert reason in result.stderr
    assert "log line" in result.stderr and log_line in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "fal_openapi.py").exists()


def test_env_reaches_the_container(
    no_leftovers: docker.DockerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--env, --env-file and --cmd reach the container (and its output reaches the error
    message); a bare KEY passes this machine's value, as `docker run -e KEY` does."""
    monkeypatch.setenv("OPENAPI_META_TEST_TOKEN", "token from the host")
    env_file = tmp_path / "server.env"
    env_file.write_text("# comment\nFROM_FILE=file value\nOPENAPI_META_TEST_TOKEN\n")
    result = run_cli(
        "extract",
        "--image",
        DOCS_ONLY,
        "--env",
        "GREETING=hello from env",
        "--env-file",
        str(env_file),
        "--cmd",
        "sh -c 'echo $GREETING / $FROM_FILE / $OPENAPI_META_TEST_TOKEN; exit 7'",
        cwd=tmp_path,
    )
    assert result.returncode == 3
    assert "exited with code 7" in result.stderr
    assert "hello from env / file value / token from the host" in result.stderr


def test_pull_never_with_a_missing_image_is_exit_3(
    no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    result = run_cli(
        "extract", "--image", "openapi-meta-test/absent:nope", "--pull", "never", cwd=tmp_path
    )
    assert result.returncode == 3
    assert "not in the local engine" in result.stderr


@pytest.mark.parametrize("keep", [False, True], ids=["removed", "kept"])
def test_build_runs_the_built_image(
    keep: bool, no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    before = {tag for image in no_leftovers.images.list() for tag in image.tags}
    dockerfile = SERVERS_DIR / "docs-only" / "Dockerfile"
    args = ["extract", "--build", str(SERVERS_DIR), "--dockerfile", str(dockerfile), "--build-arg"]
    args += [f"BASE_IMAGE={PYBASE}", "-o", "-"]
    if keep:
        args.append("--keep-image")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"/things"' in result.stdout
    after = {tag for image in no_leftovers.images.list() for tag in image.tags}
    new = {tag for tag in after - before if tag.startswith("openapi-meta-build:")}
    if keep:
        assert len(new) == 1 and f"kept the image as {new.pop()}" in result.stderr
        cleanup = run_cli("cleanup", cwd=tmp_path)
        assert cleanup.returncode == 0
    else:
        assert not new


def test_build_failure_is_exit_3_with_the_build_log(
    no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM {PYBASE}\nRUN echo compiling && exit 9\n")
    result = run_cli("extract", "--build", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 3
    assert "docker build" in result.stderr and "failed" in result.stderr
    assert "compiling" in result.stderr


def test_cleanup_removes_a_killed_runs_container(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    run_id = f"test-{uuid.uuid4().hex[:8]}"
    left = docker_testbed.containers.create(NO_SPEC, labels={"org.openapi-meta.run": run_id})
    assert left.id in tool_containers(docker_testbed)
    result = run_cli("cleanup", "--keep-images", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert run_id in result.stderr
    assert left.id not in tool_containers(docker_testbed)


def test_gpus_fall_back_when_the_engine_has_no_gpu_driver(
    no_leftovers: docker.DockerClient, tmp_path: Path
) -> None:
    """On an engine with no GPU runtime the run goes on without GPUs and says so."""
    if "nvidia" in (no_leftovers.info().get("Runtimes") or {}):
        pytest.skip("this engine has an nvidia runtime")
    args = ["--gpus", "all", "--memory", "256m", "-o", "-"]
    result = run_cli("extract", "--image", DOCS_ONLY, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no GPU support: running without --gpus" in result.stderr
    assert '"/things"' in result.stdout
