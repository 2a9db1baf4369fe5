"""validate() gives the same verdict as openapi-spec-validator 0.9, with absolute pointers.

openapi-spec-validator has two schema backends and picks jsonschema-rs when it is installed
(it is, as a dependency of openapi-meta), which also checks the OAS schema's formats (regex,
email, uri); the pure-Python one does not. A document is valid for the oracle when both
backends accept it, which is what a user of either gets. An exception from the oracle (it
raises on unresolvable references and malformed path templates instead of reporting them)
counts as "invalid".
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.schemas.utils import get_schema_content

from openapi_meta.convert import convert
from openapi_meta.document.load import parse_text
from openapi_meta.errors import DocumentError
from openapi_meta.findings import Finding, Level
from openapi_meta.validate import validate
from tests.conftest import corpus_files, requires_corpus


class _Oracle(OpenAPIV30SpecValidator):
    schema_validator = Draft4Validator(get_schema_content("3.0"))


def oracle_is_valid(document: dict[str, Any]) -> bool:
    for oracle in (_Oracle, OpenAPIV30SpecValidator):
        try:
            if next(iter(oracle(copy.deepcopy(document)).iter_errors()), None) is not None:
                return False
        except Exception:  # the oracle raises where it should report: still a "no"
            return False
    return True


def node_at(document: Any, pointer: str) -> Any:
    """The node a JSON pointer names; fails the test when there is none."""
    node = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            assert token.isdigit() and int(token) < len(node), f"{pointer}: no item {token}"
            node = node[int(token)]
        else:
            assert isinstance(node, dict) and token in node, f"{pointer}: no key {token!r}"
            node = node[token]
    return node


def check_against_oracle(document: dict[str, Any]) -> list[Finding]:
    """validate() and the oracle agree; every finding is an error at a real node."""
    findings = validate(document)
    assert (not findings) == oracle_is_valid(document), [
        (f.code, f.pointer, f.message) for f in findings
    ]
    for finding in findings:
        assert finding.level is Level.ERROR
        node_at(document, finding.pointer)
    assert findings == sorted(findings, key=lambda f: (f.pointer, f.code, f.message))
    return findings


def base_document() -> dict[str, Any]:
    """A small valid 3.0.3 document that exercises every kind of check."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1.0.0"},
        "tags": [{"name": "pets"}],
        "paths": {
            "/pets/{petId}": {
                "parameters": [
                    {
                        "name": "petId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "format": "int32"},
                    }
                ],
                "get": {
                    "operationId": "getPet",
                    "tags": ["pets"],
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "responses": {
                        "200": {
                            "description": "A pet",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        },
                        "default": {"$ref": "#/components/responses/Error"},
                    },
                },
            },
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}
                        }
                    },
                    "responses": {"201": {"description": "created"}},
                }
            },
        },
        "components": {
            "parameters": {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "format": "int32", "minimum": 1, "default": 20},
                }
            },
            "responses": {
                "Error": {
                    "description": "error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "pattern": "^[a-z]+$"},
                        "tag": {"type": "string", "nullable": True, "default": None},
                    },
                },
                "Pet": {
                    "allOf": [
                        {"$ref": "#/components/schemas/NewPet"},
                        {"type": "object", "properties": {"id": {"type": "integer"}}},
                    ],
                    "required": ["id", "name"],
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "integer", "enum": [400, 404]},
                        "message": {"type": "string", "default": "oops"},
                    },
                },
            },
        },
    }


def test_the_base_document_is_valid_for_both() -> None:
    assert check_against_oracle(base_document()) == []


def _schemas(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]


def _get_pet(d: dict[str, Any]) -> dict[str, Any]:
    return d["paths"]["/pets/{petId}"]["get"]


def _pet_response_schema(d: dict[str, Any]) -> dict[str, Any]:
    return _get_pet(d)["responses"]["200"]["content"]["application/json"]["schema"]


def _add_operation(path: str, **operation: Any) -> Callable[[dict[str, Any]], None]:
    def add(d: dict[str, Any]) -> None:
        d["paths"][path] = {"get": {"responses": {"200": {"description": "ok"}}, **operation}}

    return add


