"""The `--fal FILE::FUNCTION` source: start a `@fal.function` server the way fal would, locally.

1. A child Python (the project's, where fal is: `openapi_meta.sources.interpreter`) imports
   FILE with the real `fal` and reads the decorated function's options:
   `options.environment["image"]` (`dockerfile_str`, `build_args`, `docker_context_dir`,
   `cmd`, `entrypoint`, `use_isolate`) and `options.gateway["exposed_port"]`.
2. The image is built locally from that Dockerfile text and context, and run as `--build`
   runs it (127.0.0.1, a random host port, removed on every path) on `exposed_port`.
3. What runs is what fal runs: with `use_isolate=False`, the image's own command (or the
   image's `cmd` / `entrypoint` overrides); otherwise the function body itself, which fal
   calls inside the container. For that, FILE, the `.py` files beside it and a small runner
   (`_fal_runner.py`, with a stand-in for the `fal` import) are added to the image in one
   extra layer, and the runner calls FUNCTION.

Refused with a clear message: a function without `exposed_port` (fal routes no HTTP to it),
`serve=True` (fal then serves its own app and replaces the user's openapi), and a function
without a container image.
"""

from __future__ import annotations

import base64
import io
import shlex
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources import RawDocument
from openapi_meta.sources.app import run_child
from openapi_meta.sources.interpreter import choose_interpreter

IMPORT_TIMEOUT = 60.0
IN_IMAGE = "/openapi-meta-fal"
# The body mode embeds the user's .py files in the Dockerfile: enough for a deploy script
# and its helpers, far from what would make the Dockerfile unwieldy.
MAX_EMBEDDED_BYTES = 1024 * 1024


def parse_target(target: str) -> tuple[Path, str]:
    """`path/to/file.py::function` → (path, function), or a usage error showing the form."""
    file, sep, function = target.rpartition("::")
    if not sep or not file or not function.isidentifier():
        raise UsageError(
            f"--fal {target!r}: expected FILE::FUNCTION (e.g. --fal deploy.py::server),"
            " as `fal deploy` takes it"
        )
    path = Path(file)
    if not path.is_file():
        raise UsageError(f"--fal {target!r}: {path}: no such file")
    return path, function


@dataclass(frozen=True)
class FalSource:
    """The server of the fal function `target`, started as fal would start it.

    `server` holds the keyword arguments of the DockerSource that runs it: the live-server
    options (spec_path, headers, env, startup_timeout, quiet, and any added to their groups),
    handed on as they are."""

    target: str
    stand_in: str = "fal_openapi"
    python: str | None = None
    import_timeout: float = IMPORT_TIMEOUT
    server: Mapping[str, Any] = field(default_factory=dict)

    def fetch(self) -> RawDocument:
        from openapi_meta.sources.docker import DockerSource, ImageBuild

        path, function = parse_target(self.target)
        info = run_child(
            "_fal_child.py",
            [str(path), function, self.stand_in],
            interpreter=choose_interpreter(self.python, path.parent),
            timeout=self.import_timeout,
            what=f"fal {self.target}",
            timeout_hint="does importing the file wait for something?",
        )
        plan = plan_run(info, self.target, self.stand_in)
        with tempfile.TemporaryDirectory(prefix="openapi-meta-fal-") as tmp:
            dockerfile = Path(tmp) / "Dockerfile"
            dockerfile.write_text(plan.dockerfile, encoding="utf-8")
            source = DockerSource(
                build=ImageBuild(plan.context, dockerfile=dockerfile, build_args=plan.build_args),
                port=plan.port,
                cmd=plan.cmd,
                entrypoint=plan.entrypoint,
                **self.server,
                port_option="exposed_port",
            )
            raw = source.fetch()
        return replace(
            raw, origin=f"fal {self.target} ({plan.mode})", name=f"fal {self.target}: {raw.name}"
        )


@dataclass(frozen=True)
class RunPlan:
    """How to build and start the function's server."""

    dockerfile: str
    context: Path
    build_args: tuple[tuple[str, str], ...]
    port: int
    cmd: str | None
    entrypoint: str | None
    mode: str


def plan_run(info: dict[str, Any], target: str, stand_in: str = "fal_openapi") -> RunPlan:
    """The build and run of `info` (what the child read), or why fal would not serve it."""
    if info.get("serve"):
        raise SourceError(
            f"fal {target}: the function has serve=True: fal then serves its own app and"
            " replaces the openapi in metadata with that app's",
            hint="drop serve=True and give exposed_port=PORT for your own server",
        )
    port = info.get("exposed_port")
    if not isinstance(port, int):
        raise SourceError(
            f"fal {target}: the function has no exposed_port, so fal routes no HTTP to it",
            hint="add exposed_port=PORT (the port your server listens on) to @fal.function",
        )
    image = info.get("image")
    if info.get("kind") != "container" or not isinstance(image, dict):
        raise SourceError(
            f"fal {target}: the function has no container image to run (kind={info.get('kind')!r})",
            hint='use @fal.function(kind="container", image=fal.ContainerImage.'
            "from_dockerfile(...), exposed_port=...)",
        )
    dockerfile = str(image.get("dockerfile_str") or "")
    context = Path(str(image.get("docker_context_dir") or Path(info["file"]).parent))
    build_args = tuple(sorted((str(k), str(v)) for k, v in (image.get("build_args") or {}).items()))
    if image.get("use_isolate") is False:
        return RunPlan(
            dockerfile,
            context,
            build_args,
            port,
            cmd=_command(image.get("cmd")),
            entrypoint=_command(image.get("entrypoint")),
            mode="the image's own command",
        )
    file = Path(info["file"])
    embedded = _embed_files(file, target)
    function = target.rpartition("::")[2]
    runner = f"{IN_IMAGE}/_fal_runner.py"
    return RunPlan(
        dockerfile.rstrip("\n") + "\n" + embedded,
        context,
        build_args,
        port,
        cmd=shlex.join([runner, f"{IN_IMAGE}/files/{file.name}", function, stand_in]),
        entrypoint="python3",
        mode=f"the body of {function}()",
    )


def _command(value: Any) -> str | None:
    if isinstance(value, list):
        return shlex.join(str(v) for v in value)
    return value if isinstance(value, str) else None


def _embed_files(file: Path, target: str) -> str:
    """A Dockerfile RUN line that writes the runner and the file's folder's .py files into the
    image (base64 of a tar: the user's build context is theirs, and stays untouched)."""
    buffer = io.BytesIO()
    runner = Path(__file__).with_name("_fal_runner.py")
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(runner, arcname="_fal_runner.py")
        for path in sorted(file.parent.glob("*.py")):
            tar.add(path, arcname=f"files/{path.name}")
    data = buffer.getvalue()
    if len(data) > MAX_EMBEDDED_BYTES:
        raise SourceError(
            f"fal {target}: the .py files beside {file.name} are {len(data):,} bytes compressed,"
            f" over the {MAX_EMBEDDED_BYTES:,} bytes openapi-meta copies into the image",
            hint="keep the deploy script in a folder of its own",
        )
    payload = base64.b64encode(data).decode("ascii")
    script = (
        "import base64,io,sys,tarfile;"
        f"tarfile.open(fileobj=io.BytesIO(base64.b64decode(sys.argv[1]))).extractall({IN_IMAGE!r})"
    )
    return (
        "# Added by openapi-meta --fal: the function's file and a runner standing in for fal.\n"
        f"RUN python3 -c {shlex.quote(script)} {payload}\n"
    )
