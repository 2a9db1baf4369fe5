"""Swagger 2.0 → 3.0 responses: `schema` and `examples` → `content` by media type, headers typed.

A 2.0 response has one `schema` for every media type in `produces`, and `examples` keyed by
media type; 3.0 has a `content` map with a Media Type Object (schema + example) per media type.
A 2.0 response header carries its type inline, as a parameter does; 3.0 moves it into `schema`.
"""

from __future__ import annotations

from http import HTTPStatus

from openapi_meta.convert.swagger2_params import (
    DEFAULT_MEDIA_TYPE,
    SCHEMA_FIELDS,
    copy_extensions,
    items_to_schema,
    report_unknown_fields,
)
from openapi_meta.convert.swagger2_refs import Swagger2State
from openapi_meta.document.pointer import join_pointer, parse_local_ref
from openapi_meta.document.walk import copy_tree
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

_RESPONSE_FIELDS = {"description", "schema", "headers", "examples"}
_HEADER_FIELDS = {*SCHEMA_FIELDS, "description", "collectionFormat", "x-example", "x-nullable"}


def convert_response(
    response: JSONObject, pointer: str, status: str, produces: list[str], state: Swagger2State
) -> JSONObject:
    """A 3.0 Response (or Reference) from a 2.0 Response found at `pointer`."""
    if "$ref" in response:
        return _response_ref(response, pointer, produces, state)
    result: JSONObject = {"description": _description(response, pointer, status, state)}
    headers = response.get("headers")
    if isinstance(headers, dict) and headers:
        result["headers"] = {
            name: convert_header(header, join_pointer(pointer, "headers", name), state)
            for name, header in headers.items()
            if isinstance(header, dict)
        }
    content: JSONObject = {}
    schema = response.get("schema")
    schema_pointer = join_pointer(pointer, "schema")
    if isinstance(schema, dict):
        for i, media_type in enumerate(produces or [DEFAULT_MEDIA_TYPE]):
            if i:
                schema = state.origin_copy(schema, schema_pointer)
            content[media_type] = state.origin({"schema": schema}, pointer)
        schema = response["schema"]
    examples = response.get("examples")
    if isinstance(examples, dict):
        for media_type, example in examples.items():
            entry = content.get(media_type)
            if not isinstance(entry, dict):
                # An example for a media type `produces` does not list: the response can have
                # that type, so it gets its own entry with the same schema.
                entry = {}
                if isinstance(schema, dict):
                    entry["schema"] = state.origin_copy(schema, schema_pointer)
                content[media_type] = entry
            entry["example"] = example
    if content:
        result["content"] = content
    copy_extensions(response, result)
    report_unknown_fields(response, _RESPONSE_FIELDS, pointer, "response", state)
    state.origin(result, pointer)
    return result


def convert_header(header: JSONObject, pointer: str, state: Swagger2State) -> JSONObject:
    """A 3.0 Header from a 2.0 Header (type fields → `schema`, `x-example` → `example`)."""
    result: JSONObject = {}
    if "description" in header:
        result["description"] = header["description"]
    fmt = header.get("collectionFormat")
    if header.get("type") == "array" and fmt not in (None, "csv"):
        # 3.0 headers have only the `simple` style, which is 2.0's csv.
        state.report(
            "swagger2-collection-format-lost",
            Level.WARNING,
            join_pointer(pointer, "collectionFormat"),
            f"collectionFormat {fmt!r} has no 3.0 style for a header (only csv, 'simple');"
            " kept as x-collectionFormat",
        )
        result["x-collectionFormat"] = fmt
    if "type" not in header:
        state.report(
            "swagger2-header-type-missing",
            Level.WARNING,
            pointer,
            "header has no 'type' (mandatory in 2.0); assumed 'string'",
        )
        header = {**header, "type": "string"}
    result["schema"] = items_to_schema(header, pointer, state)
    if "x-example" in header:
        result["example"] = header["x-example"]
    copy_extensions(header, result, skip=("x-example", "x-nullable"))
    report_unknown_fields(header, _HEADER_FIELDS, pointer, "header", state)
    state.origin(result, pointer)
    return result


def _response_ref(
    response: JSONObject, pointer: str, produces: list[str], state: Swagger2State
) -> JSONObject:
    ref = response["$ref"]
    tokens = parse_local_ref(ref) if isinstance(ref, str) else None
    if tokens and tokens[0] == "definitions":
        # A common 2.0 mistake: a definition used as a whole response. Its evident meaning is
        # "the body is this schema".
        state.report(
            "swagger2-definition-as-response",
            Level.WARNING,
            join_pointer(pointer, "$ref"),
            f"$ref {ref!r} uses a schema as a response; converted to a response whose body has"
            " that schema",
        )
        schema: JSONObject = {"$ref": state.rewrite_ref(ref, join_pointer(pointer, "$ref"))}
        return {
            "description": "",
            "content": {
                media_type: {"schema": copy_tree(schema)}
                for media_type in produces or [DEFAULT_MEDIA_TYPE]
            },
        }
    return {"$ref": state.rewrite_ref(ref, join_pointer(pointer, "$ref"))}


def _description(response: JSONObject, pointer: str, status: str, state: Swagger2State) -> JSON:
    description = response.get("description")
    if isinstance(description, str):
        return description
    try:
        phrase = HTTPStatus(int(status)).phrase
    except ValueError:
        phrase = "Default response" if status == "default" else ""
    state.report(
        "swagger2-response-description-missing",
        Level.INFO,
        pointer,
        f"response has no 'description' (mandatory); set to {phrase!r}",
    )
    return phrase