# One hand-made invalid document per kind of check: (id, change to the base, expected code,
# expected pointer).
INVALID: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "missing-info-version",
        lambda d: d["info"].pop("version"),
        "invalid",
        "/info",
    ),
    (
        "response-without-description",
        lambda d: _get_pet(d)["responses"]["200"].pop("description"),
        "invalid",
        "/paths/~1pets~1{petId}/get/responses/200",
    ),
    (
        "keyword-with-wrong-type",
        lambda d: _schemas(d)["NewPet"]["properties"]["name"].update(required=True),
        "invalid",
        "/components/schemas/NewPet/properties/name/required",
    ),
    (
        "unknown-type-name",
        lambda d: _schemas(d)["Error"].update(type="record"),
        "invalid",
        "/components/schemas/Error/type",
    ),
    (
        "template-without-path-parameter",
        _add_operation("/owners/{ownerId}"),
        "unresolved-path-parameter",
        "/paths/~1owners~1{ownerId}/get",
    ),
    (
        "path-parameter-without-template",
        _add_operation(
            "/owners",
            parameters=[{"name": "ownerId", "in": "path", "required": True}],
        ),
        "unresolved-path-parameter",
        "/paths/~1owners/get/parameters/0",
    ),
    (
        "path-parameter-declared-in-query",  # the corpus's OData document has this bug
        _add_operation(
            "/Businesses({key})",
            parameters=[{"name": "key", "in": "query", "schema": {"type": "integer"}}],
        ),
        "unresolved-path-parameter",
        "/paths/~1Businesses({key})/get",
    ),
    (
        "malformed-path-template",
        _add_operation("/owners/{ownerId"),
        "invalid-path-template",
        "/paths/~1owners~1{ownerId/get",
    ),
    (
        "duplicate-operation-id",
        lambda d: d["paths"]["/pets"]["post"].update(operationId="getPet"),
        "duplicate-operation-id",
        "/paths/~1pets/post/operationId",
    ),
    (
        "duplicate-parameter",
        lambda d: d["paths"]["/pets/{petId}"]["parameters"].append(
            {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
        ),
        "duplicate-parameter",
        "/paths/~1pets~1{petId}/parameters/1",
    ),
    (
        "duplicate-tag",
        lambda d: d["tags"].append({"name": "pets", "description": "again"}),
        "duplicate-tag",
        "/tags/1",
    ),
    (
        "unresolvable-ref",
        lambda d: _pet_response_schema(d).update({"$ref": "#/components/schemas/Missing"}),
        "unresolved-ref",
        "/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref",
    ),
    (
        "external-ref",
        lambda d: _pet_response_schema(d).update({"$ref": "pets.yaml#/Pet"}),
        "unresolved-ref",
        "/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref",
    ),
    (
        "circular-ref",
        lambda d: _schemas(d).update(
            Loop1={"$ref": "#/components/schemas/Loop2"},
            Loop2={"$ref": "#/components/schemas/Loop1"},
        ),
        "unresolved-ref",
        "/components/schemas/Loop1/$ref",
    ),
    (
        "default-of-wrong-type",
        lambda d: _schemas(d)["Error"]["properties"]["code"].update(default="x"),
        "invalid-default",
        "/components/schemas/Error/properties/code/default",
    ),
    (
        "default-outside-format",
        lambda d: d["components"]["parameters"]["Limit"]["schema"].update(default=2**40),
        "invalid-default",
        "/components/parameters/Limit/schema/default",
    ),
    (
        "null-default-without-nullable",
        lambda d: _schemas(d)["Error"]["properties"]["message"].update(default=None),
        "invalid-default",
        "/components/schemas/Error/properties/message/default",
    ),
    (
        "default-missing-a-required-property",
        lambda d: _schemas(d)["Pet"].update(default={"id": 1}),
        "invalid-default",
        "/components/schemas/Pet/default",
    ),
    (
        "allof-requires-an-undefined-property",
        lambda d: _schemas(d)["Pet"]["required"].append("age"),
        "required-not-defined",
        "/components/schemas/Pet/required",
    ),
    (
        "invalid-regex-pattern",
        lambda d: _schemas(d)["NewPet"]["properties"]["name"].update(pattern="(unclosed"),
        "invalid-schema",
        "/components/schemas/NewPet/properties/name/pattern",
    ),
    (
        "enum-with-duplicates",  # allowed by the OAS 3.0 schema, not by draft 4's metaschema
        lambda d: _schemas(d)["Error"]["properties"]["code"].update(enum=[400, 400]),
        "invalid-schema",
        "/components/schemas/Error/properties/code/enum",
    ),
    (
        "bad-keyword-beside-a-ref",  # a Reference may have siblings; the metaschema sees them
        lambda d: _schemas(d)["Pet"]["allOf"][0].update(minLength=-1),
        "invalid-schema",
        "/components/schemas/Pet/allOf/0/minLength",
    ),
]


