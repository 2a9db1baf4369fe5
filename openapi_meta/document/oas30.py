"""OpenAPI 3.0.3 as data: every field of every object, the shape of its value, what is required
and which values are allowed. The conform pass projects documents onto this table, and the
walker's 3.0 type table is derived from it, so the two cannot disagree.

Written from the 3.0.3 specification and the OAS 3.0 JSON Schema (2021-09-28) that
openapi-spec-validator ships; `tests/test_oas30.py` checks every field, type, required field
and allowed value here against that schema, so a difference is a failing test, not a silent
gap.

A field's shape is `[kind] type`, as in the walker's tables: kind `one` (default), `map` or
`list`; type an object type of this table or a scalar: `string`, `boolean`, `number`,
`integer`, or `any` (opaque data: `example`, `default`, `enum` members, `Link.requestBody`).
`Schema.additionalProperties` is a Schema or a boolean; every Schema position also takes a
boolean in 3.1, never in 3.0.
"""

from __future__ import annotations

SCALARS = frozenset({"string", "boolean", "number", "integer", "any"})

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

FIELDS: dict[str, dict[str, str]] = {
    "Root": {
        "openapi": "string",
        "info": "Info",
        "externalDocs": "ExternalDocs",
        "servers": "list Server",
        "security": "list SecurityRequirement",
        "tags": "list Tag",
        "paths": "Paths",
        "components": "Components",
    },
    "Info": {
        "title": "string",
        "description": "string",
        "termsOfService": "string",
        "contact": "Contact",
        "license": "License",
        "version": "string",
    },
    "Contact": {"name": "string", "url": "string", "email": "string"},
    "License": {"name": "string", "url": "string"},
    "Server": {"url": "string", "description": "string", "variables": "map ServerVariable"},
    "ServerVariable": {"enum": "list string", "default": "string", "description": "string"},
    "Components": {
        "schemas": "map Schema",
        "responses": "map Response",
        "parameters": "map Parameter",
        "examples": "map Example",
        "requestBodies": "map RequestBody",
        "headers": "map Header",
        "securitySchemes": "map SecurityScheme",
        "links": "map Link",
        "callbacks": "map Callback",
    },
    "Paths": {},
    "PathItem": {
        "$ref": "string",
        "summary": "string",
        "description": "string",
        **{method: "Operation" for method in OPERATIONS},
        "servers": "list Server",
        "parameters": "list Parameter",
    },
    "Operation": {
        "tags": "list string",
        "summary": "string",
        "description": "string",
        "externalDocs": "ExternalDocs",
        "operationId": "string",
        "parameters": "list Parameter",
        "requestBody": "RequestBody",
        "responses": "Responses",
        "callbacks": "map Callback",
        "deprecated": "boolean",
        "security": "list SecurityRequirement",
        "servers": "list Server",
    },
    "ExternalDocs": {"description": "string", "url": "string"},
    "Parameter": {
        "name": "string",
        "in": "string",
        "description": "string",
        "required": "boolean",
        "deprecated": "boolean",
        "allowEmptyValue": "boolean",
        "style": "string",
        "explode": "boolean",
        "allowReserved": "boolean",
        "schema": "Schema",
        "example": "any",
        "examples": "map Example",
        "content": "map MediaType",
    },
    "RequestBody": {"description": "string", "content": "map MediaType", "required": "boolean"},
    "MediaType": {
        "schema": "Schema",
        "example": "any",
        "examples": "map Example",
        "encoding": "map Encoding",
    },
    "Encoding": {
        "contentType": "string",
        "headers": "map Header",
        "style": "string",
        "explode": "boolean",
        "allowReserved": "boolean",
    },
    "Responses": {},
    "Response": {
        "description": "string",
        "headers": "map Header",
        "content": "map MediaType",
        "links": "map Link",
    },
    "Callback": {},
    "Example": {
        "summary": "string",
        "description": "string",
        "value": "any",
        "externalValue": "string",
    },
    "Link": {
        "operationRef": "string",
        "operationId": "string",
        "parameters": "map any",
        "requestBody": "any",
        "description": "string",
        "server": "Server",
    },
    "Header": {
        "description": "string",
        "required": "boolean",
        "deprecated": "boolean",
        "allowEmptyValue": "boolean",
        "style": "string",
        "explode": "boolean",
        "allowReserved": "boolean",
        "schema": "Schema",
        "example": "any",
        "examples": "map Example",
        "content": "map MediaType",
    },
    "Tag": {"name": "string", "description": "string", "externalDocs": "ExternalDocs"},
    "Schema": {
        "title": "string",
        "multipleOf": "number",
        "maximum": "number",
        "exclusiveMaximum": "boolean",
        "minimum": "number",
        "exclusiveMinimum": "boolean",
        "maxLength": "integer",
        "minLength": "integer",
        "pattern": "string",
        "maxItems": "integer",
        "minItems": "integer",
        "uniqueItems": "boolean",
        "maxProperties": "integer",
        "minProperties": "integer",
        "required": "list string",
        "enum": "list any",
        "type": "string",
        "allOf": "list Schema",
        "oneOf": "list Schema",
        "anyOf": "list Schema",
        "not": "Schema",
        "items": "Schema",
        "properties": "map Schema",
        "additionalProperties": "Schema",
        "description": "string",
        "format": "string",
        "default": "any",
        "nullable": "boolean",
        "discriminator": "Discriminator",
        "readOnly": "boolean",
        "writeOnly": "boolean",
        "xml": "XML",
        "externalDocs": "ExternalDocs",
        "example": "any",
        "deprecated": "boolean",
    },
    "Discriminator": {"propertyName": "string", "mapping": "map string"},
    "XML": {
        "name": "string",
        "namespace": "string",
        "prefix": "string",
        "attribute": "boolean",
        "wrapped": "boolean",
    },
    # One object type for the four kinds of scheme; `SCHEME_FIELDS` says which fields each
    # kind has (the JSON Schema's oneOf of APIKey/HTTP/OAuth2/OpenIdConnect schemes).
    "SecurityScheme": {
        "type": "string",
        "description": "string",
        "name": "string",
        "in": "string",
        "scheme": "string",
        "bearerFormat": "string",
        "flows": "OAuthFlows",
        "openIdConnectUrl": "string",
    },
    "OAuthFlows": {
        "implicit": "OAuthFlow",
        "password": "OAuthFlow",
        "clientCredentials": "OAuthFlow",
        "authorizationCode": "OAuthFlow",
    },
    "OAuthFlow": {
        "authorizationUrl": "string",
        "tokenUrl": "string",
        "refreshUrl": "string",
        "scopes": "map string",
    },
    "SecurityRequirement": {},
}

