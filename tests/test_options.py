"""Options belong to sources, and pyproject keys are the long option names.

Every table here is generated from the declarations (openapi_meta/options.py,
openapi_meta/sources/options.py) or from the click commands themselves, so an option added
anywhere is covered without a new test. The CLI runs in-process through its real entry point
(`openapi_meta.cli.main`): hundreds of cases, each a few milliseconds.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import click
import pytest

from openapi_meta.cli import check as check_command
from openapi_meta.cli import extract as extract_command
from openapi_meta.cli import main, settings_from_command_line
from openapi_meta.config import build_settings, command_options
from openapi_meta.options import Opt, OptionGroup, OptionSpec
from openapi_meta.sources.from_settings import make_source
from openapi_meta.sources.options import SOURCES, FileOptions, SourceKind, source_groups

# Values a validator accepts, for the options that check theirs; any other option gets one
# made from its type.
SAMPLES = {
    "header": "X-Test: yes",
    "env": "K=V",
    "build-arg": "K=V",
    "spec-path": "/spec.json",
    "gpus": "2",
    "memory": "1g",
    "python": "python3",
    "output": "out.json",
    "env-file": "env.list",
}
SOURCE_VALUES = {
    "file": "openapi.yaml",
    "url": "http://127.0.0.1:9/",
    "command": "true",
    "image": "img:latest",
    "build": "context",
    "app": "main:app",
    "fal": "deploy.py::server",
}
# What a source cannot go without, so that the case tests one option at a time.
NEEDED = {"command": {"port": "9"}}


def sample(spec: OptionSpec) -> str:
    if spec.name in SAMPLES:
        return SAMPLES[spec.name]
    kind = spec.value_type
    if typing.get_origin(kind) is typing.Literal:
        return str(typing.get_args(kind)[-1])
    return {int: "9", float: "7.5"}.get(kind, "x")


def cli_args(spec: OptionSpec) -> list[str]:
    """The option on the command line, with a value other than its default."""
    if spec.is_switch:
        return [f"--{spec.opt.off}"] if spec.default is True else [spec.flag]
    return [spec.flag, sample(spec)]


def toml_value(spec: OptionSpec, key: str) -> str:
    """The option in [tool.openapi-meta] under `key`, meaning what `cli_args` means."""
    if spec.is_switch:
        return "true"
    value = sample(spec)
    if spec.value_type in (int, float):
        return value
    return f"[{value!r}]" if spec.multiple else repr(value)


def needed_args(name: str, but: str = "") -> list[str]:
    """On the command line, what the source `name` cannot go without (but option `but`)."""
    return [
        a for option, v in NEEDED.get(name, {}).items() if option != but for a in (f"--{option}", v)
    ]


def source_toml(name: str, but: str = "") -> list[str]:
    """The source `name` in [tool.openapi-meta], with what it cannot go without (but `but`)."""
    needed = [f"{option} = {v}" for option, v in NEEDED.get(name, {}).items() if option != but]
    return [f"{name} = {SOURCE_VALUES[name]!r}", *needed]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def refused_cases() -> list[tuple[SourceKind, OptionSpec]]:
    """Every (source, option) pair where the option belongs to another source's group."""
    own = set(source_groups())
    return [
        (kind, spec)
        for kind in SOURCES
        for spec in command_options("extract").values()
        if spec.group in own and spec.group not in kind.groups
    ]


REFUSED = refused_cases()
IDS = [f"{kind.name}-{spec.name}" for kind, spec in REFUSED]


def test_the_table_is_not_empty() -> None:
    assert len(REFUSED) > 80
    assert {kind.name for kind, _ in REFUSED} == set(SOURCE_VALUES)


