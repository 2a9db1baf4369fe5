"""Run every conversion case folder under tests/cases (see tests/cases/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate as oracle_validate

from openapi_meta import errors
from openapi_meta.convert import convert
from openapi_meta.document.load import parse_text

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def _read(path: Path) -> Any:
    return parse_text(path.read_text(encoding="utf-8"), str(path))


def _input(case: Path) -> Path:
    for name in ("input.yaml", "input.yml", "input.json"):
        if (case / name).exists():
            return case / name
    raise AssertionError(f"{case.name}: no input.yaml or input.json")


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case(case: Path) -> None:
    document = _read(_input(case))
    options = (
        yaml.safe_load((case / "options.yaml").read_text())
        if (case / "options.yaml").exists()
        else {}
    )
    if (case / "error.yaml").exists():
        spec = yaml.safe_load((case / "error.yaml").read_text())
        error_type = getattr(errors, spec.get("type", "OpenApiMetaError"))
        with pytest.raises(error_type) as raised:
            convert(document, base_dir=case, **(options or {}))
        for part in spec.get("message", []):
            assert part in str(raised.value)
        return
    before = repr(document)
    result = convert(document, base_dir=case, **(options or {}))
    assert repr(document) == before, "convert() mutated its input"
    expected = _read(case / "expected.yaml")
    assert result.document == expected
    oracle_validate(result.document)
    want = _read(case / "findings.yaml") if (case / "findings.yaml").exists() else None
    want = want or []
    got = sorted((f.code, f.pointer) for f in result.findings)
    assert got == sorted((w["code"], w["pointer"]) for w in want)
    levels = {(f.code, f.pointer): f.level.value for f in result.findings}
    for w in want:
        if "level" in w:
            assert levels[(w["code"], w["pointer"])] == w["level"], w


def test_an_owned_document_is_converted_in_place_to_the_same_result() -> None:
    """`owned=True` (the pipeline's freshly loaded tree) skips the copy, nothing else."""
    for case in CASE_DIRS:
        if (case / "error.yaml").exists():
            continue
        expected = convert(_read(_input(case)), base_dir=case)
        owned = convert(_read(_input(case)), base_dir=case, owned=True)
        assert owned.document == expected.document, case.name
        assert owned.findings == expected.findings, case.name
