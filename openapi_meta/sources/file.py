"""The `--file` source: a JSON or YAML spec on disk (its folder is the root for relative $refs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from openapi_meta.errors import SourceError
from openapi_meta.limits import MAX_DOCUMENT_BYTES
from openapi_meta.sources import RawDocument

_SYNTAX_BY_SUFFIX = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class FileSource:
    path: Path

    def fetch(self) -> RawDocument:
        path = self.path
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise SourceError(f"{path}: is a folder, not a spec file")
            if size > MAX_DOCUMENT_BYTES:
                raise SourceError(
                    f"{path}: {size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit"
                )
            content = path.read_bytes()
        except FileNotFoundError as exc:
            raise SourceError(f"{path}: no such file") from exc
        except PermissionError as exc:
            raise SourceError(f"{path}: permission denied") from exc
        except OSError as exc:
            raise SourceError(f"{path}: cannot read ({exc.strerror})") from exc
        return RawDocument(
            content=content,
            origin=_display_path(path),
            name=path.as_posix(),
            base_dir=path.resolve().parent,
            syntax=_SYNTAX_BY_SUFFIX.get(path.suffix.lower()),
        )


def _display_path(path: Path) -> str:
    """The path as the module header records it: relative to the current folder when the file
    is inside it (settings from pyproject.toml arrive absolute), so the header does not carry
    one machine's checkout location."""
    if path.is_absolute():
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            return Path(relative).as_posix()
    return path.as_posix()
