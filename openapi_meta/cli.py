"""The command line: options → Settings → one pipeline call → rendered report and exit code.

Nothing here knows how a spec is obtained or converted; `main` is the one place that maps
errors to exit codes (see `openapi_meta.errors`).
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from openapi_meta import __version__
from openapi_meta.errors import InvalidSpecError, OpenApiMetaError
from openapi_meta.findings import Finding, Level, findings_report, render_findings

if TYPE_CHECKING:
    from openapi_meta.config import Settings
    from openapi_meta.pipeline import Extraction

F = Callable[..., Any]


# Options of the live-server sources (--url, --command, --image, --build).
_LIVE_OPTIONS = [
    click.option("--port", type=int, help="The server's port (--image: default its EXPOSE)."),
    click.option("--spec-path", help="The spec's path on the server, e.g. /openapi.json."),
    click.option(
        "--header", "headers", multiple=True, help="'Name: value' sent with every request."
    ),
    click.option(
        "--env", multiple=True, help="KEY=VALUE for the server, or KEY for this shell's value."
    ),
    click.option(
        "--env-file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="KEY=VALUE (or KEY) lines.",
    ),
    click.option(
        "--startup-timeout", type=float, help="Seconds to wait for the spec (default 300)."
    ),
    click.option("-q", "--quiet", is_flag=True, default=None, help="No progress on stderr."),
    click.option("--cmd", help="Override the image's CMD."),
    click.option("--entrypoint", help="Override the image's ENTRYPOINT."),
    click.option(
        "--pull", type=click.Choice(["missing", "always", "never"]), help="Default: missing."
    ),
    click.option("--platform", help="Image platform, e.g. linux/amd64."),
    click.option("--gpus", help="'all' or a count; dropped (with a note) without GPU support."),
    click.option("--memory", help="Container memory limit, e.g. 4g."),
    click.option("--dockerfile", type=click.Path(path_type=Path), help="Dockerfile for --build."),
    click.option("--build-arg", "build_args", multiple=True, help="KEY=VALUE for --build."),
    click.option("--keep-image", is_flag=True, default=None, help="Keep the image --build made."),
]


# --file: a spec split over files may share files in a sibling folder (spec/ and common/).
_REF_ROOT_OPTION = click.option(
    "--ref-root",
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder file $refs may not leave (default: the spec's own folder).",
)


def _source_options(command: F) -> F:
    options = [
        click.option("--file", type=click.Path(path_type=Path), help="A JSON or YAML spec file."),
        click.option("--url", metavar="URL", help="A running server: its spec URL or base URL."),
        click.option("--command", metavar="CMD", help="A local command that starts the server."),
        click.option("--image", metavar="IMAGE", help="A local Docker image to run."),
        click.option(
            "--build",
            metavar="DIR",
            type=click.Path(path_type=Path),
            help="A Docker build context.",
        ),
        click.option("--app", metavar="MODULE:ATTR", help="A Python app object (or file.py:ATTR)."),
        click.option(
            "--fal", metavar="FILE::FUNCTION", help="Your @fal.function, run as fal would."
        ),
        click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            help="pyproject.toml to read [tool.openapi-meta] from (default: the nearest one).",
        ),
        _REF_ROOT_OPTION,
        click.option(
            "--allow-remote-refs", is_flag=True, default=None, help="Fetch $refs to http(s) URLs."
        ),
        *_LIVE_OPTIONS,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _app_and_tidy_options(command: F) -> F:
    options = [
        click.option(
            "--app-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="--app: the folder put first on sys.path for the import (default: .).",
        ),
        click.option(
            "--factory",
            is_flag=True,
            default=None,
            help="--app: ATTR is a callable that returns the app.",
        ),
        click.option(
            "--app-timeout",
            type=click.FloatRange(min=0, min_open=True),
            help="--app: seconds the import may take (default 60).",
        ),
        click.option(
            "--server-url", help="Replace every `servers` entry with this one URL (tidy)."
        ),
        click.option(
            "--drop-local-servers/--keep-servers",
            default=None,
            help="Drop servers on the extraction host: loopback, 0.0.0.0 (default: drop).",
        ),
        click.option(
            "--include-path",
            multiple=True,
            help="Keep only paths matching this glob (repeatable), e.g. '/v1/*'.",
        ),
        click.option(
            "--exclude-path",
            multiple=True,
            help="Hide paths matching this glob (repeatable), e.g. /health.",
        ),
        click.option(
            "--prune-components/--keep-unreferenced-components",
            default=None,
            help="Drop components only hidden paths used (default: drop).",
        ),
        click.option(
            "--fal-order/--no-fal-order",
            default=None,
            help="Add x-fal-order-paths / x-fal-order-properties as fal.App does (default: on).",
        ),
        click.option(
            "--lint/--no-lint", default=None, help="Report fal lint warnings (default: on)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _report_options(command: F) -> F:
    options = [
        click.option("-v", "--verbose", is_flag=True, default=None, help="List every finding."),
        click.option(
            "--strict", is_flag=True, default=None, help="Exit 1 when a finding is a warning."
        ),
        click.option(
            "--report",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Also write the findings as JSON to this file.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="openapi-meta")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """Turn your server's OpenAPI spec into the `metadata` of a fal deployment.

    \b
      openapi-meta extract --file openapi.yaml -o fal_openapi.py
      openapi-meta check --file openapi.yaml --module fal_openapi.py

    Exit codes: 0 success, 1 the spec is not acceptable or the module is stale,
    2 usage error, 3 the spec could not be obtained.
    """


@cli.command()
@_source_options
@_app_and_tidy_options
@click.option(
    "-o",
    "--output",
    help="Where to write: a .py module (default fal_openapi.py), .json, .yaml, or - for stdout.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["python", "json", "yaml"]),
    help="Output format (default: from the output's suffix, else python).",
)
@_report_options
def extract(**options: Any) -> int:
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

    Then, in the file with your fal function:

    \b
      from fal_openapi import metadata
      @fal.function(image=..., exposed_port=8000, metadata=metadata)
    """
    from openapi_meta.emit import render, write_output

    config = options.get("config")
    settings = _settings(options)
    extraction = _extract(settings)
    text = render(extraction.spec, settings.output_format, source=_source_label(settings, config))
    code = _finish(extraction.findings, settings)
    if code == 0:
        write_output(text, settings.output)
        if settings.output != "-":
            paths = len(extraction.spec.get("paths", {}))
            # Where the spec came from (an image ID, the URL found) is said here, not written
            # into the module: its bytes depend on the spec alone.
            _say(f"wrote {settings.output} ({paths} paths) from {extraction.origin}")
    return code


