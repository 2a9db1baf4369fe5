"""The import of the generated module works wherever `fal deploy` runs, and --fal says when
the user's file imports it in a way that does not."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from openapi_meta.deploy_file import CODE, check_deploy_file, import_snippet
from tests.conftest import PROJECT_ROOT, run_cli

QUICKSTART = PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml"

# What `fal deploy` does with the file (fal.utils.load_function_from), without fal: only the
# current folder is added to sys.path, then the file runs with runpy.
_RUN_AS_FAL_DEPLOY = (
    "import os, runpy, sys; sys.path.append(os.getcwd());"
    " print(sorted(runpy.run_path(sys.argv[1])['metadata']['openapi']['paths']))"
)


def run_as_fal_deploy(file: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN_AS_FAL_DEPLOY, str(file)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def module(tmp_path: Path) -> Path:
    out = tmp_path / "gen" / "fal_openapi.py"
    out.parent.mkdir()
    assert run_cli("extract", "--file", QUICKSTART, "-o", out).code == 0
    return out


@pytest.mark.parametrize("beside", [True, False], ids=["beside", "elsewhere"])
def test_the_snippet_imports_the_module_from_any_folder(
    tmp_path: Path, module: Path, beside: bool
) -> None:
    folder = module.parent if beside else tmp_path / "app"
    folder.mkdir(exist_ok=True)
    deploy = folder / "deploy.py"
    deploy.write_text(import_snippet(module, deploy))
    assert check_deploy_file(deploy, module) == []
    for cwd in (tmp_path, folder, PROJECT_ROOT):
        run = run_as_fal_deploy(deploy, cwd)
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "['/generate', '/health']"


def test_a_plain_import_works_only_from_its_folder_and_is_warned_about(
    tmp_path: Path, module: Path
) -> None:
    deploy = module.parent / "deploy.py"
    deploy.write_text('"""Doc."""\nimport os\nfrom fal_openapi import metadata\n')
    assert run_as_fal_deploy(deploy, module.parent).returncode == 0
    assert "No module named 'fal_openapi'" in run_as_fal_deploy(deploy, tmp_path).stderr
    [finding] = check_deploy_file(deploy, module)
    assert finding.code == CODE
    assert "deploy.py, line 3: `import fal_openapi` works only when" in finding.message
    assert "sys.path.insert(0, str(Path(__file__).resolve().parent))" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "import fal\n",  # does not import the module at all
        "def f():\n    from fal_openapi import metadata\n",  # not at import time
        "from .fal_openapi import metadata\n",  # relative: a package layout
        "import sys\nsys.path.append('/somewhere')\nimport fal_openapi\n",
        "not python (\n",
    ],
)
def test_no_warning_when_fal_deploy_is_not_concerned(tmp_path: Path, text: str) -> None:
    deploy = tmp_path / "deploy.py"
    deploy.write_text(text)
    assert check_deploy_file(deploy, tmp_path / "fal_openapi.py") == []


def test_extract_prints_the_snippet_when_it_creates_the_module(tmp_path: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    first = run_cli("extract", "--file", QUICKSTART, "-o", out)
    assert "import it in your fal file like this:" in first.stderr
    snippet = textwrap.dedent(first.stderr.split("like this:\n", 1)[1])
    (tmp_path / "deploy.py").write_text(snippet)
    assert run_as_fal_deploy(tmp_path / "deploy.py", PROJECT_ROOT).returncode == 0
    again = run_cli("extract", "--file", QUICKSTART, "-o", out)
    assert again.code == 0 and "import it in your fal file" not in again.stderr


@pytest.mark.parametrize("example", ["fastapi-docker", "static-spec"])
def test_the_examples_import_their_module_the_safe_way(example: str) -> None:
    folder = PROJECT_ROOT / "examples" / example
    assert check_deploy_file(folder / "deploy.py", folder / "fal_openapi.py") == []
