"""The command line: options → Settings → one pipeline call → rendered report and exit code.

No option is written here: each is declared once in its group (`openapi_meta.options`,
`openapi_meta.sources.options`) and becomes a click option in that group's `--help`
section. Nothing here knows how a spec is obtained or converted; `main` is the one place that
maps errors to exit codes (see `openapi_meta.errors`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import click
from click.core import ParameterSource

from openapi_meta import __version__
from openapi_meta.errors import InvalidSpecError, OpenApiMetaError
from openapi_meta.findings import (
    Finding,
    Level,
    findings_report,
    plural,
    render_findings,
    render_invalid,
)
from openapi_meta.options import (
    COMMAND_GROUPS,
    COMMON_GROUPS,
    ChangeReportOptions,
    OptionGroup,
    OptionSpec,
    OutputOptions,
    RemoteRefOptions,
    ReportOptions,
)
from openapi_meta.sources.options import SOURCES, FileOptions, source_groups, sources_taking

if TYPE_CHECKING:
    from openapi_meta.config import Settings
    from openapi_meta.jsontypes import JSONObject
    from openapi_meta.pipeline import Extraction

SOURCE_SECTION = "Source (give one)"
OTHER_SECTION = "Other options"


class _Option(click.Option):
    """A click option that knows its `--help` section."""

    def __init__(self, *args: Any, section: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section


class _SectionedCommand(click.Command):
    """A command whose `--help` lists its options in sections: the source, then each group."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                section = getattr(param, "section", OTHER_SECTION)
                sections.setdefault(section, []).append(record)
        for title, rows in sections.items():
            with formatter.section(title):
                formatter.write_dl(rows)


def _click_type(value_type: Any) -> Any:
    if value_type is Path:
        return click.Path(path_type=Path)
    if getattr(value_type, "__origin__", None) is Literal:
        return click.Choice(list(value_type.__args__))
    return value_type


def _declared(spec: OptionSpec, section: str) -> click.Option:
    """The click option of one declared option (see openapi_meta.options)."""
    flags = [spec.flag + (f"/--{spec.opt.off}" if spec.opt.off else "")]
    if spec.opt.short:
        flags.insert(0, spec.opt.short)
    kwargs: dict[str, Any] = {"help": spec.opt.help, "default": None}
    if spec.is_switch:
        kwargs["is_flag"] = True
    else:
        kwargs.update(type=_click_type(spec.value_type), metavar=spec.opt.metavar)
        if spec.multiple:
            kwargs.update(multiple=True, default=())
    return _Option([*flags, spec.name.replace("-", "_")], section=section, **kwargs)


def _group_options(group: type[OptionGroup], section: str | None = None) -> list[click.Option]:
    return [_declared(spec, section or group.title) for spec in group.option_specs()]


def _debug_option() -> click.Option:
    return _Option(
        ["--debug"], is_flag=True, help="Show tracebacks for errors.", section=OTHER_SECTION
    )


def _options(command: str) -> list[click.Parameter]:
    """Every option of `extract` or `check`: the sources, each group's, then the others."""
    params: list[click.Parameter] = [
        _Option(
            [kind.flag, kind.name], metavar=kind.metavar, help=kind.help, section=SOURCE_SECTION
        )
        for kind in SOURCES
    ]
    for group in source_groups():
        takers = ", ".join(kind.flag for kind in sources_taking(group))
        params += _group_options(group, f"{group.title} ({takers})")
    for group in (*COMMAND_GROUPS[command], *COMMON_GROUPS):
        params += _group_options(group)
    params.append(
        _Option(
            ["--config"],
            type=click.Path(path_type=Path, dir_okay=False),
            help="pyproject.toml to read [tool.openapi-meta] from (default: the nearest one).",
            section=OTHER_SECTION,
        )
    )
    params.append(_debug_option())
    return params


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="openapi-meta")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors (also after a command).")
def cli(debug: bool) -> None:
    """Turn your server's OpenAPI spec into the `metadata` of a fal deployment.

    \b
      openapi-meta extract --file openapi.yaml -o fal_openapi.py
      openapi-meta check --file openapi.yaml --module fal_openapi.py

    Exit codes: 0 success, 1 the spec is not acceptable or the module is stale,
    2 usage error, 3 the spec could not be obtained.
    """


