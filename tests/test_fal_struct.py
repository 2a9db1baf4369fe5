"""The fal deploy preflight: the spec goes through a real protobuf Struct and back.

fal's own request message (`isolate_proto.RegisterApplicationRequest`, built the way
`fal deploy` builds it) is the oracle for what fal can send; openapi-meta's lint uses a plain
`google.protobuf` Struct, so these tests check that the two agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openapi_meta.findings import Level
from openapi_meta.lint import lint
from tests.conftest import run_cli

isolate_proto = pytest.importorskip("isolate_proto", reason="fal's protobuf messages (fal extra)")


def fal_can_send(spec: dict[str, Any]) -> bool:
    """Whether fal's register request can carry `{"openapi": spec}` (it copies the Struct
    into the message, which parses it: that is where the depth limit bites)."""
    from google.protobuf.message import DecodeError

    metadata = isolate_proto.Struct()
    metadata.update({"openapi": spec})
    try:
        request = isolate_proto.RegisterApplicationRequest(metadata=metadata)
        isolate_proto.RegisterApplicationRequest.FromString(request.SerializeToString())
    except DecodeError:
        return False
    return True


def nested_spec(objects: int) -> tuple[dict[str, Any], str]:
    """A valid 3.0.3 spec `objects` JSON objects deep (the root counts as one), and the
    pointer of its deepest object: a schema whose properties nest one inside the other."""
    assert objects >= 6 and objects % 2 == 0
    schema: dict[str, Any] = {"type": "string"}
    pointer = ""
    for _ in range((objects - 6) // 2):  # each level: a schema object and its properties map
        schema = {"type": "object", "properties": {"a": schema}}
        pointer += "/properties/a"
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Deep", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Deep": {"type": "object", "properties": {"a": schema}}}},
    }
    return spec, "/components/schemas/Deep/properties/a" + pointer


@pytest.mark.parametrize("objects", [30, 32])
def test_a_spec_fal_can_send_passes(objects: int) -> None:
    spec, _ = nested_spec(objects)
    assert fal_can_send(spec)
    assert [f for f in lint(spec) if f.level is Level.ERROR] == []


@pytest.mark.parametrize("objects", [34, 40])
def test_a_spec_too_deep_for_fal_is_an_error_at_its_deepest_pointer(objects: int) -> None:
    spec, deepest = nested_spec(objects)
    assert not fal_can_send(spec)
    errors = [f for f in lint(spec) if f.level is Level.ERROR]
    assert [(f.code, f.pointer) for f in errors] == [("fal-struct-depth", deepest)]
    assert f"nested {objects} JSON objects deep" in errors[0].message
    assert "Keep $refs" in errors[0].message
    assert lint(spec, warnings=False) == errors  # --no-lint keeps it


def test_the_cli_writes_nothing_for_a_spec_fal_cannot_send(tmp_path: Path) -> None:
    spec, deepest = nested_spec(34)
    source = tmp_path / "deep.json"
    source.write_text(json.dumps(spec))
    out = tmp_path / "fal_openapi.py"
    for extra in ([], ["--no-lint"]):
        run = run_cli("extract", "--file", source, "-o", out, *extra)
        assert run.code == 1, run.stderr
        assert f"error: fal-struct-depth at {deepest}: nested 34 JSON objects deep" in run.stderr
        assert "fal cannot deploy this spec" in run.stderr
        assert not out.exists()
    shallow, _ = nested_spec(30)
    source.write_text(json.dumps(shallow))
    assert run_cli("extract", "--file", source, "-o", out).code == 0


def test_integers_a_double_changes_are_warnings(tmp_path: Path) -> None:
    spec, _ = nested_spec(6)
    spec["components"]["schemas"]["Id"] = {
        "type": "integer",
        "format": "int64",
        "minimum": -(2**53),  # exact as a double
        "maximum": 2**63 - 1,  # not
    }
    findings = [f for f in lint(spec) if f.code == "fal-inexact-integer"]
    assert [(f.level, f.pointer) for f in findings] == [
        (Level.WARNING, "/components/schemas/Id/maximum")
    ]
    assert (
        "9223372036854775807" in findings[0].message
        and "9.223372036854776e+18" in findings[0].message
    )
    source = tmp_path / "ids.json"
    source.write_text(json.dumps(spec))
    run = run_cli("extract", "--file", source, "-o", tmp_path / "m.py")
    assert (
        run.code == 0
        and "warning: fal-inexact-integer at /components/schemas/Id/maximum" in run.stderr
    )


def test_an_integer_beyond_a_double_is_an_error() -> None:
    spec, _ = nested_spec(6)
    spec["components"]["schemas"]["Huge"] = {"type": "integer", "maximum": 10**400}
    with pytest.raises(OverflowError):
        fal_can_send(spec)  # what fal deploy itself would do with it
    errors = [f for f in lint(spec) if f.level is Level.ERROR]
    assert [(f.code, f.pointer) for f in errors] == [
        ("fal-integer-too-large", "/components/schemas/Huge/maximum")
    ]


def test_a_lone_surrogate_is_an_error(tmp_path: Path) -> None:
    """JSON can escape half a surrogate pair (\\ud800); UTF-8, and so a Struct, cannot hold it."""
    spec, _ = nested_spec(6)
    spec["info"]["title"] = "x\ud800"
    with pytest.raises(UnicodeEncodeError):
        fal_can_send(spec)
    source = tmp_path / "surrogate.json"
    source.write_text(json.dumps(spec))  # ASCII, with the escape
    out = tmp_path / "m.py"
    run = run_cli("extract", "--file", source, "-o", out)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert (
        "error: fal-struct-string at /info/title: the string holds a lone surrogate" in run.stderr
    )
    assert not out.exists()
    del spec["info"]["title"]
    spec["components"]["schemas"]["x\udfff"] = {"type": "string"}
    [error] = [f for f in lint(spec) if f.level is Level.ERROR]
    assert (error.code, error.pointer) == ("fal-struct-string", "/components/schemas/x\udfff")
    assert error.message.startswith("the key holds a lone surrogate (\\udfff)")


@pytest.mark.parametrize("objects", range(26, 36))
def test_lint_agrees_with_fal_at_the_boundary(objects: int) -> None:
    """Every mix of objects and lists around the limit (each off-by-one level shows here)."""
    for lists in range(0, 8):
        value: Any = None
        for _ in range(lists):
            value = [value]
        for _ in range(objects - 1):
            value = {"k": value}
        spec = {"x-nested": value}
        fails = any(f.code == "fal-struct-depth" for f in lint(spec))
        assert fails == (not fal_can_send(spec)), (objects, lists)


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=3))


def nesting(depth: int) -> st.SearchStrategy[Any]:
    """JSON values nested exactly `depth` containers deep along one branch, with siblings."""
    if depth == 0:
        return json_leaves
    inner = nesting(depth - 1)
    return st.one_of(
        st.builds(
            lambda v, extra: {"k": v, **extra},
            inner,
            st.dictionaries(st.text(max_size=2), json_leaves, max_size=2),
        ),
        st.builds(lambda v, extra: [*extra, v], inner, st.lists(json_leaves, max_size=2)),
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(20, 60).flatmap(nesting))
def test_lint_agrees_with_fals_own_message(value: Any) -> None:
    spec = {"openapi": "3.0.3", "x-nested": value}
    depth_errors = [f for f in lint(spec) if f.code == "fal-struct-depth"]
    assert bool(depth_errors) == (not fal_can_send(spec))
    if depth_errors:  # the pointer names a node that exists
        node: Any = spec
        for token in depth_errors[0].pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
