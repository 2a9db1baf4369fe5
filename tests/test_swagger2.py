"""Swagger 2.0 → 3.0 upgrade: the tricky cases, on `upgrade_swagger2` directly.

The one-rule-per-folder cases live in tests/cases/swagger2-*; these are the ones where the
interesting part is a property of the conversion (no mutation, input pointers, data that looks
like keywords, refs that follow renames) rather than one output document.
"""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import OpenAPIV30SpecValidator

from openapi_meta.convert import ConversionContext, convert
from openapi_meta.convert.swagger2 import upgrade_swagger2, upgrade_swagger2_traced
from openapi_meta.document.load import parse_text
from openapi_meta.document.pointer import PointerError, resolve_pointer
from openapi_meta.errors import DocumentError
from tests.conftest import corpus_files, requires_corpus


def _upgrade(document: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    context = ConversionContext()
    result = upgrade_swagger2(document, context)
    errors = [str(e) for e in OpenAPIV30SpecValidator(result).iter_errors()]
    assert errors == [], errors
    return result, [(f.code, f.pointer) for f in context.findings]


def _doc(**fields: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}, **fields}


def _op(*parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"parameters": list(parameters), "responses": {"200": {"description": "ok"}}, **extra}


def test_input_is_not_mutated_and_output_shares_nothing_with_it() -> None:
    document = _doc(
        definitions={"Pet": {"type": "object", "x-nullable": True, "discriminator": "kind"}},
        parameters={"Body": {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Pet"}}},
        paths={
            "/p": {
                "post": _op({"$ref": "#/parameters/Body"}),
                "put": _op({"name": "b", "in": "body", "schema": {"type": "file"}}),
            }
        },
    )
    before = copy.deepcopy(document)
    result, _ = _upgrade(document)
    assert document == before
    result["components"]["schemas"]["Pet"]["type"] = "changed"
    assert document["definitions"]["Pet"]["type"] == "object"


def test_keyword_named_properties_and_example_data_are_left_alone() -> None:
    """Only Schema objects are rewritten: names in `properties` and example values are data."""
    properties = {
        "type": {"type": "string"},
        "x-nullable": {"type": "boolean"},
        "discriminator": {"type": "string"},
        "$ref": {"type": "string"},
        "file": {"type": "string", "example": {"type": "file", "$ref": "#/definitions/A"}},
    }
    document = _doc(definitions={"A": {"type": "object", "properties": properties}})
    result, findings = _upgrade(document)
    assert result["components"]["schemas"]["A"]["properties"] == properties
    assert findings == []


def test_refs_follow_renamed_definitions_including_escaped_and_deep_refs() -> None:
    document = _doc(
        definitions={
            "Page«User»": {"type": "object", "properties": {"n": {"type": "integer"}}},
            "Page_User": {"type": "string"},
            "a/b": {"type": "string"},
            "Uses": {
                "type": "object",
                "properties": {
                    "page": {"$ref": "#/definitions/Page%C2%ABUser%C2%BB"},
                    "n": {"$ref": "#/definitions/Page«User»/properties/n"},
                    "slash": {"$ref": "#/definitions/a~1b"},
                },
            },
        }
    )
    result, findings = _upgrade(document)
    schemas = result["components"]["schemas"]
    assert list(schemas) == ["Page_User_2", "Page_User", "a_b", "Uses"]
    props = schemas["Uses"]["properties"]
    assert props["page"] == {"$ref": "#/components/schemas/Page_User_2"}
    assert props["n"] == {"$ref": "#/components/schemas/Page_User_2/properties/n"}
    assert props["slash"] == {"$ref": "#/components/schemas/a_b"}
    assert ("swagger2-name-sanitized", "/definitions/Page«User»") in findings


def test_schema_findings_name_the_input_pointer_even_when_the_schema_moves() -> None:
    """A body schema ends up under requestBody/content, but its finding names the parameter."""
    body = {"name": "b", "in": "body", "schema": {"type": "string", "x-nullable": "yes"}}
    result, findings = _upgrade(_doc(paths={"/p": {"post": _op(body)}}))
    schema = result["paths"]["/p"]["post"]["requestBody"]["content"]["application/json"]
    assert schema == {"schema": {"type": "string"}}
    assert findings == [
        ("swagger2-x-nullable-invalid", "/paths/~1p/post/parameters/0/schema/x-nullable")
    ]


SWAGGER2_CORPUS = corpus_files("swagger2.0")


@requires_corpus
@pytest.mark.parametrize("path", SWAGGER2_CORPUS, ids=[p.name for p in SWAGGER2_CORPUS])
def test_every_finding_on_a_2_0_document_names_a_place_in_that_document(path: Path) -> None:
    """The 3.x passes run on the upgraded shape; convert() maps their pointers back to 2.0."""
    document = parse_text(path.read_text(encoding="utf-8"), str(path))
    try:
        result = convert(document, base_dir=path.parent)
    except DocumentError as exc:
        pytest.skip(f"does not convert: {exc}")
    for finding in result.findings:
        try:
            resolve_pointer(document, finding.pointer)
        except PointerError:
            pytest.fail(f"{finding.code} names {finding.pointer}, which is not in the input")
    assert len(set(result.findings)) == len(result.findings), "a finding is repeated"


def test_a_subtree_the_caller_shares_is_converted_once_in_each_place() -> None:
    """convert() edits its own copy in place; a dict held twice must not be upgraded twice."""
    shared = {"type": "string", "x-nullable": True}
    pet = {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}}}
    document = _doc(
        definitions={"Owner": {"properties": {"a": shared, "b": shared}}, "Pet": pet, "Dog": pet}
    )
    result = convert(document)
    schemas = result.document["components"]["schemas"]
    assert schemas["Dog"] == schemas["Pet"]
    assert schemas["Dog"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert schemas["Owner"]["properties"]["b"] == {"type": "string", "nullable": True}
    assert result.findings == ()


def test_a_body_parameter_without_a_schema_object_accepts_any_body() -> None:
    shared = _doc(parameters={"Body": {"name": "b", "in": "body"}})
    context = ConversionContext()
    upgraded = upgrade_swagger2(shared, context)
    assert upgraded["components"]["requestBodies"]["Body"]["content"] == {
        "application/json": {"schema": {}}
    }
    [finding] = context.findings
    assert (finding.code, finding.pointer) == ("body-schema-added", "/parameters/Body")
    assert "'b' has no schema" in finding.message
    inline = _doc(paths={"/a~b": {"post": _op({"name": "b", "in": "body", "schema": "x"})}})
    context = ConversionContext()
    upgraded = upgrade_swagger2(inline, context)
    body = upgraded["paths"]["/a~b"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {}
    [finding] = context.findings
    assert finding.pointer == "/paths/~1a~0b/post/parameters/0"
    assert "the schema 'x'" in finding.message


def test_form_fields_merge_path_and_operation_level_with_override() -> None:
    path_fields = [
        {"name": "a", "in": "formData", "type": "string"},
        {"name": "b", "in": "formData", "type": "string"},
    ]
    override = {"name": "b", "in": "formData", "type": "integer", "required": True}
    document = _doc(paths={"/f": {"parameters": path_fields, "post": _op(override)}})
    result, _ = _upgrade(document)
    item = result["paths"]["/f"]
    assert "parameters" not in item  # a path item has no request body: pushed down
    schema = item["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema["properties"] == {"a": {"type": "string"}, "b": {"type": "integer"}}
    assert schema["required"] == ["b"]


def test_shared_form_parameter_is_inlined_and_has_no_component() -> None:
    document = _doc(
        parameters={"Name": {"name": "name", "in": "formData", "type": "string"}},
        paths={"/f": {"post": _op({"$ref": "#/parameters/Name"})}},
    )
    result, _ = _upgrade(document)
    assert "components" not in result
    body = result["paths"]["/f"]["post"]["requestBody"]
    form = body["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["properties"] == {"name": {"type": "string"}}


def test_both_form_media_types_listed_in_consumes_each_get_the_schema() -> None:
    field = {"name": "n", "in": "formData", "type": "array", "items": {"type": "string"}}
    consumes = ["multipart/form-data", "application/x-www-form-urlencoded"]
    result, _ = _upgrade(_doc(consumes=consumes, paths={"/f": {"post": _op(field)}}))
    content = result["paths"]["/f"]["post"]["requestBody"]["content"]
    assert list(content) == consumes
    assert content["multipart/form-data"] == content["application/x-www-form-urlencoded"]
    assert content["multipart/form-data"] is not content["application/x-www-form-urlencoded"]
    assert content["multipart/form-data"]["encoding"] == {"n": {"style": "form", "explode": False}}


def test_definition_used_as_parameter_or_response_is_read_as_its_schema() -> None:
    bad_param = {"name": "p", "in": "query", "$ref": "#/definitions/A"}
    document = _doc(
        definitions={"A": {"type": "string"}},
        paths={
            "/x": {
                "get": {
                    "parameters": [bad_param],
                    "responses": {"200": {"$ref": "#/definitions/A"}},
                }
            }
        },
    )
    result, findings = _upgrade(document)
    get = result["paths"]["/x"]["get"]
    assert get["parameters"] == [
        {"name": "p", "in": "query", "schema": {"$ref": "#/components/schemas/A"}}
    ]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/A"
    }
    assert [code for code, _ in findings] == [
        "swagger2-definition-as-parameter",
        "swagger2-definition-as-response",
    ]


def test_security_requirements_follow_renamed_schemes() -> None:
    document = _doc(
        securityDefinitions={"api key": {"type": "apiKey", "name": "k", "in": "query"}},
        security=[{"api key": []}],
        paths={"/x": {"get": _op(security=[{"api key": []}])}},
    )
    result, _ = _upgrade(document)
    assert list(result["components"]["securitySchemes"]) == ["api_key"]
    assert result["security"] == [{"api_key": []}]
    assert result["paths"]["/x"]["get"]["security"] == [{"api_key": []}]


def test_host_with_a_scheme_and_operation_schemes() -> None:
    document = _doc(
        host="https://api.example.com/",
        basePath="v2",
        paths={"/x": {"get": _op(schemes=["wss"])}},
    )
    result, findings = _upgrade(document)
    assert result["servers"] == [{"url": "https://api.example.com/v2"}]
    assert result["paths"]["/x"]["get"]["servers"] == [{"url": "wss://api.example.com/v2"}]
    assert [code for code, _ in findings] == ["swagger2-host-patched", "swagger2-base-path-patched"]


def test_templated_host_becomes_a_server_variable() -> None:
    result, _ = _upgrade(_doc(host="{tenant}.example.com", schemes=["https"]))
    assert result["servers"] == [
        {"url": "https://{tenant}.example.com", "variables": {"tenant": {"default": ""}}}
    ]


def test_oauth2_without_scopes_or_urls_is_patched() -> None:
    document = _doc(securityDefinitions={"o": {"type": "oauth2", "flow": "accessCode"}})
    result, findings = _upgrade(document)
    assert result["components"]["securitySchemes"]["o"]["flows"] == {
        "authorizationCode": {"authorizationUrl": "", "tokenUrl": "", "scopes": {}}
    }
    assert [code for code, _ in findings] == [
        "swagger2-oauth2-url-missing",
        "swagger2-oauth2-url-missing",
        "swagger2-oauth2-scopes-missing",
    ]


def test_tuple_items_and_nullable_ref() -> None:
    document = _doc(
        definitions={
            "T": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
            "R": {"$ref": "#/definitions/T", "x-nullable": True},
        }
    )
    result, findings = _upgrade(document)
    schemas = result["components"]["schemas"]
    assert schemas["T"]["items"] == {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert schemas["R"] == {"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": True}
    assert findings == [("swagger2-items-list", "/definitions/T/items")]


def test_output_is_deterministic() -> None:
    document = _doc(
        definitions={"B": {"type": "string"}, "A": {"type": "string"}},
        paths={"/b": {"get": _op()}, "/a": {"post": _op(), "get": _op()}},
    )
    first, _ = _upgrade(document)
    second, _ = _upgrade(document)
    assert repr(first) == repr(second)
    assert list(first["paths"]) == ["/b", "/a"]
    assert list(first["paths"]["/a"]) == ["post", "get"]


def test_pointer_map_leads_from_the_3_0_shape_back_to_the_input() -> None:
    """Passes after the upgrade see 3.0 pointers; findings must still name the input."""
    body = {"name": "b", "in": "body", "schema": {"type": "object", "properties": {"x": {}}}}
    query = {"name": "q", "in": "query", "type": "array", "items": {"type": "string"}}
    document = _doc(
        consumes=["application/json", "application/xml"],
        definitions={"Pet": {"type": "object", "properties": {"a": {"type": "string"}}}},
        paths={
            "/p": {
                "post": _op(
                    body,
                    query,
                    responses={
                        "200": {
                            "description": "ok",
                            "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                        }
                    },
                ),
                "put": _op({"name": "f", "in": "formData", "type": "integer"}),
            }
        },
    )
    context = ConversionContext()
    _, origins = upgrade_swagger2_traced(document, context)
    form = "application~1x-www-form-urlencoded"  # consumes lists no form type
    expected = {
        "/components/schemas/Pet/properties/a": "/definitions/Pet/properties/a",
        "/paths/~1p/post/parameters/0": "/paths/~1p/post/parameters/1",
        "/paths/~1p/post/parameters/0/schema/items": "/paths/~1p/post/parameters/1/items",
        "/paths/~1p/post/requestBody/content/application~1xml/schema/properties/x": (
            "/paths/~1p/post/parameters/0/schema/properties/x"
        ),
        "/paths/~1p/post/responses/200/content/application~1json/schema/items": (
            "/paths/~1p/post/responses/200/schema/items"
        ),
        f"/paths/~1p/put/requestBody/content/{form}/schema/properties/f": (
            "/paths/~1p/put/parameters/0"
        ),
        "/openapi": "/openapi",
    }
    got = {p: origins.input_pointer(p) for p in expected}
    assert got == expected


# Keys of the 2.0 vocabulary, so random trees reach the converter's branches, not just its
# "not a dict" guards.
_KEYS = [
    "swagger",
    "info",
    "paths",
    "/p",
    "get",
    "post",
    "parameters",
    "responses",
    "200",
    "default",
    "schema",
    "in",
    "name",
    "type",
    "items",
    "collectionFormat",
    "body",
    "formData",
    "query",
    "path",
    "header",
    "$ref",
    "definitions",
    "A",
    "properties",
    "x-nullable",
    "discriminator",
    "examples",
    "headers",
    "consumes",
    "produces",
    "securityDefinitions",
    "flow",
    "scopes",
    "host",
    "basePath",
    "schemes",
    "required",
]
_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from([*_KEYS, "#/definitions/A"])
)
_TREES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(_KEYS), children, max_size=5),
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_KEYS), _TREES, max_size=6))
def test_any_shape_converts_or_fails_clearly(fields: dict[str, Any]) -> None:
    """Malformed input gives a result or a DocumentError, never a Python exception."""
    document = {**fields, "swagger": "2.0"}
    before = copy.deepcopy(document)
    with contextlib.suppress(DocumentError):
        upgrade_swagger2(document, ConversionContext())
    assert document == before


def test_header_parameters_3_0_ignores_are_kept_with_a_finding() -> None:
    auth = {"name": "Authorization", "in": "header", "type": "string", "required": True}
    result, findings = _upgrade(_doc(paths={"/x": {"get": _op(auth)}}))
    assert result["paths"]["/x"]["get"]["parameters"][0]["name"] == "Authorization"
    assert findings == [("swagger2-header-param-ignored", "/paths/~1x/get/parameters/0")]
