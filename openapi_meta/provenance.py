"""Where a written spec came from, in the user's own words, and how to write it again.

Two small functions the rest of the tool relies on:

- `source_label`: the `# Source:` line of a module header. It names the source as the user
  wrote it (`--file openapi.yaml`, `--image my-server:latest`), paths relative to the
  project folder (the one with pyproject.toml, else the current one), never an image ID, a
  digest, a temporary name or an absolute path: the same spec gives the same bytes on every
  machine and from every checkout.
- `regenerate_command`: the exact `openapi-meta extract` command that rewrites the output
  `check` compared, from the options `check` was given (options it did not get come from
  pyproject.toml, which `extract` reads the same way), so a bare `openapi-meta check`
  suggests a bare `openapi-meta extract`.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openapi_meta.config import Settings, find_pyproject
from openapi_meta.sources.options import AppOptions

# Options of `check` that do not change what `extract` writes.
_NOT_FOR_EXTRACT = frozenset(
    {"module", "format", "fail_on", "verbose", "strict", "report", "quiet", "output", "debug"}
)


def project_folder(config: Path | None = None, cwd: Path | None = None) -> Path:
    """The folder paths in a header are relative to: pyproject.toml's, else the current."""
    cwd = cwd or Path.cwd()
    pyproject = config or find_pyproject(cwd)
    return (cwd / pyproject).parent if pyproject else cwd


def source_label(settings: Settings, base: Path | None = None) -> str:
    """`--file openapi.yaml`: the source option and its value, paths relative to `base`
    (default: the project folder)."""
    source = settings.require_source()
    base = base or project_folder()
    name, value = source.kind.name, source.value
    if name in ("file", "build"):
        value = _relative(source.path(), base)
    elif name == "fal" and "::" in value:
        path, function = value.rsplit("::", 1)
        value = f"{_relative(source.path(path), base)}::{function}"
    elif name == "app" and ":" in value and value.split(":", 1)[0].endswith(".py"):
        path, attribute = value.split(":", 1)  # a file, found from --app-dir as the import is
        app_dir = settings[AppOptions].app_dir or source.base_dir or Path(".")
        value = f"{_relative(Path(app_dir) / path, base)}:{attribute}"
    return f"--{name} {shlex.quote(value)}"


def regenerate_command(check_options: Mapping[str, Any], output: Path | None) -> str:
    """`openapi-meta extract` with the options `check` got that shape the output, then
    `-o OUTPUT` when `check` was told which file to compare."""
    from openapi_meta.cli import extract  # the options' spellings are the command's own

    words = ["openapi-meta", "extract"]
    for param in extract.params:
        value = check_options.get(param.name or "")
        if param.name in _NOT_FOR_EXTRACT or value is None or value == ():
            continue
        long = next(o for o in reversed(param.opts) if o.startswith("-"))
        if getattr(param, "is_flag", False):
            if value:
                words.append(long)
            elif param.secondary_opts:
                words.append(param.secondary_opts[-1])
        elif getattr(param, "multiple", False):
            for item in value:
                words += [long, str(item)]
        else:
            words += [long, str(value)]
    if output is not None:
        words += ["-o", str(output)]
    return shlex.join(words)


def _relative(path: str | Path, base: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return Path(os.path.relpath(absolute, base)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return absolute.name
