"""Relative paths in pyproject.toml are relative to its folder, wherever the command runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from openapi_meta.config import build_settings, command_options
from openapi_meta.options import COMMON_GROUPS, OutputOptions
from openapi_meta.sources.from_settings import make_source
from openapi_meta.sources.options import SOURCES, SourceKind
from tests.conftest import PROJECT_ROOT, run_cli
from tests.processes import free_port

QUICKSTART = PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml"
SOURCE_PATHS = {"file": "spec/openapi.yaml", "build": "ctx", "fal": "deploy/deploy.py::server"}
OTHER_SOURCES = {"url": "http://127.0.0.1:9", "command": "true", "image": "img", "app": "main:app"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder; the tests run from project/deep/sub."""
    (tmp_path / "project" / "deep" / "sub").mkdir(parents=True)
    return tmp_path / "project"


@pytest.mark.parametrize("kind", SOURCES, ids=[k.name for k in SOURCES])
def test_every_path_option_is_relative_to_the_pyproject(
    project: Path, monkeypatch: pytest.MonkeyPatch, kind: SourceKind
) -> None:
    """Every path option the source takes (generated from the declarations) and the source's
    own path, set in pyproject.toml, resolve against its folder from a subfolder."""
    paths = [
        spec
        for spec in command_options("check").values()
        if spec.is_path and not spec.opt.command and spec.name not in ("output", "module")
        if spec.group in (*kind.groups, *COMMON_GROUPS)
    ]
    value = SOURCE_PATHS.get(kind.name) or OTHER_SOURCES[kind.name]
    lines = [f"{kind.name} = {value!r}", 'output = "out/fal_openapi.py"', 'module = "out/m.py"']
    lines += ["port = 9"] if kind.name == "command" else []
    lines += [f'{spec.name} = "rel/{spec.name}"' for spec in paths]
    (project / "pyproject.toml").write_text("[tool.openapi-meta]\n" + "\n".join(lines) + "\n")
    monkeypatch.chdir(project / "deep" / "sub")
    settings = build_settings({}, command="check")
    for spec in paths:
        assert getattr(settings[spec.group], spec.field) == Path(project / "rel" / spec.name)
    assert settings.module_path == project / "out" / "m.py"
    assert Path(settings[OutputOptions].output) == project / "out" / "fal_openapi.py"
    if kind.name in SOURCE_PATHS:
        assert settings.source is not None
        file = SOURCE_PATHS[kind.name].partition("::")[0]
        assert settings.source.path(file) == project / file


def test_the_default_output_is_beside_the_pyproject(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text('[tool.openapi-meta]\nfile = "openapi.yaml"\n')
    monkeypatch.chdir(project / "deep")
    assert build_settings({})[OutputOptions].output == str(project / "fal_openapi.py")


def test_sources_get_their_paths_from_the_pyproject_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "deep" / "sub")
    expected = {
        "fal": ("target", f"{project / 'deploy.py'}::server"),
        "command": ("cwd", project),
        "app": ("app_dir", project),
        "file": ("path", project / "spec.yaml"),
    }
    values = {"fal": "deploy.py::server", "command": "serve", "app": "main:app"}
    values["file"] = "spec.yaml"
    for name, (attribute, wanted) in expected.items():
        port = "\nport = 8000" if name == "command" else ""
        (project / "pyproject.toml").write_text(
            f"[tool.openapi-meta]\n{name} = {values[name]!r}{port}\n"
        )
        source = make_source(build_settings({}))
        assert getattr(source, attribute) == wanted, name
    (project / "pyproject.toml").write_text('[tool.openapi-meta]\nbuild = "ctx"\n')
    assert make_source(build_settings({})).build.context == project / "ctx"  # type: ignore[attr-defined]


def test_extract_and_check_from_a_subfolder(project: Path) -> None:
    (project / "spec").mkdir()
    (project / "spec" / "openapi.yaml").write_text(QUICKSTART.read_text())
    (project / "pyproject.toml").write_text(
        "[tool.openapi-meta]\n"
        'file = "spec/openapi.yaml"\n'
        'output = "out/fal_openapi.py"\n'
        'report = "out/findings.json"\n'
        'exclude-path = "/health"\n'
    )
    (project / "out").mkdir()
    sub = project / "deep" / "sub"
    extracted = run_cli("extract", cwd=sub)
    assert extracted.code == 0, extracted.stderr
    module = (project / "out" / "fal_openapi.py").read_text()
    assert '"/generate"' in module and '"/health"' not in module
    assert json.loads((project / "out" / "findings.json").read_text())["findings"]
    assert list(sub.iterdir()) == []
    checked = run_cli("check", cwd=sub)
    assert checked.code == 0, checked.stderr


def test_a_command_from_pyproject_runs_in_its_folder(project: Path) -> None:
    """The command serves the files of the folder it runs in: the spec is found only when
    that folder is the pyproject's, not the subfolder the command was run from."""
    port = free_port()
    (project / "openapi.json").write_text(json.dumps({"openapi": "3.0.3", **_MINIMAL}))
    (project / "pyproject.toml").write_text(
        "[tool.openapi-meta]\n"
        f'command = "{sys.executable} -m http.server {port} --bind 127.0.0.1"\n'
        f"port = {port}\n"
        'spec-path = "/openapi.json"\n'
        "startup-timeout = 30\n"
        'output = "fal_openapi.py"\n'
    )
    run = run_cli("extract", cwd=project / "deep" / "sub")
    assert run.code == 0, run.stderr
    assert '"/ping"' in (project / "fal_openapi.py").read_text()


_MINIMAL = {
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "ok"}}}}
    },
}
