"""`--fal` end to end: real fal reads the fixture's options, a real engine builds and runs it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import docker
import pytest

from tests.conftest import PROJECT_ROOT, run_cli
from tests.integration.images import PYBASE, tool_containers

pytestmark = pytest.mark.slow
pytest.importorskip("fal", reason="the fal extra is not installed (pip install -e .[test])")

FAL = PROJECT_ROOT / "tests" / "fixtures" / "fal"


@pytest.mark.parametrize(
    ("fixture", "mode"),
    [("body", "the body of server()"), ("image-cmd", "the image's own command")],
)
def test_the_function_server_gives_its_spec(
    docker_testbed: docker.DockerClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fixture: str,
    mode: str,
) -> None:
    # The fixture's Dockerfile builds FROM this (a machine without a registry has no python:*).
    monkeypatch.setenv("FIXTURE_BASE_IMAGE", PYBASE)
    before = tool_containers(docker_testbed)
    images_before = {i.id for i in docker_testbed.images.list()}
    out = tmp_path / "spec.json"
    target = f"{FAL / fixture / 'deploy.py'}::server"
    run = run_cli("extract", "--fal", target, "-o", out, "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "fal-deploy-import" not in run.stderr  # a JSON output is not what the file imports
    spec = json.loads(out.read_text())
    assert list(spec["paths"]) == ["/echo"]
    assert spec["info"]["title"] == "Started by the function body"
    assert tool_containers(docker_testbed) == before
    assert {i.id for i in docker_testbed.images.list()} <= images_before | _dangling(docker_testbed)
    module = tmp_path / "fal_openapi.py"
    written = run_cli("extract", "--fal", target, "-o", module, cwd=tmp_path)
    assert written.code == 0, written.stderr
    assert f"from fal {target} ({mode})" in written.stderr
    relative = os.path.relpath(FAL / fixture / "deploy.py", tmp_path)
    assert f'# Source: "--fal {relative}::server"\n' in module.read_text()
    # body/ imports fal_openapi plainly (fal deploy finds it only from its folder); image-cmd/
    # does not import it.
    warned = "warning: fal-deploy-import at /: deploy.py, line" in written.stderr
    assert warned == ("from fal_openapi import" in (FAL / fixture / "deploy.py").read_text())


def _dangling(client: docker.DockerClient) -> set[str]:
    """Intermediate layers a build may leave; the tagged image itself must be gone."""
    return {i.id for i in client.images.list(filters={"dangling": True})}


def test_the_base_image_has_no_fal(docker_testbed: docker.DockerClient) -> None:
    """So the body test above ran with the runner's stand-in for `import fal`."""
    probe = docker_testbed.containers.run(
        PYBASE, ["python3", "-c", "import importlib.util as u; print(u.find_spec('fal'))"],
        remove=True,
    )  # fmt: skip
    assert probe.strip() == b"None"
