"""Properties of the change report, the spec diff and the integrity check, on generated input:
a spec compared with itself (or with its components renamed) has no change; every change
points at a node that exists on the side it names; the diff's hunks turn the old text into
the new; any line added to a module is caught."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openapi_meta.changes import compare_specs
from openapi_meta.changes.textdiff import diff_lines
from openapi_meta.document.pointer import parse_fragment, resolve
from openapi_meta.emit import read_output, render, render_module
from openapi_meta.errors import DocumentError

NAMES = st.sampled_from(["a", "b", "c", "id", "type", "$ref", "nullable", "x/y", "~z"])
COMPONENTS = ["Pet", "Owner", "Tag"]
SCALAR_SCHEMAS = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
    optional={
        "format": st.sampled_from(["int32", "int64", "date", "float"]),
        "nullable": st.booleans(),
        "enum": st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True),
        "maxLength": st.integers(0, 9),
        "minimum": st.integers(-5, 5),
        "default": st.sampled_from(["x", 1, None]),
        "readOnly": st.booleans(),
    },
)
REFS = st.sampled_from([{"$ref": f"#/components/schemas/{name}"} for name in COMPONENTS])
SCHEMAS = st.recursive(
    st.one_of(SCALAR_SCHEMAS, REFS),
    lambda inner: st.one_of(
        st.builds(
            lambda props, required: {
                "type": "object",
                **({"required": sorted(set(required) & set(props))} if required else {}),
                "properties": props,
            },
            st.dictionaries(NAMES, inner, max_size=4),
            st.lists(NAMES, max_size=3),
        ),
        st.builds(
            lambda items, n: {"type": "array", "items": items, "minItems": n},
            inner,
            st.integers(0, 3),
        ),
        st.builds(lambda alts: {"oneOf": alts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda members: {"allOf": members}, st.lists(inner, min_size=1, max_size=2)),
    ),
    max_leaves=12,
)


def _spec(request: Any, response: Any, components: list[Any], parameter: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "generated", "version": "1"},
        "paths": {
            "/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": parameter}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": request}}},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": response}},
                        }
                    },
                },
            }
        },
        "components": {"schemas": dict(zip(COMPONENTS, components, strict=True))},
    }


SPECS = st.builds(
    _spec, SCHEMAS, SCHEMAS, st.lists(SCHEMAS, min_size=3, max_size=3), SCALAR_SCHEMAS
)
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _renamed(spec: dict[str, Any]) -> dict[str, Any]:
    """The same spec with every component schema under another name."""
    text = json.dumps(spec)
    for name in COMPONENTS:
        text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{name}V2"')
    renamed = json.loads(text)
    schemas = renamed["components"]["schemas"]
    renamed["components"]["schemas"] = {f"{k}V2": v for k, v in schemas.items()}
    return renamed


@SLOW
@given(spec=SPECS)
def test_a_spec_compared_with_itself_or_renamed_components_has_no_change(spec: dict) -> None:
    assert compare_specs(spec, copy.deepcopy(spec)) == ()
    assert compare_specs(spec, _renamed(spec)) == ()


@SLOW
@given(old=SPECS, new=SPECS)
def test_every_change_points_at_a_node_on_the_side_it_names(old: dict, new: dict) -> None:
    changes = compare_specs(old, new)
    for change in changes:
        document = new if change.side == "new" else old
        resolve(document, parse_fragment(change.pointer))  # raises if it is not there
        assert change.level.value in ("breaking", "warning", "info")


LINES = st.lists(st.sampled_from(["{", "}", "a", "b", "c", "d", '"x": 1,', "  ]"]), max_size=40)


@settings(max_examples=500, deadline=None)
@given(old=LINES, new=LINES, unique=st.lists(st.integers(0, 40), max_size=5))
def test_the_hunks_turn_the_old_lines_into_the_new(old: list, new: list, unique: list) -> None:
    for n in unique:  # some lines that occur once, as most lines of a spec do
        old.insert(min(n, len(old)), f"unique {n}")
        new.insert(min(n + 1, len(new)), f"unique {n}")
    result, position = [], 0
    for hunk in diff_lines(old, new):
        assert hunk.old_start >= position
        result.extend(old[position : hunk.old_start])
        position = hunk.old_start
        for line in hunk.lines:
            if line[0] in " -":
                assert old[position] == line[1:]
                position += 1
            if line[0] in " +":
                result.append(line[1:])
        assert position == hunk.old_start + hunk.old_count
    result.extend(old[position:])
    assert result == new


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=SPECS,
    where=st.integers(0, 10_000),
    line=st.sampled_from(
        ["metadata = {}", "import os", "", "# a comment", 'SPEC_SHA256 = "0"', "del metadata", " "]
    ),
)
def test_any_line_added_to_a_module_is_caught(
    tmp_path_factory: pytest.TempPathFactory, spec: dict, where: int, line: str
) -> None:
    module = tmp_path_factory.mktemp("m") / "fal_openapi.py"
    lines = render_module(spec, source="--file openapi.yaml").split("\n")
    module.write_text(render_module(spec, source="--file openapi.yaml"))
    assert read_output(module, "python").edits == ()
    lines.insert(where % len(lines), line)
    module.write_text("\n".join(lines))
    try:
        written = read_output(module, "python")
    except DocumentError:
        return  # no longer a module openapi-meta can read: refused, never trusted
    assert written.edits, "an added line went unnoticed"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=SPECS, fmt=st.sampled_from(["json", "yaml"]))
def test_json_and_yaml_outputs_read_back_as_written(
    tmp_path_factory: pytest.TempPathFactory, spec: dict, fmt: str
) -> None:
    path: Path = tmp_path_factory.mktemp("o") / f"spec.{fmt}"
    path.write_bytes(render(spec, fmt, source="").encode("utf-8"))  # type: ignore[arg-type]
    written = read_output(path, fmt)  # type: ignore[arg-type]
    assert written.edits == () and written.spec == spec


def test_a_web_of_recursive_schemas_reports_each_change_once_per_operation() -> None:
    """Twelve schemas that all refer to each other: one change in one of them is one line per
    operation, along the shortest path, however many paths lead there."""
    count = 12
    schemas = {
        f"S{i}": {
            "type": "object",
            "properties": {
                **{
                    f"p{j}": {"$ref": f"#/components/schemas/S{(i * 7 + j) % count}"}
                    for j in range(6)
                },
                "v": {"type": "string"},
            },
        }
        for i in range(count)
    }

    def ok(i: int) -> dict:
        schema = {"$ref": f"#/components/schemas/S{i}"}
        return {"description": "ok", "content": {"application/json": {"schema": schema}}}

    old = {
        "openapi": "3.0.3",
        "info": {"title": "web", "version": "1"},
        "paths": {f"/s{i}": {"get": {"responses": {"200": ok(i)}}} for i in range(count)},
        "components": {"schemas": schemas},
    }
    new = copy.deepcopy(old)
    new["components"]["schemas"]["S3"]["properties"]["v"]["type"] = "integer"
    changes = compare_specs(old, new)
    assert len(changes) == count
    assert {c.pointer for c in changes} == {"/components/schemas/S3/properties/v/type"}
    by_path = {c.path: c.text for c in changes}
    assert (
        by_path["/s3"] == "response property v type changed from string to integer for status 200"
    )
    assert (
        by_path["/s0"]
        == "response property p3/v type changed from string to integer for status 200"
    )
