"""The header's source line and the regenerate hint: as the user wrote them, relative paths."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from openapi_meta.config import Given, Settings, build_settings
from openapi_meta.provenance import project_folder, regenerate_command, source_label


def settings(**given: object) -> Settings:
    options = {k.replace("_", "-"): Given(v, f"--{k}") for k, v in given.items()}
    return build_settings(options, use_pyproject=False)


@pytest.mark.parametrize(
    ("options", "label"),
    [
        ({"file": "/work/p/api/openapi.yaml"}, "--file api/openapi.yaml"),
        ({"file": "/work/shared/spec.json"}, "--file ../shared/spec.json"),
        ({"build": "/work/p"}, "--build ."),
        ({"image": "my-server:latest"}, "--image my-server:latest"),
        ({"url": "http://localhost:8000"}, "--url http://localhost:8000"),
        (
            {"command": "uvicorn main:app --port 8000", "port": 8000},
            "--command 'uvicorn main:app --port 8000'",
        ),
        ({"app": "main:app"}, "--app main:app"),
        ({"app": "src/main.py:app", "app_dir": "/work/p"}, "--app src/main.py:app"),
        ({"fal": "/work/p/deploy.py::server"}, "--fal deploy.py::server"),
    ],
)
def test_source_label(options: dict[str, object], label: str) -> None:
    assert source_label(settings(**options), Path("/work/p")) == label


def test_the_project_folder_is_the_pyproject_one(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert project_folder(None, tmp_path / "a" / "b") == tmp_path
    assert project_folder(Path("other/pyproject.toml"), tmp_path) == tmp_path / "other"


def test_regenerate_command_spells_every_kind_of_option() -> None:
    given = {
        "image": "x:1",
        "env": ("A=1", "B"),
        "drop_local_servers": False,  # --drop-local-servers/--keep-servers
        "fal_order": True,
        "include_path": ("/v1/*",),
        "config": Path("ci/pyproject.toml"),
        "startup_timeout": 30.0,
        "quiet": True,  # check's own options do not change what extract writes
        "strict": True,
        "verbose": None,
        "headers": (),
    }
    command = regenerate_command(given, Path("out/fal_openapi.py"))
    assert shlex.split(command) == [
        "openapi-meta", "extract", "--image", "x:1", "--startup-timeout", "30.0",
        "--env", "A=1", "--env", "B", "--keep-servers", "--include-path", "/v1/*",
        "--fal-order", "--config", "ci/pyproject.toml", "-o", "out/fal_openapi.py",
    ]  # fmt: skip
    assert regenerate_command({}, None) == "openapi-meta extract"