@cli.command(cls=_SectionedCommand, params=_options("extract"))
@click.pass_context
def extract(ctx: click.Context, **_: Any) -> int:
    """Get the spec from a source, convert it to OpenAPI 3.0.3, validate it, write it.

    \b
    Examples (each writes fal_openapi.py unless -o says otherwise):
      openapi-meta extract --image my-server:latest             # run it, find its spec
      openapi-meta extract --build . --build-arg MODEL=small    # build, run, remove
      openapi-meta extract --url http://localhost:8000          # already running
      openapi-meta extract --command "uvicorn main:app --port 8000" --port 8000
      openapi-meta extract --app main:app                       # import, no server
      openapi-meta extract --fal deploy.py::run_server          # as fal would run it
      openapi-meta extract --file openapi.yaml -o - --format json | jq .paths

    Then, in the file with your fal function (this import works from any folder
    `fal deploy` runs in):

    \b
      import sys
      from pathlib import Path
      sys.path.insert(0, str(Path(__file__).resolve().parent))
      from fal_openapi import metadata
      @fal.function(image=..., exposed_port=8000, metadata=metadata)

    Each option belongs to the sources named in its section; an option the source does
    not take is an error. In pyproject.toml, every option can be set under its long name
    (header = "A: b", no-lint = true) in the table [tool.openapi-meta].
    """
    from openapi_meta.config import display_path
    from openapi_meta.deploy_file import import_snippet
    from openapi_meta.emit import render, write_output
    from openapi_meta.targets import check_targets

    settings = settings_from_command_line(ctx)
    output, fmt = settings[OutputOptions], settings.output_format or "python"
    user_file_findings = check_targets(settings, "extract")
    existed = output.output == "-" or Path(output.output).exists()
    extraction = _extract(settings, partial(render, fmt=fmt, source=_source_label(settings)))
    text = extraction.rendered
    assert text is not None
    code = _finish([*extraction.findings, *user_file_findings], settings)
    if code == 0:
        write_output(text, output.output)
        paths = plural(len(extraction.spec.get("paths", {})), "path")
        if output.output != "-":
            # Where the spec came from (an image ID, the URL found) is said here, not
            # written into the module: its bytes depend on the spec alone.
            where = display_path(Path(output.output))
            _note(settings, f"wrote {where} ({paths}) from {extraction.origin}")
        if not existed and fmt == "python" and not user_file_findings:
            snippet = import_snippet(Path(output.output))
            _note(settings, "import it in your fal file like this:\n" + _indent(snippet))
    return code


@cli.command(cls=_SectionedCommand, params=_options("check"))
@click.pass_context
def check(ctx: click.Context, **_: Any) -> int:
    """Fail (exit 1) when the committed module is not what extract writes now, and say what
    changed for clients (breaking / warning / info, with oasdiff's rule ids), then the diff.

    Run it in CI before `fal deploy`, with the same source options as `extract`:

    \b
      openapi-meta check --file openapi.yaml --module fal_openapi.py
      openapi-meta check --fail-on breaking --format markdown > comment.md

    With [tool.openapi-meta] in pyproject.toml (file = "openapi.yaml",
    output = "fal_openapi.py") a bare `openapi-meta check` does the same. A file that is not
    exactly what openapi-meta writes (edited by hand) always fails. With GITHUB_ACTIONS=true
    each change is also an annotation on the file.
    """
    from openapi_meta.check import check_output, output_format
    from openapi_meta.emit import render
    from openapi_meta.provenance import regenerate_command
    from openapi_meta.targets import check_targets

    settings = settings_from_command_line(ctx)
    user_file_findings = check_targets(settings, "check")
    path = settings.module_path
    fmt = output_format(path, None)
    source = _source_label(settings)
    extraction = _extract(settings, partial(render, fmt=fmt, source=source))
    strict = _finish(
        [*extraction.findings, *user_file_findings], settings, consequence="the check fails"
    )
    from openapi_meta.config import display_path

    shown = Path(display_path(path))  # what messages and annotations name
    choice = settings[ChangeReportOptions]
    assert extraction.rendered is not None
    result = check_output(extraction.spec, extraction.rendered, shown, fmt, source=source)
    given = {
        name: value
        for name, value in ctx.params.items()
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE
    }
    report = result.report(choice.fail_on, regenerate_command(given, given.get("module")))
    if choice.format != "text" or not result.up_to_date:
        _annotate(report, shown, result.written.text, result.written.fmt)
        if not settings[ReportOptions].quiet or choice.format != "text":
            rendered = _render(report, choice.format, file=str(shown), up_to_date=result.up_to_date)
            click.echo(rendered, nl=False)
    verdict = result.verdict(report, choice.fail_on, strict=bool(strict))
    if report.failed or strict:
        _say(verdict)
        return 1
    _note(settings, verdict)
    return 0


