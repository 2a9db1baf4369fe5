"""Check: is the committed module the spec the source gives today? (the pre-deploy CI step)"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from openapi_meta.emit import read_module_spec, spec_sha256
from openapi_meta.jsontypes import JSONObject

MAX_DIFF_LINES = 400


@dataclass(frozen=True)
class CheckResult:
    module: Path
    up_to_date: bool
    diff: str


def compare_with_module(spec: JSONObject, module: Path) -> CheckResult:
    """Compare `spec` with the one embedded in `module` (key order included: it is what
    the module's bytes and `SPEC_SHA256` depend on); the diff is of the specs as JSON."""
    committed = read_module_spec(module)
    if spec_sha256(committed) == spec_sha256(spec):
        return CheckResult(module, True, "")
    diff = list(
        difflib.unified_diff(
            _lines(committed),
            _lines(spec),
            fromfile=f"{module} (committed)",
            tofile="spec from the source now",
            n=3,
        )
    )
    if len(diff) > MAX_DIFF_LINES:
        more = len(diff) - MAX_DIFF_LINES
        diff = [*diff[:MAX_DIFF_LINES], f"... {more} more diff lines not shown\n"]
    return CheckResult(module, False, "".join(diff))


def _lines(spec: JSONObject) -> list[str]:
    return (json.dumps(spec, indent=2, ensure_ascii=False) + "\n").splitlines(keepends=True)
