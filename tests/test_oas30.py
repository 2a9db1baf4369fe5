"""The 3.0.3 table (`document/oas30.py`) says what the official OAS 3.0 JSON Schema says: every
field, its shape, the required fields and the allowed values, so conform cannot drift from the
validator it has to satisfy."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from openapi_meta.document import oas30

_package = find_spec("openapi_spec_validator")
assert _package is not None and _package.submodule_search_locations is not None
SCHEMA = json.loads(
    (
        Path(next(iter(_package.submodule_search_locations))) / "resources/schemas/v3.0/schema.json"
    ).read_text()
)
DEFINITIONS = SCHEMA["definitions"]
RENAMED = {"ExternalDocs": "ExternalDocumentation"}
SCHEMES = {
    "apiKey": "APIKeySecurityScheme",
    "http": "HTTPSecurityScheme",
    "oauth2": "OAuth2SecurityScheme",
    "openIdConnect": "OpenIdConnectSecurityScheme",
}
FLOWS = {
    "implicit": "ImplicitOAuthFlow",
    "password": "PasswordOAuthFlow",
    "clientCredentials": "ClientCredentialsFlow",
    "authorizationCode": "AuthorizationCodeOAuthFlow",
}


def _definition(type_name: str) -> dict[str, Any]:
    if type_name == "Root":
        return SCHEMA
    return DEFINITIONS[RENAMED.get(type_name, type_name)]


def _shape(prop: dict[str, Any]) -> str:
    """The table's spelling of one property of the JSON Schema."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[1]
        if name in FLOWS.values():
            return "OAuthFlow"
        return {v: k for k, v in RENAMED.items()}.get(name, name)
    if "oneOf" in prop:
        shapes = {_shape(p) for p in prop["oneOf"]} - {"Reference", "boolean"}
        assert len(shapes) == 1, prop
        return shapes.pop()
    kind = prop.get("type")
    if kind == "array":
        return f"list {_shape(prop['items'])}"
    if kind == "object":
        # Components' maps constrain their keys (patternProperties), the others do not.
        if "additionalProperties" in prop:
            values = prop["additionalProperties"]
        else:
            values = next(iter(prop["patternProperties"].values()))
        return f"map {_shape(values)}"
    return kind or "any"


def _properties(definition: dict[str, Any]) -> dict[str, str]:
    shapes = {name: _shape(prop) for name, prop in definition.get("properties", {}).items()}
    for pattern, prop in definition.get("patternProperties", {}).items():
        if pattern.startswith("^(get|"):  # PathItem's operations
            for method in pattern[2:-2].split("|"):
                shapes[method] = _shape(prop)
    return shapes


OBJECT_TYPES = [
    name
    for name in oas30.FIELDS
    if name not in ("SecurityScheme", "OAuthFlow") and name not in oas30.ENTRIES
]


@pytest.mark.parametrize("type_name", OBJECT_TYPES)
def test_fields_shapes_and_required_match_the_json_schema(type_name: str) -> None:
    definition = _definition(type_name)
    assert oas30.FIELDS[type_name] == _properties(definition)
    assert set(oas30.REQUIRED.get(type_name, ())) == set(definition.get("required", ()))


@pytest.mark.parametrize("kind", sorted(SCHEMES))
def test_each_kind_of_security_scheme_matches_its_definition(kind: str) -> None:
    definition = DEFINITIONS[SCHEMES[kind]]
    fields = _properties(definition)
    assert set(oas30.SCHEME_FIELDS[kind]) == set(fields)
    for name, shape in fields.items():
        assert oas30.FIELDS["SecurityScheme"][name] == shape
    assert {"type", *oas30.SCHEME_REQUIRED[kind]} == set(definition["required"])
    assert definition["properties"]["type"]["enum"] == [kind]


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_each_oauth_flow_matches_its_definition(flow: str) -> None:
    definition = DEFINITIONS[FLOWS[flow]]
    fields = _properties(definition)
    assert set(fields) <= set(oas30.FIELDS["OAuthFlow"])
    for name, shape in fields.items():
        assert oas30.FIELDS["OAuthFlow"][name] == shape
    assert set(oas30.FLOW_REQUIRED[flow]) == set(definition["required"])
    assert oas30.FIELDS["OAuthFlows"][flow] == "OAuthFlow"


def test_allowed_values_match_the_json_schema() -> None:
    schema = DEFINITIONS["Schema"]["properties"]
    assert oas30.ALLOWED[("Schema", "type")] == tuple(schema["type"]["enum"])
    assert oas30.ALLOWED[("Header", "style")] == tuple(
        DEFINITIONS["Header"]["properties"]["style"]["enum"]
    )
    assert oas30.ALLOWED[("Encoding", "style")] == tuple(
        DEFINITIONS["Encoding"]["properties"]["style"]["enum"]
    )
    api_key = DEFINITIONS["APIKeySecurityScheme"]["properties"]["in"]["enum"]
    assert tuple(api_key) == oas30.API_KEY_LOCATIONS
    locations = DEFINITIONS["ParameterLocation"]["oneOf"]
    styles = {
        branch["properties"]["in"]["enum"][0]: tuple(branch["properties"]["style"]["enum"])
        for branch in locations
    }
    assert styles == oas30.STYLES
    assert oas30.ALLOWED[("Parameter", "in")] == tuple(styles)


def test_formats_match_the_json_schema() -> None:
    found = set()
    for name, definition in [("Root", SCHEMA), *DEFINITIONS.items()]:
        table_name = {v: k for k, v in RENAMED.items()}.get(name, name)
        if name in FLOWS.values():
            table_name = "OAuthFlow"
        elif name in SCHEMES.values():
            table_name = "SecurityScheme"
        for field, prop in definition.get("properties", {}).items():
            if isinstance(prop.get("format"), str):
                found.add(((table_name, field), prop["format"]))
    assert found == set(oas30.FORMATS.items())


def test_entry_keys_match_the_json_schema() -> None:
    paths = DEFINITIONS["Paths"]["patternProperties"]
    assert set(paths) == {oas30.ENTRY_KEYS["Paths"], "^x-"}
    responses = DEFINITIONS["Responses"]
    codes = next(p for p in responses["patternProperties"] if p != "^x-")
    # The table folds `default` into one pattern; the schema lists it as a property.
    assert list(responses["properties"]) == ["default"]
    assert oas30.ENTRY_KEYS["Responses"] == rf"^(default|{codes[1:-1].replace('?:', '')})$"


def test_referenceable_types_are_the_ones_the_schema_pairs_with_reference() -> None:
    paired: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            options = node.get("oneOf")
            if isinstance(options, list) and {"$ref": "#/definitions/Reference"} in options:
                for option in options:
                    name = option.get("$ref", "").rsplit("/", 1)[-1]
                    if name and name != "Reference":
                        paired.add({v: k for k, v in RENAMED.items()}.get(name, name))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(SCHEMA)
    assert paired == oas30.REFERENCEABLE
