"""The fixture servers behave as their README says, as real containers and host processes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docker
import httpx
import pytest
from docker.models.containers import Container

from tests.integration.images import (
    DOCS_ONLY,
    DOCS_ONLY_APP,
    EXITS,
    FASTAPI,
    FASTAPI_APP,
    HANGING_SPEC,
    NO_SPEC,
    RUN_LABEL,
    SLOW_START,
    SPEC_PATHS,
    SWAGGER2,
    TESTBED_LABEL,
    TWO_PORTS,
    tool_containers,
)
from tests.processes import free_port

READY_TIMEOUT = 30.0


@contextmanager
def started(
    client: docker.DockerClient, image: str, labels: dict[str, str] | None = None
) -> Iterator[Container]:
    """Run `image` detached with its port 8000 on a random 127.0.0.1 port; always remove it."""
    container = client.containers.run(
        image,
        detach=True,
        ports={"8000/tcp": ("127.0.0.1", None)},
        labels={TESTBED_LABEL: "test", **(labels or {})},
    )
    try:
        yield container
    finally:
        container.remove(force=True)


def base_url(container: Container) -> str:
    container.reload()
    binding = container.ports["8000/tcp"][0]
    return f"http://127.0.0.1:{binding['HostPort']}"


def wait_until_serving(url: str, alive: Container | subprocess.Popen[bytes]) -> None:
    """Poll until the server answers HTTP at all; fail at once if it has exited."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            pass
        if isinstance(alive, subprocess.Popen):
            if alive.poll() is not None:
                pytest.fail(f"server exited with {alive.returncode}")
        else:
            alive.reload()
            if alive.status == "exited":
                pytest.fail(f"container exited: {alive.logs().decode(errors='replace')}")
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {READY_TIMEOUT} s")


def get_json(url: str) -> dict:
    response = httpx.get(url, timeout=5)
    response.raise_for_status()
    return response.json()


def test_fastapi_serves_openapi_31(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, FASTAPI) as container:
        url = base_url(container)
        wait_until_serving(url + "/health", container)
        assert httpx.get(url + "/health").json() == {"status": "ok"}
        spec = get_json(url + SPEC_PATHS[FASTAPI])
    assert spec["openapi"].startswith("3.1.")
    assert {"/health", "/items", "/orders", "/tree", "/upload", "/text", "/image.png"} <= set(
        spec["paths"]
    )
    # pydantic v2 splits TreeNode into -Input and -Output; each refers to itself.
    trees = {n: v for n, v in spec["components"]["schemas"].items() if n.startswith("TreeNode")}
    assert trees
    for name, schema in trees.items():
        assert schema["properties"]["children"]["items"] == {"$ref": f"#/components/schemas/{name}"}
    assert "multipart/form-data" in spec["paths"]["/upload"]["post"]["requestBody"]["content"]
    assert "image/png" in spec["paths"]["/image.png"]["get"]["responses"]["200"]["content"]


def test_docs_only_spec_is_found_only_through_docs(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, DOCS_ONLY) as container:
        url = base_url(container)
        wait_until_serving(url + "/docs", container)
        for well_known in ("/openapi.json", "/swagger.json", "/v3/api-docs", "/apispec_1.json"):
            assert httpx.get(url + well_known).status_code == 404
        page = httpx.get(url + "/docs").text
        assert "/docs/swagger-initializer.js" in page
        assert SPEC_PATHS[DOCS_ONLY] not in page
        initializer = httpx.get(url + "/docs/swagger-initializer.js").text
        assert f'url: "{SPEC_PATHS[DOCS_ONLY]}"' in initializer
        spec = get_json(url + SPEC_PATHS[DOCS_ONLY])
    assert spec["openapi"] == "3.0.3"


def test_swagger2_serves_a_swagger_20_spec(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, SWAGGER2) as container:
        url = base_url(container)
        wait_until_serving(url, container)
        spec = get_json(url + SPEC_PATHS[SWAGGER2])
    assert spec["swagger"] == "2.0"
    kinds = {
        parameter["in"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
    }
    assert {"body", "formData", "path", "query"} <= kinds


def test_slow_start_refuses_then_serves(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, SLOW_START) as container:
        url = base_url(container)
        with pytest.raises(httpx.TransportError):
            httpx.get(url + "/openapi.json", timeout=2)
        wait_until_serving(url, container)
        assert get_json(url + SPEC_PATHS[SLOW_START])["openapi"] == "3.0.3"


def test_exits_fails_with_code_3_and_a_message(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, EXITS) as container:
        assert container.wait(timeout=30)["StatusCode"] == 3
        assert b"fatal: MODEL_PATH is not set" in container.logs(stdout=False, stderr=True)


def test_no_spec_answers_root_only(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, NO_SPEC) as container:
        url = base_url(container)
        wait_until_serving(url, container)
        assert httpx.get(url + "/").status_code == 200
        assert httpx.get(url + "/openapi.json").status_code == 404


def test_hanging_spec_never_answers(docker_testbed: docker.DockerClient) -> None:
    with started(docker_testbed, HANGING_SPEC) as container:
        url = base_url(container)
        wait_until_serving(url, container)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(url + "/openapi.json", timeout=1)


def test_two_ports_exposes_both(docker_testbed: docker.DockerClient) -> None:
    exposed = docker_testbed.images.get(TWO_PORTS).attrs["Config"]["ExposedPorts"]
    assert set(exposed) == {"8000/tcp", "9000/tcp"}
    with started(docker_testbed, TWO_PORTS) as container:
        url = base_url(container)
        wait_until_serving(url, container)
        assert get_json(url + SPEC_PATHS[TWO_PORTS])["openapi"] == "3.0.3"


@pytest.mark.parametrize("image", [FASTAPI, DOCS_ONLY, SWAGGER2, NO_SPEC, HANGING_SPEC, TWO_PORTS])
def test_servers_exit_cleanly_on_sigterm(docker_testbed: docker.DockerClient, image: str) -> None:
    """PID 1 handles SIGTERM: exit code 0, not 137 from the SIGKILL after the grace period."""
    with started(docker_testbed, image) as container:
        wait_until_serving(base_url(container), container)
        container.stop(timeout=20)
        assert container.wait(timeout=30)["StatusCode"] == 0


def test_tool_containers_counts_the_run_label(docker_testbed: docker.DockerClient) -> None:
    # Only this container is asserted on: other tests may run the tool at the same time.
    with started(docker_testbed, NO_SPEC, labels={RUN_LABEL: "testbed-check"}) as container:
        assert container.id in tool_containers(docker_testbed)
    assert container.id not in tool_containers()


@contextmanager
def host_server(app: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run a fixture server on the host, as `--command` would; always stop it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(app), "--port", str(port)])
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_fastapi_runs_on_the_host() -> None:
    pytest.importorskip("multipart", reason="the FastAPI fixture needs python-multipart")
    with host_server(FASTAPI_APP) as (url, proc):
        wait_until_serving(url + "/health", proc)
        assert get_json(url + "/openapi.json")["openapi"].startswith("3.1.")


def test_docs_only_runs_on_the_host() -> None:
    with host_server(DOCS_ONLY_APP) as (url, proc):
        wait_until_serving(url + "/docs", proc)
        assert httpx.get(url + "/openapi.json").status_code == 404
        assert get_json(url + SPEC_PATHS[DOCS_ONLY])["openapi"] == "3.0.3"
