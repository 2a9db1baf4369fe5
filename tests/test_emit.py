"""The emitter: deterministic, safe to import whatever the spec holds, and written atomically."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openapi_meta.emit import (
    read_output,
    render_json,
    render_module,
    render_yaml,
    spec_sha256,
    write_atomic,
    write_output,
)
from openapi_meta.errors import UsageError
from tests.conftest import import_in_fresh_interpreter

NASTY_STRINGS = [
    "'''",
    '"""',
    "'''; import os; os._exit(7); '''",
    '"""; raise SystemExit(7); """',
    '"',
    '""',
    'ends with a quote "',
    '\\"""',
    '\\""\\"',
    "\\",
    "\\'",
    "ends with a backslash \\",
    "\\u0027",
    "line\nbreak\r\nand\rcarriage",
    "\x00nul\x00",
    "\x1b[31mescape",
    "\u2028\u2029",
    "emoji 🦄 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "lone surrogates \ud800 \udfff",
    "{{ format }} %s {0}",
    "r'''",
    "#",
    "x" * 200_000,
]


def exec_module_text(text: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "generated"}
    exec(compile(text, "generated.py", "exec"), namespace)
    return namespace


def assert_only_expected_statements(text: str) -> None:
    """The module's statements are exactly the ones render_module writes: an injected string
    would have to show up as another statement or another expression here."""
    tree = ast.parse(text)
    kinds = [type(node).__name__ for node in tree.body]
    assert kinds == ["Expr", "Import", "Assign", "Assign", "Assign", "Delete"]
    docstring, _, sha, spec_json, metadata, _ = tree.body
    assert isinstance(docstring.value, ast.Constant)
    assert isinstance(sha.value, ast.Constant) and isinstance(spec_json.value, ast.Constant)
    assert ast.dump(metadata.value) == ast.dump(
        ast.parse('{"openapi": _json.loads(_SPEC_JSON)}', mode="eval").body
    )


def test_nasty_strings_in_values_keys_and_source_survive() -> None:
    spec = {"openapi": "3.0.3", "values": NASTY_STRINGS, "keys": {s: s for s in NASTY_STRINGS}}
    text = render_module(spec, source="\n'''; import os\nos._exit(9)")
    assert text.isascii() and "\x00" not in text
    assert_only_expected_statements(text)
    namespace = exec_module_text(text)
    assert namespace["metadata"] == {"openapi": spec}
    assert "_SPEC_JSON" not in namespace


def test_module_is_left_alone_by_ruff_format(tmp_path: Path) -> None:
    """Users run formatters over their repositories; the module must already be formatted."""
    module = tmp_path / "fal_openapi.py"
    module.write_text(render_module({"openapi": "3.0.3", "x": NASTY_STRINGS[:8]}, source="s"))
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff), "format", "--check", "--isolated", str(module)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_module_imports_in_a_fresh_interpreter(tmp_path: Path) -> None:
    spec = {"openapi": "3.0.3", "info": {"title": "ünïcode ' \"", "version": "1"}, "paths": {}}
    module = tmp_path / "fal_openapi.py"
    module.write_text(render_module(spec, source="test"))
    result = import_in_fresh_interpreter(module)
    assert result == {"metadata": {"openapi": spec}, "sha": spec_sha256(spec)}


def test_sha256_is_the_documented_recipe() -> None:
    spec = {"b": [1, 2.5, None], "a": "é"}
    recipe = hashlib.sha256(json.dumps(spec, separators=(",", ":")).encode()).hexdigest()
    assert spec_sha256(spec) == recipe
    assert spec_sha256({"a": "é", "b": [1, 2.5, None]}) != recipe  # key order is part of it


def test_output_is_deterministic_and_keeps_key_order() -> None:
    spec = {"z": 1, "a": {"y": [3, 2, 1], "b": None}}
    first = render_module(spec, source="s")
    assert first == render_module(json.loads(json.dumps(spec)), source="s")
    assert first.index('"z"') < first.index('"a"') and first.index('"y"') < first.index('"b"')


