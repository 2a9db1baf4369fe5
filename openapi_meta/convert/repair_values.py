"""A schema's `default` or `example` that its own schema rejects is fixed or removed.

3.0 requires a default to be valid against its schema (openapi-spec-validator checks it);
real servers emit `default: {}` on objects with required properties (Kubernetes) or
`default: 'null'` strings for nullable fields (TGI), YAML specs write an object's example
as JSON text in a block scalar (Typesense), and a list's example is often its one item. A
`'null'` string on a nullable schema becomes `null`; other JSON text (`'false'`, `'0.2'`, an
object) becomes the value it spells, and a lone item a one-item list, when the schema accepts
that, as does a number where text belongs (Binance's decimals); anything else is removed.
Runs once on the converted document, so the value is checked against the schema as 3.0 reads
it, with `$ref`s resolved in the document.
"""

from __future__ import annotations

import json
from typing import Any

from openapi_meta.default_check import quick_valid
from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level

_BASE = "urn:openapi-meta:document"


class RepairValues:
    def __init__(self, context: Any) -> None:
        self.context = context
        self.pending: list[tuple[dict[str, Any], str]] = []

    @only_with("default", "example")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is dict and ("default" in node or "example" in node):
            self.pending.append((node, pointer))

    def finish(self, document: dict[str, Any]) -> None:
        reference = None
        for node, pointer in self.pending:
            schema = {k: v for k, v in node.items() if k not in ("default", "example")}
            for key in ("default", "example"):
                if key not in node:
                    continue
                value = node[key]
                if (value is None and node.get("nullable") is True) or quick_valid(schema, value):
                    continue
                reference = reference or _reference(document)
                validator = reference(schema)
                error = _first_error(validator, value)
                if error is None:
                    continue
                where = join_pointer(pointer, key)
                reason = getattr(error, "message", str(error))
                reshaped = _reshaped(value, validator)
                if reshaped is not None:
                    node[key], how = reshaped
                    self.context.report(
                        f"{key}-reshaped", Level.INFO, where, f"{key} {_short(value)} {how}"
                    )
                elif value == "null" and node.get("nullable") is True:
                    node[key] = None
                    self.context.report(
                        f"{key}-repaired",
                        Level.WARNING,
                        where,
                        f"{key} 'null' (a string) written as null: {reason}",
                    )
                else:
                    del node[key]
                    self.context.report(
                        f"{key}-repaired",
                        Level.WARNING,
                        where,
                        f"{key} {_short(value)} removed: {reason}",
                    )


def _reference(document: dict[str, Any]) -> Any:
    """openapi-schema-validator's OAS30Validator for a schema of `document`, `$ref`s resolved
    in it (imported on first need: most values are told valid by `quick_valid`)."""
    from openapi_schema_validator import OAS30Validator, oas30_format_checker
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resource(_BASE, DRAFT4.create_resource(document))
    resolver = registry.resolver(base_uri=_BASE)
    return lambda schema: OAS30Validator(
        schema, _resolver=resolver, format_checker=oas30_format_checker
    )


def _reshaped(value: Any, validator: Any) -> tuple[Any, str] | None:
    """`value` in a shape the schema accepts, when the intent is certain, and how it was read:
    JSON text as the value it spells, a number as its text, a lone item as a list of one."""
    candidates = []
    if type(value) is str:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if type(parsed) in (dict, list):
            kind = "object" if type(parsed) is dict else "list"
            candidates.append((parsed, f"is JSON text: read as the {kind} it spells"))
        elif type(parsed) in (bool, int, float):  # `'false'`, `'0.2'`; 'null' has its own rule
            candidates.append((parsed, f"is the text of a JSON value: read as {parsed!r}"))
    elif type(value) in (int, float):  # a decimal written as a number where text belongs
        text = json.dumps(value)
        candidates.append((text, f"is a number where text belongs: read as {text!r}"))
    if value is not None and type(value) is not list:
        candidates.append(([value], "is one item where a list belongs: read as a list of one"))
    for candidate, how in candidates:
        if _first_error(validator, candidate) is None:
            return candidate, how
    return None


def _first_error(validator: Any, value: Any) -> Any:
    try:
        return next(validator.iter_errors(value), None)
    except Exception as exc:  # an unresolvable $ref: validation reports it
        return exc


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
