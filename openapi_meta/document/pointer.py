"""JSON pointers (RFC 6901) and the `$ref` fragments that carry them: the one place that
escapes, unescapes, joins, parses and resolves them.

Two spellings meet in an OpenAPI document and are easy to confuse:

- a *JSON pointer* (`/paths/~1pets/get`): tokens separated by `/`, with `~1` for `/` and
  `~0` for `~` inside a token. Findings name places this way.
- a *`$ref` fragment* (`#/components/schemas/Pet%20Store`): a URI fragment, so it is
  percent-decoded first (`%7B` → `{`, `%20` → space) and then read as a JSON pointer.

Unescaping is `~1` → `/` then `~0` → `~`, in that order (the other order turns `~01` into
`/`). An array index is `0` or digits without a leading zero, as RFC 6901 section 4 says.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, unquote

from openapi_meta.jsontypes import JSON

__all__ = [
    "PointerError",
    "escape_token",
    "fragment_ref",
    "join_pointer",
    "parse_fragment",
    "parse_local_ref",
    "parse_pointer",
    "resolve",
    "resolve_pointer",
    "resolve_ref",
    "unescape_token",
]

# What a `$ref` fragment may hold unencoded (RFC 3986 pchar minus `%`, plus `/`).
_FRAGMENT_SAFE = "/~!$&'()*+,;=:@{}[]"


class PointerError(LookupError):
    """A pointer does not lead to a node; `depth` is how many tokens did resolve."""

    def __init__(self, message: str, depth: int) -> None:
        super().__init__(message)
        self.depth = depth


def escape_token(token: str | int) -> str:
    """One reference token as it stands in a pointer: `~` → `~0`, `/` → `~1`."""
    token = str(token)
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape_token(token: str) -> str:
    """`~1` → `/` then `~0` → `~`."""
    if "~" in token:
        return token.replace("~1", "/").replace("~0", "~")
    return token


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """`pointer` with the (unescaped) `tokens` appended."""
    return pointer + "".join("/" + escape_token(t) for t in tokens)


def parse_pointer(pointer: str) -> list[str]:
    """The unescaped tokens of a JSON pointer ("" is the whole document)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PointerError(f"{pointer!r} is not a JSON pointer (it must start with '/')", 0)
    return [unescape_token(token) for token in pointer[1:].split("/")]


def parse_fragment(fragment: str) -> list[str]:
    """The reference tokens of a `$ref` fragment (without `#`): percent-decoded, then parsed."""
    pointer = unquote(fragment)
    if pointer and not pointer.startswith("/"):
        raise PointerError(
            f"the fragment {fragment!r} is not a JSON pointer (it must start with '/');"
            " anchors and plain names are not supported",
            0,
        )
    return parse_pointer(pointer)


def parse_local_ref(ref: str) -> list[str] | None:
    """The tokens of a local `#/...` (or `#`) reference; None for any other reference."""
    if ref != "#" and not ref.startswith("#/"):
        return None
    return parse_fragment(ref[1:])


def fragment_ref(tokens: Iterable[str | int]) -> str:
    """A local `$ref` (`#/...`) to the unescaped `tokens`, percent-encoded where URIs need it."""
    return "#" + quote(join_pointer("", *tokens), safe=_FRAGMENT_SAFE)


def resolve(root: JSON, tokens: Iterable[str]) -> JSON:
    """The node at `tokens` in `root`, or a `PointerError` naming the first missing token."""
    node = root
    for depth, token in enumerate(tokens):
        if type(node) is dict:
            if token not in node:
                raise PointerError(f"no key {token!r}", depth)
            node = node[token]
        elif type(node) is list:
            if not (
                token.isascii() and token.isdigit() and (token == "0" or not token.startswith("0"))
            ):
                raise PointerError(f"{token!r} is not an array index", depth)
            index = int(token)
            if index >= len(node):
                raise PointerError(f"index {index} is past the end ({len(node)} items)", depth)
            node = node[index]
        else:
            raise PointerError(f"cannot look up {token!r} in {type(node).__name__}", depth)
    return node


def resolve_pointer(root: JSON, pointer: str) -> JSON:
    """The node at a JSON pointer string."""
    return resolve(root, parse_pointer(pointer))


def resolve_ref(root: JSON, ref: str) -> JSON:
    """The node a local `#/...` reference names in `root` (PointerError when it names none)."""
    tokens = parse_local_ref(ref)
    if tokens is None:
        raise PointerError(f"{ref!r} is not a local reference (#/...)", 0)
    return resolve(root, tokens)
