"""Swagger 2.0 → 3.0 paths and operations: parameters split into parameters and a request body.

A 2.0 operation lists every input as a parameter and inherits its path item's parameters
(overriding by name and location); 3.0 keeps query/path/header parameters there but moves the
body and the form fields into `requestBody`, which a path item cannot hold. So path-level body
and form parameters are pushed down into each operation. `consumes`/`produces` (global, or the
operation's own, which replaces the global list) become the media types of request and
response bodies.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

from openapi_meta.convert.conform_values import json_key
from openapi_meta.convert.swagger2_params import (
    DEFAULT_MEDIA_TYPE,
    body_request_body,
    convert_parameter,
    copy_extensions,
    form_request_body,
    report_unknown_fields,
)
from openapi_meta.convert.swagger2_refs import Swagger2State
from openapi_meta.convert.swagger2_responses import convert_response
from openapi_meta.document.pointer import join_pointer, parse_local_ref
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_OPERATION_COPIED = ("tags", "summary", "description", "externalDocs", "operationId")
_OPERATION_KNOWN = {
    *_OPERATION_COPIED,
    "consumes",
    "produces",
    "parameters",
    "responses",
    "schemes",
    "deprecated",
    "security",
}


class _Param(NamedTuple):
    """One parameter as the operation sees it."""

    node: JSONObject  # the 2.0 parameter (the shared one when `ref` points at it)
    pointer: str  # where `node` is in the input
    ref: str | None  # the original `$ref`, when it came from the shared `parameters`
    schema: JSONObject | None = None  # a 3.0 schema already decided for it


def media_types(value: JSON, pointer: str, state: Swagger2State) -> list[str] | None:
    """A `consumes`/`produces` value as a list of unique strings (None when absent)."""
    if value is None:
        return None
    if isinstance(value, str):
        state.report(
            "swagger2-media-types-not-list",
            Level.INFO,
            pointer,
            "must be a list of media types; read the single string as a one-item list",
        )
        value = [value]
    if not isinstance(value, list):
        return None
    return list(dict.fromkeys(v for v in value if isinstance(v, str)))


def convert_paths(paths: JSONObject, state: Swagger2State) -> JSONObject:
    """The 3.0 Paths object from the 2.0 one (path item `x-*` and `$ref` kept)."""
    result: JSONObject = {}
    seen_operation_ids: set[str] = set()
    for path, item in paths.items():
        pointer = join_pointer("/paths", path)
        if not isinstance(item, dict):
            result[path] = item
            continue
        result[path] = state.origin(
            _convert_path_item(item, pointer, seen_operation_ids, state), pointer
        )
    return state.origin(result, "/paths")


def _convert_path_item(
    item: JSONObject, pointer: str, seen_operation_ids: set[str], state: Swagger2State
) -> JSONObject:
    result: JSONObject = {}
    shared = _resolve_params(item.get("parameters"), join_pointer(pointer, "parameters"), state)
    for key, value in item.items():  # input order, so the output reads like the input
        if key == "$ref":
            result["$ref"] = state.rewrite_ref(value, join_pointer(pointer, "$ref"))
        elif key in METHODS and isinstance(value, dict):
            operation_pointer = join_pointer(pointer, key)
            result[key] = state.origin(
                _convert_operation(value, operation_pointer, shared, seen_operation_ids, state),
                operation_pointer,
            )
        elif key == "parameters":
            kept = [
                _plain_parameter(p, state)
                for p in shared
                if p.node.get("in") not in _BODY_LOCATIONS
            ]
            if kept:
                result["parameters"] = kept
        elif key.startswith("x-"):
            result[key] = value
        else:
            state.report(
                "swagger2-unknown-field",
                Level.WARNING,
                join_pointer(pointer, key),
                f"{key!r} is not a Swagger 2.0 path item field; dropped",
            )
    return result


_BODY_LOCATIONS = ("body", "formData")


def _resolve_params(value: JSON, pointer: str, state: Swagger2State) -> list[_Param]:
    """The parameters of a list, `$ref`s to shared parameters resolved for inspection."""
    if not isinstance(value, list):
        return []
    result: list[_Param] = []
    for index, param in enumerate(value):
        param_pointer = join_pointer(pointer, index)
        if not isinstance(param, dict):
            continue
        ref = param.get("$ref")
        if isinstance(ref, str):
            tokens = parse_local_ref(ref)
            if tokens and tokens[0] == "definitions":
                fixed = _definition_as_parameter(param, param_pointer, state)
                if fixed is not None:
                    result.append(fixed)
                continue
            shared = state.source.get("parameters")
            if tokens and len(tokens) == 2 and tokens[0] == "parameters":
                target = shared.get(tokens[1]) if isinstance(shared, dict) else None
                if isinstance(target, dict):
                    result.append(_Param(target, join_pointer("/parameters", tokens[1]), ref))
                    continue
            # Unknown target: kept as a reference; rewrite_ref reports it.
            result.append(_Param({"$ref": ref}, param_pointer, ref))
            continue
        result.append(_Param(param, param_pointer, None))
    return result


def _definition_as_parameter(
    param: JSONObject, pointer: str, state: Swagger2State
) -> _Param | None:
    """A parameter whose `$ref` names a schema: with `name` and `in` beside it, the evident
    meaning is "a parameter of that schema" (hey-api's fixtures, some generators)."""
    ref_pointer = join_pointer(pointer, "$ref")
    schema: JSONObject = {"$ref": state.rewrite_ref(param["$ref"], ref_pointer)}
    rest = {k: v for k, v in param.items() if k != "$ref"}
    if isinstance(param.get("name"), str) and param.get("in") in ("query", "header", "path"):
        state.report(
            "swagger2-definition-as-parameter",
            Level.WARNING,
            ref_pointer,
            f"a parameter $ref must point at a parameter, not the schema {param['$ref']!r};"
            " read as the schema of the parameter beside it",
        )
        return _Param(rest, pointer, None, schema)
    if param.get("in") == "body":
        return _Param({**rest, "schema": schema}, pointer, None)
    state.report(
        "swagger2-definition-as-parameter",
        Level.WARNING,
        ref_pointer,
        f"a parameter $ref must point at a parameter, not the schema {param['$ref']!r}, and"
        " there is no name and location beside it; parameter dropped",
    )
    return None


def _key(param: _Param) -> tuple[str, str]:
    """A parameter's (name, in), hashable even when a value has the wrong shape."""
    name, location = param.node.get("name"), param.node.get("in")
    return tuple(v if isinstance(v, str) else json_key(v) for v in (name, location))  # type: ignore[return-value]


def _plain_parameter(param: _Param, state: Swagger2State) -> JSONObject:
    """A query/path/header parameter: a reference to the shared one, or converted inline."""
    if param.ref is not None:
        return {"$ref": state.rewrite_ref(param.ref, join_pointer(param.pointer, "$ref"))}
    return convert_parameter(param.node, param.pointer, state, schema=param.schema)


def _convert_operation(
    operation: JSONObject,
    pointer: str,
    path_params: list[_Param],
    seen_operation_ids: set[str],
    state: Swagger2State,
) -> JSONObject:
    result: JSONObject = {}
    for key in _OPERATION_COPIED:
        if key in operation:
            result[key] = operation[key]
    _dedupe_operation_id(result, pointer, seen_operation_ids, state)

    consumes = media_types(operation.get("consumes"), join_pointer(pointer, "consumes"), state)
    produces = media_types(operation.get("produces"), join_pointer(pointer, "produces"), state)
    own_params = _resolve_params(
        operation.get("parameters"), join_pointer(pointer, "parameters"), state
    )
    # The operation's parameters override the path item's ones with the same name and `in`.
    merged = {_key(p): p for p in path_params}
    merged.update({_key(p): p for p in own_params})

    plain = [
        _plain_parameter(p, state) for p in own_params if p.node.get("in") not in _BODY_LOCATIONS
    ]
    # A path-level plain parameter overridden here must be repeated: 3.0 overrides the same way.
    if plain:
        result["parameters"] = plain
    request_body = _request_body(
        [p for p in merged.values() if p.node.get("in") in _BODY_LOCATIONS],
        consumes,
        pointer,
        state,
    )
    if request_body is not None:
        result["requestBody"] = request_body

    result["responses"] = _responses(operation, pointer, produces, state)
    if "deprecated" in operation:
        result["deprecated"] = operation["deprecated"]
    if "security" in operation:
        result["security"] = state.rename_security(operation["security"])
    servers = _operation_servers(operation, pointer, state)
    if servers:
        result["servers"] = servers
    copy_extensions(operation, result)
    report_unknown_fields(
        operation, _OPERATION_KNOWN, pointer, "operation", state, handled_elsewhere=()
    )
    return result


def _request_body(
    params: list[_Param], consumes: list[str] | None, pointer: str, state: Swagger2State
) -> JSONObject | None:
    bodies = [p for p in params if p.node.get("in") == "body"]
    forms = [p for p in params if p.node.get("in") == "formData"]
    effective = consumes if consumes is not None else state.consumes
    if bodies:
        if len(bodies) > 1 or forms:
            state.report(
                "swagger2-body-conflict",
                Level.WARNING,
                bodies[1].pointer if len(bodies) > 1 else forms[0].pointer,
                "an operation can have one body parameter and no form parameters beside it;"
                " only the first body parameter is kept",
            )
        node, param_pointer, ref, _ = bodies[0]
        if ref is not None and consumes is None:
            # Same media types as the shared request body: refer to it.
            return {"$ref": state.rewrite_ref(ref, join_pointer(param_pointer, "$ref"))}
        node = copy.deepcopy(node) if ref is not None else node
        return body_request_body(node, param_pointer, effective or [DEFAULT_MEDIA_TYPE], state)
    if forms:
        fields = [(copy.deepcopy(p.node) if p.ref else p.node, p.pointer) for p in forms]
        return form_request_body(fields, effective, pointer, state)
    return None


def _responses(
    operation: JSONObject, pointer: str, produces: list[str] | None, state: Swagger2State
) -> JSONObject:
    responses = operation.get("responses")
    effective = produces if produces is not None else state.produces
    if not isinstance(responses, dict) or not responses:
        state.report(
            "swagger2-responses-missing",
            Level.INFO,
            pointer,
            "operation has no responses (at least one is mandatory); added a default response",
        )
        return {"default": {"description": "Default response"}}
    result: JSONObject = state.origin({}, join_pointer(pointer, "responses"))  # type: ignore[assignment]
    for status, response in responses.items():
        response_pointer = join_pointer(pointer, "responses", status)
        if isinstance(response, dict) and not status.startswith("x-"):
            result[status] = convert_response(response, response_pointer, status, effective, state)
        else:
            result[status] = response
    return result


def _dedupe_operation_id(
    result: JSONObject, pointer: str, seen: set[str], state: Swagger2State
) -> None:
    operation_id = result.get("operationId")
    if not isinstance(operation_id, str):
        return
    if operation_id in seen:
        n = 2
        while f"{operation_id}_{n}" in seen:
            n += 1
        new_id = f"{operation_id}_{n}"
        state.report(
            "swagger2-operation-id-duplicate",
            Level.WARNING,
            join_pointer(pointer, "operationId"),
            f"operationId {operation_id!r} is used by an earlier operation (ids must be unique);"
            f" renamed to {new_id!r}",
        )
        result["operationId"] = operation_id = new_id
    seen.add(operation_id)


def _operation_servers(operation: JSONObject, pointer: str, state: Swagger2State) -> list[JSON]:
    """Servers for an operation whose `schemes` differ from the document's."""
    schemes = operation.get("schemes")
    if not isinstance(schemes, list) or schemes == state.schemes:
        return []
    if not state.host:
        # Generated documents (Kubernetes) repeat `schemes: [https]` on every operation:
        # one finding says it for all of them.
        if not state.reported_operation_schemes:
            state.reported_operation_schemes = True
            state.report(
                "swagger2-schemes-dropped",
                Level.INFO,
                join_pointer(pointer, "schemes"),
                "operation schemes without a document 'host' cannot form a server URL; dropped"
                " here and on every other such operation",
            )
        return []
    return [{"url": server_url(s, state.host, state.base_path)} for s in schemes]


def server_url(scheme: str | None, host: str, base_path: str) -> str:
    """`scheme://host/basePath`; protocol-relative when 2.0 left the scheme to the client."""
    prefix = f"{scheme}:" if scheme else ""
    return f"{prefix}//{host}{base_path}"