@pytest.mark.parametrize(("kind", "spec"), REFUSED, ids=IDS)
def test_an_option_the_source_does_not_take_is_refused(
    capsys: pytest.CaptureFixture[str], kind: SourceKind, spec: OptionSpec
) -> None:
    args = [kind.flag, SOURCE_VALUES[kind.name], *needed_args(kind.name), *cli_args(spec)]
    code, err = run(capsys, "extract", *args)
    assert code == 2, err
    flag = cli_args(spec)[0]
    assert f"{flag} is not an option of {kind.flag}: it is for --" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("kind", "spec"), REFUSED, ids=IDS)
def test_a_pyproject_option_the_source_does_not_take_is_refused(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    kind: SourceKind,
    spec: OptionSpec,
) -> None:
    key = cli_args(spec)[0].removeprefix("--")
    lines = [*source_toml(kind.name), f"{key} = {toml_value(spec, key)}"]
    (tmp_path / "pyproject.toml").write_text("[tool.openapi-meta]\n" + "\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    code, err = run(capsys, "check")
    assert code == 2, err
    assert f"pyproject.toml [tool.openapi-meta] {key} is not an option of the {kind.name}" in err


def test_every_refused_option_is_named_in_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "extract", "--file", "a.yaml", "--port", "5", "--header", "A: b")
    assert code == 2
    assert "--port is not an option of --file: it is for --command, --image, --build" in err
    assert "--header is not an option of --file: it is for --url, --command" in err


def _attributes(source: Any) -> dict[str, Any]:
    """What a source object was built with, including what it hands on (fal's DockerSource
    keywords, a --build's ImageBuild)."""
    found = dict(vars(source))
    found.update(getattr(source, "server", None) or {})
    if getattr(source, "build", None) is not None:
        found.update(vars(source.build))
    return found


def _expected(spec: OptionSpec) -> tuple[str, Any]:
    """The source attribute `cli_args(spec)` sets, and the value it gets."""
    if spec.is_switch:
        return spec.field, not spec.default
    value = sample(spec)
    if spec.field == "headers":
        return "headers", (("X-Test", "yes"),)
    if spec.field in ("env", "build_args"):
        return spec.field, (("K", "V"),)
    if spec.field == "env_file":
        return "env", (("FROM_FILE", "1"),)
    if spec.value_type is Path:
        return spec.field, Path(value)
    return spec.field, {int: int, float: float}.get(spec.value_type, str)(value)


# The pipeline, not the source object, reads these (the bundler's --ref-root).
PIPELINE_GROUPS = (FileOptions,)


@pytest.mark.parametrize("kind", SOURCES, ids=[k.name for k in SOURCES])
def test_every_option_a_source_takes_reaches_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: SourceKind
) -> None:
    """All of a source's options at once: each arrives on the source object (so a field
    added to a group is a keyword argument the source must accept)."""
    monkeypatch.chdir(tmp_path)
    specs = [s for g in kind.groups for s in g.option_specs()]
    args = [kind.flag, SOURCE_VALUES[kind.name], *[a for s in specs for a in cli_args(s)]]
    (tmp_path / "env.list").write_text("FROM_FILE=1\n")
    settings = settings_from_command_line(extract_command.make_context("extract", args))
    for spec in specs:
        assert getattr(settings[spec.group], spec.field) != spec.default, spec.name
    source = make_source(settings)
    found = _attributes(source)
    for spec in specs:
        if spec.group in PIPELINE_GROUPS:
            continue
        attribute, value = _expected(spec)
        if attribute == "env":
            assert set(value) <= set(found["env"]), spec.name
        else:
            assert found[attribute] == value, spec.name


def _long_names(command: click.Command) -> list[tuple[click.Option, str]]:
    names = []
    for param in command.params:
        if isinstance(param, click.Option):
            for opt in (*param.opts, *param.secondary_opts):
                if opt.startswith("--") and opt not in ("--config", "--debug"):
                    names.append((param, opt.removeprefix("--")))
    return names


