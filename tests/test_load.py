"""The loader: JSON and YAML become plain JSON values, or fail with a message that says where."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openapi_meta.document.load import load_document
from openapi_meta.errors import DocumentError
from openapi_meta.limits import MAX_DEPTH
from openapi_meta.sources import RawDocument


def load(text: str | bytes, name: str = "spec.yaml", syntax: str | None = None) -> object:
    content = text.encode() if isinstance(text, str) else text
    return load_document(RawDocument(content, origin=name, name=name, syntax=syntax))


def error_of(text: str | bytes, **kwargs: object) -> str:
    with pytest.raises(DocumentError) as info:
        load(text, **kwargs)
    return str(info.value)


def test_yaml_keys_become_the_strings_they_were_written_as() -> None:
    doc = load("responses:\n  200: {description: ok}\n  010: x\n  true: y\n  null: z\n  1.50: w\n")
    assert doc == {
        "responses": {
            "200": {"description": "ok"},
            "010": "x",
            "true": "y",
            "null": "z",
            "1.50": "w",
        }
    }
    assert all(type(k) is str for k in doc["responses"])


def test_yaml_dates_and_timestamps_become_iso_strings() -> None:
    doc = load("a: 2026-01-15\nb: 2001-12-14 21:59:43.10 -5\nc: 2001-12-14t21:59:43Z\n")
    assert doc == {
        "a": "2026-01-15",
        "b": "2001-12-14T21:59:43.100000-05:00",
        "c": "2001-12-14T21:59:43+00:00",
    }


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("18:00", "18:00"),  # YAML 1.1: 1080 (base 60)
        ("yes", "yes"),
        ("off", "off"),
        ("y", "y"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("1e-08", 1e-08),  # YAML 1.1: a string
        ("1e3", 1000.0),
        ("017", 17),  # YAML 1.1: 15 (octal)
        ("0o17", 15),
        ("0x1F", 31),
        ("+1", 1),
        (".5", 0.5),
        ("1.", 1.0),
        ("3.0.3", "3.0.3"),
        ("TRUE", True),
        ("False", False),
        ("~", None),
        ("Null", None),
        ("", None),
        ("'18:00'", "18:00"),
        ("!!int 0b11", 3),
    ],
)
def test_yaml_plain_scalars_are_typed_as_yaml_1_2_core_types_them(
    written: str, value: object
) -> None:
    doc = load(f"a: {written}\n")
    assert doc == {"a": value}
    assert type(doc["a"]) is type(value)  # type: ignore[index]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=4), st.booleans())
def test_json_text_read_as_yaml_gives_the_same_values(
    value: dict[str, object], ascii: bool
) -> None:
    # YAML 1.2 is a superset of JSON: a spec served as JSON and saved as .yaml means the same.
    text = json.dumps(value, ensure_ascii=ascii)
    assert load(text, syntax="yaml") == load(text, syntax="json") == value


def test_json_keeps_key_order_and_types() -> None:
    doc = load('{"b": 1, "a": [1.5, true, null, "x"]}', name="spec.json")
    assert list(doc) == ["b", "a"] and doc["a"] == [1.5, True, None, "x"]


def test_yaml_merge_keys_let_explicit_keys_override() -> None:
    doc = load("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n")
    assert doc["thing"] == {"x": 1, "y": 3}


def test_yaml_aliases_give_independent_copies() -> None:
    doc = load("a: &shared {x: [1]}\nb: *shared\n")
    assert doc["a"] == doc["b"] and doc["a"] is not doc["b"] and doc["a"]["x"] is not doc["b"]["x"]


def test_utf8_bom_is_accepted() -> None:
    assert load(b'\xef\xbb\xbf{"openapi": "3.0.3"}') == {"openapi": "3.0.3"}


def test_yaml_flow_mapping_loads_when_the_syntax_is_yaml() -> None:
    assert load("{openapi: 3.0.3, info: {title: t}}", syntax="yaml") == {
        "openapi": "3.0.3",
        "info": {"title": "t"},
    }


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ('{"a": 1,\n "b": }', "spec.json", "spec.json: line 2, column 7: invalid JSON"),
        ("a: [1, 2\nb: 3\n", "spec.yaml", "spec.yaml: line 2, column 2: invalid YAML"),
        ("a: 1\n  b: 2\n", "spec.yaml", "spec.yaml: line 2, column 4: invalid YAML"),
        ("", "spec.yaml", "spec.yaml: the document is empty"),
        ("  \n\n", "spec.json", "spec.json: the document is empty"),
        ("# only a comment\n", "spec.yaml", "spec.yaml: the document is empty"),
        ("- a\n- b\n", "spec.yaml", "the document is a list, not a mapping"),
        ('"just a string"', "spec.json", "the document is a single string value, not a mapping"),
        ("42", "spec.json", "the document is a single int value, not a mapping"),
        ('{"a": NaN}', "spec.json", "NaN is not a JSON value"),
        ('{"a": -Infinity}', "spec.json", "-Infinity is not a JSON value"),
        ('{"a": 1e400}', "spec.json", "the number 1e400 is too large"),
        ("a: .nan\n", "spec.yaml", "line 1, column 4: '.nan' (NaN or infinity) is not a JSON"),
        ("a: -.inf\n", "spec.yaml", "line 1, column 4: '-.inf' (NaN or infinity)"),
        ("a: !!binary aGVsbG8=\n", "spec.yaml", "line 1, column 4: the YAML type"),
        ("a: !!set {x, y}\n", "spec.yaml", "tag:yaml.org,2002:set has no JSON equivalent"),
        ("a: !!python/object:os.system {}\n", "spec.yaml", "line 1, column 4: invalid YAML"),
        ("? [a, b]\n: c\n", "spec.yaml", "line 1, column 3: a list used as a mapping key"),
        ("a: 1\nb: 2\na: 3\n", "spec.yaml", "line 3, column 1: duplicate key 'a'"),
        ("a: &x [*x]\n", "spec.yaml", "a YAML alias refers to itself"),
        ("a: *nothing\n", "spec.yaml", "invalid YAML: found undefined alias"),
        ("a: 1\n---\nb: 2\n", "spec.yaml", "invalid YAML: expected a single document"),
    ],
)
def test_bad_input_names_the_problem_and_the_place(text: str, name: str, expected: str) -> None:
    assert expected in error_of(text, name=name)


def test_json_duplicate_key_names_the_key_and_its_object() -> None:
    text = '{"paths": {"/a": {"get": {}, "get": {"x": 1}}}}'
    assert error_of(text, name="s.json") == (
        "s.json: duplicate key 'get' in the object at /paths/~1a;"
        " JSON parsers disagree on which value wins, so remove one"
    )


def test_binary_and_non_utf8_files_are_refused() -> None:
    assert "not a text file (NUL byte at offset 4)" in error_of(b"\x89PNG\x00\x00\x00\rIHDR")
    assert "line 2: not valid UTF-8 (byte 0xff" in error_of(b"a: 1\nb: \xff\xfe\n")


def test_text_that_starts_like_json_is_json_unless_said_otherwise() -> None:
    assert "invalid JSON" in error_of("{openapi: 3.0.3}", name="s.json", syntax="json")
    assert "invalid JSON" in error_of('{"a": }', name="response")


@pytest.mark.parametrize("extra", [-1, 0, 1])
@pytest.mark.parametrize("container", ["[", '{"k":'])
def test_the_limit_is_exact_in_json_as_in_yaml(extra: int, container: str) -> None:
    """The root object is level 1; MAX_DEPTH levels load, one more is refused."""
    closing = "]" if container == "[" else "}"
    levels = MAX_DEPTH - 1 + extra  # below the root
    as_json = '{"a":' + container * (levels - 1) + "[]" + closing * (levels - 1) + "}"
    as_yaml = "a: " + "[" * levels + "]" * levels
    for text, name in ((as_json, "s.json"), (as_yaml, "s.yaml")):
        if extra <= 0:
            load(text, name=name)
        else:
            assert f"nested deeper than {MAX_DEPTH} levels" in error_of(text, name=name)


def test_nesting_deeper_than_the_limit_is_refused_in_both_syntaxes() -> None:
    deep = MAX_DEPTH + 5
    as_json = '{"a":' * deep + "1" + "}" * deep
    assert f"nested deeper than {MAX_DEPTH} levels" in error_of(as_json, name="s.json")
    as_yaml = "a: " + "[" * deep + "]" * deep
    assert f"nested deeper than {MAX_DEPTH} levels" in error_of(as_yaml)
    very_deep = "[" * 100_000 + "]" * 100_000  # past the parsers' own recursion limits
    assert "deeper" in error_of('{"a": ' + very_deep + "}", name="s.json")
    assert "invalid YAML" in error_of("a: " + very_deep)


def test_nesting_within_the_limit_loads() -> None:
    depth = MAX_DEPTH - 1
    doc = load('{"a":' * depth + "1" + "}" * depth, name="s.json")
    assert json.dumps(doc).count("{") == depth


def test_billion_laughs_fails_fast_without_expanding() -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        refs = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    message = error_of("\n".join(lines) + "\n")
    assert "YAML aliases expand to more than" in message and "alias bomb" in message


def test_modest_alias_use_is_fine() -> None:
    text = "x: &p {type: string}\n" + "".join(f"k{i}: *p\n" for i in range(1000))
    doc = load(text)
    assert len(doc) == 1001 and doc["k999"] == {"type": "string"}


def test_size_limit_is_checked_before_parsing() -> None:
    from openapi_meta import limits

    big = b" " * (limits.MAX_DOCUMENT_BYTES + 1)
    assert "-byte limit" in error_of(big)
