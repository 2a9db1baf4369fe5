"""Deploy the Node.js server in ./Dockerfile to fal, with the spec in openapi.yaml as metadata.

    openapi-meta extract          # writes fal_openapi.py from openapi.yaml ([tool.openapi-meta])
    fal deploy deploy.py::server  # here, or from the repository's root:
    fal deploy examples/static-spec/deploy.py::server

The server is not Python; the function below only starts it inside the image.
"""

from __future__ import annotations

import sys
from pathlib import Path

import fal

# `fal deploy` puts only the current folder on sys.path: find fal_openapi.py beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fal_openapi import metadata  # written by openapi-meta; `openapi-meta check` keeps it fresh

HERE = Path(__file__).resolve().parent
PORT = 8080

image = fal.ContainerImage.from_dockerfile(str(HERE / "Dockerfile"), context_dir=HERE)


@fal.function(kind="container", image=image, exposed_port=PORT, metadata=metadata)
def server() -> None:
    """Runs inside the container: start the Node server on the exposed port."""
    import os
    import subprocess

    subprocess.run(
        ["node", "server.js"], cwd="/srv", env={**os.environ, "PORT": str(PORT)}, check=True
    )
