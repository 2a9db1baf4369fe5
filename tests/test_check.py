"""`check` through the real CLI: the change report, a module nobody can fool, JSON and YAML
outputs, --fail-on, --strict, and a regenerate hint that really regenerates."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli

SPEC = """\
openapi: 3.0.3
info: {title: Todos, version: "1"}
paths:
  /todos:
    post:
      operationId: createTodo
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/TodoIn"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
  /todos/{todo_id}:
    get:
      operationId: getTodo
      parameters:
        - {name: todo_id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: the todo
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
    delete:
      operationId: deleteTodo
      parameters:
        - {name: todo_id, in: path, required: true, schema: {type: integer}}
      responses:
        "204": {description: deleted}
components:
  schemas:
    TodoIn:
      type: object
      required: [title]
      properties:
        title: {type: string}
        priority: {type: integer}
    Todo:
      type: object
      required: [id, title]
      properties:
        id: {type: integer}
        title: {type: string}
"""
# The change the issue tried as a new user: an endpoint removed, a request field required.
DELETE_BLOCK = """\
    delete:
      operationId: deleteTodo
      parameters:
        - {name: todo_id, in: path, required: true, schema: {type: integer}}
      responses:
        "204": {description: deleted}
"""
CHANGED = SPEC.replace(DELETE_BLOCK, "").replace("required: [title]", "required: [title, priority]")


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotations are printed only under GitHub Actions; these tests read plain output."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder whose pyproject.toml says it all, with an up-to-date module."""
    (tmp_path / "openapi.yaml").write_text(SPEC)
    (tmp_path / "pyproject.toml").write_text('[tool.openapi-meta]\nfile = "openapi.yaml"\n')
    assert run_cli("extract", cwd=tmp_path).code == 0
    return tmp_path


def test_stale_module_says_what_changed_for_clients_in_words(project: Path) -> None:
    (project / "openapi.yaml").write_text(CHANGED)
    run = run_cli("check", cwd=project)
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert (
        lines[0]
        == "fal_openapi.py is stale: 2 changes for clients (2 breaking, 0 warnings, 0 info)"
    )
    assert lines[1].startswith(
        "breaking  POST /todos: request property priority became required"
        " [request-property-became-required] at /components/schemas/TodoIn/required"
    )
    assert lines[2].startswith(
        "breaking  DELETE /todos/{todo_id}: operation removed [api-removed-without-deprecation]"
    )
    assert "--- fal_openapi.py (committed)" in run.stdout
    assert "\n@@ -69,24 +69,6 @@ /paths/~1todos~1{todo_id}/delete\n" in run.stdout
    assert "regenerate it with `openapi-meta extract` and commit it" in run.stderr


def test_the_regenerate_hint_is_a_command_that_regenerates(tmp_path: Path) -> None:
    spec, module = tmp_path / "spec" / "openapi.yaml", tmp_path / "out" / "fal_openapi.py"
    spec.parent.mkdir()
    module.parent.mkdir()
    spec.write_text(SPEC)
    options = ["--file", "spec/openapi.yaml", "--exclude-path", "/todos", "--no-fal-order"]
    assert run_cli("extract", *options, "-o", "out/fal_openapi.py", cwd=tmp_path).code == 0
    spec.write_text(CHANGED)
    stale = run_cli("check", *options, "--module", "out/fal_openapi.py", cwd=tmp_path)
    assert stale.code == 1
    hint = stale.stderr.split("regenerate it with `")[1].split("`")[0]
    assert hint == (
        "openapi-meta extract --file spec/openapi.yaml --exclude-path /todos --no-fal-order"
        " -o out/fal_openapi.py"
    )
    assert run_cli(*shlex.split(hint)[1:], cwd=tmp_path).code == 0
    assert run_cli("check", *options, "--module", "out/fal_openapi.py", cwd=tmp_path).code == 0


def _tamper(module: Path, old: str, new: str) -> None:
    text = module.read_text()
    assert old in text
    module.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (
            lambda m: _tamper(m, "metadata = {", 'metadata = {"extra": 1, '),
            'reads `metadata = {"extra": 1, "openapi": _json.loads(_SPEC_JSON)}` where'
            ' openapi-meta writes `metadata = {"openapi": _json.loads(_SPEC_JSON)}`',
        ),
        (
            lambda m: m.write_text(m.read_text() + 'metadata["openapi"]["paths"] = {}\n'),
            'was added: `metadata["openapi"]["paths"] = {}`',
        ),
        (
            lambda m: _tamper(m, 'SPEC_SHA256 = "', 'SPEC_SHA256 = "0'),
            "line 10 reads `SPEC_SHA256 = ",
        ),
        (
            lambda m: _tamper(m, '"title": "Todos"', '"title": "Todoz"'),
            "line 10 reads `SPEC_SHA256",
        ),
        (
            lambda m: _tamper(m, "\n\nmetadata", "\nmetadata"),
            "after line 138 openapi-meta writes a blank line",
        ),
        (lambda m: m.write_bytes(m.read_bytes().replace(b"\n", b"\r\n")), "line endings"),
        (
            lambda m: m.write_text(m.read_text().replace("\n ", "\n    ")),
            "more lines changed there)",
        ),
    ],
    ids=[
        "metadata-line",
        "extra-statement",
        "sha",
        "spec-edited",
        "blank-line",
        "crlf",
        "reindented",
    ],
)
def test_a_tampered_module_fails_and_says_what_was_edited(project: Path, tamper, says: str) -> None:
    tamper(project / "fal_openapi.py")
    run = run_cli("check", "--fail-on", "breaking", cwd=project)
    assert run.code == 1, run.stderr
    assert run.stdout.startswith("fal_openapi.py was edited by hand:\n")
    assert says in run.stdout
    assert (
        "fal_openapi.py was edited by hand: regenerate it with `openapi-meta extract`" in run.stderr
    )


