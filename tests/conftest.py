"""Shared test helpers: where things are, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


def corpus_files(folder: str) -> list[Path]:
    """Documents in one corpus folder, or [] when the corpus is absent (a user's clone)."""
    root = CORPUS / folder
    return sorted(p for p in root.iterdir() if p.is_file()) if root.is_dir() else []


requires_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS} (only CI and dev machines)"
)


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 120,
    env: dict[str, str | None] | None = None,
) -> Run:
    """Run the real entry point (`python -m openapi_meta`) in a subprocess; `env` changes
    its environment (None removes a variable)."""
    base = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "OPENAPI_META_DEBUG": None,
        **(env or {}),
    }
    env = {k: v for k, v in base.items() if v is not None}
    proc = subprocess.run(
        [sys.executable, "-m", "openapi_meta", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def import_in_fresh_interpreter(module: Path) -> object:
    """Import a generated module in a new Python and return its metadata (as JSON)."""
    import json

    code = (
        "import importlib.util, json, sys\n"
        "spec = importlib.util.spec_from_file_location('generated', sys.argv[1])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "sys.stdout.write(json.dumps({'metadata': module.metadata, 'sha': module.SPEC_SHA256}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(module)], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)