COMMANDS = {"extract": extract_command, "check": check_command}
LONG_NAMES = sorted(
    (name, key) for name, command in COMMANDS.items() for _, key in _long_names(command)
)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_long_option_is_declared(name: str) -> None:
    """The click commands have no option that is not declared in a group or as a source."""
    options = command_options(name).values()
    declared = {n for spec in options for n in spec.names} | set(SOURCE_VALUES)
    assert {key for command, key in LONG_NAMES if command == name} <= declared
    assert len(LONG_NAMES) > 80


@pytest.mark.parametrize(("name", "key"), LONG_NAMES, ids=[f"{n}-{k}" for n, k in LONG_NAMES])
def test_every_long_option_is_a_pyproject_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, key: str
) -> None:
    """`key = value` in [tool.openapi-meta] means for each command what `--key value` means."""
    monkeypatch.chdir(tmp_path)
    if key in SOURCE_VALUES:
        lines = ["[tool.openapi-meta]", *source_toml(key)]
        (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n")
        settings = build_settings({}, command=name)
        assert settings.source is not None and settings.source.kind.name == key
        return
    spec = next(s for s in command_options(name).values() if key in s.names)
    owner = next((k for k in SOURCES if spec.group in k.groups), SOURCES[0])
    lines = ["[tool.openapi-meta]", *source_toml(owner.name, but=key)]
    lines.append(f"{key} = {toml_value(spec, key)}")
    pyproject = "\n".join(lines)
    (tmp_path / "pyproject.toml").write_text(pyproject + "\n")
    from_file = build_settings({}, command=name)

    flag = [f"--{key}"] if spec.is_switch else [f"--{key}", sample(spec)]
    args = [owner.flag, SOURCE_VALUES[owner.name], *needed_args(owner.name, but=key), *flag]
    from_cli = settings_from_command_line(COMMANDS[name].make_context(name, args))
    in_file, on_cli = (getattr(s[spec.group], spec.field) for s in (from_file, from_cli))
    if not (spec.is_switch and spec.default is True and key == spec.name):
        assert in_file != spec.default  # (`--lint` and `lint = true` say what the default does)
    if spec.is_path:  # absolute from pyproject.toml, as given on the command line
        in_file, on_cli = Path(in_file).resolve(), Path(on_cli).resolve()
    assert in_file == on_cli


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('exclude-path = "/health"', ("/health",)),
        ('exclude-path = ["/health", "/metrics"]', ("/health", "/metrics")),
        ("no-lint = true", False),
        ("no-lint = false", True),
        ("lint = false", False),
    ],
)
def test_repeatable_options_and_switches_in_pyproject(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, toml: str, expected: Any
) -> None:
    from openapi_meta.options import TidyOptions

    (tmp_path / "pyproject.toml").write_text(f'[tool.openapi-meta]\nfile = "a.yaml"\n{toml}\n')
    monkeypatch.chdir(tmp_path)
    tidy = build_settings({})[TidyOptions]
    field = "exclude_path" if toml.startswith("exclude") else "lint"
    assert getattr(tidy, field) == expected


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("headers = 'A: b'", "headers: no such option; did you mean 'header'?"),
        ("build_args = ['A=b']", "build_args: no such option; did you mean 'build-arg'?"),
        ("exclude_paths = '/x'", "exclude_paths: no such option; did you mean 'exclude-path'?"),
        ("drop-local-server = false", "drop-local-server: no such option; did you mean 'drop-"),
        ("debug = true", "debug: no such option (--debug is only for the command line)"),
        ("exclude-path = 5", "exclude-path: expected a string or a list of strings"),
        ("no-lint = 'yes'", "no-lint: expected true or false, not a string"),
        ("lint = true\nno-lint = true", "no-lint: pyproject.toml [tool.openapi-meta] lint sets"),
        ("port = 'abc'", "port: Input should be a valid integer"),
        ("file = 3", "file: expected a string, not a number"),
        ("startup-timeout = -1", "startup-timeout: Input should be greater than 0"),
        ("header = 'no colon'", "header: 'no colon': expected 'Name: value'"),
    ],
)
def test_pyproject_mistakes_name_the_key_as_written(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    toml: str,
    message: str,
) -> None:
    source = 'image = "img"' if "file =" not in toml else ""
    (tmp_path / "pyproject.toml").write_text(f"[tool.openapi-meta]\n{source}\n{toml}\n")
    monkeypatch.chdir(tmp_path)
    code, err = run(capsys, "extract")
    assert code == 2, err
    assert f"pyproject.toml [tool.openapi-meta] {message}" in err
    assert "command line" not in err or "only for the command line" in message


