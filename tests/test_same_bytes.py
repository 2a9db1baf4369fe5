"""Bytes that depend only on the spec (and the tool's version): one spec extracted from two
checkouts, from a subfolder, or named by an absolute path gives the same module."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.test_check import SPEC


def _checkout(root: Path) -> Path:
    (root / "api").mkdir(parents=True)
    (root / "api" / "openapi.yaml").write_text(SPEC)
    (root / "pyproject.toml").write_text(
        '[tool.openapi-meta]\nfile = "api/openapi.yaml"\noutput = "app/fal_openapi.py"\n'
    )
    (root / "app").mkdir()
    return root


def test_two_checkouts_write_the_same_bytes(tmp_path: Path) -> None:
    first = _checkout(tmp_path / "alice" / "src" / "service")
    second = _checkout(tmp_path / "ci-runner-7f3a")
    assert run_cli("extract", cwd=first).code == 0
    assert run_cli("extract", cwd=second / "app").code == 0  # from a subfolder
    module = first / "app" / "fal_openapi.py"
    assert module.read_bytes() == (second / "app" / "fal_openapi.py").read_bytes()
    text = module.read_text()
    assert '# Source: "--file api/openapi.yaml"\n' in text
    assert str(tmp_path) not in text


def test_an_absolute_path_on_the_command_line_is_written_relative(tmp_path: Path) -> None:
    root = _checkout(tmp_path / "project")
    spec = root / "api" / "openapi.yaml"
    assert run_cli("extract", "--file", spec, "-o", root / "a.py", cwd=root).code == 0
    assert run_cli("extract", "--file", "api/openapi.yaml", "-o", "b.py", cwd=root).code == 0
    assert (
        run_cli("extract", "--file", "../api/openapi.yaml", "-o", "c.py", cwd=root / "app").code
        == 0
    )
    a, b, c = ((root / n).read_bytes() for n in ("a.py", "b.py", "app/c.py"))
    assert a == b == c
    assert check_passes(root, "--file", spec, "--module", "a.py")


def check_passes(cwd: Path, *args: str | Path) -> bool:
    run = run_cli("check", *args, cwd=cwd)
    return run.code == 0 and "is up to date" in run.stderr
