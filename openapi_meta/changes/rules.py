"""The rules this report implements: oasdiff's rule ids and its default levels.

Users who know oasdiff (`oasdiff breaking` / `oasdiff changelog`) recognise the ids, and a
level here is oasdiff's default for the same id: ERR is breaking, WARN a warning (a change
that may break a client, which the spec alone cannot decide), INFO harmless. oasdiff judges
against the contract, not a lenient server: a new required request property is breaking even
when it has a default.

Left out on purpose: the sunset-date rules (their verdict depends on today's date, and this
report must depend only on the two specs), stability levels (`x-stability-level`), the 3.1
keywords (both specs are 3.0.3 here), `allOf` membership (object members are merged, so a
property moved into an `allOf` member is no change; what each property does is compared),
read-only / write-only transitions (a read-only property is simply not part of a request,
a write-only one not part of a response), and `api-schema-removed` (a renamed component with
the same content is no change for a client). `new-request-path-parameter` is out too:
operations are matched by path template, and a new path parameter makes a new template, so
it shows as an operation removed and one added.
"""

from __future__ import annotations

from openapi_meta.changes.model import Severity

# oasdiff's names for the levels.
ERR, WARN, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO

# What a client sends: the rules request bodies, request properties and parameters share.
_INPUT = {
    "type-changed": ERR,
    "type-generalized": INFO,
    "enum-value-removed": ERR,
    "became-enum": ERR,
    "became-nullable": INFO,
    "became-not-nullable": ERR,
    "max-decreased": ERR,
    "max-increased": INFO,
    "max-set": WARN,
    "min-increased": ERR,
    "min-decreased": INFO,
    "min-set": WARN,
    "max-length-decreased": ERR,
    "max-length-increased": INFO,
    "max-length-set": WARN,
    "min-length-increased": ERR,
    "min-length-decreased": INFO,
    "min-items-increased": ERR,
    "min-items-set": WARN,
}
# "request-body-..." and "request-property-...": a default is the server's business.
_REQUEST_SCHEMA = {
    **_INPUT,
    "default-value-added": INFO,
    "default-value-removed": INFO,
    "default-value-changed": INFO,
    "one-of-added": INFO,
    "one-of-removed": ERR,
    "any-of-added": INFO,
    "any-of-removed": ERR,
}
# "request-parameter-...": a parameter's default is what a client gets by leaving it out.
_PARAMETER_SCHEMA = {
    **_INPUT,
    "enum-value-added": INFO,
    "default-value-changed": ERR,
    "default-value-added": ERR,
    "default-value-removed": ERR,
    "max-items-decreased": ERR,
    "max-items-increased": INFO,
    "min-items-decreased": INFO,
    "pattern-added": ERR,
    "pattern-removed": INFO,
    "pattern-changed": WARN,
}
# "response-body-..." and "response-property-...": what a client receives.
_RESPONSE_SCHEMA = {
    "type-changed": ERR,
    "type-generalized": ERR,
    "type-specialized": INFO,
    "became-nullable": ERR,
    "became-not-nullable": INFO,
    "default-value-added": INFO,
    "default-value-removed": INFO,
    "default-value-changed": INFO,
    "max-increased": ERR,
    "max-length-increased": ERR,
    "max-length-unset": ERR,
    "min-decreased": ERR,
    "min-items-decreased": ERR,
    "min-items-unset": ERR,
    "min-length-decreased": ERR,
    "one-of-added": ERR,
    "one-of-removed": INFO,
    "any-of-added": INFO,
    "any-of-removed": INFO,
}

