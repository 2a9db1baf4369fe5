"""The pipeline: source → load → convert → tidy → validate → lint: the spec and its findings."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from openapi_meta.aside import compute_aside
from openapi_meta.cleanup import start_background_thread
from openapi_meta.collector import cycle_collection_paused
from openapi_meta.config import Settings
from openapi_meta.errors import InvalidSpecError
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSONObject
from openapi_meta.options import RemoteRefOptions, TidyOptions
from openapi_meta.sources import RawDocument, Source
from openapi_meta.sources.options import FileOptions

if TYPE_CHECKING:
    from openapi_meta.convert import tidy as tidy_pass

# The stages after the fetch import the validator and its schema libraries (~0.2 s cold).
# A live source spends longer than that waiting for its server, so they load meanwhile.
_STAGES = (
    "openapi_meta.document.load",
    "openapi_meta.convert",
    "openapi_meta.convert.tidy",
    "openapi_meta.validate",
    "openapi_meta.lint",
)


def _import_stages() -> None:
    for name in _STAGES:
        importlib.import_module(name)


@dataclass(frozen=True)
class Extraction:
    """A valid 3.0.3 spec, where it came from, what conversion noticed on the way, and the
    output text when `run_pipeline` was given a `render`."""

    spec: JSONObject
    origin: str
    findings: tuple[Finding, ...]
    rendered: str | None = None


def run_pipeline(
    source: Source,
    *,
    settings: Settings | None = None,
    render: Callable[[JSONObject], str] | None = None,
) -> Extraction:
    """Fetch, load, convert, tidy, validate and lint; raises `InvalidSpecError` with every
    problem found. Without `settings`, tidy and lint run with their defaults. `render`
    makes the output text of the spec, beside validation when the spec is large (`aside`).
    """
    settings = settings or Settings()
    warm_up = start_background_thread(_import_stages, "openapi-meta-imports")
    raw = source.fetch()
    warm_up.join()
    from openapi_meta.convert import convert
    from openapi_meta.convert.tidy import tidy
    from openapi_meta.document.load import load_document

    with cycle_collection_paused():
        converted = convert(
            load_document(raw),
            base_dir=raw.base_dir,
            name=raw.name,
            ref_root=settings[FileOptions].ref_root,
            allow_remote=settings[RemoteRefOptions].allow_remote_refs,
            owned=True,  # load_document's fresh tree: nobody else holds it
        )
        # The converted document is this run's own copy: tidy may edit it in place.
        tidied = tidy(converted.document, tidy_options(settings, raw), copy=False)
        findings = [*raw.findings, *converted.findings, *tidied.findings]
        spec = tidied.document
        aside = None
        if render is not None:
            aside = compute_aside(partial(render, spec), size=len(raw.content))
        try:
            _check(spec, raw.name, settings, findings)
        except BaseException:
            if aside is not None:
                aside.cancel()
            raise
        rendered = aside.result() if aside is not None else None
    return Extraction(spec, raw.origin, tuple(findings), rendered)


def _check(spec: JSONObject, name: str, settings: Settings, findings: list[Finding]) -> None:
    """Validate, then lint for fal: `findings` gains lint's; `InvalidSpecError` on errors."""
    from openapi_meta.lint import lint
    from openapi_meta.validate import validate

    errors = validate(spec)
    if errors:
        raise InvalidSpecError(
            f"{name}: the spec is not valid OpenAPI 3.0.3 ({len(errors)} problem"
            f"{'s' if len(errors) != 1 else ''})",
            [*findings, *errors],
        )
    if settings.purpose == "fal":
        # Without --no-lint: every fal lint finding; with it, only what fal cannot deploy.
        linted = lint(spec, warnings=settings[TidyOptions].lint)
        findings.extend(linted)
        if any(f.level is Level.ERROR for f in linted):
            raise InvalidSpecError(f"{name}: fal cannot deploy this spec as it is", findings)


def conversion_settings(settings: Settings) -> Settings:
    """`openapi-meta convert`: the same pipeline with tidy and lint turned off."""
    switches = TidyOptions(drop_local_servers=False, fal_order=False, lint=False)
    return settings.with_groups(switches, purpose="convert")


def tidy_options(settings: Settings, raw: RawDocument | None = None) -> tidy_pass.TidyOptions:
    """The tidy steps `settings` asks for; a live server's port (a container's random one)
    counts as the extraction host wherever a `servers` entry names it."""
    from openapi_meta.convert.tidy import TidyOptions as TidyPassOptions

    chosen = settings[TidyOptions]
    fetched_port = urlsplit(raw.fetched_from).port if raw and raw.fetched_from else None
    return TidyPassOptions(
        drop_local_servers=chosen.drop_local_servers,
        server_url=chosen.server_url or (raw.served_prefix if raw else None),
        extraction_ports=frozenset({fetched_port} if fetched_port else ()),
        include_paths=chosen.include_path,
        exclude_paths=chosen.exclude_path,
        prune_components=chosen.prune_components,
        fal_order=chosen.fal_order,
    )
