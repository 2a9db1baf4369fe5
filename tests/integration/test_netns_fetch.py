"""Fetching inside a container's network namespace: each fetcher, the helper, file reads.

Real containers on the main engine, reached only through the engine API (nothing published):
the image's own python3, bash or busybox by exec, om-fetch in a helper container. curl and
wget make their requests themselves, so they run here on the host against a real server.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator

import docker
import httpx
import pytest

from openapi_meta.cleanup import LABEL, ROLE_LABEL, remove_run_containers
from openapi_meta.engine.execs import Finished
from openapi_meta.engine.fetchers import BASH, BUSYBOX, CURL, PYTHON3, WGET, Exchange, Fetcher
from openapi_meta.engine.netns import ContainerNetns
from openapi_meta.engine.rawhttp import AnswerTimedOut, ExchangeTransport, Unanswered
from openapi_meta.engine.resolve import Engine, connect_engine
from tests.integration.images import BUSYBOX as BUSYBOX_IMAGE
from tests.integration.images import FASTAPI, HANGING_SPEC, STATIC_SERVER, TESTBED_LABEL
from tests.spec_server import SPEC, spec_server

pytestmark = pytest.mark.slow

# busybox's httpd on the container's 127.0.0.1 only: no published port could reach it.
BUSYBOX_SERVER = (
    'mkdir -p /www && echo \'{"openapi": "3.0.3"}\' > /www/spec.json'
    " && httpd -f -p 127.0.0.1:8000 -h /www"
)


@pytest.fixture(scope="module")
def engine(imported_images: docker.DockerClient) -> Iterator[Engine]:
    """The engine the tests' docker client uses (this environment's)."""
    engine = connect_engine()
    yield engine
    engine.close()


@pytest.fixture
def run_id(imported_images: docker.DockerClient) -> Iterator[str]:
    """A run label for the containers a test starts; they are removed when it ends."""
    run = f"test-netns-{uuid.uuid4().hex[:8]}"
    yield run
    remove_run_containers(imported_images, run)
    assert not imported_images.containers.list(all=True, filters={"label": f"{LABEL}={run}"})


def start(
    engine: Engine, image: str, run_id: str, command: list[str] | None = None
) -> ContainerNetns:
    labels = {LABEL: run_id, TESTBED_LABEL: "netns"}
    container = engine.client.containers.run(image, command, detach=True, labels=labels)
    return ContainerNetns(engine, container.id, labels)


def client_through(netns: ContainerNetns, *, helper: bool) -> httpx.Client:
    transport = ExchangeTransport(lambda exchange: netns.exchange(exchange, helper=helper))
    return httpx.Client(transport=transport, timeout=10)


def get_when_up(client: httpx.Client, url: str) -> httpx.Response:
    """GET `url`, retrying while the server in the container is still starting."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return client.get(url)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize(
    ("fetcher", "image", "command", "path", "version"),
    [
        (PYTHON3, FASTAPI, None, "/openapi.json", "3.1.0"),
        (BASH, FASTAPI, None, "/openapi.json", "3.1.0"),
        (BUSYBOX, BUSYBOX_IMAGE, ["sh", "-c", BUSYBOX_SERVER], "/spec.json", "3.0.3"),
    ],
    ids=["python3", "bash", "busybox"],
)
def test_an_image_fetcher_gets_the_spec_by_exec(
    fetcher: Fetcher,
    image: str,
    command: list[str] | None,
    path: str,
    version: str,
    engine: Engine,
    run_id: str,
) -> None:
    netns = start(engine, image, run_id, command)
    netns.fetchers = (fetcher,)
    with client_through(netns, helper=False) as client:
        reply = get_when_up(client, f"http://127.0.0.1:8000{path}")
        assert reply.status_code == 200
        assert reply.json()["openapi"] == version
        assert client.get("http://127.0.0.1:8000/no/such/path").status_code == 404
    assert netns.image_fetcher() is fetcher