def test_a_command_line_mistake_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "extract", "--url", "http://127.0.0.1:9", "--startup-timeout", "-1")
    assert code == 2
    assert "openapi-meta: error: --startup-timeout: Input should be greater than 0" in err
    assert "pyproject" not in err


def test_a_cli_source_leaves_out_what_only_the_pyproject_source_took(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pyproject.toml configures its own source; naming another on the command line uses
    that one, with the options both take (exclude-path) and without those it does not."""
    from openapi_meta.config import Given
    from openapi_meta.options import TidyOptions
    from openapi_meta.sources.options import ServerOptions

    (tmp_path / "pyproject.toml").write_text(
        '[tool.openapi-meta]\nurl = "http://127.0.0.1:9"\nheader = "A: b"\nexclude-path = "/x"\n'
    )
    monkeypatch.chdir(tmp_path)
    settings = build_settings({"file": Given("a.yaml", "--file")})
    assert settings.source is not None and settings.source.kind.name == "file"
    assert settings[TidyOptions].exclude_path == ("/x",)
    assert settings[ServerOptions].headers == ()


def test_command_needs_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "extract", "--command", "true")
    assert code == 2 and "--command needs --port: the port the command's server listens on" in err


@pytest.mark.parametrize("url", ["localhost:8012", "127.0.0.1", "ftp://host/spec", "/openapi"])
def test_a_url_without_http_is_a_usage_error(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, err = run(capsys, "extract", "--url", url)
    assert code == 2 and "give the full URL, e.g. http://" in err


def test_help_groups_options_by_source() -> None:
    text = extract_command.get_help(extract_command.make_context("extract", []))
    sections = [line for line in text.splitlines() if line.endswith(":") and line[0] != " "]
    assert "Source (give one):" in sections
    assert "Live server (--url, --command, --image, --build, --fal):" in sections
    assert "Container (--image, --build):" in sections
    assert "Python app (--app):" in sections
    assert "Interpreter (--app, --fal):" in sections
    live = text.split("Live server (")[1].split("\n\n")[0]
    assert "--header" in live and "--memory" not in live


class _CheckReport(OptionGroup):
    """A second group with a --format, as check has (ChangeReportOptions)."""

    title: ClassVar[str] = "Change report"

    format: Annotated[Literal["text", "json"], Opt("How to write the change report.")] = "text"


def test_two_commands_may_each_have_a_format(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Option names are unique within a command: check's --format (the change report's) and
    extract's (the output's) are two options, and `format` in pyproject.toml is each
    command's own."""
    from openapi_meta.options import ChangeReportOptions, FormatOptions

    assert command_options("check")["format"].group is ChangeReportOptions
    assert command_options("extract")["format"].group is FormatOptions
    (tmp_path / "pyproject.toml").write_text('[tool.openapi-meta]\nfile = "a"\nformat = "json"\n')
    monkeypatch.chdir(tmp_path)
    assert build_settings({}, command="check")[ChangeReportOptions].format == "json"
    assert build_settings({}, command="extract")[FormatOptions].format == "json"


def test_an_option_declared_twice_in_one_command_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openapi_meta.options import COMMAND_GROUPS

    monkeypatch.setitem(COMMAND_GROUPS, "extract", (*COMMAND_GROUPS["extract"], _CheckReport))
    command_options.cache_clear()
    try:
        with pytest.raises(TypeError, match="extract: --format is declared twice"):
            command_options("extract")
    finally:
        monkeypatch.undo()
        command_options.cache_clear()
