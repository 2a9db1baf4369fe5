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
    assert f"wrote {out} (1 path)" in run.stderr
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
        (
            "[tool.openapi-meta]\nfiel = 'x'\n",
            "pyproject.toml [tool.openapi-meta] fiel: no such option; did you mean 'file'?",
        ),
        ("[tool.openapi-meta\n", "invalid TOML"),
        (
            "[tool.openapi-meta]\nfile = 'a'\nurl = 'b'\n",
            "pyproject.toml [tool.openapi-meta]: give one source, not 2: file, url",
        ),
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
    (
        "noversion.yaml",
        b"info: {}\n",
        1,
        "not an OpenAPI document: the document root has no 'openapi'",
    ),
    ("v33.yaml", b"openapi: 3.3.0\n", 1, "OpenAPI 3.3.0 is not supported"),
    ("v4.yaml", b"openapi: 4.0.0\n", 1, "unsupported OpenAPI version '4.0.0'"),
    (
        "swagger3.yaml",
        b"swagger: '3.0'\n",
        1,
        "/swagger: swagger: '3.0': that field names Swagger 2.0 only",
    ),
    (
        "number.yaml",
        b"openapi: 3\n",
        1,
        "/openapi: the version must be a string like '3.1.0', not 3",
    ),
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


def test_a_value_of_the_wrong_shape_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    """Conform keeps what 3.0.3 has no place for as an `x-` extension, and says so."""
    source = tmp_path / "odd.yaml"
    source.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths: {/a: {get: {responses: {'200': {description: ok}}, security: nope}}}\n"
    )
    out = tmp_path / "spec.json"
    run = run_cli("extract", "--file", source, "-o", out, "-v")
    assert run.code == 0, run.stderr
    operation = json.loads(out.read_text())["paths"]["/a"]["get"]
    assert "security" not in operation and operation["x-security"] == "nope"
    assert "/paths/~1a/get/security" in run.stderr
    assert "kept as x-security" in run.stderr


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


def test_report_is_written_when_strict_refuses_the_result(tmp_path: Path) -> None:
    source = tmp_path / "odd.yaml"
    source.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths: {/a: {get: {responses: {'200': {description: ok}}, security: nope}}}\n"
    )
    report = tmp_path / "report.json"
    run = run_cli(
        "extract", "--file", source, "-o", tmp_path / "m.py", "--report", report, "--strict"
    )
    assert run.code == 1, run.stderr
    findings = json.loads(report.read_text())["findings"]
    assert {"level": "warning", "pointer": "/paths/~1a/get/security"} in [
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


# Targets first: nothing starts before what the run writes or compares with is known to work.


def _marker_command(tmp_path: Path) -> list[str]:
    """A --command source that leaves a file behind if it is ever started."""
    return ["--command", f"touch {tmp_path / 'started'}; sleep 30", "--port", "9"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--module", "nope.py"], "nope.py: no such file"),
        (["extract", "-o", "no/such/folder/m.py"], "cannot write here (no/such/folder: no such"),
        (["extract", "-o", "spec.txt"], "spec.txt: cannot tell the format from the suffix"),
        (["extract", "-o", "a_folder.py"], "a_folder.py: is a folder"),
        (["extract", "--report", "no/r.json"], "no/r.json: cannot write here"),
    ],
)
def test_targets_are_checked_before_the_source_starts(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "a_folder.py").mkdir()
    run = run_cli(*args, *_marker_command(tmp_path), cwd=tmp_path)
    assert run.code == 2, run.stderr
    assert message in run.stderr
    assert not (tmp_path / "started").exists()


def test_a_foreign_module_is_refused_before_the_source_starts(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("metadata = {}\n")
    run = run_cli("check", "--module", "m.py", *_marker_command(tmp_path), cwd=tmp_path)
    assert run.code == 1 and "not a module written by openapi-meta" in run.stderr
    assert not (tmp_path / "started").exists()


def test_an_unknown_suffix_is_fine_with_format(tmp_path: Path, spec: Path) -> None:
    run = run_cli("extract", "--file", spec, "-o", tmp_path / "spec.txt", "--format", "json")
    assert run.code == 0, run.stderr
    assert json.loads((tmp_path / "spec.txt").read_text())["openapi"] == "3.0.3"


# Output levels


def test_quiet_prints_nothing_when_all_is_well(tmp_path: Path, spec: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--file", spec, "-o", out, "-q")
    assert run.code == 0 and run.stderr == "" and out.exists()
    assert run_cli("check", "--file", spec, "--module", out, "-q").stderr == ""
    spec.write_text(VALID.replace("description: ok", "description: changed"))
    stale = run_cli("check", "--file", spec, "--module", out, "-q")
    assert stale.code == 1 and stale.stdout == ""  # no diff, only the error
    assert stale.stderr.startswith(f"{out} is stale: regenerate it")


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    run = run_cli("extract", "--file", tmp_path / "nope.yaml", "-q")
    assert run.code == 3 and "nope.yaml: no such file" in run.stderr


def test_quiet_and_strict_print_the_warnings_that_fail(tmp_path: Path, spec: Path) -> None:
    run = run_cli("extract", "--file", spec, "-o", tmp_path / "m.py", "-q", "--strict")
    assert run.code == 1
    assert "warning: fal-missing-operation-id at /paths/~1items/get" in run.stderr
    assert "info:" not in run.stderr and "version-set" not in run.stderr
    assert "--strict: failing on 2 warnings; nothing written" in run.stderr


def test_a_few_warnings_are_listed_and_infos_counted(tmp_path: Path, spec: Path) -> None:
    run = run_cli("extract", "--file", spec, "-o", tmp_path / "m.py")
    assert run.code == 0
    assert "warning: fal-missing-operation-id at /paths/~1items/get: no operationId" in run.stderr
    assert "1 × info version-set" in run.stderr


def test_many_warnings_are_counted(tmp_path: Path) -> None:
    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(12)}
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    )
    run = run_cli("extract", "--file", many, "-o", tmp_path / "m.py")
    assert run.code == 0
    assert "12 × warning fal-missing-operation-id" in run.stderr
    assert "at /paths/~1p3/get" not in run.stderr
    assert "at /paths/~1p3/get" in run_cli("extract", "--file", many, "-o", "-", "-v").stderr


def test_debug_is_accepted_after_the_command(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text("")
    for args in (
        ["extract", "--file", tmp_path / "e.yaml", "--debug"],
        ["convert", tmp_path / "e.yaml", "-o", "-", "--debug"],
    ):
        run = run_cli(*args)
        assert run.code == 1 and "Traceback" in run.stderr, args
    assert run_cli("cleanup", "--debug", "-q").code == 0


def test_counts_have_their_plurals(tmp_path: Path) -> None:
    deep: dict = {"type": "string"}
    for _ in range(40):  # nested deeper than fal's Struct decoder reads
        deep = {"type": "object", "properties": {"a": deep}}
    document = {
        "openapi": "3.0.1",  # + the version-set info
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Deep": deep}},
    }
    source = tmp_path / "deep.json"
    source.write_text(json.dumps(document))
    run = run_cli("extract", "--file", source, "-o", tmp_path / "m.py")
    assert run.code == 1, run.stderr
    assert "(and 2 other findings;" in run.stderr  # version-set, fal-no-paths
