"""Meaning is kept: instances get the same verdict under the original 3.1 schema (JSON Schema
2020-12) and under the converted one (openapi-schema-validator's OAS 3.0 validator).

For every schema in `components.schemas` of the corpus 3.1 documents and of the `oas31-*`
fixture cases, instances come from hypothesis-jsonschema (generated from the original schema,
so mostly accepted ones) and from a fixed pool of plain values (mostly rejected ones). A schema
whose conversion recorded a lossy finding (a warning, or `nullable-without-type`) in itself or
in a schema it references is exempt: the finding already says the meaning changed there.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, Draft202012Validator
from jsonschema.validators import extend
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from openapi_meta.convert import convert
from openapi_meta.document.load import parse_text
from openapi_meta.findings import Level

ROOT = Path(__file__).resolve().parents[1]
CORPUS_31 = ROOT / ".." / "shared" / "corpus" / "oas3.1"
CASES = ROOT / "tests" / "cases"
# nullable-without-type: a strict 3.0.3 validator ignores that nullable (the finding says so).
# content-encoding: 3.1 `contentEncoding` is an annotation, 3.0 `format: byte` is asserted by
# openapi-schema-validator, so non-base64 text is rejected only after conversion.
LOSSY_INFO = {"nullable-without-type", "content-encoding"}
POOL: list[Any] = [
    None, True, False, 0, 1, -1, 2.5, 10**6, "", "a", "abc", "2024-01-01", [], [1], ["a", "b"],
    {}, {"a": 1}, {"name": "x"}, {"id": 1, "name": "n"},
]  # fmt: skip
MAX_GENERATED = 12  # schemas per document that also get generated instances (time)
# Both sides: `required` as JSON Schema says it (openapi-schema-validator skips readOnly
# properties in 3.0, a request/response rule, not the schema's meaning). The original uses
# the OAS 3.1 dialect (JSON Schema 2020-12); both check the same OpenAPI formats (int32,
# byte, ...), since the comparison is about keywords, not about which formats assert.
Before = extend(OAS31Validator, {"required": Draft202012Validator.VALIDATORS["required"]})
# `discriminator` is unchanged by conversion but only the 3.0 validator applies it; compare
# the plain anyOf/oneOf/allOf on both sides.
After = extend(
    OAS30Validator,
    {k: Draft4Validator.VALIDATORS[k] for k in ("required", "anyOf", "oneOf", "allOf")},
)
_REF = re.compile(r'"\$ref": "#/components/schemas/([^"/]+)"')


def _documents() -> list[tuple[str, Path]]:
    found = []
    if CORPUS_31.is_dir():
        found += [(f"corpus/{p.name}", p) for p in sorted(CORPUS_31.iterdir())]
    found += [(f"case/{p.name}", p / "input.yaml") for p in sorted(CASES.glob("oas31-*"))]
    return found


def _samples(document: dict[str, Any], name: str) -> list[Any]:
    """Up to 8 instances hypothesis-jsonschema generates from the original schema."""
    try:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st  # noqa: F401
        from hypothesis_jsonschema import from_schema
    except ImportError:
        return []
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    found: list[Any] = []
    try:
        strategy = from_schema(root)

        @settings(max_examples=8, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(strategy)
        def collect(value: Any) -> None:
            found.append(value)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            collect()
    except Exception:  # recursive or unsupported schemas: the pool still runs
        return found
    return found


def _lossy(converted: dict[str, Any], findings: tuple[Any, ...]) -> set[str]:
    """Schema names whose meaning a finding says changed, directly or through a $ref."""
    lossy = set()
    for finding in findings:
        if finding.level is Level.WARNING or finding.code in LOSSY_INFO:
            parts = finding.pointer.split("/")
            if finding.pointer.startswith("/components/schemas/") and len(parts) > 3:
                lossy.add(parts[3].replace("~1", "/").replace("~0", "~"))
    schemas = converted.get("components", {}).get("schemas", {})
    uses = {name: set(_REF.findall(json.dumps(schema))) for name, schema in schemas.items()}
    changed = True
    while changed:
        changed = False
        for name, refs in uses.items():
            if name not in lossy and refs & lossy:
                lossy.add(name)
                changed = True
    return lossy


def _accepts(validator: Any, instance: Any) -> bool:
    try:
        return validator.is_valid(instance)
    except UnicodeEncodeError:  # openapi-schema-validator's `byte` check on non-ASCII text
        return False


DOCUMENTS = _documents()


@pytest.mark.slow
@pytest.mark.parametrize(("name", "path"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_converted_schemas_accept_what_the_originals_accept(name: str, path: Path) -> None:
    original = parse_text(path.read_text(encoding="utf-8"), str(path))
    schemas = original.get("components", {}).get("schemas", {})
    if not schemas:
        pytest.skip("no components.schemas")
    if "external-shared.json" in path.read_text(encoding="utf-8"):
        pytest.skip("refers to external-shared.json, which this corpus folder does not hold")
    result = convert(original, base_dir=path.parent)
    converted = result.document
    lossy = _lossy(converted, result.findings)

    before = Registry().with_resource("urn:before", DRAFT202012.create_resource(original))
    after = Registry().with_resource("urn:after", DRAFT4.create_resource(converted))
    checked = 0
    mismatches = []
    for index, schema_name in enumerate(schemas):
        if schema_name in lossy:
            continue
        pointer = "#/components/schemas/" + schema_name.replace("~", "~0").replace("/", "~1")
        old = Before(
            {"$ref": "urn:before" + pointer},
            registry=before,
            format_checker=oas30_format_checker,
        )
        new = After(
            converted["components"]["schemas"][schema_name],
            _resolver=after.resolver(base_uri="urn:after"),
            format_checker=oas30_format_checker,
        )
        generated = _samples(original, schema_name) if index < MAX_GENERATED else []
        for instance in [*POOL, *generated]:
            checked += 1
            verdict = _accepts(old, instance)
            if verdict != _accepts(new, instance):
                mismatches.append((schema_name, instance, verdict))
    assert mismatches == [], mismatches[:5]
    assert checked or lossy
