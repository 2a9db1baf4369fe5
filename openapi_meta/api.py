"""The Python API behind `openapi_meta.extract_file`."""

from __future__ import annotations

from pathlib import Path

from openapi_meta.pipeline import Extraction, run_pipeline
from openapi_meta.sources.file import FileSource


def extract_file(path: str | Path) -> Extraction:
    """Load, convert and validate the spec file at `path`; `.spec` is the 3.0.3 document."""
    return run_pipeline(FileSource(Path(path)))