def test_a_one_value_change_is_a_one_line_diff() -> None:
    spec = {
        "openapi": "3.0.3",
        "paths": {f"/p{i}": {"get": {"summary": str(i)}} for i in range(50)},
    }
    before = render_module(spec, source="s").splitlines()
    spec["paths"]["/p25"]["get"]["summary"] = "changed"
    after = render_module(spec, source="s").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    # The summary line and the hash line.
    assert len(changed) == 2


def test_json_and_yaml_output_round_trip() -> None:
    import yaml

    spec = {"openapi": "3.0.3", "x": ["ü", "\ud800", 1.5, None, True], "200": {"a": "2026-01-01"}}
    as_json = render_json(spec)
    assert json.loads(as_json.encode("utf-8", "backslashreplace")) == spec
    assert yaml.safe_load(render_yaml({k: v for k, v in spec.items() if k != "x"})) == {
        "openapi": "3.0.3",
        "200": {"a": "2026-01-01"},
    }


def test_read_output_reads_without_executing(tmp_path: Path) -> None:
    spec = {"openapi": "3.0.3", "paths": {}}
    module = tmp_path / "m.py"
    module.write_text("raise SystemExit(5)\n" + render_module(spec, source="s"))
    written = read_output(module, "python")
    assert written.spec == spec
    assert written.edits == ("line 1 was added: `raise SystemExit(5)`",)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    """A write that fails half-way (here: the file-size limit hits after 4 KiB) leaves the old
    file as it was and no temporary file behind."""
    target = tmp_path / "fal_openapi.py"
    target.write_text("old")
    code = (
        "import resource, signal, sys\n"
        "from openapi_meta.emit import write_output\n"
        "from openapi_meta.errors import UsageError\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    write_output('x' * 100_000, sys.argv[1])\n"
        "except UsageError as exc:\n"
        "    print(exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, check=True
    )
    assert "fal_openapi.py: cannot write (File too large)" in proc.stdout
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fal_openapi.py"]


def test_atomic_write_keeps_permissions_and_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640


def test_output_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("")
    with pytest.raises(UsageError, match=r"a_file/m\.py: cannot write here"):
        write_output("x", str(tmp_path / "a_file" / "m.py"))


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no_such_dir/m\.py: cannot write here"):
        write_output("x", str(tmp_path / "no_such_dir" / "m.py"))


# --- property: anything JSON-compatible survives emit -> import ------------------------------

ADVERSARIAL = st.sampled_from(
    [
        '""',
        '"""',
        '\\"',
        "'",
        '"',
        "\\",
        "'''",
        "\n",
        "\r",
        "\x00",
        "\ud800",
        "\udfff",
        "\u2028",
        "#",
        "{",
        "}",
        "🦄",
        "\\u0027",
        "r'''",
    ]
)
TEXT = st.lists(
    st.one_of(ADVERSARIAL, st.text(max_size=5), st.characters(exclude_categories=())), max_size=6
).map("".join)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.dictionaries(TEXT, JSON_VALUES, max_size=5), source=TEXT)
def test_any_json_document_survives_emit_and_import(spec: dict, source: str) -> None:
    text = render_module(spec, source=source)
    assert text.isascii()
    assert_only_expected_statements(text)
    namespace = exec_module_text(text)
    assert json.dumps(namespace["metadata"]) == json.dumps({"openapi": spec})
    assert namespace["SPEC_SHA256"] == spec_sha256(spec)


def test_yaml_has_no_anchors_for_shared_objects() -> None:
    """The same bytes for the same data, whether or not the spec's dicts are shared."""
    shared = {"type": "string"}
    assert render_yaml({"a": shared, "b": shared}) == render_yaml(
        {"a": {"type": "string"}, "b": {"type": "string"}}
    )
    assert "&" not in render_yaml({"a": shared, "b": [shared]})
