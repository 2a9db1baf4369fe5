"""--ref-root and --allow-remote-refs through the real entry point, on a split corpus spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, run_cli

# spec/swagger.yaml refers to ../common/Error.yaml: outside the spec's own folder.
ENTRY = CORPUS / "multifile" / "OAI__OpenAPI-Specification__petstore-separate-yaml"
SPEC = ENTRY / "examples" / "v2.0" / "yaml" / "petstore-separate" / "spec" / "swagger.yaml"

requires_spec = pytest.mark.skipif(not SPEC.is_file(), reason=f"corpus document {SPEC} is absent")
pytestmark = [requires_spec, pytest.mark.corpus]


def test_a_ref_out_of_the_spec_folder_fails_and_names_the_option(tmp_path: Path) -> None:
    module = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--file", SPEC, "-o", module, cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert "../common/Error.yaml" in run.stderr and "outside" in run.stderr
    assert "--ref-root" in run.stderr and "Traceback" not in run.stderr
    assert not module.exists()


def test_ref_root_at_the_entry_folder_lets_extract_check_and_convert_succeed(
    tmp_path: Path,
) -> None:
    module = tmp_path / "fal_openapi.py"
    extract = run_cli("extract", "--file", SPEC, "--ref-root", ENTRY, "-o", module, cwd=tmp_path)
    assert extract.code == 0, extract.stderr
    assert "Error" in module.read_text()
    check = run_cli("check", "--file", SPEC, "--ref-root", ENTRY, "--module", module, cwd=tmp_path)
    assert check.code == 0, check.stderr
    assert run_cli("check", "--file", SPEC, "--module", module, cwd=tmp_path).code == 1

    converted = tmp_path / "openapi.json"
    args = ("convert", SPEC, "-o", converted)
    assert run_cli(*args, cwd=tmp_path).code == 1
    assert run_cli(*args, "--ref-root", ENTRY, cwd=tmp_path).code == 0, converted
    assert '"#/components/schemas/Error"' in converted.read_text()


def test_ref_root_in_pyproject_is_relative_to_that_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.openapi-meta]\nfile = "{SPEC}"\nref-root = "{ENTRY.name}"\n'
    )
    (tmp_path / ENTRY.name).symlink_to(ENTRY, target_is_directory=True)
    (tmp_path / "sub").mkdir()  # run below the project: the setting must not follow the cwd
    run = run_cli("extract", "-o", tmp_path / "out.json", cwd=tmp_path / "sub")
    assert run.code == 0, run.stderr


def test_remote_refs_are_refused_by_default_and_the_message_names_the_option(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components: {schemas: {Pet: {$ref: 'https://example.invalid/pet.yaml'}}}\n"
    )
    run = run_cli("extract", "--file", spec, "-o", tmp_path / "out.py", cwd=tmp_path)
    assert run.code == 1
    assert "remote URL" in run.stderr and "--allow-remote-refs" in run.stderr
