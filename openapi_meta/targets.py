"""Targets first: what a run writes or compares with is checked before any server starts.

A `docker build` of several minutes should not end in "no such module" or "cannot write
here": the output's folder must be writable, the report's too, and the module `check`
compares with must exist and be one openapi-meta wrote. For `--fal`, the user's file is read
for how it imports the module (see `openapi_meta.deploy_file`); that gives findings.
"""

from __future__ import annotations

import os
from pathlib import Path

from openapi_meta.config import Settings
from openapi_meta.deploy_file import check_deploy_file
from openapi_meta.errors import UsageError
from openapi_meta.findings import Finding
from openapi_meta.options import OutputOptions, ReportOptions


def check_targets(settings: Settings, command: str) -> list[Finding]:
    """Raise a UsageError (or the module's DocumentError) for a target that cannot work;
    return the findings about the user's fal file."""
    report = settings[ReportOptions].report
    if report is not None:
        _writable(report)
    if command == "check":
        from openapi_meta.check import output_format
        from openapi_meta.emit import read_output

        path = settings.module_path
        read_output(path, output_format(path, None), verify=False)  # exists, and is ours
        module = settings.module_path
    else:
        output = settings[OutputOptions].output
        if output == "-":
            return []
        _writable(Path(output))
        if settings.output_format != "python":
            return []
        module = Path(output)
    source = settings.source
    if source is None or source.kind.name != "fal":
        return []
    file = source.path(source.value.rpartition("::")[0] or source.value)
    return check_deploy_file(file, module) if file.is_file() else []


def _writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name")
    if not folder.is_dir():
        what = "no such folder" if not folder.exists() else "not a folder"
        raise UsageError(f"{path}: cannot write here ({folder}: {what})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{path}: cannot write here ({folder}: permission denied)")
