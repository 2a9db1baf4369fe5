"""The fast indented writer writes exactly what json.dumps writes, for any JSON value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openapi_meta.json_text import indented

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=500)
@given(VALUES, st.sampled_from([1, 2, 4]), st.booleans())
def test_same_text_as_json_dumps(value: Any, indent: int, ascii: bool) -> None:
    expected = json.dumps(value, indent=indent, ensure_ascii=ascii, allow_nan=False)
    assert indented(value, indent, ensure_ascii=ascii) == expected


@pytest.mark.parametrize("value", [{1: "a"}, {"a": (1, 2)}, [True, 1.0, {"k": {}}]])
def test_what_it_does_not_copy_json_dumps_writes(value: Any) -> None:
    assert indented(value, 1, ensure_ascii=True) == json.dumps(value, indent=1)


@pytest.mark.parametrize("value", [float("nan"), [float("inf")], {"a": float("-inf")}])
def test_no_nan_or_infinity(value: Any) -> None:
    with pytest.raises(ValueError):
        indented(value, 1, ensure_ascii=True)
