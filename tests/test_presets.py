"""Presets: each is valid OpenAPI 3.0.3 after the real pipeline, and fingerprints are narrow."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from openapi_meta.config import Given, build_settings
from openapi_meta.pipeline import run_pipeline
from openapi_meta.presets import FINGERPRINTS, PRESET_NAMES, load_preset
from openapi_meta.sources.from_settings import make_source
from openapi_meta.sources.spec_disabled import environment_of, spec_disabled
from tests.conftest import run_cli


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_converts_and_validates_as_3_0_3(name: str) -> None:
    settings = build_settings({"preset": Given(name, "--preset")}, use_pyproject=False)
    extraction = run_pipeline(make_source(settings), settings=settings)
    assert extraction.spec["openapi"] == "3.0.3"
    validate(extraction.spec)  # the real validator, as an oracle
    assert extraction.spec["paths"]


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_cli_output_validates(name: str, tmp_path) -> None:
    out = tmp_path / "spec.json"
    run = run_cli("extract", "--preset", name, "-o", out)
    assert run.code == 0, run.stderr
    validate(json.loads(out.read_text()))


def test_comfyui_preset_has_the_self_hosted_routes() -> None:
    text = load_preset("comfyui").content.decode()
    for route in ("/prompt:", "/history/{prompt_id}:", "/view:", "/upload/image:", "/object_info:"):
        assert f"\n  {route}" in text
    assert "prompt_id:" in text  # the field the upstream cloud spec lacks


ANSWERS = {
    "comfyui": {"system": {"comfyui_version": "0.3.64", "os": "posix"}, "devices": []},
    "ollama": {"version": "0.12.3"},
    "llamacpp": {"default_generation_settings": {}, "total_slots": 1, "model_path": "m.gguf"},
    "oip-v2": {"name": "triton", "version": "2.61.0", "extensions": ["classification"]},
}


@pytest.mark.parametrize("fingerprint", FINGERPRINTS, ids=lambda f: f.preset)
def test_fingerprint_matches_its_server_and_no_other(fingerprint) -> None:
    for preset, answer in ANSWERS.items():
        matched = fingerprint.matches(json.dumps(answer).encode())
        assert matched == (preset == fingerprint.preset), (fingerprint.preset, preset)
    assert not fingerprint.matches(b"<html>not json</html>")
    assert not fingerprint.matches(b"[1, 2]")


def test_preset_is_refused_for_sources_it_cannot_stand_for() -> None:
    run = run_cli("extract", "--preset", "comfyui", "--file", "x.yaml")
    assert run.code == 2 and "--preset is not an option of --file" in run.stderr


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["vllm", "serve", "m", "--disable-fastapi-docs"], {}, "--disable-fastapi-docs (vLLM)"),
        (["python3", "-m", "sglang.launch_server"], {"DISABLE_OPENAPI_DOC": "1"}, "SGLang"),
        (["python3", "-m", "sglang.launch_server"], {"DISABLE_OPENAPI_DOC": "false"}, None),
        (["uvicorn", "main:app"], {}, None),
    ],
)
def test_spec_disabled(argv: list[str], env: dict[str, str], expected: str | None) -> None:
    message = spec_disabled(argv, env)
    assert (message is None) if expected is None else (expected in (message or ""))


def test_container_environment_list() -> None:
    assert environment_of(["A=1", "B=x=y", "JUNK"]) == {"A": "1", "B": "x=y"}