RULES: dict[str, Severity] = {
    # Paths and operations.
    "api-path-removed-without-deprecation": ERR,
    "api-path-removed-with-deprecation": INFO,
    "api-removed-without-deprecation": ERR,
    "api-removed-with-deprecation": INFO,
    "endpoint-added": INFO,
    "endpoint-deprecated": INFO,
    "endpoint-reactivated": INFO,
    "api-operation-id-added": INFO,
    "api-operation-id-removed": INFO,
    "api-tag-added": INFO,
    "api-tag-removed": INFO,
    # Security.
    "api-security-added": INFO,
    "api-security-removed": INFO,
    "api-global-security-added": INFO,
    "api-global-security-removed": INFO,
    "api-security-component-added": INFO,
    "api-security-component-removed": INFO,
    # Parameters.
    "new-required-request-parameter": ERR,
    "new-optional-request-parameter": INFO,
    "request-parameter-removed": WARN,
    "request-parameter-removed-with-deprecation": INFO,
    "request-parameter-became-required": ERR,
    "request-parameter-became-optional": INFO,
    "request-parameter-deprecated": INFO,
    "request-parameter-reactivated": INFO,
    **{f"request-parameter-{aspect}": level for aspect, level in _PARAMETER_SCHEMA.items()},
    "request-parameter-property-type-changed": WARN,
    "request-parameter-property-type-generalized": INFO,
    "request-parameter-property-type-specialized": ERR,
    "request-parameter-property-enum-value-removed": ERR,
    "request-parameter-property-enum-value-added": INFO,
    "request-parameter-property-became-nullable": INFO,
    "request-parameter-property-became-not-nullable": ERR,
    # Request bodies.
    "request-body-added-required": ERR,
    "request-body-added-optional": INFO,
    "request-body-removed": ERR,
    "request-body-became-required": ERR,
    "request-body-became-optional": INFO,
    "request-body-media-type-added": INFO,
    "request-body-media-type-removed": ERR,
    "request-body-media-type-schema-added": ERR,
    "request-body-media-type-schema-removed": INFO,
    **{f"request-body-{aspect}": level for aspect, level in _REQUEST_SCHEMA.items()},
    **{f"request-property-{aspect}": level for aspect, level in _REQUEST_SCHEMA.items()},
    "request-property-enum-value-added": INFO,
    "request-property-pattern-added": ERR,
    "request-property-pattern-removed": INFO,
    "request-property-pattern-changed": WARN,
    "request-property-deprecated": INFO,
    "request-property-reactivated": INFO,
    "new-required-request-property": ERR,
    "new-required-request-property-with-default": ERR,
    "new-optional-request-property": INFO,
    "request-property-removed": WARN,
    "request-property-became-required": ERR,
    "request-property-became-required-with-default": ERR,
    "request-property-became-optional": INFO,
    # Responses.
    "response-success-status-removed": ERR,
    "response-success-status-added": INFO,
    "response-non-success-status-removed": INFO,
    "response-non-success-status-added": INFO,
    "response-media-type-removed": ERR,
    "response-media-type-added": INFO,
    "response-body-media-type-schema-added": INFO,
    "response-body-media-type-schema-removed": WARN,
    **{f"response-body-{aspect}": level for aspect, level in _RESPONSE_SCHEMA.items()},
    **{f"response-property-{aspect}": level for aspect, level in _RESPONSE_SCHEMA.items()},
    "response-mediatype-enum-value-removed": INFO,
    "response-property-enum-value-removed": INFO,
    "response-property-enum-value-added": WARN,
    "response-property-pattern-added": INFO,
    "response-property-pattern-removed": INFO,
    "response-property-pattern-changed": INFO,
    "response-property-deprecated": INFO,
    "response-property-reactivated": INFO,
    "response-required-property-added": INFO,
    "response-optional-property-added": INFO,
    "response-required-property-removed": ERR,
    "response-optional-property-removed": WARN,
    "response-property-became-optional": ERR,
    "response-property-became-required": INFO,
    # Response headers.
    "required-response-header-removed": ERR,
    "optional-response-header-removed": WARN,
    "response-header-added": INFO,
    "response-header-became-optional": ERR,
    "response-header-type-changed": ERR,
    "response-header-type-generalized": ERR,
    "response-header-type-specialized": INFO,
    "response-header-became-nullable": ERR,
    "response-header-became-not-nullable": INFO,
}