_REPORT_FORMAT = click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    help="How to write the change report on stdout (markdown: a pull-request comment).",
)


@cli.command()
@_source_options
@_app_and_tidy_options
@click.option(
    "--module",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The committed file to compare: a module, .json or .yaml (default: the output).",
)
@_REPORT_FORMAT
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "warning", "any"]),
    default="any",
    help="Which stale file fails: one with a breaking change, a warning, or any (default).",
)
@_report_options
def check(report_format: str, fail_on: str, **options: Any) -> int:
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
    from openapi_meta.provenance import regenerate_command

    given = dict(options)
    settings = _settings(options)
    extraction = _extract(settings)
    strict = _finish(extraction.findings, settings, consequence="the check fails")
    path = settings.module_path
    result = check_output(
        extraction.spec,
        path,
        output_format(path, settings.format),
        source=_source_label(settings, given.get("config")),
    )
    report = result.report(fail_on, regenerate_command(given, given.get("module")))  # type: ignore[arg-type]
    if report_format != "text" or not result.up_to_date:
        _annotate(report, path, result.written.text, result.written.fmt)
        click.echo(
            _render(report, report_format, file=str(path), up_to_date=result.up_to_date),
            nl=False,
        )
    _say(result.verdict(report, fail_on, strict=bool(strict)))  # type: ignore[arg-type]
    return 1 if report.failed or strict else 0


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


def _source_label(settings: Settings, config: Path | None) -> str:
    from openapi_meta.provenance import project_folder, source_label

    return source_label(settings, project_folder(config))


def _render(report: Any, fmt: str, **extra: object) -> str:
    from openapi_meta.changes.render import render_report

    return render_report(report, fmt, **extra)


