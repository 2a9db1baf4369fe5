"""Servers that can serve a spec but were told not to: say so instead of "no spec found".

vLLM builds its FastAPI app with `openapi_url=None` under `--disable-fastapi-docs`; SGLang
does the same when the environment variable DISABLE_OPENAPI_DOC is true. Both are seen in the
server's command line and environment before a single request is made.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence

_TRUE = {"1", "true", "yes", "on"}


def spec_disabled(argv: Sequence[str], env: Mapping[str, str]) -> str | None:
    """Why this server serves no spec, when its command line or environment turned it off."""
    if any(
        arg == "--disable-fastapi-docs" or arg.startswith("--disable-fastapi-docs=") for arg in argv
    ):
        return (
            "the server was started with --disable-fastapi-docs (vLLM), which turns off its"
            " /openapi.json: start it without that flag"
        )
    if env.get("DISABLE_OPENAPI_DOC", "").strip().lower() in _TRUE:
        return (
            f"DISABLE_OPENAPI_DOC={env['DISABLE_OPENAPI_DOC']} is set for the server (SGLang),"
            " which turns off its /openapi.json: unset it"
        )
    return None


def command_words(command: str) -> list[str]:
    """A shell command's words, as well as they can be told apart without running a shell."""
    try:
        return shlex.split(command)
    except ValueError:  # unbalanced quotes: the shell will say so; words are enough here
        return command.split()


def environment_of(pairs: Sequence[str]) -> dict[str, str]:
    """A container's `Config.Env` list (KEY=VALUE strings) as a dict."""
    return dict(item.split("=", 1) for item in pairs if "=" in item)
