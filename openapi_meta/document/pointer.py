"""JSON pointers (RFC 6901) in `$ref` fragments: parse, resolve, and build.

A `$ref` fragment is a URI fragment, so it is percent-decoded first (`%7B` → `{`), then split
on `/` and unescaped (`~1` → `/`, `~0` → `~`, in that order, as RFC 6901 section 4 requires).
"""

from __future__ import annotations

from urllib.parse import unquote

from openapi_meta.jsontypes import JSON

__all__ = ["PointerError", "parse_fragment", "resolve_pointer", "unescape_token"]


class PointerError(LookupError):
    """A pointer does not lead to a node; `depth` is how many tokens did resolve."""

    def __init__(self, message: str, depth: int) -> None:
        super().__init__(message)
        self.depth = depth


def unescape_token(token: str) -> str:
    """`~1` → `/` then `~0` → `~` (the other order would turn `~01` into `/`)."""
    return token.replace("~1", "/").replace("~0", "~")


def parse_fragment(fragment: str) -> list[str]:
    """The reference tokens of a `$ref` fragment (without `#`); "" is the whole document."""
    pointer = unquote(fragment)
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PointerError(
            f"the fragment {fragment!r} is not a JSON pointer (it must start with '/');"
            " anchors and plain names are not supported",
            0,
        )
    return [unescape_token(token) for token in pointer[1:].split("/")]


def resolve_pointer(root: JSON, tokens: list[str]) -> JSON:
    """The node at `tokens` in `root`, or a `PointerError` naming the first missing token."""
    node = root
    for depth, token in enumerate(tokens):
        if isinstance(node, dict):
            if token not in node:
                raise PointerError(f"no key {token!r}", depth)
            node = node[token]
        elif isinstance(node, list):
            if not (
                token.isascii() and token.isdigit() and (token == "0" or not token.startswith("0"))
            ):
                raise PointerError(f"{token!r} is not an array index", depth)
            index = int(token)
            if index >= len(node):
                raise PointerError(f"index {index} is past the end ({len(node)} items)", depth)
            node = node[index]
        else:
            raise PointerError(f"cannot look up {token!r} in a {type(node).__name__}", depth)
    return node
