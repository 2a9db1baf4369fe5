"""The Docker test bed as a fixture: skip with the fix locally, fail in CI."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from docker.errors import DockerException, ImageNotFound

from tests.integration.images import (
    ALL_IMAGES,
    BUSYBOX,
    ENGINE2_HOST,
    ENGINE2_IMAGES,
    ENGINE2_UNAVAILABLE,
    FRAMEWORKS,
    FRAMEWORKS_DIR,
    PYBASE,
    SERVERS_DIR,
    SETUP_COMMAND,
    STATIC_SERVER,
    UNAVAILABLE_MARKER,
    framework_image,
    framework_site,
    tool_containers,
)

__all__ = ["docker_testbed", "engine2", "framework_testbed", "tool_containers"]

HASH_LABEL = "org.openapi-meta.testbed.hash"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the engine, so `-m "not docker"` deselects them."""
    for item in items:
        if "docker_testbed" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.docker)


def _unusable(reason: str) -> None:
    """Fail in CI (the Docker tests must run there), skip with the fix everywhere else."""
    message = f"Docker test bed: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(message)


def folder_hash(folder: Path, pybase_id: str) -> str:
    """The content hash testbed.sh stores as a label (same bytes as its sha256sum pipeline):
    the fixture's folder, the shared server code it copies, and the base image."""
    servers = folder.parent
    lines = []
    for tree in (folder, servers / "_shared"):
        for path in tree.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                lines.append((path.relative_to(servers).as_posix(), path))
    lines.sort(key=lambda item: item[0].encode())
    listing = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {n}\n" for n, p in lines)
    return hashlib.sha256(f"{listing}{pybase_id}\n".encode()).hexdigest()[:16]


def _stale_images(client: docker.DockerClient) -> list[str]:
    """Fixture images older than their folder under fixtures/servers."""
    pybase_id = client.images.get(PYBASE).id
    stale = []
    for folder in sorted(p for p in SERVERS_DIR.iterdir() if (p / "Dockerfile").is_file()):
        name = f"openapi-meta-test/{folder.name}:latest"
        try:
            label = client.images.get(name).labels.get(HASH_LABEL)
        except ImageNotFound:
            stale.append(name)
            continue
        if label != folder_hash(folder, pybase_id):
            stale.append(name)
    return stale


@pytest.fixture(scope="session")
def docker_testbed() -> Iterator[docker.DockerClient]:
    """A client of a live engine on which every test image exists and is current."""
    try:
        client = docker.from_env()
        client.ping()
    except DockerException as exc:
        reason = (
            UNAVAILABLE_MARKER.read_text().strip()
            if UNAVAILABLE_MARKER.is_file()
            else f"no engine answers ({exc.__class__.__name__}: {exc})"
        )
        _unusable(f"{reason}; run `{SETUP_COMMAND}`")
    try:
        missing = [name for name in ALL_IMAGES if not client.images.list(name=name)]
        if missing:
            _unusable(f"images missing: {', '.join(missing)}; run `{SETUP_COMMAND}`")
        stale = _stale_images(client)
        if stale:
            _unusable(
                f"images older than their fixtures: {', '.join(stale)}; run `{SETUP_COMMAND}`"
            )
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def framework_testbed(docker_testbed: docker.DockerClient) -> docker.DockerClient:
    """The engine, with every framework fixture image present and current: its label hashes
    its folder and the ID of its site image, as testbed.sh's framework_hash does."""
    stale = []
    for name in FRAMEWORKS:
        try:
            site_id = docker_testbed.images.get(framework_site(name)).id
            label = docker_testbed.images.get(framework_image(name)).labels.get(HASH_LABEL)
        except ImageNotFound:
            stale.append(framework_image(name))
            continue
        if label != folder_hash(FRAMEWORKS_DIR / name, site_id):
            stale.append(framework_image(name))
    if stale:
        _unusable(f"framework images missing or stale: {', '.join(stale)}; run `{SETUP_COMMAND}`")
    return docker_testbed


@pytest.fixture(scope="session")
def imported_images(docker_testbed: docker.DockerClient) -> docker.DockerClient:
    """The main engine, with the images testbed.sh makes by `docker import` as well."""
    missing = [name for name in (STATIC_SERVER, BUSYBOX) if not docker_testbed.images.list(name)]
    if missing:
        _unusable(f"images missing: {', '.join(missing)}; run `{SETUP_COMMAND}`")
    return docker_testbed


@pytest.fixture(scope="session")
def engine2(imported_images: docker.DockerClient) -> Iterator[docker.DockerClient]:
    """A client of the second engine (its own network namespace), with its test images
    there and current (the same IDs as on the main engine)."""
    if ENGINE2_UNAVAILABLE.is_file():
        _unusable(f"no second engine: {ENGINE2_UNAVAILABLE.read_text().strip()}")
    try:
        client = docker.DockerClient(base_url=ENGINE2_HOST)
        client.ping()
    except DockerException as exc:
        _unusable(f"the second engine does not answer ({exc}); run `{SETUP_COMMAND}`")
    try:
        stale = []
        for name in ENGINE2_IMAGES:
            try:
                if client.images.get(name).id != imported_images.images.get(name).id:
                    stale.append(name)
            except ImageNotFound:
                stale.append(name)
        if stale:
            _unusable(f"the second engine lacks {', '.join(stale)}; run `{SETUP_COMMAND}`")
        yield client
    finally:
        client.close()