@pytest.mark.parametrize(
    ("change", "code", "pointer"),
    [pytest.param(change, code, pointer, id=name) for name, change, code, pointer in INVALID],
)
def test_each_check_agrees_with_the_oracle(
    change: Callable[[dict[str, Any]], None], code: str, pointer: str
) -> None:
    document = base_document()
    change(document)
    findings = check_against_oracle(document)
    assert (code, pointer) in {(f.code, f.pointer) for f in findings}, findings


def test_every_error_is_reported_at_once() -> None:
    # Without "bad-keyword-beside-a-ref": like the reference, a schema that fails the
    # metaschema is not looked into further, which would hide Pet's allOf/required error.
    cases = [case for case in INVALID if case[0] != "bad-keyword-beside-a-ref"]
    document = base_document()
    for _, change, _, _ in cases:
        change(document)
    findings = check_against_oracle(document)
    assert {(f.code, f.pointer) for f in findings} >= {(c, p) for _, _, c, p in cases}


def test_pointers_inside_referenced_schemas_are_absolute() -> None:
    # The error is met through two $refs (response → Error); the pointer names the schema
    # where the bad default is written, not a path relative to the response.
    document = base_document()
    _schemas(document)["Error"]["properties"]["code"]["default"] = "x"
    findings = check_against_oracle(document)
    assert {f.pointer for f in findings} == {"/components/schemas/Error/properties/code/default"}
    assert "'x' is not of type 'integer'" in {f.message for f in findings}


