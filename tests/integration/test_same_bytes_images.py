"""One spec from two images, or from two build folders, gives the same module bytes: the
header names the image or folder as the user wrote it, never an image ID, a digest or the
temporary name a --build image gets."""

from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.conftest import run_cli
from tests.integration.images import DOCS_ONLY, PYBASE, SERVERS_DIR

pytestmark = pytest.mark.slow


@pytest.fixture
def own_tag(docker_testbed: docker.DockerClient) -> Iterator[str]:
    tag = f"openapi-meta-test/same-bytes-{uuid.uuid4().hex[:8]}:latest"
    yield tag
    for image in docker_testbed.images.list(name=tag.split(":")[0]):
        docker_testbed.images.remove(image.id, force=True)


def _build(client: docker.DockerClient, tag: str, label: str) -> str:
    """The docs-only image under `tag`, with a label that gives it an ID of its own."""
    dockerfile = f"FROM {DOCS_ONLY}\nLABEL org.openapi-meta.test.build={label}\n"
    image, _ = client.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=tag, rm=True)
    return image.id


def test_the_same_image_rebuilt_writes_the_same_bytes(
    own_tag: str, docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    modules = []
    ids = []
    for build in ("first", "second"):
        ids.append(_build(docker_testbed, own_tag, build))
        module = tmp_path / f"{build}.py"
        result = run_cli("extract", "--image", own_tag, "-o", module, cwd=tmp_path, timeout=300)
        assert result.code == 0, result.stderr
        modules.append(module.read_bytes())
    assert ids[0] != ids[1]
    assert modules[0] == modules[1]
    text = modules[0].decode()
    assert f'# Source: "--image {own_tag}"\n' in text
    assert "sha256:" not in text.split('_SPEC_JSON = r"""')[0]


def test_a_build_from_two_folders_writes_the_same_bytes(
    docker_testbed: docker.DockerClient, tmp_path: Path
) -> None:
    modules = []
    for checkout in ("one", "two/nested"):
        context = tmp_path / checkout / "servers"
        for part in ("_shared", "docs-only"):
            shutil.copytree(SERVERS_DIR / part, context / part)
        args = ["extract", "--build", ".", "--dockerfile", "docs-only/Dockerfile"]
        args += ["--build-arg", f"BASE_IMAGE={PYBASE}", "-o", "fal_openapi.py"]
        result = run_cli(*args, cwd=context, timeout=300)
        assert result.code == 0, result.stderr
        modules.append((context / "fal_openapi.py").read_bytes())
    assert modules[0] == modules[1]
    assert '# Source: "--build ."\n' in modules[0].decode()
