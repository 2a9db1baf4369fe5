"""The header's source line and the regenerate hint: as the user wrote them, relative paths."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from openapi_meta.config import Settings
from openapi_meta.provenance import project_folder, regenerate_command, source_label


@pytest.mark.parametrize(
    ("settings", "label"),
    [
        (Settings(file=Path("/work/p/api/openapi.yaml")), "--file api/openapi.yaml"),
        (Settings(file=Path("/work/shared/spec.json")), "--file ../shared/spec.json"),
        (Settings(build=Path("/work/p")), "--build ."),
        (Settings(image="my-server:latest"), "--image my-server:latest"),
        (Settings(url="http://localhost:8000"), "--url http://localhost:8000"),
        (
            Settings(command="uvicorn main:app --port 8000", port=8000),
            "--command 'uvicorn main:app --port 8000'",
        ),
        (Settings(app="main:app"), "--app main:app"),
        (Settings(app="src/main.py:app", app_dir=Path("/work/p")), "--app src/main.py:app"),
        (Settings(fal="/work/p/deploy.py::server"), "--fal deploy.py::server"),
    ],
)
def test_source_label(settings: Settings, label: str) -> None:
    assert source_label(settings, Path("/work/p")) == label


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
        "openapi-meta", "extract", "--image", "x:1", "--config", "ci/pyproject.toml",
        "--env", "A=1", "--env", "B", "--startup-timeout", "30.0",
        "--keep-servers", "--include-path", "/v1/*", "--fal-order", "-o", "out/fal_openapi.py",
    ]  # fmt: skip
    assert regenerate_command({}, None) == "openapi-meta extract"