_REPORT_FORMAT = click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    help="How to write the change report on stdout (markdown: a pull-request comment).",
)


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
@_REPORT_FORMAT
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "warning", "any"]),
    help="Exit 1 when a change reaches this level (default: exit 0 whatever changed).",
)
def diff_command(old: Path, new: Path, report_format: str, fail_on: str | None) -> int:
    """What changed for clients from OLD to NEW: two modules written by openapi-meta, or any
    two spec files (converted to OpenAPI 3.0.3 first, as `convert` does).

    \b
      openapi-meta diff old/fal_openapi.py fal_openapi.py
      git show main:fal_openapi.py > base.py
      openapi-meta diff base.py fal_openapi.py --format markdown
      openapi-meta diff v1.yaml v2.yaml --fail-on breaking
    """
    from openapi_meta.diff import diff_report, read_side

    before, after = read_side(old), read_side(new)
    report = diff_report(before, after, fail_on)
    _annotate(report, new, after.text, after.fmt)
    click.echo(_render(report, report_format), nl=False)
    return 1 if report.failed else 0


def _source_label(settings: Settings) -> str:
    from openapi_meta.provenance import source_label

    return source_label(settings)


def _render(report: Any, fmt: str, **extra: object) -> str:
    from openapi_meta.changes.render import render_report

    return render_report(report, fmt, **extra)