def test_a_module_that_hides_code_in_the_spec_string_never_runs(project: Path) -> None:
    module = project / "fal_openapi.py"
    module.write_text("import os\nos._exit(9)\n" + module.read_text())
    run = run_cli("check", cwd=project)
    assert run.code == 1
    assert "line 1 was added: `import os` (and 1 more lines added there)" in run.stdout


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_json_and_yaml_outputs_are_checked_the_same_way(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "openapi.yaml").write_text(SPEC)
    out = f"spec{suffix}"
    assert run_cli("extract", "--file", "openapi.yaml", "-o", out, cwd=tmp_path).code == 0
    check = ["check", "--file", "openapi.yaml", "--module", out]
    assert run_cli(*check, cwd=tmp_path).code == 0

    (tmp_path / "openapi.yaml").write_text(CHANGED)
    stale = run_cli(*check, cwd=tmp_path)
    assert stale.code == 1
    assert f"{out} is stale: 2 changes for clients (2 breaking" in stale.stdout
    assert f"regenerate it with `openapi-meta extract --file openapi.yaml -o {out}`" in stale.stderr

    # A consistent edit of the spec is a stale file (a JSON file has no SHA to betray it)...
    assert run_cli("extract", "--file", "openapi.yaml", "-o", out, cwd=tmp_path).code == 0
    written = tmp_path / out
    original = written.read_text()
    written.write_text(original.replace("Todos", "Todoz", 1))
    edited = run_cli(*check, cwd=tmp_path)
    assert edited.code == 1 and f"{out} is stale:" in edited.stdout
    assert "the spec differs only where no rule looks" in edited.stdout
    # ...while one that is not how extract writes it was edited by hand.
    data = json.loads(original) if suffix == ".json" else yaml.safe_load(original)
    written.write_text(
        json.dumps(data, indent=4)
        if suffix == ".json"
        else yaml.safe_dump(data, sort_keys=False, indent=4)
    )
    reformatted = run_cli(*check, cwd=tmp_path)
    assert reformatted.code == 1
    assert reformatted.stdout.startswith(f"{out} was edited by hand:\n  line ")