def _annotate(report: Any, path: Path, text: str, fmt: str) -> None:
    """GitHub Actions shows `::error` lines on stdout as annotations on the file."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from openapi_meta.changes.render import github_annotations

        click.echo(github_annotations(report, str(path), text, fmt), nl=False)


@cli.command("convert")
@click.argument("input_path", metavar="IN", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", required=True, help="Where to write: a .json or .yaml file, or - for stdout."
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "yaml"]),
    help="Output format (default: from the output's suffix; JSON for -).",
)
@click.option("--allow-remote-refs", is_flag=True, help="Fetch $refs to http(s) URLs.")
@_REF_ROOT_OPTION
@_report_options
def convert_command(
    input_path: Path,
    output: str,
    format_: str | None,
    allow_remote_refs: bool,
    ref_root: Path | None,
    **report: Any,
) -> int:
    """Convert a Swagger 2.0 / OpenAPI 3.x file to a valid OpenAPI 3.0.3 JSON or YAML file.

    \b
      openapi-meta convert openapi.json -o openapi-3.0.yaml
      openapi-meta convert swagger.yaml -o - | jq .components

    Every step that changed the document is a finding: a count per kind on stderr, each one
    with --verbose, as JSON with --report; --strict fails (exit 1) on warnings. Unlike
    extract, convert changes nothing for fal (no tidy, no fal lint).
    """
    from openapi_meta.config import Settings
    from openapi_meta.emit import render, write_output
    from openapi_meta.errors import UsageError
    from openapi_meta.pipeline import conversion_settings
    from openapi_meta.sources.file import FileSource

    suffix = Path(output).suffix.lower()
    fmt = format_ or {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)
    if fmt is None:
        if output != "-":
            raise UsageError(f"-o {output}: use a .json, .yaml or .yml file, or --format")
        fmt = "json"
    settings = conversion_settings(
        Settings(
            file=input_path,
            output=output,
            format=fmt,
            ref_root=ref_root,
            allow_remote_refs=allow_remote_refs,
            **{k: v for k, v in report.items() if v is not None},
        )
    )
    extraction = _extract(settings, FileSource(input_path))
    code = _finish(extraction.findings, settings)
    if code == 0:
        write_output(render(extraction.spec, fmt, source=extraction.origin), output)
        if output != "-":
            _say(f"wrote {output} (OpenAPI 3.0.3, {len(extraction.findings)} findings)")
    return code


@cli.command()
@click.option("--keep-images", is_flag=True, help="Leave images kept with --keep-image alone.")
def cleanup(keep_images: bool) -> int:
    """Remove containers (and build images) that a killed openapi-meta run left behind.

    Every container openapi-meta starts carries the label org.openapi-meta.run; run this
    when no other openapi-meta run is in progress.
    """
    from openapi_meta.cleanup import cleanup_leftovers

    report = cleanup_leftovers(images=not keep_images)
    for container in report.containers:
        _say(f"removed container {container}")
    for image in report.images:
        _say(f"removed image {image}")
    if report.skipped:
        _say(f"left {len(report.skipped)} containers of runs still in progress")
    _say(f"removed {len(report.containers)} containers, {len(report.images)} images")
    return 0


def _settings(options: dict[str, Any]) -> Settings:
    from openapi_meta.config import build_settings

    config = options.pop("config", None)
    if "format_" in options:
        options["format"] = options.pop("format_")
    return build_settings(options, config=config)


def _extract(settings: Settings, source: Any = None) -> Extraction:
    """Run the pipeline; the --report file is written even when the spec is invalid."""
    from openapi_meta.pipeline import run_pipeline
    from openapi_meta.sources.from_settings import make_source

    try:
        return run_pipeline(source or make_source(settings), settings=settings)
    except InvalidSpecError as exc:
        _write_report(settings, exc.findings)
        raise


def _write_report(settings: Settings, findings: Sequence[Finding]) -> None:
    if settings.report:
        from openapi_meta.emit import write_atomic

        write_atomic(settings.report, findings_report(findings).encode())


def _finish(
    findings: Sequence[Finding], settings: Settings, consequence: str = "nothing written"
) -> int:
    """Report findings; the exit code they imply (1 under --strict with warnings)."""
    _write_report(settings, findings)
    text = render_findings(findings, verbose=settings.verbose)
    if text:
        _say(text)
    if settings.strict and any(f.level is not Level.INFO for f in findings):
        _say(f"--strict: warnings count as failures; {consequence}")
        return 1
    return 0


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
            errors = [f for f in exc.findings if f.level is Level.ERROR]
            others = [f for f in exc.findings if f.level is not Level.ERROR]
            _say(render_findings(errors, verbose=True))
            if others:
                _say(f"(and {len(others)} findings from conversion; --report lists them all)")
        _say(f"openapi-meta: error: {exc}")
        return exc.exit_code
    return result if isinstance(result, int) else 0


def _console_main() -> NoReturn:
    sys.exit(main())
