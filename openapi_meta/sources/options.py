"""The sources and their option groups: which source takes which options.

`SOURCES` lists every source option (`--file`, `--url`, ...) with the groups of options it
takes; an option of a group the chosen source does not take is a usage error. Groups are
declared once (see `openapi_meta.options`); a field's name is the keyword argument the
source object receives (`openapi_meta.sources.from_settings` passes every field of a group
to every source that takes the group).

Adding an option to a group is one field in its class below, e.g. for the live servers:

    class ServerOptions(OptionGroup):
        route_check: Annotated[bool, Opt("Ask the server whether ...", off="no-route-check")] = True

and then `route_check` arrives as a keyword argument of UrlSource, CommandSource and
DockerSource (FalSource hands its `server` keywords on to the DockerSource it runs), is
`--route-check / --no-route-check` in `--help` under "Live server", and `route-check` /
`no-route-check` in `[tool.openapi-meta]`. Nothing else needs to change. A new group needs
its class, its place in `SOURCES`, and a line in `from_settings` for each source that takes
it.

This module imports nothing heavy: the CLI reads it to build its options.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from openapi_meta.options import Opt, OptionGroup


def _pairs_checker(separator: str, example: str) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    def check(items: tuple[str, ...]) -> tuple[str, ...]:
        for item in items:
            if separator not in item or not item.split(separator, 1)[0].strip():
                raise ValueError(f"{item!r}: expected {example}")
        return items

    return check


class FileOptions(OptionGroup):
    """A spec on disk (--file)."""

    title: ClassVar[str] = "Spec file"

    # A spec split over files may share files in a sibling folder (spec/ and common/).
    ref_root: Annotated[
        Path | None,
        Opt("The folder file $refs may not leave (default: the spec's own folder).", metavar="DIR"),
    ] = None


class ServerOptions(OptionGroup):
    """Any server openapi-meta asks for its spec over HTTP."""

    title: ClassVar[str] = "Live server"

    spec_path: Annotated[
        str | None, Opt("The spec's path on the server, e.g. /openapi.json.", metavar="PATH")
    ] = None
    headers: Annotated[
        tuple[str, ...],
        Opt("Sent with every request (repeatable).", name="header", metavar="'NAME: VALUE'"),
    ] = ()
    startup_timeout: Annotated[
        float | None,
        Field(gt=0),
        Opt("Seconds to wait for the spec (default 300; --url: no waiting).", metavar="SECONDS"),
    ] = None
    route_check: Annotated[
        bool,
        Opt("Ask the server whether the spec's paths exist (default: on).", off="no-route-check"),
    ] = True
    preset: Annotated[
        Literal["comfyui", "ollama", "llamacpp", "oip-v2"] | None,
        Opt("The spec of a server that publishes none (alone: the preset as it is)."),
    ] = None

    _headers = field_validator("headers")(_pairs_checker(":", "'Name: value'"))

    @field_validator("spec_path")
    @classmethod
    def _from_the_root(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError(f"{value!r}: give a path from the root, e.g. /openapi.json")
        return value


class EnvOptions(OptionGroup):
    """The environment of a server openapi-meta starts."""

    title: ClassVar[str] = "Server environment"

    env: Annotated[
        tuple[str, ...],
        Opt("KEY=VALUE for the server, or KEY for this shell's value (repeatable).", metavar="KEY"),
    ] = ()
    env_file: Annotated[Path | None, Opt("KEY=VALUE (or KEY) lines.", metavar="PATH")] = None

    @field_validator("env")
    @classmethod
    def _keys(cls, items: tuple[str, ...]) -> tuple[str, ...]:
        for item in items:  # KEY=VALUE, or a bare KEY: this machine's value, as in Docker
            if not re.fullmatch(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*(=.*)?", item, re.S):
                raise ValueError(f"{item!r}: expected KEY=VALUE or KEY")
        return items


class PortOptions(OptionGroup):
    """The port of a server openapi-meta starts."""

    title: ClassVar[str] = "Server port"

    port: Annotated[
        int | None,
        Field(ge=1, le=65535),
        Opt("The server's port (--image, --build: default the image's single EXPOSE)."),
    ] = None


class ContainerOptions(OptionGroup):
    """How a container is run."""

    title: ClassVar[str] = "Container"

    cmd: Annotated[str | None, Opt("Override the image's CMD.")] = None
    entrypoint: Annotated[str | None, Opt("Override the image's ENTRYPOINT.")] = None
    pull: Annotated[Literal["missing", "always", "never"], Opt("Default: missing.")] = "missing"
    platform: Annotated[str | None, Opt("Image platform, e.g. linux/amd64.")] = None
    gpus: Annotated[
        str | None, Opt("'all' or a count; dropped (with a note) without GPU support.")
    ] = None
    memory: Annotated[str | None, Opt("Container memory limit, e.g. 4g.")] = None

    @field_validator("gpus")
    @classmethod
    def _gpus(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"all|[1-9][0-9]*", value):
            raise ValueError(f"{value!r}: expected 'all' or a number of GPUs")
        return value

    @field_validator("memory")
    @classmethod
    def _memory(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9]+(\.[0-9]+)?[bkmg]?", value, re.I):
            raise ValueError(f"{value!r}: expected a size like 512m or 4g")
        return value


class BuildOptions(OptionGroup):
    """How --build builds the image; the fields are those of `ImageBuild`."""

    title: ClassVar[str] = "Image build"

    dockerfile: Annotated[Path | None, Opt("The Dockerfile (default: DIR/Dockerfile).")] = None
    build_args: Annotated[
        tuple[str, ...],
        Opt("A build argument (repeatable).", name="build-arg", metavar="KEY=VALUE"),
    ] = ()
    keep: Annotated[bool, Opt("Keep the image the build made.", name="keep-image")] = False

    _build_args = field_validator("build_args")(_pairs_checker("=", "KEY=VALUE"))


class AppOptions(OptionGroup):
    """How --app imports the app object."""

    title: ClassVar[str] = "Python app"

    app_dir: Annotated[
        Path | None,
        Opt(
            "The folder put first on sys.path for the import (default: ., or the folder of"
            " the pyproject.toml that names the app).",
            metavar="DIR",
        ),
    ] = None
    factory: Annotated[bool, Opt("MODULE:ATTR is a callable that returns the app.")] = False
    timeout: Annotated[
        float,
        Field(gt=0),
        Opt("Seconds the import may take (default 60).", name="app-timeout", metavar="SECONDS"),
    ] = 60.0


class PythonOptions(OptionGroup):
    """Which Python imports the user's code (--app, --fal)."""

    title: ClassVar[str] = "Interpreter"

    python: Annotated[
        str | None,
        Opt(
            "The Python that imports your code (default: $VIRTUAL_ENV's, else a .venv beside"
            " the code or its pyproject.toml, else openapi-meta's own).",
            metavar="PATH",
            path=True,
            command=True,
        ),
    ] = None


