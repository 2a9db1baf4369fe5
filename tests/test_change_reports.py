"""The report's formats against expected files (tests/change_reports/), through the real CLI:
`openapi-meta diff` in text, markdown, JSON and GitHub annotations, and `check --format
markdown` on a stale module. The expected files were read line by line when written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli

REPORTS = Path(__file__).parent / "change_reports"


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], "expected.txt"),
        (["--format", "markdown"], "expected.md"),
        (["--format", "json"], "expected.json"),
    ],
    ids=["text", "markdown", "json"],
)
def test_diff_formats(options: list[str], expected: str) -> None:
    run = run_cli("diff", "old.yaml", "new.yaml", *options, cwd=REPORTS)
    assert run.code == 0, run.stderr  # without --fail-on, diff reports and exits 0
    assert run.stdout == (REPORTS / expected).read_text(encoding="utf-8")
    if expected.endswith(".json"):
        assert json.loads(run.stdout)["counts"] == {"breaking": 2, "warning": 1, "info": 4}


def test_github_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = run_cli("diff", "old.yaml", "new.yaml", cwd=REPORTS)
    assert run.stdout == (REPORTS / "expected-github.txt").read_text(encoding="utf-8")
    new = (REPORTS / "new.yaml").read_text().splitlines()
    # Each annotation is on the line of its node in new.yaml (or of the nearest one there).
    lines = {
        a.split("title=")[1].split("::")[0]: int(a.split("line=")[1].split(",")[0])
        for a in run.stdout.splitlines()
        if a.startswith("::")
    }
    assert (
        new[lines["request-property-became-required"] - 1].strip() == "required: [title, priority]"
    )
    assert new[lines["api-removed-without-deprecation"] - 1].strip() == "/todos/{todo_id}:"
    assert new[lines["request-property-max-length-set"] - 1].strip().startswith("title: {")


@pytest.mark.parametrize(("fail_on", "code"), [("breaking", 1), ("warning", 1), ("any", 1)])
def test_diff_fail_on(fail_on: str, code: int) -> None:
    assert run_cli("diff", "old.yaml", "new.yaml", "--fail-on", fail_on, cwd=REPORTS).code == code


def test_diff_fail_on_ignores_what_is_below_the_level(tmp_path: Path) -> None:
    old = (REPORTS / "old.yaml").read_text()
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(old.replace("title: Todos", "title: Todo list"))
    for fail_on in ("breaking", "warning", "any"):
        run = run_cli("diff", "old.yaml", "new.yaml", "--fail-on", fail_on, cwd=tmp_path)
        assert run.code == 0
        assert run.stdout == "old.yaml → new.yaml: no change a client would notice\n"


def test_diff_compares_modules_and_converts_other_specs(tmp_path: Path) -> None:
    """A module's spec is compared as written; a 3.1 file is converted first, so its
    `type: [string, "null"]` is the 3.0 `nullable: true` and no change."""
    (tmp_path / "old.yaml").write_text((REPORTS / "old.yaml").read_text())
    assert run_cli("extract", "--file", "old.yaml", "-o", "old.py", cwd=tmp_path).code == 0
    same = run_cli("diff", "old.py", "old.yaml", cwd=tmp_path)
    assert same.code == 0 and "no change a client would notice" in same.stdout, same.stderr
    v30 = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string, nullable: true}
"""
    v31 = v30.replace("3.0.3", "3.1.0").replace(
        "{type: string, nullable: true}", '{type: [string, "null"]}'
    )
    (tmp_path / "a30.yaml").write_text(v30)
    (tmp_path / "a31.yaml").write_text(v31)
    run = run_cli("diff", "a30.yaml", "a31.yaml", cwd=tmp_path)
    assert run.code == 0 and "no change a client would notice" in run.stdout, run.stdout


def test_diff_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    run = run_cli("diff", "nope.yaml", "nope.py", cwd=tmp_path)
    assert (
        run.code == 3 and "nope.yaml: no such file" in run.stderr and "Traceback" not in run.stderr
    )


def test_check_markdown(tmp_path: Path) -> None:
    shutil.copy(REPORTS / "old.yaml", tmp_path / "openapi.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.openapi-meta]\nfile = "openapi.yaml"\n')
    assert run_cli("extract", cwd=tmp_path).code == 0
    shutil.copy(REPORTS / "new.yaml", tmp_path / "openapi.yaml")
    run = run_cli("check", "--format", "markdown", cwd=tmp_path)
    assert run.code == 1
    assert run.stdout == (REPORTS / "expected-check.md").read_text(encoding="utf-8")
