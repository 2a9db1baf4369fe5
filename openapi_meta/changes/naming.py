"""Which oasdiff rule a schema delta is, and how it reads, for where the schema sits.

The same delta ("became-nullable") is `request-property-became-nullable` under a request
body, `response-header-became-nullable` on a response header, and no rule at all (so no
change in the report) for a property inside a header's schema; `where` is "request-body",
"response-body", "request-parameter" or "response-header".
"""

from __future__ import annotations

from openapi_meta.changes.rules import RULES
from openapi_meta.changes.schemas import Delta

# Property existence and requiredness: oasdiff names these differently per direction.
_PROPERTY_RULES: dict[str, dict[str, str]] = {
    "request": {
        "property-added-required": "new-required-request-property",
        "property-added-required-with-default": "new-required-request-property-with-default",
        "property-added-optional": "new-optional-request-property",
        "property-removed-required": "request-property-removed",
        "property-removed-optional": "request-property-removed",
        "property-became-required": "request-property-became-required",
        "property-became-required-with-default": "request-property-became-required-with-default",
        "property-became-optional": "request-property-became-optional",
    },
    "response": {
        "property-added-required": "response-required-property-added",
        "property-added-required-with-default": "response-required-property-added",
        "property-added-optional": "response-optional-property-added",
        "property-removed-required": "response-required-property-removed",
        "property-removed-optional": "response-optional-property-removed",
        "property-became-required": "response-property-became-required",
        "property-became-required-with-default": "response-property-became-required",
        "property-became-optional": "response-property-became-optional",
    },
}
# Where oasdiff has no rule for a bound that appears or goes, it is a move from or to
# infinity (a maximum that appears decreased; a minimum that goes decreased).
_FALLBACK = {
    "type-specialized": "type-changed",
    **{f"{b}-set": f"{b}-decreased" for b in ("max", "max-length", "max-items")},
    **{f"{b}-set": f"{b}-increased" for b in ("min", "min-length", "min-items")},
    **{f"{b}-unset": f"{b}-increased" for b in ("max", "max-length", "max-items")},
    **{f"{b}-unset": f"{b}-decreased" for b in ("min", "min-length", "min-items")},
}
_PROPERTY_WORDS = {
    "property-added-required": "added (required)",
    "property-added-required-with-default": "added (required, with a default)",
    "property-added-optional": "added (optional)",
    "property-removed-required": "removed (it was required)",
    "property-removed-optional": "removed",
    "property-became-required-with-default": "became required (it has a default)",
}


def rule_for(where: str, delta: Delta) -> str | None:
    """oasdiff's id for `delta` at `where`, or None where oasdiff has no rule for it."""
    direction = where.split("-", 1)[0]
    path = delta.path
    if where.endswith("body"):
        if delta.aspect.startswith("property-"):
            return _PROPERTY_RULES[direction][delta.aspect]
        prefix = f"{direction}-{'property' if path else 'body'}"
        if prefix == "response-body" and delta.aspect == "enum-value-removed":
            return "response-mediatype-enum-value-removed"
    else:
        # Parameters have their own `deprecated` (and no properties in oasdiff's rules).
        if delta.aspect.startswith("property-") or delta.aspect in ("deprecated", "reactivated"):
            return None
        # An array parameter's items are the parameter's values.
        nested = any(segment != "items" for segment in path)
        if where == "response-header":
            if nested:
                return None
            prefix = "response-header"
        else:
            prefix = "request-parameter-property" if nested else "request-parameter"
    for aspect in (delta.aspect, _FALLBACK.get(delta.aspect)):
        if aspect is not None and f"{prefix}-{aspect}" in RULES:
            return f"{prefix}-{aspect}"
    return None


def describe(where: str, subject: str, delta: Delta) -> str:
    """The change in words: "request property a/b became required", "query parameter q ..."."""
    words = _PROPERTY_WORDS.get(delta.aspect, delta.detail)
    name = "/".join(delta.path)
    if where.endswith("body"):
        if name:
            return f"{subject} property {name} {words}"
        return f"{subject} body {words}"
    if name and any(segment != "items" for segment in delta.path):
        return f"{subject} property {name} {words}"
    return f"{subject} {words}"
