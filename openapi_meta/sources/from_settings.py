"""The one place that turns Settings into a source object, for each source option."""

from __future__ import annotations

import os
from pathlib import Path

from openapi_meta.config import Settings
from openapi_meta.errors import UsageError
from openapi_meta.sources import Source

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
    """The source object for the one source option in `settings`, its options parsed."""
    option = settings.source_option
    if option == "file":
        from openapi_meta.sources.file import FileSource

        assert settings.file is not None
        return FileSource(settings.file)
    if option == "app":
        from openapi_meta.sources.app import AppSource

        assert settings.app is not None
        return AppSource(
            settings.app,
            app_dir=settings.app_dir or Path("."),
            factory=settings.factory,
            timeout=settings.app_timeout,
        )
    header_pairs = headers(settings.headers)
    if option == "url":
        from openapi_meta.sources.url import UrlSource

        assert settings.url is not None
        return UrlSource(
            settings.url,
            spec_path=settings.spec_path,
            headers=header_pairs,
            startup_timeout=settings.startup_timeout,
            quiet=settings.quiet,
        )
    timeout = settings.startup_timeout or DEFAULT_STARTUP_TIMEOUT
    env = environment(settings.env, settings.env_file)
    if option == "fal":
        from openapi_meta.sources.fal import FalSource

        assert settings.fal is not None
        output = Path(settings.output)
        return FalSource(
            settings.fal,
            stand_in=output.stem if output.suffix == ".py" else "fal_openapi",
            spec_path=settings.spec_path,
            headers=header_pairs,
            env=env,
            startup_timeout=timeout,
            quiet=settings.quiet,
        )
    if option == "command":
        from openapi_meta.sources.command import CommandSource

        assert settings.command is not None and settings.port is not None
        return CommandSource(
            settings.command,
            settings.port,
            spec_path=settings.spec_path,
            headers=header_pairs,
            env=env,
            startup_timeout=timeout,
            quiet=settings.quiet,
        )
    from openapi_meta.sources.docker import DockerSource, ImageBuild

    build = None
    if option == "build":
        assert settings.build is not None
        build = ImageBuild(
            settings.build,
            dockerfile=settings.dockerfile,
            build_args=tuple(tuple(a.split("=", 1)) for a in settings.build_args),  # type: ignore[misc]
            keep=settings.keep_image,
        )
    return DockerSource(
        image=settings.image,
        build=build,
        port=settings.port,
        spec_path=settings.spec_path,
        headers=header_pairs,
        env=env,
        cmd=settings.cmd,
        entrypoint=settings.entrypoint,
        pull=settings.pull or "missing",
        platform=settings.platform,
        gpus=settings.gpus,
        memory=settings.memory,
        startup_timeout=timeout,
        quiet=settings.quiet,
        verbose=settings.verbose,
    )
