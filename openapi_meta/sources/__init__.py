"""Sources: where a spec comes from. Each source returns a `RawDocument`: bytes plus origin.

A source is anything with `fetch() -> RawDocument`. Sources that start something (a container,
a process) stop it inside `fetch` on every path, so the pipeline never owns a running resource.
Tests plug in an in-memory source the way httpx tests plug in a mock transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from openapi_meta.findings import Finding


@dataclass(frozen=True)
class RawDocument:
    """The undecoded spec and where it came from.

    `origin` is what the module header records (a path, a URL, an image name and ID);
    `name` is what error messages call the document; `base_dir` is where relative `$ref`s
    resolve (only for documents read from disk); `syntax` is "json", "yaml" or None (sniff);
    `fetched_from` is the URL a live server answered on, random port included, so tidy can
    recognise `servers` entries that point at the extraction host. A live source also gives
    what discovery and the route check noticed (`findings`) and `served_prefix`, the prefix
    the server serves the spec's paths under when the spec does not say so.
    """

    content: bytes
    origin: str
    name: str
    base_dir: Path | None = None
    syntax: str | None = None
    fetched_from: str | None = None
    findings: tuple[Finding, ...] = ()
    served_prefix: str | None = None


class Source(Protocol):
    def fetch(self) -> RawDocument: ...


@dataclass(frozen=True)
class InMemorySource:
    """A source that hands back a fixed document: for tests and for the Python API."""

    document: RawDocument

    def fetch(self) -> RawDocument:
        return self.document
