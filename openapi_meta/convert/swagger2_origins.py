"""Where each part of an upgraded Swagger 2.0 document came from, for input-pointer findings.

The upgrade moves things: `/definitions/Pet` becomes `/components/schemas/Pet`, a body
parameter's schema becomes `.../requestBody/content/application~1json/schema`, a parameter's
index changes when the body parameter leaves the list. Passes that run after the upgrade see
the 3.0 shape, but a finding must name the place in the *input*. `Origins` records the input
pointer of every object the upgrade kept or built (by object identity, so nothing is written
into the document), and `PointerMap` answers "which input pointer is this output pointer?"
with the nearest recorded ancestor plus the rest of the path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openapi_meta.document.pointer import escape_token
from openapi_meta.jsontypes import JSON


@dataclass
class Origins:
    """Input pointers by object identity (the objects are kept alive so ids stay unique)."""

    pointers: dict[int, str] = field(default_factory=dict)
    _alive: list[JSON] = field(default_factory=list)

    def record(self, node: JSON, pointer: str) -> None:
        if isinstance(node, (dict, list)) and id(node) not in self.pointers:
            self.pointers[id(node)] = pointer
            self._alive.append(node)

    def copy(self, node: JSON, pointer: str) -> JSON:
        """A deep copy of `node` (already upgraded) whose every part has the input pointer of
        the part it copies: a schema copied into a second media type is the same input."""
        kind = type(node)
        if kind is dict:
            copied: JSON = {
                k: self.copy(v, f"{pointer}/{escape_token(k)}") for k, v in node.items()
            }  # type: ignore[union-attr]
        elif kind is list:
            copied = [self.copy(v, f"{pointer}/{i}") for i, v in enumerate(node)]  # type: ignore[arg-type]
        else:
            return node
        self.record(copied, self.pointers.get(id(node), pointer))
        return copied

    def index(self, tree: JSON, pointer: str = "") -> None:
        """Record every object and array of `tree` (the input copy) at its own pointer."""
        stack: list[tuple[JSON, str]] = [(tree, pointer)]
        while stack:
            node, here = stack.pop()
            if isinstance(node, dict):
                self.record(node, here)
                stack.extend((v, f"{here}/{escape_token(k)}") for k, v in node.items())
            elif isinstance(node, list):
                self.record(node, here)
                stack.extend((v, f"{here}/{i}") for i, v in enumerate(node))

    def pointer_map(self, output: JSON) -> PointerMap:
        """Output pointer → input pointer for every recorded object found in `output`."""
        table: dict[str, str] = {}
        stack: list[tuple[JSON, str]] = [(output, "")]
        while stack:
            node, here = stack.pop()
            if isinstance(node, dict):
                origin = self.pointers.get(id(node))
                if origin is not None:
                    table[here] = origin
                stack.extend((v, f"{here}/{escape_token(k)}") for k, v in node.items())
            elif isinstance(node, list):
                origin = self.pointers.get(id(node))
                if origin is not None:
                    table[here] = origin
                stack.extend((v, f"{here}/{i}") for i, v in enumerate(node))
        return PointerMap(table)


@dataclass(frozen=True)
class PointerMap:
    """Translate pointers into the upgraded document back to pointers into the 2.0 input."""

    table: dict[str, str]

    def input_pointer(self, pointer: str) -> str:
        """The input pointer of the nearest recorded ancestor, plus the remaining tokens."""
        here = pointer
        while True:
            origin = self.table.get(here)
            if origin is not None:
                return origin + pointer[len(here) :]
            if not here:
                return pointer
            here = here[: here.rfind("/")]
