"""Option groups: each setting is declared once, as a field of a group, with its `Opt`.

A group is a frozen pydantic model; each field carries an `Opt` in its `Annotated` metadata
with the option's name and help. From these declarations come the command line's options
and their `--help` sections (`openapi_meta.cli`), the `[tool.openapi-meta]` keys (exactly
the long option names) and the check that a source takes an option (`openapi_meta.config`),
and the keyword arguments a source is built with (`openapi_meta.sources.from_settings`):
a field's name is the source's keyword, its `Opt` the option's name. Adding an option to a
group is adding one field here or in `openapi_meta.sources.options`.

The groups in this module apply to every source; the sources' own are in
`openapi_meta.sources.options`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, model_validator

DEFAULT_OUTPUT = "fal_openapi.py"
FORMAT_BY_SUFFIX = {".py": "python", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


class OptionError(Exception):
    """A value that breaks a rule across fields: `field` names the option to blame.

    Raised from a group's validators; not a ValueError, so pydantic lets it through and
    the settings can say where the blamed option was set."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Opt:
    """How a field appears as an option: `--NAME` (default: the field's name with dashes),
    `off` for the `--no-...` form of a switch, a `short` flag, and `path` for a string that
    names a file (relative to the pyproject.toml it is set in); with `command`, a bare name
    (no slash) is a command on PATH instead."""

    help: str
    name: str | None = None
    off: str | None = None
    short: str | None = None
    metavar: str | None = None
    path: bool = False
    command: bool = False


@dataclass(frozen=True)
class OptionSpec:
    """One declared option: its group, the field it fills, and how it is spelt."""

    name: str
    group: type[OptionGroup]
    field: str
    opt: Opt
    annotation: Any
    default: Any

    @property
    def flag(self) -> str:
        return "--" + self.name

    @property
    def names(self) -> tuple[str, ...]:
        """Every long name: the option's, and its `--no-...` form."""
        return (self.name, self.opt.off) if self.opt.off else (self.name,)

    @property
    def value_type(self) -> Any:
        """The annotation without `None` and without `tuple[..., ...]` around it."""
        return _element_type(_without_none(self.annotation))

    @property
    def is_switch(self) -> bool:
        return _without_none(self.annotation) is bool

    @property
    def multiple(self) -> bool:
        return typing.get_origin(_without_none(self.annotation)) is tuple

    @property
    def is_path(self) -> bool:
        return self.opt.path or self.value_type is Path


