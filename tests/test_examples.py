"""The examples run as their READMEs say: extract/check from their folders, deploy.py imports
with the real `fal`, the CI files call the real command."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, run_cli
from tests.fal_helpers import import_generated

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLES = PROJECT_ROOT / "examples"
FASTAPI = EXAMPLES / "fastapi-docker"
STATIC = EXAMPLES / "static-spec"

pytest.importorskip("fal", reason="the fal extra is not installed (pip install -e .[test])")

# Imports deploy.py from its own folder (as `fal deploy deploy.py::server` does) and reports
# what the decorated function will send to fal.
_INSPECT_DEPLOY = """\
import json, sys
sys.path.insert(0, sys.argv[1])
import deploy
from isolate_proto import Struct
options = deploy.server.options
struct = Struct()
struct.update(options.host["metadata"])
print(json.dumps({
    "metadata": options.host["metadata"],
    "exposed_port": options.gateway["exposed_port"],
    "kind": options.environment["kind"],
    "dockerfile": options.environment["image"]["dockerfile_str"],
    "context": options.environment["image"]["docker_context_dir"],
}))
"""


def inspect_deploy(folder: Path, tmp_path: Path) -> dict:
    script = tmp_path / "inspect_deploy.py"
    script.write_text(_INSPECT_DEPLOY)
    proc = subprocess.run(
        [sys.executable, str(script), str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# What `fal deploy FILE::server` does first: fal.utils.load_function_from, which puts the
# current folder on sys.path and runs FILE with runpy.
_LOAD_AS_FAL_DEPLOY = """\
import json, sys
from fal.api import FalServerlessHost
from fal.utils import load_function_from
loaded = load_function_from(FalServerlessHost(url="localhost:1"), sys.argv[1], "server")
print(json.dumps(loaded.function.options.host["metadata"]))
"""


@pytest.mark.parametrize("folder", [STATIC, FASTAPI], ids=["static-spec", "fastapi-docker"])
@pytest.mark.parametrize("cwd", ["root", "own folder", "elsewhere"])
def test_fal_deploy_loads_the_deploy_file_from_any_folder(
    folder: Path, cwd: str, tmp_path: Path
) -> None:
    run_in, file = {
        "root": (PROJECT_ROOT, folder.relative_to(PROJECT_ROOT) / "deploy.py"),
        "own folder": (folder, Path("deploy.py")),
        "elsewhere": (tmp_path, folder / "deploy.py"),
    }[cwd]
    proc = subprocess.run(
        [sys.executable, "-c", _LOAD_AS_FAL_DEPLOY, str(file)],
        cwd=run_in,
        env={**os.environ, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    metadata = json.loads(proc.stdout.splitlines()[-1])
    committed = import_generated(folder / "fal_openapi.py").metadata
    assert metadata == committed and list(metadata["openapi"]["paths"])


@pytest.mark.parametrize("folder", [STATIC, FASTAPI], ids=["static-spec", "fastapi-docker"])
def test_the_committed_module_is_up_to_date(folder: Path) -> None:
    """`openapi-meta check` with only the example's [tool.openapi-meta], as in its CI step."""
    run = run_cli("check", cwd=folder)
    assert run.code == 0, run.stdout[-3000:] + run.stderr


@pytest.mark.parametrize(
    ("folder", "port"), [(STATIC, 8080), (FASTAPI, 8000)], ids=["static-spec", "fastapi-docker"]
)
def test_deploy_py_carries_the_metadata_to_fal(folder: Path, port: int, tmp_path: Path) -> None:
    deployed = inspect_deploy(folder, tmp_path)
    assert deployed["exposed_port"] == port
    assert deployed["kind"] == "container"
    assert deployed["dockerfile"] == (folder / "Dockerfile").read_text()
    assert Path(deployed["context"]) == folder
    spec = deployed["metadata"]["openapi"]
    assert spec["openapi"] == "3.0.3" and spec["x-fal-order-paths"] == list(spec["paths"])
    assert f"EXPOSE {port}" in deployed["dockerfile"]


def test_extract_from_the_static_spec(tmp_path: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--file", STATIC / "openapi.yaml", "-o", out, "-v")
    assert run.code == 0, run.stderr
    assert "tidy-server-removed" in run.stderr  # its http://localhost:8080
    assert "warning" not in run.stderr  # nothing for fal lint to complain about
    committed = (STATIC / "fal_openapi.py").read_text()
    # the same spec as the committed module (the header's source name may differ)
    assert out.read_text().split("SPEC_SHA256", 1)[1] == committed.split("SPEC_SHA256", 1)[1]


def test_app_on_the_fastapi_example(tmp_path: Path) -> None:
    out = tmp_path / "spec.json"
    run = run_cli(
        "extract", "--app", "main:app", "--app-dir", FASTAPI, "--exclude-path", "/health",
        "-o", out, cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    spec = json.loads(out.read_text())
    assert list(spec["paths"]) == ["/caption"]
    request = spec["components"]["schemas"]["CaptionRequest"]
    assert request["x-fal-order-properties"] == ["image_url", "max_words", "language"]
    assert request["properties"]["language"]["nullable"] is True  # 3.1 `anyOf [.., null]`


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_node_server_answers_as_its_spec_says(tmp_path: Path) -> None:
    """The static spec describes server.js truthfully: a real request, checked against it."""
    import httpx
    from openapi_schema_validator import OAS30Validator

    port = _free_port()
    server = subprocess.Popen(
        ["node", "server.js"],
        cwd=STATIC,
        env={**os.environ, "PORT": str(port)},
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        server.stderr.readline()  # "listening on PORT"
        base = f"http://127.0.0.1:{port}"
        answer = httpx.post(f"{base}/v1/reverse", json={"text": "stressed"}, timeout=10)
        bad = httpx.post(f"{base}/v1/reverse", json={"text": 1}, timeout=10)
        served = httpx.get(f"{base}/openapi.yaml", timeout=10)
    finally:
        server.kill()
        server.wait()
    spec = yaml.safe_load((STATIC / "openapi.yaml").read_text())
    schemas = spec["components"]["schemas"]
    assert answer.status_code == 200 and answer.json() == {"reversed": "desserts", "length": 8}
    OAS30Validator({**schemas["ReverseResponse"], "components": spec["components"]}).validate(
        answer.json()
    )
    assert bad.status_code == 400 and isinstance(bad.json()["error"], str)
    assert served.text == (STATIC / "openapi.yaml").read_text()


def test_the_pre_commit_hook_runs_the_check_command() -> None:
    hooks = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "openapi-meta-check")
    assert hook["entry"] == "openapi-meta check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "openapi-meta" in scripts
    usage = yaml.safe_load((EXAMPLES / "ci" / "pre-commit-config.yaml").read_text())
    assert usage["repos"][0]["hooks"][0]["id"] == "openapi-meta-check"


def test_the_github_workflow_runs_the_check_command() -> None:
    workflow = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text())
    steps = workflow["jobs"]["openapi-meta-check"]["steps"]
    commands = [s.get("run", "") for s in steps]
    assert any(c.startswith("openapi-meta check") for c in commands)
    # the bare command works because [tool.openapi-meta] names the source, as in the examples
    assert "[tool.openapi-meta]" in (FASTAPI / "pyproject.toml").read_text()
