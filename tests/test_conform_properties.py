"""Any document in, a valid 3.0.3 document out: properties over generated and mutated input.

(a) documents generated from the official OpenAPI 3.0 and 3.1 JSON Schemas (`oas_documents`);
(b) real corpus documents with foreign fields, values of the wrong shape, dangling references
    and missing required fields put at random nodes of every type;
(c) a property *named* like a keyword, at any depth, survives conversion as a property.

For (a) and (b): `convert()` either returns a document that `validate()` accepts (validate
gives openapi-spec-validator's verdict: tests/test_validate.py) or raises a `DocumentError`
whose message names a place; never anything else. CI runs thousands of examples
(HYPOTHESIS_EXAMPLES, default 2000 under CI=true, 200 elsewhere).
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openapi_meta.convert import convert
from openapi_meta.document import oas30
from openapi_meta.document.load import parse_text
from openapi_meta.document.walk import OPENAPI_32, SWAGGER_20, walk
from openapi_meta.errors import DocumentError
from openapi_meta.validate import validate
from tests.conftest import corpus_files, requires_corpus
from tests.oas_documents import KEYWORD_NAMES, ODD, REFS, documents, json_schemas

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", 2000 if os.environ.get("CI") else 200))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# "at /paths/~1a", "/openapi: ...", "'#/components/x'", "the document root": where it is.
POINTER = re.compile(r"(^|[\s'(])#?/|document root")


def converts_or_names_the_place(document: Any, base_dir: Path | None = None) -> None:
    try:
        result = convert(document, base_dir=base_dir)
    except DocumentError as exc:
        assert POINTER.search(str(exc)), f"the error names no place: {exc}"
        return
    errors = validate(result.document)
    assert errors == [], [(e.pointer, e.message) for e in errors[:5]]


# --- (a) generated from the official schemas ------------------------------------------------


@PROPERTY
@given(documents("3.0"))
def test_documents_from_the_3_0_schema_convert_to_valid_303(document: Any) -> None:
    converts_or_names_the_place(document)


@PROPERTY
@given(documents("3.1"))
def test_documents_from_the_3_1_schema_convert_to_valid_303(document: Any) -> None:
    converts_or_names_the_place(document)


# --- (b) corpus documents, mutated ------------------------------------------------------------


def _small_corpus() -> list[tuple[str, Any]]:
    """A few real documents of each version, small enough to copy thousands of times."""
    chosen = []
    for folder in ("swagger2.0", "oas3.0", "oas3.1"):
        paths = [p for p in corpus_files(folder) if p.stat().st_size < 40_000][:6]
        chosen += [(p.name, parse_text(p.read_text(encoding="utf-8"), p.name)) for p in paths]
    return chosen


SMALL_CORPUS = _small_corpus()


class _Sites:
    """Every object of a document with its type, found by the walker's table."""

    def __init__(self, types: Any) -> None:
        self.sites: list[tuple[dict[str, Any], str]] = []
        for name in types:
            setattr(self, f"visit_{name}", self._record)

    def _record(self, node: Any, pointer: str, node_type: Any) -> None:
        if isinstance(node, dict):
            self.sites.append((node, node_type.name))


FOREIGN = st.sampled_from(
    ["logo", "summary", "content_type", "optional", "enums", "servers", "in", "name", "type",
     "default", "required", "X-Internal", "$comment", "definitions", "nullable", "query"]
)  # fmt: skip


@st.composite
def mutated(draw: Any) -> Any:
    _, original = draw(st.sampled_from(SMALL_CORPUS))
    document = copy.deepcopy(original)
    types = SWAGGER_20 if "swagger" in document else OPENAPI_32
    sites = _Sites(types)
    walk(document, [sites], types)
    for _ in range(draw(st.integers(1, 6))):
        node, type_name = draw(st.sampled_from(sites.sites))
        fields = list(oas30.FIELDS.get(type_name, {})) or list(node) or ["x"]
        action = draw(st.integers(0, 4))
        if action == 0:  # a field the type does not define
            node[draw(FOREIGN | st.text(max_size=6))] = draw(ODD | st.text(max_size=5))
        elif action == 1:  # a defined field, a value of the wrong shape
            node[draw(st.sampled_from(fields))] = draw(ODD)
        elif action == 2 and node:  # a field gone (required ones included)
            node.pop(draw(st.sampled_from(sorted(node))))
        elif action == 3:  # a reference that leads nowhere, or to a map
            node[draw(st.sampled_from(fields))] = {"$ref": draw(st.sampled_from(REFS))}
        else:  # the node itself replaced by a reference
            node.clear()
            node["$ref"] = draw(st.sampled_from(REFS))
    return document


@requires_corpus
@pytest.mark.corpus
@PROPERTY
@given(mutated())
def test_mutated_corpus_documents_convert_to_valid_303(document: Any) -> None:
    converts_or_names_the_place(document)


# --- (c) properties named like keywords ---------------------------------------------------------


def _object_schemas(depth: int = 0) -> st.SearchStrategy[Any]:
    leaf = st.sampled_from([{"type": "string"}, {"type": "integer"}, {}])
    if depth >= 3:
        return leaf
    return leaf | st.fixed_dictionaries(
        {
            "type": st.just("object"),
            "properties": st.dictionaries(
                st.sampled_from(KEYWORD_NAMES), _object_schemas(depth + 1), min_size=1, max_size=4
            ),
        }
    )


def _property_paths(schema: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    paths = set()
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        for name, member in schema["properties"].items():
            paths.add((*path, name))
            paths |= _property_paths(member, (*path, name))
    return paths


@PROPERTY
@given(_object_schemas(), st.sampled_from(["3.0.3", "3.1.0"]))
def test_a_property_named_like_a_keyword_survives(schema: Any, version: str) -> None:
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Model": schema}},
    }
    result = convert(document)
    assert validate(result.document) == []
    converted = result.document["components"]["schemas"]["Model"]
    assert _property_paths(converted) == _property_paths(schema)


@PROPERTY
@given(json_schemas())
def test_any_json_schema_as_a_3_1_component_converts_to_valid_303(schema: Any) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Model": schema, "Pet": {"type": "object"}}},
    }
    converts_or_names_the_place(document)