def _annotate(report: Any, path: Path, text: str, fmt: str) -> None:
    """GitHub Actions shows `::error` lines on stdout as annotations on the file."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from openapi_meta.changes.render import github_annotations

        click.echo(github_annotations(report, str(path), text, fmt), nl=False)


def _convert_options() -> list[click.Parameter]:
    return [
        click.Argument(["input_path"], metavar="IN", type=click.Path(path_type=Path)),
        _Option(
            ["-o", "--output", "convert_output"],
            required=True,
            help="Where to write: a .json or .yaml file, or - for stdout.",
            section="Output",
        ),
        _Option(
            ["--format", "convert_format"],
            type=click.Choice(["json", "yaml"]),
            help="Output format (default: from the output's suffix; JSON for -).",
            section="Output",
        ),
        *_group_options(FileOptions),
        *_group_options(RemoteRefOptions),
        *_group_options(ReportOptions),
        _debug_option(),
    ]


@cli.command("convert", cls=_SectionedCommand, params=_convert_options())
@click.pass_context
def convert_command(ctx: click.Context, **_: Any) -> int:
    """Convert a Swagger 2.0 / OpenAPI 3.x file to a valid OpenAPI 3.0.3 JSON or YAML file.

    \b
      openapi-meta convert openapi.json -o openapi-3.0.yaml
      openapi-meta convert swagger.yaml -o - | jq .components

    Every step that changed the document is a finding: each warning (a count per kind when
    there are many) on stderr, each one with --verbose, as JSON with --report; --strict
    fails (exit 1) on warnings. Unlike extract, convert changes nothing for fal (no tidy,
    no fal lint).
    """
    from openapi_meta.config import Given
    from openapi_meta.emit import render, write_output
    from openapi_meta.errors import UsageError
    from openapi_meta.pipeline import conversion_settings

    output: str = ctx.params["convert_output"]
    suffix = Path(output).suffix.lower()
    fmt = ctx.params["convert_format"] or {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(
        suffix
    )
    if fmt is None:
        if output != "-":
            raise UsageError(f"-o {output}: use a .json, .yaml or .yml file, or --format")
        fmt = "json"
    source = {"file": Given(str(ctx.params["input_path"]), "IN")}
    settings = conversion_settings(settings_from_command_line(ctx, source, use_pyproject=False))
    extraction = _extract(settings, partial(render, fmt=fmt, source=""))  # no header in JSON
    code = _finish(extraction.findings, settings)
    if code == 0:
        assert extraction.rendered is not None
        write_output(extraction.rendered, output)
        if output != "-":
            findings = plural(len(extraction.findings), "finding")
            _note(settings, f"wrote {output} (OpenAPI 3.0.3, {findings})")
    return code


@cli.command()
@click.option("--keep-images", is_flag=True, help="Leave images kept with --keep-image alone.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cleanup(keep_images: bool, quiet: bool, debug: bool) -> int:
    """Remove containers (and build images) that a killed openapi-meta run left behind.

    Every container openapi-meta starts carries the label org.openapi-meta.run; run this
    when no other openapi-meta run is in progress. It cleans the engine extract would use
    (DOCKER_HOST, else the docker context, else the local socket).
    """
    from openapi_meta.cleanup import cleanup_leftovers

    report = cleanup_leftovers(images=not keep_images)
    lines = [f"engine: {report.engine}"]
    lines += [f"removed container {c}" for c in report.containers]
    lines += [f"removed image {i}" for i in report.images]
    if report.skipped:
        lines.append(f"left {plural(len(report.skipped), 'container')} of runs still in progress")
    lines.append(
        f"removed {plural(len(report.containers), 'container')},"
        f" {plural(len(report.images), 'image')}"
    )
    if not quiet:
        _say("\n".join(lines))
    return 0


def settings_from_command_line(
    ctx: click.Context, extra: dict[str, Any] | None = None, *, use_pyproject: bool = True
) -> Settings:
    """The settings from the options given on the command line (not click's defaults) and,
    unless `use_pyproject` is false, the pyproject.toml."""
    from openapi_meta.config import Given, build_settings

    given: dict[str, Given] = dict(extra or {})
    for param in ctx.command.params:
        name = param.name or ""
        if (
            not isinstance(param, _Option)
            or name in ("config", "debug")
            or name.startswith("convert_")
        ):
            continue
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            value = ctx.params[name]
            off = value is False and param.secondary_opts
            where = param.secondary_opts[-1] if off else max(param.opts, key=len)
            given[name.replace("_", "-")] = Given(value, where)
    return build_settings(
        given,
        command=ctx.command.name or "",
        config=ctx.params.get("config"),
        use_pyproject=use_pyproject,
    )


def _extract(settings: Settings, render: Callable[[JSONObject], str]) -> Extraction:
    """Run the pipeline, rendering the spec with `render`; the --report file is written
    even when the spec is invalid."""
    from openapi_meta.pipeline import run_pipeline
    from openapi_meta.sources.from_settings import make_source

    try:
        return run_pipeline(make_source(settings), settings=settings, render=render)
    except InvalidSpecError as exc:
        _write_report(settings, exc.findings)
        raise


def _write_report(settings: Settings, findings: Sequence[Finding]) -> None:
    report = settings[ReportOptions].report
    if report:
        from openapi_meta.emit import write_atomic

        write_atomic(report, findings_report(findings).encode())


def _finish(
    findings: Sequence[Finding], settings: Settings, consequence: str = "nothing written"
) -> int:
    """Report findings; the exit code they imply (1 under --strict with warnings).

    -q shows nothing but what fails the run: under --strict, the warnings that do."""
    options = settings[ReportOptions]
    _write_report(settings, findings)
    failing = [f for f in findings if f.level is not Level.INFO] if options.strict else []
    text = render_findings(failing if options.quiet else findings, verbose=options.verbose)
    if text and (failing or not options.quiet):
        _say(text)
    if failing:
        _say(f"--strict: failing on {plural(len(failing), 'warning')}; {consequence}")
        return 1
    return 0


def _note(settings: Settings, message: str) -> None:
    """A line for the user, unless -q."""
    if not settings[ReportOptions].quiet:
        _say(message)


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in text.splitlines()).rstrip("\n")


def _say(message: str) -> None:
    click.echo(message, err=True)


class _Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C so every `finally` that stops a container still runs."""


def _on_sigterm(signum: int, frame: object) -> NoReturn:
    raise _Terminated()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn every outcome into an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("OPENAPI_META_DEBUG") == "1"
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        result = cli.main(args=args, prog_name="openapi-meta", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        _say("openapi-meta: interrupted")
        return 130
    except _Terminated:
        _say("openapi-meta: terminated")
        return 143
    except OpenApiMetaError as exc:
        if debug:
            traceback.print_exc()
        if isinstance(exc, InvalidSpecError):
            verbose = "-v" in args or "--verbose" in args
            _say(render_invalid(exc.findings, verbose=verbose))
        _say(f"openapi-meta: error: {exc}")
        return exc.exit_code
    return result if isinstance(result, int) else 0


def _console_main() -> NoReturn:
    # The interpreter's teardown (freeing ~500 modules one by one) takes 40-60 ms after a run
    # and does nothing a process exit does not do. Exit handlers run last-registered first, so
    # every one registered during the run (and the join of non-daemon threads) has run when
    # this one ends the process; what only flushes stdio (logging's) is done here.
    exit_code = [1]  # an exception that escaped `main` (its traceback is printed first)
    atexit.register(_exit_now, exit_code)
    exit_code[0] = main()
    sys.exit(exit_code[0])


def _exit_now(exit_code: list[int]) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken pipe
            stream.flush()
    os._exit(exit_code[0])
