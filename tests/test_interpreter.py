"""--app and --fal import the user's code with the project's Python, not openapi-meta's.

The app's dependency (`only_here`) is installed only in a separate, real virtualenv: the
import works when that venv is chosen (--python, $VIRTUAL_ENV, a .venv beside the app or
its pyproject.toml) and fails, saying which Python was used and how to pick another, when
openapi-meta's own interpreter is left to import it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, run_cli

pytestmark = pytest.mark.slow

ONLY_HERE = '''\
"""A package installed in one venv only."""

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "From the other venv", "version": "1"},
    "paths": {
        "/here": {"get": {"operationId": "here", "responses": {"204": {"description": "ok"}}}}
    },
}


class Service:
    def openapi(self):
        return SPEC
'''
APP = """\
import http.client  # the standard library's: the child's own folder is not on sys.path

from only_here import Service

assert http.client.OK == 200
app = Service()
"""
NO_VENV = {"VIRTUAL_ENV": None}


def make_venv(path: Path) -> Path:
    """A real virtualenv at `path` with `only_here` in its site-packages; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "only_here").mkdir()
    (Path(purelib) / "only_here" / "__init__.py").write_text(ONLY_HERE)
    return python


@pytest.fixture(scope="module")
def other_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venvs") / "other")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(APP)
    return tmp_path


def extracted(run_dir: Path, *args: str | Path, env: dict[str, str | None] = NO_VENV) -> dict:
    out = run_dir / "spec.json"
    run = run_cli("extract", *args, "-o", out, cwd=run_dir, env=env)
    assert run.code == 0, run.stderr
    return json.loads(out.read_text())


def test_openapi_metas_own_python_cannot_import_it(project: Path) -> None:
    run = run_cli("extract", "--app", "main:app", "--app-dir", "app", cwd=project, env=NO_VENV)
    assert run.code == 3
    assert "No module named 'only_here'" in run.stderr
    assert f"imported with {sys.executable} (openapi-meta's own: no $VIRTUAL_ENV" in run.stderr
    assert "give its Python with --python PATH" in run.stderr


def test_python_names_the_interpreter(project: Path, other_venv: Path) -> None:
    spec = extracted(project, "--app", "main:app", "--app-dir", "app", "--python", other_venv)
    assert list(spec["paths"]) == ["/here"]


def test_the_active_virtualenv_is_used(project: Path, other_venv: Path) -> None:
    env = {"VIRTUAL_ENV": str(other_venv.parent.parent)}
    spec = extracted(project, "--app", "main:app", "--app-dir", "app", env=env)
    assert spec["info"]["title"] == "From the other venv"


def test_openapi_metas_own_active_venv_gives_way_to_the_projects(project: Path) -> None:
    """pre-commit runs its hook with the hook's venv (openapi-meta's own) as $VIRTUAL_ENV."""
    make_venv(project / "app" / ".venv")
    ours = {"VIRTUAL_ENV": str(Path(sys.prefix))}
    spec = extracted(project, "--app", "main:app", "--app-dir", "app", env=ours)
    assert list(spec["paths"]) == ["/here"]


@pytest.mark.parametrize("where", ["beside the app", "beside the pyproject"])
def test_a_dot_venv_of_the_project_is_used(project: Path, where: str) -> None:
    folder = project / "app" if where == "beside the app" else project
    make_venv(folder / ".venv")
    if where == "beside the pyproject":
        (project / "pyproject.toml").write_text('[tool.openapi-meta]\napp = "app/main.py:app"\n')
        spec = extracted(project / "app")  # from a subfolder, with the settings in pyproject
    else:
        spec = extracted(project, "--app", "main:app", "--app-dir", "app")
    assert list(spec["paths"]) == ["/here"]


def test_python_may_be_a_command_on_path(project: Path, other_venv: Path) -> None:
    env = {**NO_VENV, "PATH": f"{other_venv.parent}:/usr/bin:/bin"}
    spec = extracted(
        project, "--app", "main:app", "--app-dir", "app", "--python", "python", env=env
    )
    assert list(spec["paths"]) == ["/here"]


def test_a_missing_python_is_a_usage_error(project: Path) -> None:
    run = run_cli("extract", "--app", "main:app", "--python", "/no/such/python", cwd=project)
    assert run.code == 2 and "--python /no/such/python: no such interpreter" in run.stderr


FAL_FILE = PROJECT_ROOT / "tests" / "fixtures" / "fal" / "refused" / "deploy.py"


def test_fal_without_fal_in_the_chosen_python(project: Path, other_venv: Path) -> None:
    run = run_cli("extract", "--fal", f"{FAL_FILE}::no_port", "--python", other_venv, cwd=project)
    assert run.code == 3
    assert "No module named 'fal'" in run.stderr
    assert f"fal is not installed for {other_venv} (--python): install it there" in run.stderr


def test_fal_uses_the_projects_python_where_fal_is(project: Path) -> None:
    """openapi-meta's own venv has fal (the test extra): chosen as the project's .venv, its
    fal reads the file (and refuses the function, as fal would not serve it)."""
    (project / "deploy.py").write_text(FAL_FILE.read_text())
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)
    run = run_cli("extract", "--fal", "deploy.py::no_port", cwd=project, env=NO_VENV)
    assert run.code == 3 and "has no exposed_port" in run.stderr
