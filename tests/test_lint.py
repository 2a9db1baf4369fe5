"""fal lint: each rule fires on the fixture made for it (tests/fixtures/lint/CODE.yaml) and on
nothing else, and every rule is silent on clean.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openapi_meta.document.load import load_document
from openapi_meta.findings import Level
from openapi_meta.lint import GRPC_MESSAGE_LIMIT, lint
from openapi_meta.sources.file import FileSource
from openapi_meta.validate import validate
from tests.conftest import PROJECT_ROOT, run_cli

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "lint"
CASES = sorted(p for p in FIXTURES.glob("fal-*.yaml"))


def load(path: Path) -> dict:
    return load_document(FileSource(path).fetch())


def clean() -> dict:
    return load(FIXTURES / "clean.yaml")


def test_the_clean_spec_is_valid_and_silent() -> None:
    spec = clean()
    assert validate(spec) == []
    assert lint(spec) == []


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_rule_fires_on_its_fixture_only(path: Path) -> None:
    findings = lint(load(path))
    assert findings, f"{path.stem} did not fire"
    assert {f.code for f in findings} == {path.stem}
    assert all(f.level is Level.WARNING for f in findings)


def test_pointers_name_the_operation() -> None:
    pointers = [f.pointer for f in lint(load(FIXTURES / "fal-no-request-schema.yaml"))]
    assert pointers == ["/paths/~1trigger/post", "/paths/~1upload/post/requestBody"]
    duplicate = lint(load(FIXTURES / "fal-duplicate-operation-id.yaml"))
    assert [f.pointer for f in duplicate] == ["/paths/~1b/get/operationId"]
    assert "/paths/~1a/get" in duplicate[0].message


@pytest.mark.parametrize(
    ("value", "pointer"),
    [
        ({200: {"description": "ok"}}, "/x-value/200"),
        (b"bytes", "/x-value"),
        ({"a", "b"}, "/x-value"),
        (("a", "b"), "/x-value"),
        (float("nan"), "/x-value"),
        (object(), "/x-value"),
    ],
)
def test_values_a_struct_cannot_carry(value: object, pointer: str) -> None:
    spec = clean()
    spec["x-value"] = value
    findings = lint(spec)
    assert [(f.code, f.pointer) for f in findings] == [("fal-struct-value", pointer)]


def test_a_spec_over_the_grpc_limit() -> None:
    spec = clean()
    spec["components"]["schemas"] = {
        f"S{i}": {"type": "string", "description": "x" * 1000} for i in range(4200)
    }
    assert len(json.dumps(spec).encode()) > GRPC_MESSAGE_LIMIT
    assert [f.code for f in lint(spec)] == ["fal-too-large"]


def test_lint_findings_reach_the_cli_and_strict_fails(tmp_path: Path) -> None:
    path = FIXTURES / "fal-missing-operation-id.yaml"
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--file", path, "-o", out)
    assert run.code == 0 and "fal-missing-operation-id at /paths" in run.stderr
    strict = run_cli("extract", "--file", path, "-o", tmp_path / "strict.py", "--strict")
    assert strict.code == 1 and not (tmp_path / "strict.py").exists()
    quiet = run_cli("extract", "--file", path, "-o", out, "--no-lint")
    # (the file's own name, which extract repeats after "wrote ... from", says the same words)
    assert quiet.code == 0 and "fal-missing-operation-id at" not in quiet.stderr
