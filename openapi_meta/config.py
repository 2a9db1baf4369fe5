"""Settings: the command line's options over `[tool.openapi-meta]` in pyproject.toml.

Every option is declared once, in its group (`openapi_meta.options` for every source,
`openapi_meta.sources.options` for the sources' own). This module merges where values were
set, checks that the chosen source takes each option, validates the groups, and names what
is wrong where it was written: `--memory` on the command line, or
`pyproject.toml [tool.openapi-meta] memory`.

In pyproject.toml the keys are the long option names, exactly: `header`, `build-arg`,
`keep-servers`, `no-lint = true`. An option that can be given several times takes a string or
a list of strings. Relative paths (the source's, `output`, `module`, `env-file`, `app-dir`,
`ref-root`, ...) are relative to the folder of that pyproject.toml, wherever the command runs;
so is the default output, and `command` runs there. When the command line names a source,
the pyproject.toml's source is not used, nor the options only that source took.
"""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from openapi_meta.errors import UsageError
from openapi_meta.options import (
    COMMAND_GROUPS,
    COMMON_GROUPS,
    DEFAULT_OUTPUT,
    FORMAT_BY_SUFFIX,
    PYPROJECT_ONLY_GROUPS,
    FormatOptions,
    ModuleOptions,
    OptionError,
    OptionGroup,
    OptionSpec,
    OutputOptions,
)
from openapi_meta.sources.options import (
    PRESET,
    SOURCE_BY_NAME,
    SOURCES,
    SourceKind,
    source_groups,
    sources_taking,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

G = TypeVar("G", bound=OptionGroup)
TABLE = "[tool.openapi-meta]"
# Options of the command line only: they say how to run, not what a project is.
COMMAND_LINE_ONLY = ("config", "debug")
Format = Literal["python", "json", "yaml"]


def command_groups(command: str) -> tuple[type[OptionGroup], ...]:
    """Every group whose values `command` uses: the sources', every source's, its own."""
    own = (*COMMAND_GROUPS.get(command, ()), *PYPROJECT_ONLY_GROUPS.get(command, ()))
    return (*source_groups(), *COMMON_GROUPS, *own)


@functools.cache
def command_options(command: str) -> dict[str, OptionSpec]:
    """The options of `command` by name (unique within a command, not across commands)."""
    options: dict[str, OptionSpec] = {}
    for group in command_groups(command):
        for spec in group.option_specs():
            if spec.name in options or spec.name in SOURCE_BY_NAME:
                raise TypeError(f"{command}: --{spec.name} is declared twice ({group.__name__})")
            options[spec.name] = spec
    return options


def _keys(options: Mapping[str, OptionSpec]) -> dict[str, tuple[OptionSpec, bool]]:
    """Every pyproject key of these options: the name, and a switch's `no-...` form (which
    inverts it)."""
    return {name: (spec, name != spec.name) for spec in options.values() for name in spec.names}


@functools.cache
def pyproject_keys() -> tuple[str, ...]:
    """Every key `[tool.openapi-meta]` accepts: those of any command (a pyproject.toml
    serves them all; each command uses its own)."""
    keys = dict.fromkeys(SOURCE_BY_NAME)
    for command in COMMAND_GROUPS:
        keys.update(dict.fromkeys(_keys(command_options(command))))
    return tuple(keys)


@dataclass(frozen=True)
class Given:
    """A value and where it was set, the way messages name it."""

    value: Any
    where: str


@dataclass(frozen=True)
class SourceSetting:
    """The source option in use: its kind, its value, where it was set, and the folder its
    relative paths start from (the pyproject.toml's; None: the current folder)."""

    kind: SourceKind
    value: str
    where: str
    base_dir: Path | None = None

    def path(self, value: str | None = None) -> Path:
        """`value` (default: the source's own) as a path, relative to `base_dir`."""
        path = Path(self.value if value is None else value)
        return self.base_dir / path if self.base_dir and not path.is_absolute() else path


@dataclass(frozen=True)
class Settings:
    """Everything one run needs: the source, and each option group (defaults when unset).

    `purpose` is "convert" for `openapi-meta convert`, which changes nothing for fal."""

    source: SourceSetting | None = None
    groups: Mapping[type[OptionGroup], OptionGroup] = field(default_factory=dict)
    purpose: Literal["fal", "convert"] = "fal"

    def __getitem__(self, group: type[G]) -> G:
        found = self.groups.get(group)
        return found if isinstance(found, group) else group()

    def with_groups(self, *groups: OptionGroup, **changes: Any) -> Settings:
        return replace(self, groups={**self.groups, **{type(g): g for g in groups}}, **changes)

    def require_source(self) -> SourceSetting:
        if self.source is None:
            raise UsageError(
                "no source given: use one of " + ", ".join(k.flag for k in SOURCES),
                hint=f"or set one in {TABLE} of pyproject.toml",
            )
        return self.source

    @property
    def module_path(self) -> Path:
        """The module `check` compares with: --module, else the output setting."""
        return self[ModuleOptions].module or Path(self[OutputOptions].output)

    @property
    def output_format(self) -> Format | None:
        """What `extract` writes: --format, else what the output's suffix says (None: the
        suffix says nothing)."""
        output, chosen = self[OutputOptions].output, self[FormatOptions].format
        if chosen or output == "-":
            return chosen or "python"
        return FORMAT_BY_SUFFIX.get(Path(output).suffix.lower())  # type: ignore[return-value]


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (the way ruff and black find theirs)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def build_settings(
    cli: Mapping[str, Given],
    *,
    command: str = "extract",
    config: Path | None = None,
    cwd: Path | None = None,
    use_pyproject: bool = True,
) -> Settings:
    """Merge the command line's values (keyed by option name) over the pyproject settings,
    check them against the source, and validate every group."""
    options = command_options(command)
    pyproject = config or (find_pyproject(cwd or Path.cwd()) if use_pyproject else None)
    table = _read_table(pyproject) if pyproject else None
    if config and table is None:
        raise UsageError(f"{config}: no {TABLE} table")
    from_file = _file_values(table, pyproject, options) if table is not None and pyproject else {}
    project_dir = pyproject.parent if table is not None and pyproject else None
    source = _choose_source(cli, from_file, project_dir)
    values = _merge(cli, from_file, source, options)
    if source is None and "preset" in values and values["preset"].value is not None:
        preset = values["preset"]  # `--preset NAME` alone: the preset as it is
        source = SourceSetting(PRESET, str(preset.value), preset.where, project_dir)
    if source is not None:
        _check_the_source_takes(values, source, options)
    if project_dir is not None and "output" not in values:
        values["output"] = Given(str(project_dir / DEFAULT_OUTPUT), "the default output")
    settings = Settings(source, _validated_groups(values, options))
    if command == "extract" and settings.output_format is None:
        output = settings[OutputOptions].output
        raise UsageError(
            f"{values['output'].where}: {output}: cannot tell the format from the suffix;"
            " use .py, .json, .yaml or .yml, or give --format"
        )
    return settings


def _read_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get("openapi-meta")
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: {TABLE} must be a table")
    return table


def _file_values(
    table: Mapping[str, Any], path: Path, options: Mapping[str, OptionSpec]
) -> dict[str, Given]:
    """The table's values for this command's `options`, keyed by option name, checked for
    shape, paths made absolute; the keys of other commands' options are left for them."""
    shown = display_path(path)
    keys = _keys(options)
    values: dict[str, Given] = {}
    for key, raw in table.items():
        where = f"{shown} {TABLE} {key}"
        if key in SOURCE_BY_NAME:
            if not isinstance(raw, str):
                raise UsageError(f"{where}: expected a string, not {_toml_type(raw)}")
            values[key] = Given(raw, where)
            continue
        if key not in keys:
            if key in pyproject_keys():
                continue
            raise UsageError(f"{where}: no such option{_suggestion(key)}")
        spec, inverted = keys[key]
        if spec.name in values:
            raise UsageError(f"{where}: {values[spec.name].where} sets the same option; keep one")
        values[spec.name] = Given(_file_value(spec, raw, inverted, where, path.parent), where)
    return values


def _file_value(spec: OptionSpec, raw: Any, inverted: bool, where: str, folder: Path) -> Any:
    if spec.is_switch:
        if not isinstance(raw, bool):
            raise UsageError(f"{where}: expected true or false, not {_toml_type(raw)}")
        return not raw if inverted else raw
    if spec.multiple:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise UsageError(f"{where}: expected a string or a list of strings")
        return tuple(_relative(spec, i, folder) for i in items)
    return _relative(spec, raw, folder) if isinstance(raw, str) else raw


def _relative(spec: OptionSpec, value: str, folder: Path) -> str:
    if not spec.is_path or value == "-" or (spec.opt.command and "/" not in value):
        return value
    return str(folder / value)


def _choose_source(
    cli: Mapping[str, Given], from_file: Mapping[str, Given], project_dir: Path | None
) -> SourceSetting | None:
    for values, base_dir in ((cli, None), (from_file, project_dir)):
        given = [(SOURCE_BY_NAME[name], values[name]) for name in SOURCE_BY_NAME if name in values]
        if len(given) > 1:
            names = ", ".join(kind.flag if base_dir is None else kind.name for kind, _ in given)
            where = "" if base_dir is None else given[0][1].where.rpartition(" ")[0] + ": "
            raise UsageError(f"{where}give one source, not {len(given)}: {names}")
        if given:
            kind, value = given[0]
            if kind.check and (problem := kind.check(str(value.value))):
                raise UsageError(f"{value.where}: {problem}")
            return SourceSetting(kind, str(value.value), value.where, base_dir)
    return None


def _merge(
    cli: Mapping[str, Given],
    from_file: Mapping[str, Given],
    source: SourceSetting | None,
    options: Mapping[str, OptionSpec],
) -> dict[str, Given]:
    """The command line's values over the file's; with a source on the command line, the
    file's options that only the file's own source takes are left out."""
    file_source = next((SOURCE_BY_NAME[n] for n in SOURCE_BY_NAME if n in from_file), None)
    merged: dict[str, Given] = {}
    for name, given in from_file.items():
        if name in SOURCE_BY_NAME:
            continue
        group = options[name].group
        if (
            source is not None
            and source.base_dir is None
            and file_source is not None
            and group in file_source.groups
            and group not in source.kind.groups
        ):
            continue
        merged[name] = given
    merged.update((n, g) for n, g in cli.items() if n not in SOURCE_BY_NAME)
    return merged


def _check_the_source_takes(
    values: Mapping[str, Given], source: SourceSetting, options: Mapping[str, OptionSpec]
) -> None:
    own = set(source_groups())
    refused = [
        (given, options[name].group)
        for name, given in values.items()
        if options[name].group in own and options[name].group not in source.kind.groups
    ]
    if refused:
        lines = [
            f"{given.where} is not an option of {_describe(source)}: it is for"
            f" {', '.join(k.flag for k in sources_taking(group))}"
            for given, group in refused
        ]
        raise UsageError("\n".join(lines))
    for name, reason in source.kind.needs:
        if name not in values:
            raise UsageError(f"{_describe(source)} needs --{name}: {reason}")


def _describe(source: SourceSetting) -> str:
    if source.base_dir is None:
        return source.where
    return f"the {source.kind.name} source ({source.where})"


def _validated_groups(
    values: Mapping[str, Given], options: Mapping[str, OptionSpec]
) -> dict[type[OptionGroup], OptionGroup]:
    by_group: dict[type[OptionGroup], dict[str, Given]] = {}
    for name, given in values.items():
        spec = options[name]
        by_group.setdefault(spec.group, {})[spec.field] = given
    groups: dict[type[OptionGroup], OptionGroup] = {}
    for group, fields in by_group.items():
        try:
            groups[group] = group(**{name: given.value for name, given in fields.items()})
        except ValidationError as exc:
            error = exc.errors()[0]
            blamed = fields.get(str(error["loc"][0])) if error["loc"] else None
            message = error["msg"].removeprefix("Value error, ")
            raise UsageError(f"{blamed.where}: {message}" if blamed else message) from exc
        except OptionError as exc:
            blamed = fields.get(exc.field)
            raise UsageError(f"{blamed.where}: {exc}" if blamed else str(exc)) from exc
    return groups


def _suggestion(key: str) -> str:
    names = pyproject_keys()
    spelled = key.replace("_", "-").lower()
    if spelled in names:
        return f"; did you mean {spelled!r}?"
    if spelled in COMMAND_LINE_ONLY:
        return f" (--{spelled} is only for the command line)"
    close = difflib.get_close_matches(spelled, names, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (the keys of {TABLE} are the long option names)"


def _toml_type(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "a table"
    )


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)
