"""Names of the test bed's images and labels, shared by every Docker test.

`scripts/testbed.sh` builds these images from `fixtures/servers/<name>/`; tests import the names
from here so a rename happens in one place.
"""

from __future__ import annotations

from pathlib import Path

import docker

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVERS_DIR = PROJECT_ROOT / "fixtures" / "servers"
SETUP_COMMAND = "bash scripts/testbed.sh"
# Written by testbed.sh when it could not make an engine answer (outside CI): the skip reason.
UNAVAILABLE_MARKER = PROJECT_ROOT / ".cache" / "testbed" / "unavailable"

BASE = "openapi-meta-test/base:bookworm"
PYBASE = "openapi-meta-test/pybase:bookworm"

FASTAPI = "openapi-meta-test/fastapi:latest"
DOCS_ONLY = "openapi-meta-test/docs-only:latest"
SWAGGER2 = "openapi-meta-test/swagger2:latest"
SLOW_START = "openapi-meta-test/slow-start:latest"
EXITS = "openapi-meta-test/exits:latest"
NO_SPEC = "openapi-meta-test/no-spec:latest"
HANGING_SPEC = "openapi-meta-test/hanging-spec:latest"
TWO_PORTS = "openapi-meta-test/two-ports:latest"
COMFYUI_STANDIN = "openapi-meta-test/comfyui-standin:latest"

FIXTURE_IMAGES = (
    FASTAPI,
    DOCS_ONLY,
    SWAGGER2,
    SLOW_START,
    EXITS,
    NO_SPEC,
    HANGING_SPEC,
    TWO_PORTS,
    COMFYUI_STANDIN,
)
ALL_IMAGES = (BASE, PYBASE, *FIXTURE_IMAGES)

# Made by testbed.sh with `docker import`: a static C server alone in its image (no shell, no
# fetcher), and Debian's static busybox with its applets (sh, nc, wget, httpd).
STATIC_SERVER = "openapi-meta-test/static-server:latest"
BUSYBOX = "openapi-meta-test/busybox:latest"

# The second engine: a dockerd in its own network namespace (testbed.sh `setup_engine2`), and
# a HOME whose ~/.ssh reaches it as ssh://ENGINE2_SSH_HOST through an sshd in that namespace.
ENGINE2_RUN = Path("/run/openapi-meta-engine2")
ENGINE2_HOST = f"unix://{ENGINE2_RUN}/docker.sock"
ENGINE2_SSH_HOST = "openapi-meta-engine2"
ENGINE2_SSH_HOME = ENGINE2_RUN / "ssh" / "home"
ENGINE2_UNAVAILABLE = PROJECT_ROOT / ".cache" / "testbed" / "engine2-unavailable"
ENGINE2_IMAGES = (FASTAPI, EXITS, HANGING_SPEC, SLOW_START, STATIC_SERVER)

# Where each fixture serves its spec (docs-only: found only through /docs).
SPEC_PATHS = {
    FASTAPI: "/openapi.json",
    DOCS_ONLY: "/internal/spec/v1.json",
    SWAGGER2: "/apispec_1.json",
    SLOW_START: "/openapi.json",
    TWO_PORTS: "/openapi.json",
}

# Host-runnable servers for --command / --url tests: `python <file> --port N`.
FASTAPI_APP = SERVERS_DIR / "fastapi" / "app.py"
DOCS_ONLY_APP = SERVERS_DIR / "docs-only" / "app.py"

# Framework fixtures (fixtures/servers/frameworks/<name>/), each on a site image of its own
# packages: openapi-meta-test/<name>:latest on openapi-meta-test/<name>-site:bookworm.
FRAMEWORKS_DIR = SERVERS_DIR / "frameworks"
FRAMEWORKS = tuple(sorted(p.name for p in FRAMEWORKS_DIR.iterdir() if (p / "Dockerfile").is_file()))


def framework_image(name: str) -> str:
    return f"openapi-meta-test/{name}:latest"


def framework_site(name: str) -> str:
    return f"openapi-meta-test/{name}-site:bookworm"


# The label openapi-meta puts on every container it starts; tests count containers by it.
RUN_LABEL = "org.openapi-meta.run"
# The label the test bed's own containers carry (never counted as the tool's).
TESTBED_LABEL = "org.openapi-meta.testbed"


def tool_containers(client: docker.DockerClient | None = None) -> list[str]:
    """IDs of all containers, running or not, that carry the tool's label, sorted."""
    if client is not None:
        # sparse: no per-container inspect, which races with a removal under way (404).
        containers = client.containers.list(all=True, sparse=True, filters={"label": RUN_LABEL})
        return sorted(c.id for c in containers)
    own = docker.from_env()
    try:
        return tool_containers(own)
    finally:
        own.close()