@dataclass(frozen=True)
class SourceKind:
    """A source option: `--NAME VALUE`, the groups of options it takes, the options it cannot
    go without, and a check of its value that needs nothing but the value."""

    name: str
    metavar: str
    help: str
    groups: tuple[type[OptionGroup], ...]
    needs: tuple[tuple[str, str], ...] = ()  # (option, why it is needed)
    check: Callable[[str], str | None] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name


def _http_url(value: str) -> str | None:
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    return f"{value!r}: give the full URL, e.g. http://{value.split('://')[-1] or 'localhost:8000'}"


_LIVE = (ServerOptions, EnvOptions)
_CONTAINER = (PortOptions, ContainerOptions)

SOURCES: tuple[SourceKind, ...] = (
    SourceKind("file", "PATH", "A JSON or YAML spec file.", (FileOptions,)),
    SourceKind(
        "url",
        "URL",
        "A running server: its spec URL or base URL.",
        (ServerOptions,),
        check=_http_url,
    ),
    SourceKind(
        "command",
        "CMD",
        "A local command that starts the server (needs --port).",
        (*_LIVE, PortOptions),
        needs=(("port", "the port the command's server listens on"),),
    ),
    SourceKind("image", "IMAGE", "A local Docker image to run.", (*_LIVE, *_CONTAINER)),
    SourceKind(
        "build",
        "DIR",
        "A Docker build context to build and run.",
        (*_LIVE, *_CONTAINER, BuildOptions),
    ),
    SourceKind(
        "app",
        "MODULE:ATTR",
        "A Python app object (or file.py:ATTR), imported without serving.",
        (AppOptions, PythonOptions),
    ),
    SourceKind(
        "fal",
        "FILE::FUNCTION",
        "Your @fal.function, built and started as fal would.",
        (*_LIVE, PythonOptions),
    ),
)
SOURCE_BY_NAME = {kind.name: kind for kind in SOURCES}

# `--preset NAME` with no source: the preset as it is. Not a source option of its own (the
# option belongs to the live servers), so it is kept out of SOURCES.
PRESET = SourceKind("preset", "NAME", "A preset spec, written as it is.", (ServerOptions,))


def source_groups() -> tuple[type[OptionGroup], ...]:
    """Every group some source takes, in the order of first use in `SOURCES`."""
    groups: dict[type[OptionGroup], None] = {}
    for kind in SOURCES:
        groups.update(dict.fromkeys(kind.groups))
    return tuple(groups)


def sources_taking(group: type[OptionGroup]) -> tuple[SourceKind, ...]:
    return tuple(kind for kind in SOURCES if group in kind.groups)
