"""Which Python imports the user's code for `--app` and `--fal`: the project's, not ours.

One openapi-meta (installed with pipx, say) serves many projects, each with its own
dependencies; imported with openapi-meta's own interpreter, an app fails on the first package
only its project has. So, unless `--python` names one: the active virtualenv
(`$VIRTUAL_ENV`, unless it is openapi-meta's own), else a `.venv` in the code's folder or in
the folder of the nearest pyproject.toml above it, else openapi-meta's own interpreter.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from openapi_meta.config import find_pyproject
from openapi_meta.errors import UsageError


@dataclass(frozen=True)
class Interpreter:
    """A Python executable, and why it was chosen (for messages)."""

    path: str
    why: str

    @property
    def is_our_own(self) -> bool:
        return self.path == sys.executable

    def __str__(self) -> str:
        return f"{self.path} ({self.why})"


def choose_interpreter(explicit: str | None, near: Path) -> Interpreter:
    """`explicit` (a path, or a command on PATH), else the project's Python for code in `near`."""
    if explicit:
        found = explicit if os.sep in explicit or "/" in explicit else shutil.which(explicit)
        if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
            raise UsageError(f"--python {explicit}: no such interpreter (give a path or a command)")
        return Interpreter(found, "--python")
    active = os.environ.get("VIRTUAL_ENV")
    # openapi-meta's own venv may be the active one (pre-commit activates its hook's): then
    # the project's .venv says more about the code than the activation does.
    if active and not _is_our_own(Path(active)) and (python := _venv_python(Path(active))):
        return Interpreter(python, "the active virtualenv, $VIRTUAL_ENV")
    folder = near.resolve()
    pyproject = find_pyproject(folder)
    for candidate in dict.fromkeys([folder, *([pyproject.parent] if pyproject else [])]):
        if python := _venv_python(candidate / ".venv"):
            return Interpreter(python, f"the .venv in {candidate}")
    return Interpreter(sys.executable, "openapi-meta's own: no $VIRTUAL_ENV, no .venv found")


def _is_our_own(venv: Path) -> bool:
    try:
        return venv.resolve() == Path(sys.prefix).resolve()
    except OSError:
        return False


def _venv_python(venv: Path) -> str | None:
    # Not resolved: a venv's bin/python is a symlink whose location selects the venv.
    for name in ("bin/python", "Scripts/python.exe"):
        if (venv / name).is_file():
            return str(venv / name)
    return None


def import_hint(interpreter: Interpreter, missing: str) -> str:
    """What to do when the user's code imports a package `interpreter` does not have."""
    if missing.partition(".")[0] == "fal":
        fix = (
            "install openapi-meta with it, pip install 'openapi-meta[fal]'"
            if interpreter.is_our_own
            else "install it there (pip install fal)"
        )
        return f"fal is not installed for {interpreter}: {fix}, or --python a Python with fal"
    return (
        f"imported with {interpreter}; if {missing} is installed in another environment,"
        " give its Python with --python PATH"
    )
