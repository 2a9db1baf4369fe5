"""The change report, one case folder per rule (tests/change_cases/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate as oracle_validate

from openapi_meta.changes import compare_specs
from openapi_meta.changes.render import change_line
from openapi_meta.changes.rules import RULES

CASES = Path(__file__).parent / "change_cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_change_case(case: Path) -> None:
    old, new = _load(case / "old.yaml"), _load(case / "new.yaml")
    oracle_validate(old)  # every case is a real OpenAPI 3.0.3 document, on both sides
    oracle_validate(new)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [change_line(c) for c in compare_specs(old, new)] == expected


def test_every_rule_has_its_own_case() -> None:
    for rule in RULES:
        expected = CASES / rule / "expected.txt"
        assert expected.is_file(), f"no case folder for {rule}"
        assert f"[{rule}]" in expected.read_text(), f"{rule}'s case does not report it"
