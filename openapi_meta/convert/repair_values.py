"""A schema's `default` or `example` that its own schema rejects is fixed or removed.

3.0 requires a default to be valid against its schema (openapi-spec-validator checks it);
real servers emit `default: {}` on objects with required properties (Kubernetes) or
`default: 'null'` strings for nullable fields (TGI), and YAML specs write an object's example
as JSON text in a block scalar (Typesense). A `'null'` string on a nullable schema becomes
`null`, JSON text the object or list it spells when that is valid; anything else is removed.
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
                error = _first_error(reference(schema), value)
                if error is None:
                    continue
                where = join_pointer(pointer, key)
                reason = getattr(error, "message", str(error))
                spelled = _json_container(value)
                if spelled is not None and _first_error(reference(schema), spelled) is None:
                    node[key] = spelled
                    self.context.report(
                        f"{key}-parsed",
                        Level.INFO,
                        where,
                        f"{key} {_short(value)} is JSON text: read as the"
                        f" {'object' if type(spelled) is dict else 'list'} it spells",
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


def _json_container(value: Any) -> Any:
    """The object or list a string spells as JSON, else None."""
    if type(value) is not str or value.lstrip()[:1] not in ("{", "["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if type(parsed) in (dict, list) else None


def _first_error(validator: Any, value: Any) -> Any:
    try:
        return next(validator.iter_errors(value), None)
    except Exception as exc:  # an unresolvable $ref: validation reports it
        return exc


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
