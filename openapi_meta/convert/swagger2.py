"""Swagger 2.0 → OpenAPI 3.0.3: the structural upgrade, as two passes over a copy of the input.

1. Schemas (`swagger2_schema`): every Schema object, found by the walker, gets its 3.0 keywords
   while the document still has its 2.0 shape, so findings name input pointers.
2. Structure (this module and `swagger2_paths`, `_params`, `_responses`, `_security`): a new
   3.0 document is built from that copy. `host`/`basePath`/`schemes` become `servers`;
   `definitions`, `parameters`, `responses`, `securityDefinitions` become `components` (with
   every `$ref` following them, see `swagger2_refs`); body and form parameters become request
   bodies; `consumes`/`produces` become media types.

Like swagger2openapi's `--patch`, what 2.0 requires but real documents omit is repaired, each
repair a finding: a numeric `info.version`, path parameters without `required: true`, responses
without a description, operations without responses, duplicate operationIds. A body parameter
without a schema has no meaning to repair and is refused with a DocumentError.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from openapi_meta.convert.swagger2_origins import Origins, PointerMap
from openapi_meta.convert.swagger2_params import (
    DEFAULT_MEDIA_TYPE,
    body_request_body,
    convert_parameter,
    copy_extensions,
    report_unknown_fields,
)
from openapi_meta.convert.swagger2_paths import convert_paths, media_types, server_url
from openapi_meta.convert.swagger2_refs import Swagger2State
from openapi_meta.convert.swagger2_responses import convert_response
from openapi_meta.convert.swagger2_schema import upgrade_schemas
from openapi_meta.convert.swagger2_security import convert_security_scheme
from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import copy_tree
from openapi_meta.errors import DocumentError
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

if TYPE_CHECKING:
    from openapi_meta.convert import ConversionContext

__all__ = ["upgrade_swagger2", "upgrade_swagger2_traced"]

OPENAPI_VERSION = "3.0.3"

# Top-level 2.0 fields and what becomes of them; anything else (not `x-*`) is dropped.
_TOP_LEVEL = {
    "swagger",
    "info",
    "host",
    "basePath",
    "schemes",
    "consumes",
    "produces",
    "paths",
    "definitions",
    "parameters",
    "responses",
    "securityDefinitions",
    "security",
    "tags",
    "externalDocs",
}
_SERVER_VARIABLE = re.compile(r"\{([^{}]+)\}")


def upgrade_swagger2(document: JSONObject, context: ConversionContext) -> JSONObject:
    """A new OpenAPI 3.0.3 document with the meaning of the Swagger 2.0 `document`.

    The input is not modified. Findings go to `context`, each with its pointer in the input.
    """
    return _upgrade(document, context, trace=False)[0]


def upgrade_swagger2_traced(
    document: JSONObject, context: ConversionContext, *, copy: bool = True
) -> tuple[JSONObject, PointerMap]:
    """`upgrade_swagger2`, plus the map from output pointers back to input pointers.

    Passes that run on the result can translate their findings' pointers with
    `pointer_map.input_pointer(...)`, so the user is told where to look in *their* document.
    `copy=False` hands over a document nobody else holds (convert's bundled copy): its parts
    become the result's, which saves a deep copy of the whole document.
    """
    result, pointer_map = _upgrade(document, context, trace=True, copy=copy)
    assert pointer_map is not None
    return result, pointer_map


def _upgrade(
    document: JSONObject, context: ConversionContext, *, trace: bool, copy: bool = True
) -> tuple[JSONObject, PointerMap | None]:
    source = copy_tree(document) if copy else document
    if not isinstance(source, dict):
        raise DocumentError("the document is not a mapping (a Swagger 2.0 object)")
    state = Swagger2State(context, source, origins=Origins() if trace else None)
    state.plan_names()
    if state.origins is not None:
        state.origins.index(source)  # before the schemas change shape (items: [...] → anyOf)
    upgrade_schemas(source, state)
    _read_globals(state)

    result: JSONObject = {"openapi": OPENAPI_VERSION, "info": _info(source.get("info"), state)}
    if "externalDocs" in source:
        result["externalDocs"] = source["externalDocs"]
    servers = _servers(state)
    if servers:
        result["servers"] = servers
    if "tags" in source:
        result["tags"] = source["tags"]
    if "security" in source:
        result["security"] = state.rename_security(source["security"])
    paths = source.get("paths")
    if not isinstance(paths, dict):
        state.report(
            "swagger2-paths-missing",
            Level.INFO,
            "/paths" if "paths" in source else "",
            "the document has no 'paths' object (mandatory); set to {}",
        )
        paths = {}
    result["paths"] = convert_paths(paths, state)
    components = _components(state)
    if components:
        result["components"] = components
    copy_extensions(source, result)
    report_unknown_fields(source, _TOP_LEVEL, "", "top-level", state, handled_elsewhere=())
    return result, state.origins.pointer_map(result) if state.origins is not None else None


def _read_globals(state: Swagger2State) -> None:
    source = state.source
    state.consumes = media_types(source.get("consumes"), "/consumes", state) or []
    state.produces = media_types(source.get("produces"), "/produces", state) or []
    schemes = source.get("schemes")
    state.schemes = schemes if isinstance(schemes, list) else None
    host = source.get("host")
    base_path = source.get("basePath")
    if isinstance(host, str) and host:
        parts = urlsplit(host if "//" in host else "//" + host)
        if parts.scheme or parts.path or "/" in host:
            # 2.0 says host is a name and port only; servers put the rest back together.
            state.report(
                "swagger2-host-patched",
                Level.INFO,
                "/host",
                f"host {host!r} holds more than a host name and port; used {parts.netloc!r}",
            )
            if parts.scheme and state.schemes is None:
                state.schemes = [parts.scheme]
            if parts.path and not isinstance(base_path, str):
                base_path = parts.path
        state.host = parts.netloc or None
    if isinstance(base_path, str):
        if base_path and not base_path.startswith("/"):
            state.report(
                "swagger2-base-path-patched",
                Level.INFO,
                "/basePath",
                f"basePath {base_path!r} must start with '/'; used '/{base_path}'",
            )
            base_path = "/" + base_path
        state.base_path = base_path.rstrip("/") if state.host else base_path


def _servers(state: Swagger2State) -> list[JSON]:
    """`servers` from host, basePath and schemes (2.0 defaults the scheme to the spec's own)."""
    if state.host is None:
        if state.schemes:
            state.report(
                "swagger2-schemes-dropped",
                Level.INFO,
                "/schemes",
                "schemes without a 'host' cannot form an absolute server URL; the server is"
                " relative to where the document is served, with that document's scheme",
            )
        return [{"url": state.base_path}] if state.base_path else []
    schemes = [s for s in state.schemes or [None] if s is None or isinstance(s, str)]
    servers: list[JSON] = []
    for scheme in schemes:
        server: JSONObject = {"url": server_url(scheme, state.host, state.base_path)}
        names = _SERVER_VARIABLE.findall(str(server["url"]))
        if names:
            # A templated host ({tenant}.example.com) is a 3.0 server variable.
            server["variables"] = {name: {"default": ""} for name in names}
        servers.append(server)
    return servers


def _info(info: JSON, state: Swagger2State) -> JSONObject:
    """The Info object, with the mandatory `title` and string `version` repaired."""
    if not isinstance(info, dict):
        state.report(
            "swagger2-info-missing",
            Level.WARNING,
            "/info" if info is not None else "",
            "the document has no 'info' object (mandatory); set an empty title and version",
        )
        return {"title": "", "version": ""}
    result = dict(info)
    if not isinstance(result.get("title"), str):
        state.report(
            "swagger2-info-title-missing",
            Level.INFO,
            "/info",
            "info has no string 'title' (mandatory); set to ''",
        )
        result["title"] = "" if result.get("title") is None else str(result["title"])
    version = result.get("version")
    if not isinstance(version, str):
        new = "" if version is None else _version_text(version)
        state.report(
            "swagger2-info-version-string",
            Level.INFO,
            "/info/version" if version is not None else "/info",
            f"info.version must be a string, not {version!r}; set to {new!r}"
            " (in YAML, quote it: version: '1.10' would otherwise read as 1.1)",
        )
        result["version"] = new
    return result


def _version_text(version: JSON) -> str:
    if isinstance(version, bool):
        return str(version).lower()
    return str(version)


def _components(state: Swagger2State) -> JSONObject:
    """`components` from the shared 2.0 sections, under their (possibly renamed) names."""
    source = state.source
    components: JSONObject = {}
    definitions = source.get("definitions")
    if isinstance(definitions, dict) and definitions:
        components["schemas"] = state.origin(
            {state.new_name("definitions", name): s for name, s in definitions.items()},
            "/definitions",
        )
    responses = source.get("responses")
    if isinstance(responses, dict) and responses:
        converted_responses = {
            state.new_name("responses", name): convert_response(
                response, join_pointer("/responses", name), name, state.produces, state
            )
            for name, response in responses.items()
            if isinstance(response, dict)
        }
        components["responses"] = state.origin(converted_responses, "/responses")
    parameters = source.get("parameters")
    if isinstance(parameters, dict) and parameters:
        plain: JSONObject = {}
        bodies: JSONObject = {}
        for name, param in parameters.items():
            pointer = join_pointer("/parameters", name)
            if not isinstance(param, dict) or name in state.form_parameters:
                continue  # form fields are inlined into each operation's form schema
            new_name = state.new_name("parameters", name)
            if name in state.body_parameters:
                # A copy: an operation with its own `consumes` inlines the original.
                bodies[new_name] = body_request_body(
                    copy_tree(param),  # type: ignore[arg-type]
                    pointer,
                    state.consumes or [DEFAULT_MEDIA_TYPE],
                    state,
                )
            else:
                plain[new_name] = convert_parameter(param, pointer, state)
        if plain:
            components["parameters"] = state.origin(plain, "/parameters")
        if bodies:
            components["requestBodies"] = bodies
    schemes = source.get("securityDefinitions")
    if isinstance(schemes, dict) and schemes:
        converted: JSONObject = {}
        for name, scheme in schemes.items():
            if isinstance(scheme, dict):
                pointer = join_pointer("/securityDefinitions", name)
                new = convert_security_scheme(scheme, pointer, state)
                if new is not None:
                    converted[state.new_name("securityDefinitions", name)] = state.origin(
                        new, pointer
                    )
        if converted:
            components["securitySchemes"] = state.origin(converted, "/securityDefinitions")
    return components
