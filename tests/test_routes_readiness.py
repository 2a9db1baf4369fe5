"""Readiness over several routes, against real HTTP servers on this machine, and the engine
choice as the docker CLI makes it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openapi_meta.engine import resolve
from openapi_meta.engine.fetchers import Exchange
from openapi_meta.engine.rawhttp import ExchangeTransport
from openapi_meta.engine.routes import ROUTES_ENV, allowed_routes
from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources.readiness import HttpRoute, RouteUnusable, wait_for_spec_on
from tests.processes import free_port
from tests.spec_server import SPEC, spec_server


@pytest.fixture
def server_url() -> Iterator[str]:
    with spec_server() as port:
        yield f"http://127.0.0.1:{port}/"


def plain(name: str, url: str, not_before: float = 0.0) -> HttpRoute:
    return HttpRoute(name, httpx.Client(timeout=2), url, not_before)


def unusable(name: str) -> HttpRoute:
    def never(exchange: Exchange) -> bytes:
        raise RouteUnusable(f"{name} can never answer")

    return HttpRoute(name, httpx.Client(transport=ExchangeTransport(never)), "http://127.0.0.1:1/")


def test_the_first_route_that_answers_gives_the_spec(server_url: str) -> None:
    dead = plain("dead port", f"http://127.0.0.1:{free_port()}/")
    live = plain("live server", server_url)
    found, route = wait_for_spec_on([dead, live], watched=None, timeout=10)
    assert route is live and json.loads(found.content)["info"] == SPEC["info"]


def test_a_route_waits_for_its_turn(server_url: str) -> None:
    dead = plain("dead port", f"http://127.0.0.1:{free_port()}/")
    later = plain("later", server_url, not_before=0.5)
    started = time.monotonic()
    _, route = wait_for_spec_on([dead, later], watched=None, timeout=10)
    assert route is later and time.monotonic() - started >= 0.5


def test_an_unusable_route_is_dropped_and_the_wait_goes_on(server_url: str) -> None:
    _, route = wait_for_spec_on(
        [unusable("no fetcher"), plain("live", server_url)], watched=None, timeout=10
    )
    assert route.name == "live"


def test_with_every_route_unusable_the_wait_ends_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"no route reaches the server .*no fetcher can never"):
        wait_for_spec_on([unusable("no fetcher")], watched=None, timeout=60)
    assert time.monotonic() - started < 5


def test_a_timeout_names_each_route_and_the_ones_not_tried() -> None:
    first = plain("route one", f"http://127.0.0.1:{free_port()}/")
    second = plain("route two", f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(SourceError) as caught:
        wait_for_spec_on(
            [first, second], watched=None, timeout=0.5, not_tried=["route zero (elsewhere)"]
        )
    message = str(caught.value)
    assert "timed out after 0.5 s" in message
    assert "route one: " in message and "route two: " in message
    assert "not tried: route zero (elsewhere)" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ("published", "tunnel", "exec", "helper")),
        ("exec", ("exec",)),
        (" tunnel , helper ", ("tunnel", "helper")),
    ],
)
def test_the_routes_variable(value: str, expected: tuple[str, ...]) -> None:
    assert allowed_routes({ROUTES_ENV: value}) == expected


@pytest.mark.parametrize("value", ["ssh", "exec,bogus", ","])
def test_a_bad_routes_variable_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match=ROUTES_ENV):
        allowed_routes({ROUTES_ENV: value})


def test_docker_host_comes_first(tmp_path: Path) -> None:
    address = resolve.resolve_address(
        {"DOCKER_HOST": "ssh://me@gpu-box:2222", "DOCKER_CONTEXT": "ignored"}
    )
    assert (address.url, address.origin) == ("ssh://me@gpu-box:2222", "DOCKER_HOST")
    assert address.ssh_host == "me@gpu-box:2222"


def test_the_current_context_comes_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docker.context import ContextAPI

    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    # The config file first: without it docker-py puts contexts under the working folder.
    (tmp_path / "config.json").write_text('{"currentContext": "gpu"}')
    ContextAPI.create_context("gpu", host="tcp://gpu-box:2375")
    address = resolve.resolve_address({})
    assert address.origin == "docker context 'gpu'"
    assert address.url.endswith("://gpu-box:2375")  # docker-py writes tcp:// as http(s)://
    assert resolve.resolve_address({"DOCKER_CONTEXT": "default"}).origin != "docker context 'gpu'"
    with pytest.raises(
        SourceError, match=re.escape("docker context 'gone' (DOCKER_CONTEXT) does not exist")
    ):
        resolve.resolve_address({"DOCKER_CONTEXT": "gone"})


@pytest.mark.parametrize(
    ("socket_path", "origin"),
    [("docker.sock", "rootless Docker's socket"), ("podman/podman.sock", "Podman's socket")],
)
def test_without_the_default_socket_rootless_and_podman_sockets_are_found(
    socket_path: str, origin: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolve, "DEFAULT_SOCKET", str(tmp_path / "absent.sock"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-config"))
    (tmp_path / socket_path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / socket_path).touch()
    address = resolve.resolve_address({"XDG_RUNTIME_DIR": str(tmp_path)})
    assert (address.url, address.origin) == (f"unix://{tmp_path / socket_path}", origin)


def test_an_engine_that_does_not_answer_is_named_in_the_error(tmp_path: Path) -> None:
    where = f"unix://{tmp_path}/none.sock"
    with pytest.raises(SourceError, match=re.escape(f"at {where} (DOCKER_HOST)")):
        resolve.connect_engine({"DOCKER_HOST": where})
