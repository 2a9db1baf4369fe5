"""The one place that turns Settings into a source object, for each source option."""

from __future__ import annotations

import os
from pathlib import Path

from openapi_meta.config import Settings
from openapi_meta.errors import UsageError
from openapi_meta.options import ReportOptions
from openapi_meta.sources import Source
from openapi_meta.sources.options import (
    AppOptions,
    BuildOptions,
    ContainerOptions,
    EnvOptions,
    PortOptions,
    PythonOptions,
    ServerOptions,
)

DEFAULT_STARTUP_TIMEOUT = 300.0  # fal's own default for a server to come up


def environment(env: tuple[str, ...], env_file: Path | None) -> tuple[tuple[str, str], ...]:
    """KEY=VALUE pairs: the --env-file lines first, then --env (which wins on a repeated key).

    As with `docker run`: a bare `KEY` (in the file or in --env) passes this machine's value
    of KEY, so a secret such as HF_TOKEN never has to be written on the command line; a KEY
    that is not set here is an error rather than a variable silently missing in the server.
    The file format is Docker's: one entry a line, `#` comments and blank lines skipped, no
    quoting (a value is everything after the first `=`).
    """
    pairs: dict[str, str] = {}
    if env_file is not None:
        try:
            text = env_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--env-file {env_file}: cannot read ({exc.strerror})") from exc
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not line.split("=", 1)[0].strip():
                raise UsageError(f"{env_file}:{number}: expected KEY=VALUE or KEY, got {line!r}")
            key, value = _entry(line, f"{env_file}:{number}")
            pairs[key] = value
    for item in env:
        key, value = _entry(item, f"--env {item}")
        pairs[key] = value
    return tuple(pairs.items())


def _entry(item: str, where: str) -> tuple[str, str]:
    if "=" in item:
        key, value = item.split("=", 1)
        return key.strip(), value
    key = item.strip()
    if key not in os.environ:
        raise UsageError(f"{where}: {key} is not set here; give {key}=VALUE or export {key}")
    return key, os.environ[key]


def headers(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`Name: value` strings as (name, value) pairs."""
    return tuple((name.strip(), value.strip()) for name, value in (i.split(":", 1) for i in items))


def make_source(settings: Settings) -> Source:
    """The source object for the source in `settings`, built from the groups it takes: every
    field of a group is a keyword argument of the same name (see sources/options.py)."""
    source = settings.require_source()
    kind = source.kind.name
    if kind == "file":
        from openapi_meta.sources.file import FileSource

        return FileSource(source.path())
    if kind == "app":
        from openapi_meta.sources.app import AppSource

        app = settings[AppOptions]
        # An app named in pyproject.toml imports from that file's folder, as its paths resolve.
        app_dir = app.app_dir or source.base_dir or Path(".")
        return AppSource(
            source.value,
            **{**app.source_kwargs(), "app_dir": app_dir},
            **settings[PythonOptions].source_kwargs(),
        )
    if kind == "preset":
        from openapi_meta.sources.preset import PresetSource

        return PresetSource(source.value)
    server = {
        **settings[ServerOptions].source_kwargs(),
        "headers": headers(settings[ServerOptions].headers),
        "quiet": settings[ReportOptions].quiet,
    }
    if kind == "url":
        from openapi_meta.sources.url import UrlSource

        return UrlSource(source.value, **server)
    env = settings[EnvOptions]
    server["startup_timeout"] = server["startup_timeout"] or DEFAULT_STARTUP_TIMEOUT
    server["env"] = environment(env.env, env.env_file)
    if kind == "fal":
        from openapi_meta.sources.fal import FalSource

        file, separator, function = source.value.rpartition("::")
        target = f"{source.path(file)}{separator}{function}" if file else source.value
        module = settings.module_path
        return FalSource(
            target,
            stand_in=module.stem if module.suffix == ".py" else "fal_openapi",
            server={**server, "verbose": settings[ReportOptions].verbose},
            **settings[PythonOptions].source_kwargs(),
        )
    port = settings[PortOptions].source_kwargs()
    if kind == "command":
        from openapi_meta.sources.command import CommandSource

        return CommandSource(source.value, cwd=source.base_dir, **port, **server)
    from openapi_meta.sources.docker import DockerSource, ImageBuild

    container = {
        **server,
        **port,
        **settings[ContainerOptions].source_kwargs(),
        "verbose": settings[ReportOptions].verbose,  # -v names the engine and its route
    }
    if kind == "build":
        build = settings[BuildOptions]
        build_args = tuple(tuple(a.split("=", 1)) for a in build.build_args)
        return DockerSource(
            build=ImageBuild(source.path(), **{**build.source_kwargs(), "build_args": build_args}),
            **container,
        )
    return DockerSource(image=source.value, **container)
