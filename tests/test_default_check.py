"""quick_valid says "valid" only where openapi-schema-validator's OAS30Validator does."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from openapi_meta.default_check import quick_valid

# OpenAPI's formats, jsonschema's (checked or not, as installed) and one nobody defines.
FORMATS = sorted(set(oas30_format_checker.checkers) | {"uri", "uri-reference", "hostname"})
FORMATS.append("made-up")
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
numbers = st.one_of(
    st.integers(-100, 100), st.floats(-100, 100), st.booleans(), st.text(max_size=2)
)
# Schemas made of every keyword quick_valid reads, with values of the right and wrong shapes,
# plus some it must leave to the reference.
wide_schemas = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["string", "boolean", "integer", "number", "object", "array", 3]),
        "enum": st.one_of(st.lists(scalars, max_size=4), st.text(max_size=2)),
        "minimum": numbers,
        "maximum": numbers,
        "exclusiveMinimum": st.one_of(st.booleans(), st.integers(0, 2)),
        "exclusiveMaximum": st.one_of(st.booleans(), st.integers(0, 2)),
        "minLength": st.one_of(st.integers(0, 6), st.floats(0, 6)),
        "maxLength": st.one_of(st.integers(0, 6), st.text(max_size=1)),
        "nullable": st.booleans(),
        "description": st.text(max_size=4),
        "format": st.one_of(st.sampled_from(FORMATS), st.integers(0, 2), st.text(max_size=3)),
        "pattern": st.sampled_from(["^a", "[0-9]+"]),
        "x-note": scalars,
    },
)
# Schemas quick_valid can decide, with values at their edges: where a wrong rule shows.
small = st.one_of(st.integers(-1, 1), st.sampled_from([-0.5, 0.0, 1.0]))
# Integers at the edges of int32 and int64, and strings each format takes or refuses.
wide_integers = st.sampled_from([2**31 - 1, 2**31, -(2**31) + 1, -(2**31), 2**63 - 1, 2**63])
format_texts = st.sampled_from(
    [
        *("2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-01-01t00:00:00z", "2024-01-01"),
        *("12:00:00Z", "12:00:00", "a@b.c", "a@", "127.0.0.1", "::1", "1.2.3", "http://x/y"),
        *("550e8400-e29b-41d4-a716-446655440000", "550e8400", "aGk=", "aGk", "[a-", "^a$", "é"),
    ]
)
simple_schemas = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "boolean", "integer", "number"])},
    optional={
        "enum": st.lists(st.sampled_from(["a", "b", "", "ab"]), max_size=3),
        "minimum": small,
        "maximum": small,
        "exclusiveMinimum": st.booleans(),
        "exclusiveMaximum": st.booleans(),
        "minLength": st.integers(0, 3),
        "maxLength": st.integers(0, 3),
        "nullable": st.booleans(),
        "format": st.sampled_from(FORMATS),
    },
)
edge_values = st.one_of(
    small,
    st.booleans(),
    st.sampled_from(["a", "b", "", "ab", "é", "ééé"]),
    wide_integers,
    format_texts,
)


def reference_valid(schema: dict[str, Any], value: Any) -> bool:
    validator = OAS30Validator(schema, format_checker=oas30_format_checker)
    try:
        return next(validator.iter_errors(value), None) is None
    except Exception:  # a schema its own validator trips on: certainly not "valid"
        return False


@settings(max_examples=2000, deadline=None)
@given(simple_schemas, edge_values)
def test_quick_valid_is_never_more_lenient_than_the_reference(
    schema: dict[str, Any], value: Any
) -> None:
    if quick_valid(schema, value):
        assert reference_valid(schema, value), (schema, value)


@settings(max_examples=2000, deadline=None)
@given(wide_schemas, st.one_of(scalars, edge_values))
def test_nor_on_schemas_with_keywords_it_does_not_read(schema: dict[str, Any], value: Any) -> None:
    if quick_valid(schema, value):
        assert reference_valid(schema, value), (schema, value)


@settings(max_examples=2000, deadline=None)
@given(
    st.fixed_dictionaries(
        {"format": st.sampled_from(FORMATS)},
        optional={"type": st.sampled_from(["string", "integer", "number", "boolean"])},
    ),
    st.one_of(wide_integers, format_texts, small, st.booleans()),
)
def test_formats_are_told_as_the_reference_tells_them(schema: dict[str, Any], value: Any) -> None:
    if quick_valid(schema, value):
        assert reference_valid(schema, value), (schema, value)


@given(
    st.sampled_from(
        [
            ({"type": "boolean", "description": "d"}, False),
            ({"type": "string", "enum": ["all", "open"]}, "all"),
            ({"type": "integer", "minimum": 1, "maximum": 100}, 30),
            ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, 0.5),
            ({"type": "string", "maxLength": 3, "nullable": True}, "abc"),
            ({"type": "string", "format": "date-time"}, "2011-01-26T19:01:12Z"),
            ({"type": "integer", "format": "int64"}, 42),
            ({"type": "string", "format": "made-up"}, "anything"),
        ]
    )
)
def test_the_common_defaults_need_no_reference(case: tuple[dict[str, Any], Any]) -> None:
    schema, value = case
    assert quick_valid(schema, value) is True
    assert reference_valid(schema, value)


def test_what_only_the_reference_can_tell_is_left_to_it() -> None:
    assert quick_valid({"type": "integer"}, 1.0) is None  # draft 4: not an integer
    assert quick_valid({"type": "string", "nullable": True}, None) is None
    assert quick_valid({"type": "string", "format": "date-time"}, "yesterday") is None
    assert quick_valid({"type": "integer", "format": "int32"}, 2**31) is None
    assert quick_valid({"type": "string", "format": "byte"}, "aGk=") is None  # its own rule
    assert quick_valid({"type": "integer", "enum": [1]}, 1) is None
    assert quick_valid({"type": "string", "minLength": 2}, "a") is None  # invalid: its message
    assert quick_valid({"type": "string", "minLength": 2}, "é") is None  # one code point
    assert quick_valid({"$ref": "#/components/schemas/A"}, "a") is None
