"""Settings: command-line options merged over `[tool.openapi-meta]` in pyproject.toml.

Cross-option rules (exactly one source, format from the output's suffix) live here, so the
CLI stays a thin translation of options into a `Settings` object.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from openapi_meta.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SOURCE_FIELDS = ("file", "url", "command", "image", "build", "app", "fal")
DEFAULT_OUTPUT = "fal_openapi.py"
_FORMAT_BY_SUFFIX = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_PATH_FIELDS = (
    "file",
    "build",
    "output",
    "module",
    "report",
    "env_file",
    "dockerfile",
    "app_dir",
    "ref_root",
)


class Settings(BaseModel):
    """Everything one run needs; built from CLI options over pyproject settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: Path | None = None
    url: str | None = None
    command: str | None = None
    image: str | None = None
    build: Path | None = None
    app: str | None = None
    fal: str | None = None

    output: str = DEFAULT_OUTPUT
    format: Literal["python", "json", "yaml"] | None = None
    module: Path | None = None
    report: Path | None = None
    verbose: bool = False
    strict: bool = False

    # Live servers (--url, --command, --image, --build); see openapi_meta.sources.
    port: int | None = Field(default=None, ge=1, le=65535)
    spec_path: str | None = None
    headers: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    env_file: Path | None = None
    startup_timeout: float | None = Field(default=None, gt=0)
    quiet: bool = False
    cmd: str | None = None
    entrypoint: str | None = None
    pull: Literal["missing", "always", "never"] | None = None
    platform: str | None = None
    gpus: str | None = None
    memory: str | None = None
    dockerfile: Path | None = None
    build_args: tuple[str, ...] = ()
    keep_image: bool = False
    route_check: bool = True
    preset: Literal["comfyui", "ollama", "llamacpp", "oip-v2"] | None = None

    # Python apps (--app); see openapi_meta.sources.app.
    app_dir: Path | None = None
    factory: bool = False
    app_timeout: float = 60.0

    # Tidy (openapi_meta.convert.tidy) and fal lint (openapi_meta.lint); each can be turned off.
    server_url: str | None = None
    drop_local_servers: bool = True
    include_path: tuple[str, ...] = ()
    exclude_path: tuple[str, ...] = ()
    prune_components: bool = True
    fal_order: bool = True
    lint: bool = True

    # External $refs (openapi_meta.document.refs): the folder file refs may not leave
    # (default: the root spec's folder), and whether http(s) refs may be fetched.
    ref_root: Path | None = None
    allow_remote_refs: bool = False

    @model_validator(mode="after")
    def _live_options(self) -> Settings:
        for item in self.env:  # KEY=VALUE, or a bare KEY: this machine's value, as in Docker
            if not re.fullmatch(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*(=.*)?", item, re.S):
                raise ValueError(f"--env {item!r}: expected KEY=VALUE or KEY")
        for name, sep, example in (
            ("build_args", "=", "KEY=VALUE"),
            ("headers", ":", "'Name: value'"),
        ):
            for item in getattr(self, name):
                if sep not in item or not item.split(sep, 1)[0].strip():
                    option = "--" + {"build_args": "build-arg", "headers": "header"}.get(name, name)
                    raise ValueError(f"{option} {item!r}: expected {example}")
        if self.spec_path is not None and not self.spec_path.startswith("/"):
            raise ValueError(
                f"--spec-path {self.spec_path!r}: give a path from the root, e.g. /openapi.json"
            )
        if self.gpus is not None and not re.fullmatch(r"all|[1-9][0-9]*", self.gpus):
            raise ValueError(f"--gpus {self.gpus!r}: expected 'all' or a number of GPUs")
        if self.memory is not None and not re.fullmatch(
            r"[0-9]+(\.[0-9]+)?[bkmg]?", self.memory, re.I
        ):
            raise ValueError(f"--memory {self.memory!r}: expected a size like 512m or 4g")
        source = next((n for n in SOURCE_FIELDS if getattr(self, n) is not None), None)
        if source == "command" and self.port is None:
            raise ValueError("--command needs --port: the port the command's server listens on")
        if self.preset is not None and source in ("file", "app"):
            raise ValueError(f"--preset: a preset stands for a live server's spec, not --{source}")
        if source in ("file", "url", "command"):
            docker_only = ("cmd", "entrypoint", "pull", "platform", "gpus", "memory")
            build_only = ("dockerfile", "build_args", "keep_image")
            given = [n for n in (*docker_only, *build_only) if getattr(self, n)]
            if given:
                names = ", ".join("--" + n.replace("_", "-") for n in given)
                raise ValueError(f"{names}: only for --image and --build, not --{source}")
        return self

    @model_validator(mode="after")
    def _one_source(self) -> Settings:
        given = [f"--{name}" for name in SOURCE_FIELDS if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"give one source, not {len(given)}: {', '.join(given)}")
        return self

    @property
    def source_option(self) -> str:
        """The name of the source option in use, e.g. "file"; "preset" for a preset alone."""
        for name in SOURCE_FIELDS:
            if getattr(self, name) is not None:
                return name
        if self.preset is not None:
            return "preset"
        raise UsageError(
            "no source given: use one of " + ", ".join(f"--{n}" for n in SOURCE_FIELDS),
            hint="or set one in [tool.openapi-meta] of pyproject.toml",
        )

    @property
    def output_format(self) -> Literal["python", "json", "yaml"]:
        if self.format:
            return self.format
        return _FORMAT_BY_SUFFIX.get(Path(self.output).suffix.lower(), "python")  # type: ignore[return-value]

    @property
    def module_path(self) -> Path:
        """The module `check` compares against: --module, else the configured output."""
        return self.module or Path(self.output)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (the way ruff and black find theirs)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_pyproject_settings(path: Path) -> dict[str, Any]:
    """The `[tool.openapi-meta]` table, keys normalised to option names, paths made absolute."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get("openapi-meta", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.openapi-meta] must be a table")
    settings = {key.replace("-", "_"): value for key, value in table.items()}
    for key in _PATH_FIELDS:
        value = settings.get(key)
        if isinstance(value, str) and value != "-":
            settings[key] = str(path.parent / value)
    return settings


def build_settings(
    cli_options: dict[str, Any], *, config: Path | None = None, cwd: Path | None = None
) -> Settings:
    """Merge CLI options (None means "not given") over the pyproject settings and validate."""
    given = {k: v for k, v in cli_options.items() if v is not None and v != ()}
    pyproject = config or find_pyproject(cwd or Path.cwd())
    from_file: dict[str, Any] = read_pyproject_settings(pyproject) if pyproject else {}
    if config and not from_file:
        raise UsageError(f"{config}: no [tool.openapi-meta] table")
    if any(name in given for name in SOURCE_FIELDS):
        from_file = {k: v for k, v in from_file.items() if k not in SOURCE_FIELDS}
    merged = {**from_file, **given}
    if pyproject and "app" in from_file and "app" not in given:
        # An `app` from pyproject.toml imports from that file's folder, as its paths resolve.
        merged.setdefault("app_dir", str(pyproject.parent))
    try:
        return Settings(**merged)
    except ValidationError as exc:
        raise UsageError(_describe(exc, pyproject if from_file else None)) from exc


def _describe(exc: ValidationError, pyproject: Path | None) -> str:
    error = exc.errors()[0]
    name = ".".join(str(p) for p in error["loc"])
    where = f" (from {pyproject} [tool.openapi-meta] or the command line)" if pyproject else ""
    if error["type"] == "extra_forbidden":
        return f"unknown setting {name!r}{where}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{name}: {message}{where}" if name else f"{message}{where}"