INFO_CHANGE = SPEC.replace(
    "        priority: {type: integer}\n",
    "        priority: {type: integer}\n        note: {type: string}\n",
    1,
)
WARNING_CHANGE = SPEC.replace(
    "        title: {type: string}\n        priority",
    "        title: {type: string, maxLength: 80}\n        priority",
    1,
)


@pytest.mark.parametrize(
    ("spec", "fail_on", "code"),
    [
        (INFO_CHANGE, "breaking", 0),
        (WARNING_CHANGE, "breaking", 0),
        (CHANGED, "breaking", 1),
        (INFO_CHANGE, "warning", 0),
        (WARNING_CHANGE, "warning", 1),
        (CHANGED, "warning", 1),
        (INFO_CHANGE, "any", 1),
        (WARNING_CHANGE, "any", 1),
        (CHANGED, "any", 1),
    ],
    ids=[
        f"{change}-change-fail-on-{level}"
        for level in ("breaking", "warning", "any")
        for change in ("info", "warning", "breaking")
    ],
)
def test_fail_on_decides_which_stale_module_fails(
    project: Path, spec: str, fail_on: str, code: int
) -> None:
    (project / "openapi.yaml").write_text(spec)
    run = run_cli("check", "--fail-on", fail_on, cwd=project)
    assert run.code == code
    assert "is stale" in run.stdout  # let through or not, the report says what changed
    if code == 0:
        assert (
            f"is stale, with no {fail_on} change: regenerate it with `openapi-meta extract`"
            in run.stderr
        )


def test_a_harmless_change_is_info(project: Path) -> None:
    (project / "openapi.yaml").write_text(INFO_CHANGE)
    run = run_cli("check", cwd=project)
    assert "info      POST /todos: request property note added (optional)" in run.stdout


def test_strict_never_says_up_to_date_while_failing(project: Path) -> None:
    # Without an operationId fal lint warns; the module is written all the same.
    (project / "openapi.yaml").write_text(SPEC.replace("      operationId: getTodo\n", ""))
    assert run_cli("extract", cwd=project).code == 0
    run = run_cli("check", "--strict", cwd=project)
    assert run.code == 1
    assert "up to date" not in run.stderr + run.stdout
    assert "fal_openapi.py matches the spec, but --strict fails" in run.stderr


def test_json_report(project: Path) -> None:
    (project / "openapi.yaml").write_text(CHANGED)
    run = run_cli("check", "--format", "json", cwd=project)
    assert run.code == 1
    report = json.loads(run.stdout)
    assert report["file"] == "fal_openapi.py" and report["up_to_date"] is False
    assert report["failed"] is True and report["regenerate"] == "openapi-meta extract"
    assert report["counts"] == {"breaking": 2, "warning": 0, "info": 0}
    assert [c["id"] for c in report["changes"]] == [
        "request-property-became-required",
        "api-removed-without-deprecation",
    ]
    assert report["changes"][1]["operation"] == "DELETE /todos/{todo_id}"
    assert report["spec_diff"].startswith("--- fal_openapi.py (committed)\n")


def test_an_up_to_date_module_in_json_and_markdown(project: Path) -> None:
    as_json = run_cli("check", "--format", "json", cwd=project)
    assert as_json.code == 0 and json.loads(as_json.stdout)["up_to_date"] is True
    as_markdown = run_cli("check", "--format", "markdown", cwd=project)
    assert as_markdown.code == 0
    assert as_markdown.stdout.startswith("### openapi-meta: fal_openapi.py is up to date\n")


def test_github_annotations_point_at_the_module_lines(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "openapi.yaml").write_text(CHANGED)
    module = (project / "fal_openapi.py").read_text().splitlines()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = run_cli("check", cwd=project)
    assert run.code == 1
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2
    removed = annotations[1]
    assert removed.startswith("::error file=fal_openapi.py,line=")
    line = int(removed.split("line=")[1].split(",")[0])
    assert module[line - 1] == '   "delete": {'
    assert removed.endswith(
        ",title=api-removed-without-deprecation::DELETE /todos/{todo_id}: operation removed"
    )
