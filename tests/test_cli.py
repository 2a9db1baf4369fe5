"""The CLI through its real entry point: exit codes, messages, files written or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, import_in_fresh_interpreter, run_cli

QUICKSTART = PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml"
VALID = """\
openapi: 3.0.1
info: {title: Demo, version: "1"}
paths:
  /items:
    get:
      responses:
        200:
          description: ok
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(VALID)
    return path


def test_extract_writes_a_module_that_imports(tmp_path: Path, spec: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--file", spec, "-o", out)
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert f"wrote {out} (1 paths)" in run.stderr
    result = import_in_fresh_interpreter(out)
    openapi = result["metadata"]["openapi"]
    assert openapi["openapi"] == "3.0.3"
    assert openapi["paths"]["/items"]["get"]["responses"] == {"200": {"description": "ok"}}


def test_extract_default_output_is_fal_openapi_py(tmp_path: Path, spec: Path) -> None:
    run = run_cli("extract", "--file", spec, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / "fal_openapi.py").is_file()


def test_extract_to_stdout_in_each_format(spec: Path) -> None:
    as_json = run_cli("extract", "--file", spec, "-o", "-", "--format", "json")
    assert as_json.code == 0 and json.loads(as_json.stdout)["openapi"] == "3.0.3"
    as_yaml = run_cli("extract", "--file", spec, "-o", "-", "--format", "yaml")
    assert as_yaml.code == 0 and as_yaml.stdout.startswith("openapi: 3.0.3\n")
    as_python = run_cli("extract", "--file", spec, "-o", "-")
    assert as_python.code == 0 and "SPEC_SHA256 = " in as_python.stdout


def test_format_follows_the_output_suffix(tmp_path: Path, spec: Path) -> None:
    assert run_cli("extract", "--file", spec, "-o", tmp_path / "s.json").code == 0
    assert json.loads((tmp_path / "s.json").read_text())["info"]["title"] == "Demo"


def test_same_input_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    assert run_cli("extract", "--file", QUICKSTART, "-o", a).code == 0
    assert run_cli("extract", "--file", QUICKSTART, "-o", b).code == 0
    assert a.read_bytes() == b.read_bytes()


def test_check_passes_then_fails_with_a_readable_diff(tmp_path: Path, spec: Path) -> None:
    module = tmp_path / "fal_openapi.py"
    assert run_cli("extract", "--file", spec, "-o", module).code == 0
    ok = run_cli("check", "--file", spec, "--module", module)
    assert ok.code == 0, ok.stderr
    assert "is up to date" in ok.stderr

    committed = module.read_text().splitlines()
    spec.write_text(VALID.replace("description: ok", "description: All the items"))
    stale = run_cli("check", "--file", spec, "--module", module)
    assert stale.code == 1
    # The diff is of the module itself: its lines, its line numbers, its indentation.
    removed = '      "description": "ok"'
    assert f"\n-{removed}\n" in stale.stdout
    assert '\n+      "description": "All the items"\n' in stale.stdout
    header = next(line for line in stale.stdout.splitlines() if "/responses/200" in line)
    first = int(header.split()[1].lstrip("-").split(",")[0])
    assert removed in committed[first - 1 : first + 6]
    assert header.endswith(" /paths/~1items/get/responses/200")
    assert "is stale: regenerate it with `openapi-meta extract --file" in stale.stderr


def test_check_without_a_module_is_a_usage_error(tmp_path: Path, spec: Path) -> None:
    run = run_cli("check", "--file", spec, "--module", tmp_path / "nope.py")
    assert run.code == 2
    assert "nope.py: no such file" in run.stderr


def test_check_on_a_foreign_module_says_so(tmp_path: Path, spec: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("metadata = {}\n")
    run = run_cli("check", "--file", spec, "--module", module)
    assert run.code == 1 and "not a module written by openapi-meta" in run.stderr


def test_bare_commands_read_pyproject(tmp_path: Path, spec: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.openapi-meta]\nfile = "openapi.yaml"\noutput = "app/fal_openapi.py"\n'
    )
    (tmp_path / "app").mkdir()
    sub = tmp_path / "app"
    assert run_cli("extract", cwd=sub).code == 0
    assert (tmp_path / "app" / "fal_openapi.py").is_file()
    assert run_cli("check", cwd=sub).code == 0


def test_cli_source_overrides_pyproject_source(tmp_path: Path, spec: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.openapi-meta]\nurl = "http://x"\n')
    run = run_cli("extract", "--file", spec, "-o", "-", cwd=tmp_path)
    assert run.code == 0, run.stderr


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ("[tool.openapi-meta]\nfiel = 'x'\n", "unknown setting 'fiel'"),
        ("[tool.openapi-meta\n", "invalid TOML"),
        ("[tool.openapi-meta]\nfile = 'a'\nurl = 'b'\n", "give one source, not 2: --file, --url"),
        ("[tool.openapi-meta]\nformat = 'xml'\n", "format: Input should be 'python', 'json'"),
    ],
)
def test_bad_settings_are_usage_errors(tmp_path: Path, pyproject: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    run = run_cli("extract", cwd=tmp_path)
    assert run.code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_no_source_at_all(tmp_path: Path) -> None:
    run = run_cli("extract", cwd=tmp_path)
    assert run.code == 2 and "no source given: use one of --file, --url" in run.stderr


def test_two_sources_on_the_command_line(spec: Path) -> None:
    run = run_cli("extract", "--file", spec, "--url", "http://127.0.0.1:1")
    assert run.code == 2 and "give one source, not 2" in run.stderr


BAD_INPUTS = [
    ("broken.json", b'{"openapi": "3.0.3",', 1, "broken.json: line 1, column 21: invalid JSON"),
    (
        "broken.yaml",
        b"openapi: 3.0.3\n info: x\n",
        1,
        "broken.yaml: line 2, column 6: invalid YAML",
    ),
    ("empty.yaml", b"", 1, "empty.yaml: the document is empty"),
    ("binary.json", bytes(range(256)), 1, "binary.json: not a text file (NUL byte at offset 0)"),
    ("list.yaml", b"- 1\n", 1, "the document is a list, not a mapping"),
    ("noversion.yaml", b"info: {}\n", 1, "not an OpenAPI document: no top-level 'openapi'"),
    ("v32.yaml", b"openapi: 3.2.0\n", 1, "OpenAPI 3.2.0 is not supported"),
    ("v4.yaml", b"openapi: 4.0.0\n", 1, "unsupported OpenAPI version '4.0.0'"),
    ("number.yaml", b"openapi: 3.0\n", 1, "/openapi: the version must be a string, not 3.0"),
    ("nan.yaml", b"openapi: 3.0.3\nx: .nan\n", 1, "nan.yaml: line 2, column 4"),
    (
        "bomb.yaml",
        b"a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode()
            for i in range(9)
        ),
        1,
        "YAML aliases expand to more than",
    ),
    ("deep.json", b'{"a":' * 300 + b"1" + b"}" * 300, 1, "nested deeper than 256 levels"),
    (
        "invalid.yaml",
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        b"paths: {/a: {get: {responses: {'200': {description: ok}}, security: nope}}}\n",
        1,
        "error: invalid at /paths/~1a/get/security: 'nope' is not of type 'array'",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "code", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input(tmp_path: Path, name: str, content: bytes, code: int, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--file", source, "-o", out)
    assert run.code == code, run.stderr
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert not out.exists()


def test_bad_input_leaves_an_existing_module_untouched(tmp_path: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    out.write_text("# the committed module\n")
    (tmp_path / "broken.json").write_text("{")
    assert run_cli("extract", "--file", tmp_path / "broken.json", "-o", out).code == 1
    assert out.read_text() == "# the committed module\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_file_cannot_be_obtained(tmp_path: Path) -> None:
    run = run_cli("extract", "--file", tmp_path / "nope.yaml", "-o", tmp_path / "m.py")
    assert run.code == 3
    assert "nope.yaml: no such file" in run.stderr
    assert not (tmp_path / "m.py").exists()


def test_unwritable_output_is_a_usage_error(tmp_path: Path, spec: Path) -> None:
    (tmp_path / "a_file").write_text("")
    run = run_cli("extract", "--file", spec, "-o", tmp_path / "a_file" / "m.py")
    assert run.code == 2
    assert "a_file/m.py: cannot write here" in run.stderr


def test_unknown_option_is_a_usage_error(spec: Path) -> None:
    run = run_cli("extract", "--file", spec, "--frobnicate")
    assert run.code == 2 and "No such option '--frobnicate'" in run.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text("")
    run = run_cli("--debug", "extract", "--file", tmp_path / "e.yaml")
    assert run.code == 1 and "Traceback" in run.stderr and "the document is empty" in run.stderr


def test_help_has_examples() -> None:
    for command in ("extract", "check"):
        run = run_cli(command, "--help")
        assert run.code == 0 and "openapi-meta " + command + " --file openapi.yaml" in run.stdout


def test_report_and_verbose(tmp_path: Path, spec: Path) -> None:
    report = tmp_path / "report.json"
    run = run_cli("extract", "--file", spec, "-o", "-", "--verbose", "--report", report)
    assert run.code == 0
    assert "info: version-set at /openapi" in run.stderr
    findings = json.loads(report.read_text())["findings"]
    assert {"code": "version-set", "level": "info", "pointer": "/openapi"} in [
        {k: f[k] for k in ("code", "level", "pointer")} for f in findings
    ]


def test_header_records_the_spec_relative_to_the_current_folder(tmp_path: Path, spec: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.openapi-meta]\nfile = "openapi.yaml"\n')
    assert run_cli("extract", cwd=tmp_path).code == 0
    assert '# Source: "--file openapi.yaml"\n' in (tmp_path / "fal_openapi.py").read_text()


def test_check_cannot_vouch_for_a_module_from_another_version(tmp_path: Path, spec: Path) -> None:
    module = tmp_path / "fal_openapi.py"
    assert run_cli("extract", "--file", spec, "-o", module).code == 0
    text = module.read_text()
    module.write_text(text.replace("openapi-meta 0.", "openapi-meta 999.", 1))
    run = run_cli("check", "--file", spec, "--module", module, "--fail-on", "breaking")
    assert run.code == 1
    assert "written by openapi-meta 999." in run.stdout
    assert f"{module} is from another version: regenerate it with" in run.stderr


def test_report_is_written_when_the_spec_is_invalid(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_bytes(BAD_INPUTS[-1][1])
    report = tmp_path / "report.json"
    run = run_cli("extract", "--file", source, "-o", tmp_path / "m.py", "--report", report)
    assert run.code == 1
    findings = json.loads(report.read_text())["findings"]
    assert {"level": "error", "pointer": "/paths/~1a/get/security"} in [
        {k: f[k] for k in ("level", "pointer")} for f in findings
    ]
    assert not (tmp_path / "m.py").exists()


def test_convert_changes_nothing_for_fal(tmp_path: Path) -> None:
    """convert is the plain converter: servers stay, no x-fal-order lists."""
    source = tmp_path / "s.yaml"
    source.write_text(VALID + "servers: [{url: 'http://127.0.0.1:8000'}]\n")
    converted = run_cli("convert", source, "-o", "-")
    assert converted.code == 0, converted.stderr
    document = json.loads(converted.stdout)
    assert document["servers"] == [{"url": "http://127.0.0.1:8000"}]
    assert "x-fal-order-paths" not in json.dumps(document)
    extracted = json.loads(
        run_cli("extract", "--file", source, "-o", "-", "--format", "json").stdout
    )
    assert "servers" not in extracted and extracted["x-fal-order-paths"] == ["/items"]
