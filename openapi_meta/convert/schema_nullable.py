"""`anyOf`/`oneOf` members that only accept null become `nullable: true`.

pydantic v2 writes `Optional[X]` as `anyOf: [X, {type: "null"}]`; 3.0 has no null type.
One remaining member is merged into the schema (a `$ref` becomes `allOf: [{$ref}]`, because
a 3.0 `$ref` cannot have siblings); several stay in `anyOf`/`oneOf`. Title, description,
default and the like stay where they were.

Null passes a 3.0 `enum` only when the enum lists it, so a member with an `enum` that is
merged with a null member gets `null` added to its enum (the null member accepted it).

3.0.3 applies `nullable` only next to a `type` in the same object, so on a wrapper without
`type` (`allOf: [{$ref}]`, a remaining `anyOf`) a strict 3.0.3 validator still rejects null,
while most tools read it as "may be null": such places get a `nullable-without-type` finding.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.convert._schema import is_bare_ref, is_null_only, null_only
from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level


def _accept_null(schema: dict[str, Any]) -> None:
    schema["nullable"] = True
    enum = schema.get("enum")
    if type(enum) is list and None not in enum:
        enum.append(None)


class SchemaNullable:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with("anyOf", "oneOf")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict:
            return
        for keyword in ("anyOf", "oneOf"):
            members = node.get(keyword)
            if type(members) is not list or not any(is_null_only(m) for m in members):
                continue
            self._rewrite(node, keyword, members, pointer)

    def _rewrite(
        self, node: dict[str, Any], keyword: str, members: list[Any], pointer: str
    ) -> None:
        where = join_pointer(pointer, keyword)
        rest = [m for m in members if not is_null_only(m)]
        del node[keyword]
        if not rest:
            node.update(null_only())
            self.context.report(
                "nullable-member",
                Level.INFO,
                where,
                f"{keyword} of null members only written as null",
            )
            return
        node["nullable"] = True
        if len(rest) > 1:
            node[keyword] = rest
            typed = all(type(m) is dict and "type" in m for m in rest)
            if keyword == "anyOf" and typed:
                # Each member then accepts null itself, as strict 3.0.3 validators require.
                for member in rest:
                    _accept_null(member)
            self._report(where, keyword, "kept for the other members, with nullable: true")
            if not (keyword == "anyOf" and typed):
                self._without_type(node, where)
            return
        (only,) = rest
        mergeable = (
            type(only) is dict
            and not is_bare_ref(only)
            and "$ref" not in only
            and not (set(only) & (set(node) - {"nullable"}))
        )
        if mergeable:
            node.update(only)
            _accept_null(node)
            self._report(where, keyword, "replaced by its one non-null member, nullable: true")
        else:
            node.setdefault("allOf", []).append(only)
            self._report(
                where, keyword, "replaced by allOf of its one non-null member, nullable: true"
            )
        self._without_type(node, where)

    def _report(self, where: str, keyword: str, what: str) -> None:
        self.context.report(
            "nullable-member", Level.INFO, where, f"{keyword} with a null member {what}"
        )

    def _without_type(self, node: dict[str, Any], where: str) -> None:
        if "type" not in node:
            self.context.report(
                "nullable-without-type",
                Level.INFO,
                where,
                "nullable: true without a type in the same schema: tools read it as"
                " 'may be null', a strict 3.0.3 validator ignores it",
            )
