"""What a new user does: the README's commands on a fresh clone, and installing a wheel.

The fresh clone is the working tree's files (tracked and new, nothing ignored) in a new git
repository; it shares this checkout's .venv (setup.sh then has nothing to install, as its
stamp matches pyproject.toml), so the test is about the scripts and what they leave behind.
The wheel is built with `python -m build` and installed, with its dependencies from the
package index, in a fresh venv, as `pip install` or pipx would.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openapi_meta import __version__
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

QUICKSTART = PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml"


def _git(*args: str | Path, cwd: Path) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *map(str, args)],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def copy_of_the_checkout(target: Path) -> Path:
    """The files of this checkout that git would commit (tracked or new, not ignored)."""
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=PROJECT_ROOT)
    for name in filter(None, listing.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run(*args: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def fresh_clone(tmp_path: Path) -> Path:
    clone = copy_of_the_checkout(tmp_path / "clone")
    _git("init", "-q", cwd=clone)
    _git("add", "-A", cwd=clone)
    _git("commit", "-q", "-m", "fresh clone", cwd=clone)
    stamp = PROJECT_ROOT / ".venv" / ".openapi-meta-installed"
    wanted = hashlib.sha256((clone / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.is_file() or stamp.read_text().strip() != wanted:
        pytest.fail("run scripts/setup.sh first: .venv is not installed from this pyproject.toml")
    (clone / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    return clone


def test_the_readme_commands_in_either_order_and_again(fresh_clone: Path) -> None:
    """scripts/demo.sh and the lint steps of scripts/test.sh, in both orders, twice."""
    for step in ("lint", "demo", "lint", "demo", "lint"):
        result = run(fresh_clone / "scripts" / f"{step}.sh", cwd=fresh_clone)
        assert result.returncode == 0, f"{step}: {result.stdout}{result.stderr}"
        assert _git("status", "--porcelain", cwd=fresh_clone) == "", step
    demo = fresh_clone / ".cache" / "demo" / "fal_openapi.py"
    assert "SPEC_SHA256" in demo.read_text()
    assert (
        "paths ['/generate', '/health']"
        in run(fresh_clone / "scripts" / "demo.sh", cwd=fresh_clone).stdout
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with nothing but the wheel built from this checkout (and its deps)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = copy_of_the_checkout(tmp / "source")
    built = run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp / "dist", source, cwd=tmp)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [wheel] = (tmp / "dist").glob("openapi_meta-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        wheel,
        cwd=tmp,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    return venv


def test_the_wheel_runs_in_a_fresh_venv(installed: Path, tmp_path: Path) -> None:
    version = run(installed / "bin" / "openapi-meta", "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"openapi-meta, version {__version__}"
    extracted = run(
        installed / "bin" / "openapi-meta",
        "extract",
        "--file",
        QUICKSTART,
        "-o",
        "-",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert extracted.returncode == 0, extracted.stderr
    assert '"openapi": "3.0.3"' in extracted.stdout


def test_the_installed_tool_imports_apps_with_their_projects_python(
    installed: Path, tmp_path: Path
) -> None:
    """The fresh venv has no FastAPI; the example app's project Python (here: this
    checkout's .venv, given as --python) has it."""
    app_dir = PROJECT_ROOT / "examples" / "fastapi-docker"
    args = ["extract", "--app", "main:app", "--app-dir", app_dir, "-o", "-", "--format", "json"]
    alone = run(installed / "bin" / "openapi-meta", *args, cwd=tmp_path)
    assert alone.returncode == 3 and "No module named 'fastapi'" in alone.stderr
    assert "--python" in alone.stderr
    helped = run(
        installed / "bin" / "openapi-meta",
        *args,
        "--python",
        PROJECT_ROOT / ".venv" / "bin" / "python",
        cwd=tmp_path,
    )
    assert helped.returncode == 0, helped.stderr
    assert '"/caption"' in helped.stdout


def test_fal_without_the_extra_says_how_to_get_it(installed: Path, tmp_path: Path) -> None:
    deploy = tmp_path / "deploy.py"  # no .venv or pyproject.toml near: openapi-meta's Python
    deploy.write_text(
        (PROJECT_ROOT / "tests" / "fixtures" / "fal" / "refused" / "deploy.py").read_text()
    )
    result = run(
        installed / "bin" / "openapi-meta", "extract", "--fal", f"{deploy}::no_port", cwd=tmp_path
    )
    assert result.returncode == 3
    assert "pip install 'openapi-meta[fal]'" in result.stderr
    assert "Traceback" not in result.stderr.split("\n", 2)[0]
