"""Convert: any supported input version to an OpenAPI 3.0.3 document, recording findings.

The caller's document is never mutated: conversion works on its own copy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from openapi_meta.errors import DocumentError
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSONObject

TARGET_VERSION = "3.0.3"


@dataclass
class ConversionContext:
    """Per-run state of a conversion: options and the findings recorded so far."""

    base_dir: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    def report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.findings.append(Finding(code, level, pointer, message))


@dataclass(frozen=True)
class ConversionResult:
    document: JSONObject
    findings: tuple[Finding, ...]


def detect_version(document: JSONObject) -> str:
    """The declared version ("2.0", "3.0.1", ...) or a clear error when there is none usable."""
    if "openapi" in document:
        declared = document["openapi"]
        field_name = "openapi"
    elif "swagger" in document:
        declared = document["swagger"]
        field_name = "swagger"
    else:
        raise DocumentError(
            "not an OpenAPI document: no top-level 'openapi' (3.x) or 'swagger' (2.0) field"
        )
    if not isinstance(declared, str):
        raise DocumentError(
            f"/{field_name}: the version must be a string, not {declared!r}"
            f" (in YAML, quote it: {field_name}: '{declared}')"
        )
    return declared


def convert(document: JSONObject, *, base_dir: Path | None = None) -> ConversionResult:
    """Return a 3.0.3 copy of `document` and the findings of every step that changed it."""
    version = detect_version(document)
    context = ConversionContext(base_dir=base_dir)
    if version.startswith("3.0."):
        result = copy.deepcopy(document)
        if version != TARGET_VERSION:
            context.report(
                "version-set",
                Level.INFO,
                "/openapi",
                f"declared version {version} set to {TARGET_VERSION} (same 3.0 schema)",
            )
        result["openapi"] = TARGET_VERSION
        return ConversionResult(result, tuple(context.findings))
    if version == "2.0" or version.startswith("3.1."):
        raise DocumentError(
            f"OpenAPI {version} input is not supported yet: this version of openapi-meta reads"
            " 3.0.x documents only"
        )
    raise DocumentError(
        f"unsupported OpenAPI version {version!r}: openapi-meta reads Swagger 2.0 and"
        " OpenAPI 3.0.x and 3.1.x"
    )
