"""Swagger 2.0 → 3.0 security schemes: `basic` → HTTP basic, oauth2 `flow` → `flows`.

2.0 has three scheme types: `basic`, `apiKey` and `oauth2` with one `flow` each (`implicit`,
`password`, `application`, `accessCode`). 3.0 calls basic auth `type: http, scheme: basic` and
nests an oauth2 scheme's URLs and scopes under `flows.<name>`, where `application` is now
`clientCredentials` and `accessCode` is `authorizationCode`.
"""

from __future__ import annotations

from openapi_meta.convert.swagger2_params import copy_extensions, report_unknown_fields
from openapi_meta.convert.swagger2_refs import Swagger2State
from openapi_meta.document.pointer import join_pointer
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSONObject

# 2.0 flow → (3.0 flow name, the URL fields that flow has).
_FLOWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
_KNOWN = {"type", "description", "name", "in", "flow", "authorizationUrl", "tokenUrl", "scopes"}


def convert_security_scheme(
    scheme: JSONObject, pointer: str, state: Swagger2State
) -> JSONObject | None:
    """A 3.0 Security Scheme from a 2.0 one, or None (with a finding) when it has no meaning."""
    kind = scheme.get("type")
    result: JSONObject
    if kind == "basic":
        result = {"type": "http", "scheme": "basic"}
    elif kind == "apiKey":
        result = {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in")}
    elif kind == "oauth2":
        flows = _oauth2_flows(scheme, pointer, state)
        if flows is None:
            return None
        result = {"type": "oauth2", "flows": flows}
    else:
        state.report(
            "swagger2-security-scheme-unknown",
            Level.WARNING,
            join_pointer(pointer, "type"),
            f"security scheme type {kind!r} is not one of basic, apiKey, oauth2; scheme dropped",
        )
        return None
    if "description" in scheme:
        result["description"] = scheme["description"]
    copy_extensions(scheme, result)
    report_unknown_fields(scheme, _KNOWN, pointer, "security scheme", state)
    return result


def _oauth2_flows(scheme: JSONObject, pointer: str, state: Swagger2State) -> JSONObject | None:
    flow = scheme.get("flow")
    if flow not in _FLOWS:
        state.report(
            "swagger2-security-scheme-unknown",
            Level.WARNING,
            join_pointer(pointer, "flow"),
            f"oauth2 flow {flow!r} is not one of {', '.join(_FLOWS)}; scheme dropped",
        )
        return None
    name, url_fields = _FLOWS[str(flow)]
    result: JSONObject = {}
    for url_field in url_fields:
        if isinstance(scheme.get(url_field), str):
            result[url_field] = scheme[url_field]
        else:
            # 3.0 requires the URL; an empty relative URL says "unknown" without inventing one.
            result[url_field] = ""
            state.report(
                "swagger2-oauth2-url-missing",
                Level.WARNING,
                pointer,
                f"oauth2 flow {flow!r} needs '{url_field}'; set to '' (unknown)",
            )
    scopes = scheme.get("scopes")
    if not isinstance(scopes, dict):
        scopes = {}
        state.report(
            "swagger2-oauth2-scopes-missing",
            Level.INFO,
            pointer,
            "oauth2 scheme without 'scopes' (mandatory); set to {}",
        )
    result["scopes"] = scopes
    return {name: result}