def test_the_helper_reaches_a_server_whose_image_has_nothing_else(
    engine: Engine, run_id: str
) -> None:
    netns = start(engine, STATIC_SERVER, run_id)
    assert netns.image_fetcher() is None
    with client_through(netns, helper=True) as client:
        reply = get_when_up(client, "http://127.0.0.1:8000/openapi.json")
        assert reply.status_code == 200 and reply.json()["info"]["title"] == "Static server"
        with pytest.raises(httpx.ConnectError, match="om-fetch: connection refused"):
            client.get("http://127.0.0.1:9999/")
    helpers = engine.client.containers.list(
        filters={"label": [f"{LABEL}={run_id}", f"{ROLE_LABEL}=helper"]}
    )
    assert len(helpers) == 1  # one helper for every request
    assert helpers[0].attrs["HostConfig"]["NetworkMode"] == f"container:{netns.container_id}"


@pytest.mark.parametrize(
    ("image", "expected"),
    [(FASTAPI, "python3"), (BUSYBOX_IMAGE, "busybox"), (STATIC_SERVER, None)],
)
def test_the_probe_finds_the_first_fetcher_an_image_has(
    image: str, expected: str | None, engine: Engine, run_id: str
) -> None:
    command = ["sh", "-c", "sleep 60"] if image == BUSYBOX_IMAGE else None
    found = start(engine, image, run_id, command).image_fetcher()
    assert (found.name if found else None) == expected


@pytest.mark.parametrize("image", [FASTAPI, STATIC_SERVER], ids=["cat", "helper"])
def test_read_file_shows_the_namespace_s_listening_socket(
    image: str, engine: Engine, run_id: str
) -> None:
    """/proc/net/tcp as the container's namespace has it (for the preflight): `cat` where
    the image has one, om-fetch in the helper where it has not."""
    netns = start(engine, image, run_id)
    deadline = time.monotonic() + 60
    while True:
        table = netns.read_file("/proc/net/tcp").decode()
        listening = [line.split() for line in table.splitlines()[1:] if line.split()[3] == "0A"]
        if any(fields[1].endswith(":1F40") for fields in listening):  # port 8000
            break
        assert time.monotonic() < deadline, table
        time.sleep(0.2)
    assert table.startswith("  sl  local_address")


def test_a_server_that_never_answers_times_out_within_the_request_s_limit(
    engine: Engine, run_id: str
) -> None:
    netns = start(engine, HANGING_SPEC, run_id)
    netns.fetchers = (PYTHON3,)
    exchange = Exchange(
        8000, "GET", "/openapi.json", (), b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", 1
    )
    deadline = time.monotonic() + 60
    while True:
        started = time.monotonic()
        try:
            netns.exchange(exchange, helper=False)
        except Unanswered:  # not listening yet
            assert time.monotonic() < deadline
            time.sleep(0.2)
            continue
        except AnswerTimedOut:
            break
        pytest.fail("the hanging server answered")
    assert time.monotonic() - started < 10


@pytest.fixture(scope="module")
def host_server() -> Iterator[int]:
    with spec_server() as port:
        yield port


@pytest.mark.parametrize("fetcher", [CURL, WGET], ids=["curl", "wget"])
def test_curl_and_wget_commands_give_the_answer_back(fetcher: Fetcher, host_server: int) -> None:
    if shutil.which(fetcher.name) is None:
        pytest.skip(f"{fetcher.name} is not installed here")

    def on_the_host(exchange: Exchange) -> bytes:
        done = subprocess.run(fetcher.command(exchange), capture_output=True, timeout=30)
        return fetcher.answer(Finished(done.returncode, done.stdout, done.stderr))

    with httpx.Client(
        transport=ExchangeTransport(on_the_host), headers={"X-Token": "t1"}
    ) as client:
        reply = client.get(f"http://127.0.0.1:{host_server}/openapi.json")
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "application/json"
        assert reply.json() == {**SPEC, "x-token": "t1"}
        assert client.get(f"http://127.0.0.1:{host_server}/missing").status_code == 404