# Map-like objects: every key that is not an `x-` extension holds this shape.
ENTRIES: dict[str, str] = {
    "Paths": "PathItem",
    "Responses": "Response",
    "Callback": "PathItem",
    "SecurityRequirement": "list string",
}

# Keys a map-like object's entries must match (`x-` keys aside).
ENTRY_KEYS: dict[str, str] = {
    "Paths": r"^\/",
    "Responses": r"^(default|[1-5](\d{2}|XX))$",
}

# Objects that may not carry `x-` extensions (their keys are names).
NOT_EXTENSIBLE = frozenset({"SecurityRequirement"})

# Types a Reference Object may stand in for ("X | Reference" in the specification).
REFERENCEABLE = frozenset(
    {
        "Schema",
        "Response",
        "Parameter",
        "Example",
        "RequestBody",
        "Header",
        "SecurityScheme",
        "Link",
        "Callback",
    }
)

REQUIRED: dict[str, tuple[str, ...]] = {
    "Root": ("openapi", "info", "paths"),
    "Info": ("title", "version"),
    "License": ("name",),
    "Server": ("url",),
    "ServerVariable": ("default",),
    "Operation": ("responses",),
    "ExternalDocs": ("url",),
    "Parameter": ("name", "in"),
    "RequestBody": ("content",),
    "Response": ("description",),
    "Tag": ("name",),
    "Discriminator": ("propertyName",),
    "SecurityScheme": ("type",),
}

# (type, field) → the values it may take.
ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    ("Schema", "type"): ("array", "boolean", "integer", "number", "object", "string"),
    ("Parameter", "in"): ("path", "query", "header", "cookie"),
    ("Header", "style"): ("simple",),
    ("Encoding", "style"): ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    ("SecurityScheme", "type"): ("apiKey", "http", "oauth2", "openIdConnect"),
}

# Parameter styles by location (the JSON Schema's ParameterLocation).
STYLES: dict[str, tuple[str, ...]] = {
    "path": ("matrix", "label", "simple"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}

# The fields each kind of security scheme has, and which of them it requires.
SCHEME_FIELDS: dict[str, tuple[str, ...]] = {
    "apiKey": ("type", "description", "name", "in"),
    "http": ("type", "description", "scheme", "bearerFormat"),
    "oauth2": ("type", "description", "flows"),
    "openIdConnect": ("type", "description", "openIdConnectUrl"),
}
SCHEME_REQUIRED: dict[str, tuple[str, ...]] = {
    "apiKey": ("name", "in"),
    "http": ("scheme",),
    "oauth2": ("flows",),
    "openIdConnect": ("openIdConnectUrl",),
}
API_KEY_LOCATIONS = ("header", "query", "cookie")

# What each OAuth flow requires.
FLOW_REQUIRED: dict[str, tuple[str, ...]] = {
    "implicit": ("authorizationUrl", "scopes"),
    "password": ("tokenUrl", "scopes"),
    "clientCredentials": ("tokenUrl", "scopes"),
    "authorizationCode": ("authorizationUrl", "tokenUrl", "scopes"),
}

# String fields with a JSON Schema `format` the validator checks (jsonschema-rs checks formats
# under draft 4, as openapi-spec-validator runs it).
FORMATS: dict[tuple[str, str], str] = {
    ("Info", "termsOfService"): "uri-reference",
    ("Contact", "url"): "uri-reference",
    ("Contact", "email"): "email",
    ("License", "url"): "uri-reference",
    ("Schema", "pattern"): "regex",
    ("XML", "namespace"): "uri",
    ("Example", "externalValue"): "uri-reference",
    ("ExternalDocs", "url"): "uri-reference",
    ("SecurityScheme", "openIdConnectUrl"): "uri-reference",
    ("OAuthFlow", "authorizationUrl"): "uri-reference",
    ("OAuthFlow", "tokenUrl"): "uri-reference",
    ("OAuthFlow", "refreshUrl"): "uri-reference",
    ("Link", "operationRef"): "uri-reference",
}

# Fields whose value is a Schema or a boolean.
BOOLEAN_OR_SCHEMA = frozenset({("Schema", "additionalProperties")})

# Schema keywords whose value is an integer of at least 0 (JSON Schema draft 4).
NON_NEGATIVE = frozenset(
    {"maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties"}
)


def shape(text: str) -> tuple[str, str]:
    """`"map Schema"` → ("map", "Schema"); `"string"` → ("one", "string")."""
    kind, _, type_name = text.rpartition(" ")
    return kind or "one", type_name