def test_odata_templates_inside_a_segment_are_valid() -> None:
    """`/Businesses({key})` is valid OpenAPI when `key` is an `in: path` parameter; the
    reference accepts it too (the corpus's OData document is invalid for another reason:
    it declares `key` `in: query`)."""
    document = base_document()
    _add_operation(
        "/Businesses({key})/Owners(id={id})",
        parameters=[
            {"name": "key", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
    )(document)
    assert check_against_oracle(document) == []


def test_nullable_null_default_is_valid() -> None:
    document = base_document()
    assert _schemas(document)["NewPet"]["properties"]["tag"]["default"] is None
    assert check_against_oracle(document) == []


def test_a_dangling_ref_where_the_oracle_does_not_look_is_an_error() -> None:
    """Deliberately stricter: the oracle never reads requestBody schemas, so it accepts a
    `$ref` there that leads nowhere; every consumer of the spec would fail on it."""
    document = base_document()
    schema = document["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]
    schema["schema"] = {"$ref": "#/components/schemas/Gone"}
    assert oracle_is_valid(document)
    findings = validate(document)
    assert [(f.code, f.pointer) for f in findings] == [
        ("unresolved-ref", "/paths/~1pets/post/requestBody/content/application~1json/schema/$ref")
    ]


def test_refs_inside_example_data_and_extensions_are_not_references() -> None:
    document = base_document()
    _schemas(document)["Error"]["example"] = {"$ref": "#/nowhere"}
    _schemas(document)["Error"]["x-original"] = {"$ref": "#/nowhere"}
    assert check_against_oracle(document) == []


def test_the_callers_document_is_not_changed() -> None:
    document = base_document()
    document["info"].pop("version")
    before = copy.deepcopy(document)
    validate(document)
    assert document == before


# --- the corpus ---------------------------------------------------------------------------


@requires_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files("oas3.0"), ids=lambda p: p.name)
def test_same_verdict_on_corpus_documents(path: Any) -> None:
    document = parse_text(path.read_text(encoding="utf-8"), path.name)
    document["openapi"] = "3.0.3"
    check_against_oracle(document)


CONVERTIBLE = [
    p
    for folder in ("swagger2.0", "oas3.1")
    for p in corpus_files(folder)
    if p.stat().st_size < 1_000_000
]


@requires_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("path", CONVERTIBLE, ids=lambda p: p.name)
def test_same_verdict_on_converted_corpus_documents(path: Any) -> None:
    document = parse_text(path.read_text(encoding="utf-8"), path.name)
    try:
        result = convert(document, base_dir=path.parent)
    except DocumentError as exc:
        pytest.skip(f"does not convert: {exc}")
    check_against_oracle(result.document)


# --- hypothesis: mutations of valid documents -----------------------------------------------

# Keys whose loss or change of type the checks must notice; dropping one of them never
# leaves a dangling $ref (the one place where validate() is deliberately stricter).
KEYWORDS = (
    "info", "title", "version", "paths", "responses", "description", "name", "in", "required",
    "schema", "content", "type", "items", "properties", "allOf", "enum", "default", "nullable",
    "pattern", "format", "minimum", "minLength", "operationId", "parameters", "tags",
    "additionalProperties", "openapi", "example",
)  # fmt: skip
ODD_VALUES = (1, -1, 2**40, "x", "(", "", True, None, [], [1, 1], {}, {"type": "string"})


def _keyword_sites(node: Any, sites: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in KEYWORDS:
                sites.append((node, key))
            _keyword_sites(value, sites)
    elif isinstance(node, list):
        for value in node:
            _keyword_sites(value, sites)
    return sites


def _mutation_bases() -> list[dict[str, Any]]:
    bases = [base_document()]
    for path in corpus_files("oas3.0"):
        if path.stat().st_size < 10_000:
            document = parse_text(path.read_text(encoding="utf-8"), path.name)
            document["openapi"] = "3.0.3"
            if oracle_is_valid(document):
                bases.append(document)
    return bases


MUTATION_BASES = _mutation_bases()


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_documents_get_the_oracles_verdict(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(MUTATION_BASES), label="base"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        sites = _keyword_sites(document, [])
        if not sites:
            break
        container, key = data.draw(st.sampled_from(sites), label="site")
        if data.draw(st.booleans(), label="drop"):
            del container[key]
        else:
            container[key] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES), label="value"))
    check_against_oracle(document)


# --- messages a person can act on -----------------------------------------------------------


def _with(**paths: Any) -> dict[str, Any]:
    document = base_document()
    document["paths"] = paths
    return document


MESSAGES = [
    (
        {"openapi": "3.0.3", "info": {}, "paths": {}},
        "/info",
        "required fields missing: title, version",
    ),
    (
        _with(**{"/a": {"get": {"parameters": [{"name": "q", "in": "query"}], "responses": {}}}}),
        "/paths/~1a/get/parameters/0",
        "one of these fields is required: schema, content",
    ),
    (
        _with(
            **{
                "/a": {
                    "get": {
                        "parameters": [
                            {"name": "q", "in": "query", "schema": {}, "example": 1, "examples": {}}
                        ],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            }
        ),
        "/paths/~1a/get/parameters/0",
        "Example and examples are mutually exclusive",
    ),
    (
        _with(**{"/a/{q}": {"get": {"parameters": [{"name": "q", "in": "path", "schema": {}}]}}}),
        "/paths/~1a~1{q}/get/parameters/0",
        "Parameter in path: required field missing: required",
    ),
    (
        _with(
            **{
                "/a": {
                    "get": {
                        "responses": {
                            "200": {"description": "ok", "content": {"a/b": {"description": "x"}}}
                        }
                    }
                }
            }
        ),
        "/paths/~1a/get/responses/200/content/a~1b",
        "description: not a field of MediaType in 3.0.3",
    ),
]


@pytest.mark.parametrize(("document", "pointer", "message"), MESSAGES)
def test_one_message_per_problem_that_says_what_to_do(
    document: dict[str, Any], pointer: str, message: str
) -> None:
    findings = validate(document)
    at = [f for f in findings if f.pointer == pointer]
    assert len(at) == 1, findings
    assert message in at[0].message
    assert "is not valid under any of the given schemas" not in at[0].message


def test_a_bad_schema_keyword_is_one_finding_not_one_per_check() -> None:
    document = base_document()
    document["components"] = {"schemas": {"A": {"properties": {"x": {"type": "strin"}}}}}
    findings = [f for f in validate(document) if f.pointer.startswith("/components/schemas/A")]
    assert [(f.pointer, f.code) for f in findings] == [
        ("/components/schemas/A/properties/x/type", "invalid")
    ]
    assert "'strin' is not one of" in findings[0].message


def test_long_messages_are_cut_between_words() -> None:
    from openapi_meta.validate import MAX_MESSAGE, _shorten

    words = [f"word{i:05d}" for i in range(100)]
    shortened = _shorten(" ".join(words))
    assert shortened.endswith("…") and len(shortened) <= MAX_MESSAGE
    kept = shortened[:-1].split(" ")
    assert kept == words[: len(kept)]


def test_verbose_shows_the_conversion_findings_that_explain_an_error() -> None:
    from openapi_meta.findings import render_invalid

    findings = [
        Finding("invalid", Level.ERROR, "/components/schemas/A", "required field missing: x"),
        Finding("field-removed", Level.WARNING, "/components/schemas/A/x", "x was null"),
        Finding("version-set", Level.INFO, "/openapi", "3.1.0 converted to 3.0.3"),
    ]
    quiet = render_invalid(findings)
    assert quiet.splitlines()[0] == (
        "error: invalid at /components/schemas/A: required field missing: x"
    )
    assert "(and 2 other findings;" in quiet and "x was null" not in quiet
    verbose = render_invalid(findings, verbose=True)
    assert "after warning field-removed at /components/schemas/A/x: x was null" in verbose
    assert "version-set" not in verbose
