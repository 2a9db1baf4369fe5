"""`--url` and `--command` end to end: the real CLI in a subprocess, real servers on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.images import DOCS_ONLY_APP, FASTAPI_APP
from tests.processes import free_port, wait_gone

PYTHON = sys.executable
SPEC_V1 = {
    "openapi": "3.0.3",
    "info": {"title": "static", "version": "1"},
    "paths": {"/ping": {"get": {"responses": {"200": {"description": "pong"}}}}},
}


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it."""
    return subprocess.run(
        [PYTHON, "-m", "openapi_meta", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def module_spec(path: Path) -> dict:
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["metadata"]["openapi"]


class StaticSpecServer:
    """Serves `self.spec` at /openapi.json; a test changes it to make a module stale."""

    def __init__(self) -> None:
        self.spec = SPEC_V1
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/openapi.json":
                    self.send_error(404)
                    return
                body = json.dumps(outer.spec).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def static_server() -> Iterator[StaticSpecServer]:
    server = StaticSpecServer()
    yield server
    server.close()


@pytest.fixture
def host_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    """A fixture server's app.py running on the host (param: the app file)."""
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, str(request.param), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.terminate()
        process.wait(timeout=10)


# --url ---------------------------------------------------------------------------------------


def test_url_extract_then_check_passes_then_fails_when_the_server_changes(
    static_server: StaticSpecServer, tmp_path: Path
) -> None:
    module = tmp_path / "fal_openapi.py"
    result = run_cli("extract", "--url", static_server.url, "-o", str(module), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"using the spec at {static_server.url}/openapi.json" in result.stderr
    assert f'# Source: "--url {static_server.url}"\n' in module.read_text()
    assert set(module_spec(module)["paths"]) == {"/ping"}

    check = ["check", "--url", static_server.url, "--module", str(module)]
    assert run_cli(*check, cwd=tmp_path).returncode == 0

    static_server.spec = {**SPEC_V1, "paths": {**SPEC_V1["paths"], "/new": {}}}
    stale = run_cli(*check, cwd=tmp_path)
    assert stale.returncode == 1
    assert '"/new"' in stale.stdout
    assert "stale" in stale.stderr


@pytest.mark.parametrize("host_server", [DOCS_ONLY_APP], indirect=True)
def test_url_finds_the_spec_through_the_docs_page(
    host_server: tuple[str, int], tmp_path: Path
) -> None:
    base, _ = host_server
    module = tmp_path / "out.py"
    result = run_cli("extract", "--url", base, "-o", str(module), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/internal/spec/v1.json" in result.stderr
    assert set(module_spec(module)["paths"]) == {"/things"}


def test_url_with_nothing_listening_is_exit_3(tmp_path: Path) -> None:
    result = run_cli("extract", "--url", f"http://127.0.0.1:{free_port()}/", cwd=tmp_path)
    assert result.returncode == 3
    assert "no answer" in result.stderr
    assert "is the server running?" in result.stderr
    assert "Traceback" not in result.stderr


def test_url_spec_path_that_is_missing_is_exit_3(
    static_server: StaticSpecServer, tmp_path: Path
) -> None:
    result = run_cli(
        "extract", "--url", static_server.url, "--spec-path", "/nope.json", cwd=tmp_path
    )
    assert result.returncode == 3
    assert "/nope.json: HTTP 404" in result.stderr


@pytest.mark.parametrize("host_server", [FASTAPI_APP], indirect=True)
def test_url_fastapi_31_server(host_server: tuple[str, int], tmp_path: Path) -> None:
    base, _ = host_server
    module = tmp_path / "out.py"
    result = run_cli("extract", "--url", base, "-o", str(module), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    spec = module_spec(module)
    assert spec["openapi"] == "3.0.3"
    assert "/items" in json.dumps(sorted(spec["paths"]))


# --command -----------------------------------------------------------------------------------


def test_command_extract_and_check(tmp_path: Path) -> None:
    port = free_port()
    command = f"exec {PYTHON} {DOCS_ONLY_APP} --port {port}"
    module = tmp_path / "fal_openapi.py"
    args = ["--command", command, "--port", str(port)]
    result = run_cli("extract", *args, "-o", str(module), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert set(module_spec(module)["paths"]) == {"/things"}
    header = module.read_text().splitlines()[1]
    assert header == "# Source: " + json.dumps(f"--command {shlex.quote(command)}")  # as typed
    assert run_cli("check", *args, "--module", str(module), cwd=tmp_path).returncode == 0


def test_command_server_on_ipv6_loopback_only(tmp_path: Path) -> None:
    """A server that took "localhost" as ::1 (Node 17+ does) is found there too."""
    port = free_port()
    site = tmp_path / "site"
    site.mkdir()
    spec = {"openapi": "3.0.3", "info": {"title": "v6", "version": "1"}, "paths": {"/v6": {}}}
    (site / "openapi.json").write_text(json.dumps(spec))
    command = f"exec {PYTHON} -m http.server {port} --bind ::1 --directory {site}"
    result = run_cli("extract", "--command", command, "--port", str(port), "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"/v6"' in result.stdout


def test_command_process_group_is_stopped(tmp_path: Path) -> None:
    """A background child of the command (a worker, a reloader) goes too."""
    port = free_port()
    pid_file = tmp_path / "child.pid"
    command = f"sleep 300 & echo $! > {pid_file}; exec {PYTHON} {DOCS_ONLY_APP} --port {port}"
    result = run_cli("extract", "--command", command, "--port", str(port), "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"/things"' in result.stdout
    assert wait_gone(int(pid_file.read_text()))


def test_command_that_exits_is_exit_3_with_its_logs(tmp_path: Path) -> None:
    script = "import sys; print('loading config'); print('boom: no MODEL', file=sys.stderr)"
    command = f'{PYTHON} -c "{script}; sys.exit(4)"'
    result = run_cli("extract", "--command", command, "--port", str(free_port()), cwd=tmp_path)
    assert result.returncode == 3
    assert "the command exited with code 4" in result.stderr
    assert "boom: no MODEL" in result.stderr and "loading config" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_long_log_shows_how_the_server_started_and_what_it_said_last(tmp_path: Path) -> None:
    script = "import sys; [print(f'line {n}', flush=True) for n in range(1, 121)]; sys.exit(4)"
    result = run_cli(
        "extract", "--command", f'{PYTHON} -c "{script}"', "--port", str(free_port()), cwd=tmp_path
    )
    assert result.returncode == 3
    assert "first 10 and last 40 log lines of the command:" in result.stderr
    shown = [line[4:] for line in result.stderr.splitlines() if line.startswith("  | ")]
    expected = [f"line {n}" for n in range(1, 11)] + ["..."]
    assert shown == expected + [f"line {n}" for n in range(81, 121)]


def test_command_that_never_serves_times_out_and_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "server.pid"
    command = f"echo $$ > {pid_file}; echo starting; exec sleep 300"
    result = run_cli(
        "extract",
        "--command",
        command,
        "--port",
        str(free_port()),
        "--startup-timeout",
        "1",
        cwd=tmp_path,
    )
    assert result.returncode == 3
    assert "timed out after 1 s" in result.stderr
    assert "starting" in result.stderr
    assert wait_gone(int(pid_file.read_text()))


def test_command_needs_a_port(tmp_path: Path) -> None:
    result = run_cli("extract", "--command", "true", cwd=tmp_path)
    assert result.returncode == 2
    assert "--command needs --port" in result.stderr


def test_command_refuses_a_port_already_in_use(
    static_server: StaticSpecServer, tmp_path: Path
) -> None:
    port = static_server.url.rsplit(":", 1)[1]
    result = run_cli("extract", "--command", "sleep 5", "--port", port, cwd=tmp_path)
    assert result.returncode == 3
    assert "already in use" in result.stderr


def test_command_gets_env(tmp_path: Path) -> None:
    """--env and --env-file reach the command (a server reading its port from the env)."""
    port = free_port()
    (tmp_path / "server.env").write_text(f"# the port\nFIXTURE_PORT={port}\n")
    command = f'exec {PYTHON} {DOCS_ONLY_APP} --port "$FIXTURE_PORT" --host "$FIXTURE_HOST"'
    result = run_cli(
        "extract",
        "--command",
        command,
        "--port",
        str(port),
        "--env-file",
        "server.env",
        "--env",
        "FIXTURE_HOST=127.0.0.1",
        "-o",
        "-",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert '"/things"' in result.stdout


def test_docker_options_are_refused_for_command(tmp_path: Path) -> None:
    result = run_cli("extract", "--command", "true", "--port", "1", "--gpus", "all", cwd=tmp_path)
    assert result.returncode == 2
    assert "--gpus is not an option of --command: it is for --image, --build" in result.stderr


def test_command_fastapi_31_server(tmp_path: Path) -> None:
    port = free_port()
    command = f"exec {PYTHON} {FASTAPI_APP} --port {port}"
    module = tmp_path / "out.py"
    result = run_cli(
        "extract", "--command", command, "--port", str(port), "-o", str(module), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert module_spec(module)["openapi"] == "3.0.3"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--url", "http://x", "--spec-path", "openapi.json"], "give a path from the root"),
        (["--url", "http://x", "--header", "no-colon"], "expected 'Name: value'"),
        (["--image", "i", "--memory", "lots"], "--memory: 'lots': expected a size"),
        (["--image", "i", "--gpus", "some"], "--gpus: 'some': expected 'all' or a number"),
        (["--image", "i", "--env", "=x"], "--env: '=x': expected KEY=VALUE or KEY"),
        (["--image", "i", "--env", "NOT SET"], "--env: 'NOT SET': expected KEY=VALUE or KEY"),
        (
            ["--command", "true", "--port", "1", "--env", "OPENAPI_META_UNSET_VAR"],
            "--env OPENAPI_META_UNSET_VAR: OPENAPI_META_UNSET_VAR is not set here",
        ),
        (["--image", "i", "--port", "70000"], "port"),
    ],
)
def test_live_option_mistakes_are_usage_errors(
    options: list[str], message: str, tmp_path: Path
) -> None:
    result = run_cli("extract", *options, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
