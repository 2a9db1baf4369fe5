"""JSON pointers and `$ref` fragments: one module, one set of rules (RFC 6901, RFC 3986)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openapi_meta.document.pointer import (
    PointerError,
    escape_token,
    fragment_ref,
    join_pointer,
    parse_fragment,
    parse_local_ref,
    parse_pointer,
    resolve,
    resolve_pointer,
    resolve_ref,
    unescape_token,
)

DOC = {"paths": {"/a/{id}": {"get": {"parameters": [{"name": "q"}]}}}, "x~y": {"a b": 1}}


def test_unescape_order_is_rfc_6901() -> None:
    # `~01` is `~` followed by `1`, never `/`.
    assert unescape_token("~01") == "~1"
    assert unescape_token("a~1b~0c") == "a/b~c"
    assert escape_token("a/b~c") == "a~1b~0c"
    assert escape_token(3) == "3"


@given(st.lists(st.text(), max_size=6))
def test_join_then_parse_is_the_identity(tokens: list[str]) -> None:
    assert parse_pointer(join_pointer("", *tokens)) == tokens


@given(st.lists(st.text(), max_size=6))
def test_fragment_ref_then_parse_is_the_identity(tokens: list[str]) -> None:
    ref = fragment_ref(tokens)
    assert ref.startswith("#")
    assert parse_local_ref(ref) == tokens


def test_a_fragment_is_percent_decoded_a_pointer_is_not() -> None:
    assert parse_fragment("/x~0y/a%20b") == ["x~y", "a b"]
    assert parse_pointer("/x~0y/a%20b") == ["x~y", "a%20b"]
    assert resolve_ref(DOC, "#/x~0y/a%20b") == 1
    with pytest.raises(PointerError):
        resolve_pointer(DOC, "/x~0y/a%20b")


def test_resolve_names_the_first_missing_token() -> None:
    assert resolve_pointer(DOC, "/paths/~1a~1{id}/get/parameters/0/name") == "q"
    with pytest.raises(PointerError) as raised:
        resolve(DOC, ["paths", "/a/{id}", "put"])
    assert raised.value.depth == 2
    assert "'put'" in str(raised.value)


@pytest.mark.parametrize("index", ["01", "-1", "1", "x", "٣"])
def test_array_indexes_are_strict(index: str) -> None:
    with pytest.raises(PointerError):
        resolve(DOC, ["paths", "/a/{id}", "get", "parameters", index])


def test_only_local_refs_and_pointer_fragments_are_local() -> None:
    assert parse_local_ref("#") == []
    assert parse_local_ref("other.yaml#/a") is None
    with pytest.raises(PointerError):
        parse_fragment("anchor")
