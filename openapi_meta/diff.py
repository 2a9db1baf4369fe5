"""`openapi-meta diff OLD NEW`: the change report between any two specs or written modules.

A module (or a JSON / YAML file that `extract` wrote) holds a 3.0.3 spec already; any other
spec file is converted to 3.0.3 first, the way `openapi-meta convert` does, so a Swagger 2.0
or 3.1 file is compared as what fal would be given, and the conversion itself (3.1's
`type: [string, "null"]` becoming `nullable: true`) is no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openapi_meta.changes import compare_specs
from openapi_meta.changes.model import reaches
from openapi_meta.changes.render import Report
from openapi_meta.check import output_format
from openapi_meta.emit import Format, read_output
from openapi_meta.jsontypes import JSONObject


@dataclass(frozen=True)
class Side:
    """One input of `diff`: its spec as 3.0.3, and its text and format for line numbers."""

    path: Path
    spec: JSONObject
    text: str
    fmt: Format


def read_side(path: Path) -> Side:
    """A module's own spec, or a spec file converted to 3.0.3 (no tidy, no fal lint)."""
    fmt = output_format(path, None)
    if fmt == "python":
        written = read_output(path, "python", verify=False)  # diff reads, check vouches
        return Side(path, written.spec, written.text, fmt)
    from openapi_meta.config import Given, build_settings
    from openapi_meta.pipeline import conversion_settings, run_pipeline
    from openapi_meta.sources.file import FileSource

    given = {"file": Given(str(path), "the spec to compare")}
    settings = conversion_settings(build_settings(given, use_pyproject=False))
    extraction = run_pipeline(FileSource(path), settings=settings)
    return Side(path, extraction.spec, path.read_bytes().decode("utf-8", "replace"), fmt)


def diff_report(old: Side, new: Side, fail_on: str | None) -> Report:
    """The changes from `old` to `new`; failed when one reaches `fail_on` (None: never)."""
    changes = compare_specs(old.spec, new.spec)
    return Report(
        title=f"{old.path} → {new.path}",
        changes=changes,
        failed=fail_on is not None and reaches(changes, fail_on),
    )
