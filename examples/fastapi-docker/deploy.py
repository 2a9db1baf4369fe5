"""Deploy the server in ./Dockerfile to fal, its OpenAPI spec attached as metadata.

    openapi-meta extract          # writes fal_openapi.py from main:app ([tool.openapi-meta])
    fal deploy deploy.py::server  # here, or from the repository's root:
    fal deploy examples/fastapi-docker/deploy.py::server

With `metadata`, fal shows a Playground, an endpoint list and schema validation for the
server; without it, the deployment is an opaque port.
"""

from __future__ import annotations

import sys
from pathlib import Path

import fal

# `fal deploy` puts only the current folder on sys.path: find fal_openapi.py beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fal_openapi import metadata  # written by openapi-meta; `openapi-meta check` keeps it fresh

HERE = Path(__file__).resolve().parent
PORT = 8000

image = fal.ContainerImage.from_dockerfile(str(HERE / "Dockerfile"), context_dir=HERE)


@fal.function(
    kind="container",
    image=image,
    exposed_port=PORT,
    metadata=metadata,
    keep_alive=300,
)
def server() -> None:
    """Runs inside the container: serve on the exposed port until fal stops the machine."""
    import subprocess

    subprocess.run(
        ["python3", "-m", "uvicorn", "main:app", "--host", "0.0.0.0", "--port", str(PORT)],
        cwd="/app",
        check=True,
    )