class OptionGroup(BaseModel):
    """Base of every option group; `title` heads the group's section in `--help`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    title: ClassVar[str] = "Options"

    @classmethod
    def option_specs(cls) -> Iterator[OptionSpec]:
        for field, info in cls.model_fields.items():
            opt = next((m for m in info.metadata if isinstance(m, Opt)), None)
            if opt is None:
                raise TypeError(f"{cls.__name__}.{field} has no Opt(...) declaration")
            name = opt.name or field.replace("_", "-")
            yield OptionSpec(name, cls, field, opt, info.annotation, info.default)

    def source_kwargs(self) -> dict[str, Any]:
        """The keyword arguments this group gives a source: every field, by name."""
        return {field: getattr(self, field) for field in type(self).model_fields}


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _element_type(annotation: Any) -> Any:
    if typing.get_origin(annotation) is tuple:
        return typing.get_args(annotation)[0]
    return annotation


class OutputOptions(OptionGroup):
    """Where `extract` writes; `check` compares with the same file unless --module says."""

    title: ClassVar[str] = "Output"

    output: Annotated[
        str,
        Opt(
            "Where to write: a .py module (default fal_openapi.py), .json, .yaml, or - for stdout.",
            short="-o",
            metavar="PATH",
            path=True,
        ),
    ] = DEFAULT_OUTPUT


class FormatOptions(OptionGroup):
    """What `extract` writes (default: what the output's suffix says; see Settings)."""

    title: ClassVar[str] = "Output"

    format: Annotated[
        Literal["python", "json", "yaml"] | None,
        Opt("Output format (default: from the output's suffix)."),
    ] = None


class ModuleOptions(OptionGroup):
    """What `check` compares with."""

    title: ClassVar[str] = "Check"

    module: Annotated[
        Path | None,
        Opt("The committed module to compare (default: the output setting, fal_openapi.py)."),
    ] = None


class TidyOptions(OptionGroup):
    """What `extract` changes for fal, and whether fal lint reports its warnings."""

    title: ClassVar[str] = "Tidy and lint (every source)"

    server_url: Annotated[
        str | None, Opt("Replace every `servers` entry with this one URL.", metavar="URL")
    ] = None
    drop_local_servers: Annotated[
        bool,
        Opt(
            "Drop servers on the extraction host: loopback, 0.0.0.0 (default: drop).",
            off="keep-servers",
        ),
    ] = True
    include_path: Annotated[
        tuple[str, ...],
        Opt("Keep only paths matching this glob (repeatable), e.g. '/v1/*'.", metavar="GLOB"),
    ] = ()
    exclude_path: Annotated[
        tuple[str, ...],
        Opt("Hide paths matching this glob (repeatable), e.g. /health.", metavar="GLOB"),
    ] = ()
    prune_components: Annotated[
        bool,
        Opt(
            "Drop components only hidden paths used (default: drop).",
            off="keep-unreferenced-components",
        ),
    ] = True
    fal_order: Annotated[
        bool,
        Opt(
            "Add x-fal-order-paths / x-fal-order-properties as fal.App does (default: on).",
            off="no-fal-order",
        ),
    ] = True
    lint: Annotated[
        bool,
        Opt(
            "Report fal lint warnings (default: on). A spec fal's decoder would refuse is an"
            " error either way.",
            off="no-lint",
        ),
    ] = True


class RemoteRefOptions(OptionGroup):
    """Whether `$ref`s to http(s) URLs are fetched, from any source's spec."""

    title: ClassVar[str] = "References (every source)"

    allow_remote_refs: Annotated[bool, Opt("Fetch $refs to http(s) URLs.")] = False


class ReportOptions(OptionGroup):
    """How much is said on stderr, and where the findings are kept."""

    title: ClassVar[str] = "Reporting"

    quiet: Annotated[
        bool, Opt("Print errors only: no progress, findings or notes.", short="-q")
    ] = False
    verbose: Annotated[
        bool, Opt("List every finding (default: each warning when there are few).", short="-v")
    ] = False
    strict: Annotated[bool, Opt("Exit 1 when a finding is a warning.")] = False
    report: Annotated[
        Path | None, Opt("Also write the findings as JSON to this file.", metavar="PATH")
    ] = None

    @model_validator(mode="after")
    def _one_level(self) -> ReportOptions:
        if self.quiet and self.verbose:
            raise OptionError("verbose", "cannot go with --quiet (-q)")
        return self


# Groups every source takes, in `--help` order.
class ChangeReportOptions(OptionGroup):
    """How `check` reports what changed, and which change fails it."""

    title: ClassVar[str] = "Change report"

    format: Annotated[
        Literal["text", "markdown", "json"],
        Opt("How to write the change report on stdout (markdown: a pull-request comment)."),
    ] = "text"
    fail_on: Annotated[
        Literal["any", "breaking", "warning"],
        Opt("Which stale module fails: any (default), one with a breaking change or a warning."),
    ] = "any"


COMMON_GROUPS: tuple[type[OptionGroup], ...] = (
    TidyOptions,
    RemoteRefOptions,
    ReportOptions,
)
# Each command's own groups: its options on the command line and in pyproject.toml. Option
# names are unique within a command, not across commands (both may have a --format).
COMMAND_GROUPS: dict[str, tuple[type[OptionGroup], ...]] = {
    "extract": (OutputOptions, FormatOptions),
    "check": (ModuleOptions, ChangeReportOptions),
}
# Groups a command reads from pyproject.toml without offering their options: `check`
# compares with the module `extract` writes, the `output` setting.
PYPROJECT_ONLY_GROUPS: dict[str, tuple[type[OptionGroup], ...]] = {
    "check": (OutputOptions,),
}
