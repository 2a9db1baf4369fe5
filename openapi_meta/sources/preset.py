"""`--preset NAME` with no server: the preset's document as it is (no route check)."""

from __future__ import annotations

from dataclasses import dataclass

from openapi_meta.presets import load_preset
from openapi_meta.sources import RawDocument


@dataclass(frozen=True)
class PresetSource:
    name: str

    def fetch(self) -> RawDocument:
        preset = load_preset(self.name)
        label = f"openapi-meta's {self.name} preset"
        return RawDocument(preset.content, origin=label, name=label, syntax="yaml")
