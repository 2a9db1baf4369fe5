"""What the fal tests share: importing a generated module, and what `fal deploy` does with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any


def import_generated(path: Path) -> ModuleType:
    """Import a module written by openapi-meta from its file."""
    spec = importlib.util.spec_from_file_location("fal_openapi", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def struct_round_trip(metadata: dict[str, Any]) -> dict[str, Any]:
    """`fal deploy` sends metadata as a protobuf Struct: serialize one and read it back.

    Numbers come back as floats; Python compares 28 == 28.0 as equal."""
    from google.protobuf import json_format
    from isolate_proto import Struct

    sent = Struct()
    sent.update(metadata)
    received = Struct()
    received.ParseFromString(sent.SerializeToString())
    return json_format.MessageToDict(received)
