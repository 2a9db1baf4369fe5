"""Presets: OpenAPI documents for servers that publish no spec, kept as package data.

Each was written for this project from the server's documented routes and request and
response shapes (see `shared/notes/servers-without-specs.md` for the sources), not copied from
another project's spec file. A preset is chosen by `--preset NAME`, or automatically when
discovery finds no spec and the server answers its fingerprint route the way only that
server does; either way it is converted and route-checked like any spec, so a route the
running version lacks is reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

PRESET_NAMES = ("comfyui", "ollama", "llamacpp", "oip-v2")


@dataclass(frozen=True)
class Preset:
    name: str
    server: str  # what the server is, for messages
    description: str
    content: bytes


@dataclass(frozen=True)
class Fingerprint:
    """`GET path` answers JSON that `test` accepts only on this preset's server."""

    preset: str
    path: str
    test: Callable[[Any], bool]

    def matches(self, content: bytes) -> bool:
        try:
            return bool(self.test(json.loads(content)))
        except (ValueError, TypeError, AttributeError, KeyError):
            return False


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


FINGERPRINTS = (
    # ComfyUI: /system_stats names its version in "system".
    Fingerprint(
        "comfyui",
        "/system_stats",
        lambda d: _is_dict(d) and _is_dict(d.get("system")) and "comfyui_version" in d["system"],
    ),
    # Ollama: /api/version is {"version": "0.x.y"} and nothing else.
    Fingerprint(
        "ollama",
        "/api/version",
        lambda d: _is_dict(d) and list(d) == ["version"] and isinstance(d["version"], str),
    ),
    # llama.cpp's llama-server: /props carries the default generation settings and slots.
    Fingerprint(
        "llamacpp",
        "/props",
        lambda d: _is_dict(d) and "default_generation_settings" in d and "total_slots" in d,
    ),
    # Open Inference Protocol v2 (Triton, KServe, MLServer): server metadata at /v2.
    Fingerprint(
        "oip-v2",
        "/v2",
        lambda d: (
            _is_dict(d)
            and {"name", "version", "extensions"} <= set(d)
            and isinstance(d["extensions"], list)
        ),
    ),
)

_SERVERS = {
    "comfyui": ("ComfyUI", "the self-hosted ComfyUI HTTP API"),
    "ollama": ("Ollama", "Ollama's native /api routes"),
    "llamacpp": ("llama.cpp's llama-server", "its completion, chat and embedding routes"),
    "oip-v2": ("an Open Inference Protocol v2 server", "the KServe / Triton v2 REST protocol"),
}


def load_preset(name: str) -> Preset:
    """The preset `name` (one of PRESET_NAMES) with its YAML document."""
    server, description = _SERVERS[name]
    content = resources.files(__package__).joinpath(f"{name}.yaml").read_bytes()
    return Preset(name, server, description, content)
