"""Live servers end to end (issue 9): framework fixtures found with no hints and route-checked,
a wrong port or a loopback bind named in seconds, presets chosen by fingerprint.

Every run goes through the real CLI against real containers built from the frameworks' own
packages. The seconds are bounded by `--startup-timeout 10`: if the preflight did not name
the cause, the run would end in a timeout message instead of the one asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest
from openapi_spec_validator import validate

from tests.conftest import PROJECT_ROOT
from tests.integration.images import (
    COMFYUI_STANDIN,
    DOCS_ONLY_APP,
    FASTAPI,
    FRAMEWORKS,
    NO_SPEC,
    PYBASE,
    framework_image,
)
from tests.integration.test_docker_source import Run, no_leftovers, run_cli  # noqa: F401
from tests.processes import free_port

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_leftovers")]

# Per framework: the spec's path on the server, its paths, its `servers` after tidy.
EXPECTED = {
    "bentoml": (
        "/docs.json",
        {
            "/create_item",
            "/describe",
            "/file_size",
            "/image_size",
            "/healthz",
            "/livez",
            "/metrics",
            "/readyz",
        },
        ".",  # BentoML's own relative servers entry: the deployment's root
    ),
    "connexion": ("/api/openapi.json", {"/items", "/items/{item_id}", "/upload"}, "/api"),
    "django-ninja": (
        "/api/openapi.json",
        {"/api/items", "/api/items/{item_id}", "/api/upload"},
        None,
    ),
    # swagger-ui-express with the spec object: it is only in the page's init script.
    "express": ("/api-docs/swagger-ui-init.js", {"/items", "/items/{itemId}", "/upload"}, None),
    "fastapi-mounted": (
        "/api/v1/openapi.json",
        {"/items", "/items/{item_id}", "/upload"},
        "/api/v1",
    ),
    "fastify": ("/reference/json", {"/items", "/items/{itemId}", "/upload"}, None),
    "gradio": ("/gradio_api/openapi.json", {"/run/describe"}, "/gradio_api"),
    "litserve": ("/openapi.json", {"/", "/health", "/info", "/predict"}, None),
    "mlserver": (
        "/v2/docs/dataplane.json",  # not FastAPI's generic /openapi.json, which lists it
        {
            "/v2",
            "/v2/health/live",
            "/v2/health/ready",
            *(
                f"/v2/models/{{model_name}}{version}{route}"
                for version in ("", "/versions/{model_version}")
                for route in (
                    "",
                    "/generate",
                    "/generate_stream",
                    "/infer",
                    "/infer_stream",
                    "/ready",
                )
            ),
        },
        None,
    ),
    "nestjs": ("/api-json", {"/items", "/items/upload", "/items/{itemId}"}, None),
    "robyn": ("/openapi.json", {"/items", "/items/{item_id}"}, None),
    "spectree": ("/apidoc/openapi.json", {"/items", "/items/{item_id}"}, None),
}
# Frameworks whose router answers 404 to a method a path does not declare (Express under
# NestJS, Fastify, Robyn's Rust router): the route check says it cannot tell, in an info
# finding.
LENIENT_ROUTERS = {"fastify", "nestjs", "robyn"}


def extract(tmp_path: Path, *args: str) -> tuple[Run, dict | None, list[dict]]:
    """Run `extract`; the JSON spec (if written) and the findings report."""
    out, report = tmp_path / "spec.json", tmp_path / "report.json"
    run = run_cli("extract", *args, "-o", str(out), "--report", str(report), cwd=tmp_path)
    spec = json.loads(out.read_text()) if out.exists() else None
    findings = json.loads(report.read_text())["findings"] if report.exists() else []
    return run, spec, findings


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_framework_spec_found_with_no_hints_valid_complete_and_route_checked(
    name: str, framework_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    where, paths, servers = EXPECTED[name]  # a new fixture folder needs its expectation here
    run, spec, findings = extract(tmp_path, "--image", framework_image(name))
    assert run.returncode == 0, run.stderr
    assert f"using the spec at {where} " in run.stderr
    assert spec is not None
    validate(spec)
    assert set(spec["paths"]) == paths
    assert [s["url"] for s in spec.get("servers", [])] == ([servers] if servers else [])
    route = [f for f in findings if f["code"].startswith("route-")]
    assert [f for f in route if f["level"] != "info"] == []
    inconclusive = [f for f in route if f["code"] == "route-check-inconclusive"]
    assert bool(inconclusive) == (name in LENIENT_ROUTERS)


def test_wrong_port_is_named_in_seconds(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    run, _, _ = extract(tmp_path, "--image", FASTAPI, "--port", "9000", "--startup-timeout", "10")
    assert run.returncode == 3
    assert (
        "nothing listens on 9000; the server listens on 0.0.0.0:8000: use --port 8000"
        " (and exposed_port=8000 in @fal.function)" in run.stderr
    )
    assert "timed out" not in run.stderr


def test_loopback_bind_in_the_container_is_named_in_seconds(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    run, _, _ = extract(tmp_path, "--image", COMFYUI_STANDIN, "--startup-timeout", "10")
    assert run.returncode == 3
    assert (
        "the server listens only on 127.0.0.1:8188 inside the container: fal's gateway cannot"
        " reach it; start it listening on 0.0.0.0: --listen 0.0.0.0 instead of 127.0.0.1"
        in run.stderr
    )


def test_command_on_another_port_is_named_in_seconds(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    actual, given = free_port(), free_port()
    command = f"python3 {DOCS_ONLY_APP} --port {actual}"
    run, _, _ = extract(
        tmp_path, "--command", command, "--port", str(given), "--startup-timeout", "10"
    )
    assert run.returncode == 3
    assert f"nothing listens on {given}; the server listens on 127.0.0.1:{actual}" in run.stderr


def test_fal_exposed_port_that_is_not_the_servers(
    docker_testbed: docker.DockerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fal", reason="the fal extra is not installed (pip install -e .[test])")
    monkeypatch.setenv("FIXTURE_BASE_IMAGE", PYBASE)
    target = f"{PROJECT_ROOT / 'tests' / 'fixtures' / 'fal' / 'wrong-port' / 'deploy.py'}::server"
    run, _, _ = extract(tmp_path, "--fal", target, "--startup-timeout", "10")
    assert run.returncode == 3
    assert (
        "nothing listens on 8000; the server listens on 0.0.0.0:9000:"
        " set exposed_port=9000 in @fal.function" in run.stderr
    )


COMFYUI_LISTENING = ["--cmd", "python3 /app/app.py --listen 0.0.0.0 --port 8188"]


def test_preset_chosen_by_fingerprint_and_route_checked(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    run, spec, findings = extract(tmp_path, "--image", COMFYUI_STANDIN, *COMFYUI_LISTENING)
    assert run.returncode == 0, run.stderr
    assert spec is not None
    validate(spec)
    assert spec["info"]["title"] == "ComfyUI" and "/prompt" in spec["paths"]
    codes = {f["code"] for f in findings}
    assert "preset-used" in codes
    # The stand-in is an older build: the two /api/jobs routes are the ones it lacks.
    missing = sorted(f["pointer"] for f in findings if f["code"] == "route-missing")
    assert missing == ["/paths/~1api~1jobs", "/paths/~1api~1jobs~1{job_id}"]


def test_a_preset_for_another_server_is_reported(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    run, _, findings = extract(
        tmp_path, "--image", COMFYUI_STANDIN, *COMFYUI_LISTENING, "--preset", "ollama"
    )
    assert run.returncode == 0, run.stderr
    assert "route-other-server" in {f["code"] for f in findings}


def test_told_not_to_serve_its_spec(docker_testbed: docker.DockerClient, tmp_path: Path) -> None:
    run, _, _ = extract(tmp_path, "--image", NO_SPEC, "--env", "DISABLE_OPENAPI_DOC=1")
    assert run.returncode == 3
    assert "DISABLE_OPENAPI_DOC=1 is set for the server (SGLang)" in run.stderr
    assert "no OpenAPI spec was found" in run.stderr  # what was tried, after the cause


ROOT_PATH = [
    "--cmd",
    "python3 -m uvicorn app:api --app-dir /app --host 0.0.0.0 --port 8000 --root-path /svc",
]


def test_root_path_prefix_the_container_does_not_serve(
    framework_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    image = framework_image("fastapi-mounted")
    run, spec, findings = extract(tmp_path, "--image", image, *ROOT_PATH)
    assert run.returncode == 0, run.stderr
    assert spec is not None and spec["servers"] == [{"url": "/svc"}]
    [warning] = [f for f in findings if f["code"] == "route-servers-prefix"]
    assert warning["pointer"] == "/servers/0/url" and "--server-url /" in warning["message"]
    skipped = tmp_path / "skipped"
    skipped.mkdir()
    run, _, findings = extract(skipped, "--image", image, *ROOT_PATH, "--no-route-check")
    assert run.returncode == 0, run.stderr
    assert not [f for f in findings if f["code"].startswith("route-")]
