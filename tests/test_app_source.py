"""`--app`: fixture apps of each kind, imported in a real child Python through the real CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources.app import AppSource, parse_target
from tests.conftest import PROJECT_ROOT, run_cli
from tests.processes import wait_gone

APPS = PROJECT_ROOT / "tests" / "fixtures" / "apps"


def extract_json(tmp_path: Path, *args: str | Path) -> dict:
    out = tmp_path / "spec.json"
    run = run_cli("extract", *args, "--app-dir", APPS, "-o", out, cwd=tmp_path)
    assert run.code == 0, run.stderr
    return json.loads(out.read_text())


@pytest.mark.parametrize(
    ("target", "extra", "paths"),
    [
        ("fastapi_app:app", (), ["/generate", "/health", "/admin/reset"]),
        ("starlette_app:app", (), ["/users"]),
        ("openapi_object:service", (), ["/run"]),
        ("dict_spec:SPEC", (), ["/b", "/a"]),
        ("dict_spec:nested.spec", (), ["/b", "/a"]),
        ("factory_app:create_app", ("--factory",), ["/made"]),
    ],
)
def test_each_kind_of_app_gives_its_spec(
    tmp_path: Path, target: str, extra: tuple[str, ...], paths: list[str]
) -> None:
    spec = extract_json(tmp_path, "--app", target, *extra)
    assert spec["openapi"] == "3.0.3"
    assert list(spec["paths"]) == paths
    assert spec["x-fal-order-paths"] == paths


def test_a_file_path_target(tmp_path: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    target = f"{APPS / 'fastapi_app.py'}:app"
    run = run_cli("extract", "--app", target, "-o", out, cwd=tmp_path)
    assert run.code == 0, run.stderr
    # The header names the file relative to the working folder (no pyproject.toml here).
    relative = os.path.relpath(APPS / "fastapi_app.py", tmp_path)
    assert f'# Source: "--app {relative}:app"\n' in out.read_text()


def test_prints_at_import_do_not_reach_the_spec(tmp_path: Path) -> None:
    spec = extract_json(tmp_path, "--app", "dict_spec:SPEC")
    assert spec["info"]["title"] == "A dict"
    # and the loopback server the dict declares is tidied away, the public one kept
    assert spec["servers"] == [{"url": "https://api.example.com"}]


def test_fastapi_root_path_is_in_servers_as_when_served(tmp_path: Path) -> None:
    spec = extract_json(tmp_path, "--app", "fastapi_root_path:app")
    assert spec["servers"] == [{"url": "/api"}]


def test_the_import_stays_in_the_child() -> None:
    raw = AppSource("fastapi_app:app", app_dir=APPS).fetch()
    assert raw.origin == "app fastapi_app:app" and raw.syntax == "json"
    assert json.loads(raw.content)["info"]["title"] == "Fixture FastAPI"
    assert "fastapi_app" not in sys.modules
    assert str(APPS) not in sys.path


def test_litestar_app_gives_its_spec() -> None:
    spec = json.loads(AppSource("litestar_app:app", app_dir=APPS).fetch().content)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]["/books"]) == {"get", "post"}


@pytest.mark.parametrize("target", ["litestar_app:app", "fastapi_31_app:app"])
def test_31_apps_end_to_end(tmp_path: Path, target: str) -> None:
    spec = extract_json(tmp_path, "--app", target)
    assert spec["openapi"] == "3.0.3"


@pytest.mark.parametrize(
    ("target", "extra", "message"),
    [
        ("broken_import:app", (), "No module named 'a_module_that_does_not_exist'"),
        ("exits_at_import:app", (), "sys.exit(4)"),
        ("fastapi_no_openapi:app", (), "openapi_url=None"),
        ("starlette_no_schema:app", (), "SchemaGenerator"),
        ("not_an_app:app", (), "it is an int: not an app"),
        ("not_an_app:make", (), "add --factory"),
        ("not_an_app:app", ("--factory",), "not a callable"),
        ("not_an_app:missing", (), "has no attribute 'missing' (it defines: app, make)"),
        ("no_such_module:app", (), "No module named 'no_such_module'"),
    ],
)
def test_apps_that_give_no_spec_exit_3(
    tmp_path: Path, target: str, extra: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--app", target, *extra, "--app-dir", APPS, "-o", out, cwd=tmp_path)
    assert run.code == 3, run.stderr
    assert f"openapi-meta: error: app {target}: " in run.stderr
    assert message in run.stderr
    assert not out.exists()


def test_a_failed_import_shows_the_traceback_tail_and_stderr(tmp_path: Path) -> None:
    run = run_cli("extract", "--app", "broken_import:app", "--app-dir", APPS, cwd=tmp_path)
    assert run.code == 3
    assert 'broken_import.py", line 7' in run.stderr  # the app's own frame
    assert "_app_child.py" not in run.stderr  # not openapi-meta's machinery
    assert "broken_import: about to fail" in run.stderr  # what the app wrote to stderr


@pytest.mark.parametrize("target", ["main", "main:", ":app", "main:app-x", "a:b:c"])
def test_a_malformed_target_is_a_usage_error(target: str) -> None:
    with pytest.raises(UsageError, match="expected MODULE:ATTR"):
        parse_target(target)


def test_a_malformed_target_exits_2(tmp_path: Path) -> None:
    run = run_cli("extract", "--app", "main", cwd=tmp_path)
    assert run.code == 2 and "expected MODULE:ATTR" in run.stderr


def test_a_missing_app_dir_exits_2(tmp_path: Path) -> None:
    run = run_cli("extract", "--app", "m:app", "--app-dir", tmp_path / "nope", cwd=tmp_path)
    assert run.code == 2


def test_a_hanging_import_times_out_and_the_child_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    env = {**os.environ, "HANG_PID_FILE": str(pid_file)}
    source = AppSource("hanging_import:app", app_dir=APPS, timeout=1)
    old = dict(os.environ)
    os.environ.update(env)
    try:
        with pytest.raises(SourceError, match="took longer than 1 s") as caught:
            source.fetch()
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert caught.value.exit_code == 3
    assert wait_gone(int(pid_file.read_text()))


def test_a_hanging_import_through_the_cli_exits_3(tmp_path: Path) -> None:
    run = run_cli("extract", "--app", "hanging_import:app", "--app-dir", APPS, "--app-timeout", "1")
    assert run.code == 3 and "--app-timeout" in run.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_kill_the_child(tmp_path: Path, signum: int, code: int) -> None:
    pid_file = tmp_path / "pid"
    env = {**os.environ, "HANG_PID_FILE": str(pid_file), "PYTHONPATH": str(PROJECT_ROOT)}
    cli = subprocess.Popen(
        [sys.executable, "-m", "openapi_meta", "extract", "--app", "hanging_import:app"],
        cwd=APPS,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(pid_file.read_text())
        cli.send_signal(signum)
        _, stderr = cli.communicate(timeout=30)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == code, stderr
    assert wait_gone(child)


@pytest.mark.parametrize("app", ["fastapi_app:app", "fastapi_app.py:app"])
def test_an_app_in_pyproject_imports_from_the_pyproject_folder(tmp_path: Path, app: str) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "fastapi_app.py").write_text((APPS / "fastapi_app.py").read_text())
    (project / "pyproject.toml").write_text(
        f'[tool.openapi-meta]\napp = "{app}"\noutput = "fal_openapi.py"\n'
    )
    run = run_cli("extract", cwd=project / "sub")  # from a subfolder, as CI steps may
    assert run.code == 0, run.stderr
    assert (project / "fal_openapi.py").exists()
