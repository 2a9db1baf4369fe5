"""The pipeline: source → load → convert → validate, returning the spec and its findings."""

from __future__ import annotations

from dataclasses import dataclass

from openapi_meta.config import Settings
from openapi_meta.convert import convert
from openapi_meta.document.load import load_document
from openapi_meta.errors import InvalidSpecError, UsageError
from openapi_meta.findings import Finding
from openapi_meta.jsontypes import JSONObject
from openapi_meta.sources import Source
from openapi_meta.validate import validate


@dataclass(frozen=True)
class Extraction:
    """A valid 3.0.3 spec, where it came from, and what conversion noticed on the way."""

    spec: JSONObject
    origin: str
    findings: tuple[Finding, ...]


def make_source(settings: Settings) -> Source:
    """The source object for the one source option in `settings`."""
    option = settings.source_option
    if option == "file":
        from openapi_meta.sources.file import FileSource

        assert settings.file is not None
        return FileSource(settings.file)
    if option in ("url", "command", "image", "build"):
        from openapi_meta.sources.live import make_live_source

        return make_live_source(settings)
    raise UsageError(f"--{option} is not available in this version of openapi-meta")


def run_pipeline(source: Source) -> Extraction:
    """Fetch, load, convert and validate; raises `InvalidSpecError` with every problem found."""
    raw = source.fetch()
    document = load_document(raw)
    result = convert(document, base_dir=raw.base_dir)
    errors = validate(result.document)
    if errors:
        raise InvalidSpecError(
            f"{raw.name}: the spec is not valid OpenAPI 3.0.3 ({len(errors)} problem"
            f"{'s' if len(errors) != 1 else ''})",
            [*result.findings, *errors],
        )
    return Extraction(result.document, raw.origin, result.findings)
