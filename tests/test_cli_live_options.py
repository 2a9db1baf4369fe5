"""--no-route-check and --preset reach the live sources, from the command line or pyproject."""

from __future__ import annotations

from pathlib import Path

from openapi_meta.config import Given, build_settings
from openapi_meta.sources.docker import DockerSource
from openapi_meta.sources.from_settings import make_source
from openapi_meta.sources.preset import PresetSource
from openapi_meta.sources.url import UrlSource
from tests.conftest import run_cli


def given(**options: object) -> dict[str, Given]:
    """Command-line values as the CLI hands them to build_settings (keyed by option name)."""
    return {name.replace("_", "-"): Given(value, f"--{name}") for name, value in options.items()}


def test_route_check_is_on_by_default_and_off_with_the_flag(tmp_path: Path) -> None:
    on = make_source(build_settings(given(url="http://127.0.0.1:1/"), cwd=tmp_path))
    off = make_source(
        build_settings(given(image="x:1", route_check=False, preset="ollama"), cwd=tmp_path)
    )
    assert isinstance(on, UrlSource) and on.route_check and on.preset is None
    assert isinstance(off, DockerSource) and not off.route_check and off.preset == "ollama"


def test_pyproject_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.openapi-meta]\nimage = "x:1"\nroute-check = false\npreset = "comfyui"\n'
    )
    source = make_source(build_settings({}, cwd=tmp_path))
    assert isinstance(source, DockerSource)
    assert (source.route_check, source.preset) == (False, "comfyui")


def test_a_preset_alone_is_a_source(tmp_path: Path) -> None:
    assert make_source(build_settings(given(preset="oip-v2"), cwd=tmp_path)) == PresetSource(
        "oip-v2"
    )


def test_an_unknown_preset_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("extract", "--preset", "vllm", cwd=tmp_path)
    assert run.code == 2 and "'vllm' is not one of" in run.stderr
