"""Validate: the converted document against the OpenAPI 3.0 schema, every error at once."""

from __future__ import annotations

from openapi_spec_validator import OpenAPIV30SpecValidator

from openapi_meta.findings import Finding, Level, join_pointer
from openapi_meta.jsontypes import JSONObject


def validate(document: JSONObject) -> list[Finding]:
    """Every validation error of `document` as an error finding with its JSON pointer."""
    findings = []
    for error in OpenAPIV30SpecValidator(document).iter_errors():
        pointer = join_pointer("", *getattr(error, "path", ()))
        findings.append(Finding("invalid", Level.ERROR, pointer, error.message))
    return sorted(set(findings))
