"""The child process of the `--app` source: import an app, write its OpenAPI spec as JSON.

Run by path as `__main__` with `TARGET APP_DIR FACTORY`, by the interpreter of the user's
project (see `openapi_meta.sources.app.run_child`), so it uses only the standard library.
Importing the user's app runs its code (side effects, `sys.path` changes, prints, threads), so
it happens here, never in the openapi-meta process. Anything the import prints goes to stderr:
the real stdout is kept for one JSON envelope, `{"result": {...}}` or
`{"error": "...", "detail": "...", "missing": "a module that could not be imported"}`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

TRACEBACK_LINES = 25


class AppError(Exception):
    """An app that was imported but cannot give a spec; the message is shown to the user."""


def main(argv: list[str]) -> int:
    """Import the target and write its spec in the envelope."""
    target, app_dir, factory = argv[0], argv[1], argv[2] == "1"
    return write_envelope(lambda: spec_of(target, Path(app_dir), factory=factory))


def write_envelope(compute: Callable[[], Any]) -> int:
    """Run `compute` with stdout sent to stderr; write `{"result": ...}` or `{"error": ...}`
    to the real stdout. Returns 0: failures are in the envelope."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # prints in the app, even from C code, land on stderr
    sys.stdout = sys.stderr
    try:
        envelope: dict[str, Any] = {"result": compute()}
    except AppError as exc:
        envelope = {"error": str(exc), "detail": ""}
    except BaseException as exc:  # the user's import may raise anything, SystemExit included
        envelope = {"error": _describe(exc), "detail": _traceback_tail(exc)}
        if isinstance(exc, ImportError) and exc.name:
            envelope["missing"] = exc.name
    try:
        text = json.dumps(envelope, ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        error = {"error": f"the spec holds a value JSON cannot carry ({exc})", "detail": ""}
        text = json.dumps(error)
    out.write(text)
    out.flush()
    return 0


def spec_of(target: str, app_dir: Path, *, factory: bool) -> dict[str, Any]:
    """The OpenAPI spec of the object `target` names (after calling it, with `factory`)."""
    obj, module = load_target(target, app_dir)
    if factory:
        if not callable(obj):
            raise AppError(f"--factory: it is {_a(obj)}, not a callable")
        obj = obj()
    return spec_from_object(obj, module)


def load_target(target: str, app_dir: Path) -> tuple[Any, Any]:
    """Import MODULE (or path/to/file.py) and follow the dotted ATTR; returns (object, module)."""
    location, _, attr = target.rpartition(":")
    sys.path.insert(0, str(app_dir.resolve()))
    if location.endswith(".py") or "/" in location or os.sep in location:
        path = Path(location)
        if not path.is_absolute() and not path.exists() and (app_dir / path).exists():
            path = app_dir / path  # relative to --app-dir (or the pyproject.toml it came from)
        module = import_file(path)
    else:
        module = importlib.import_module(location)
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise AppError(
                f"{location} has no attribute {attr!r}"
                f" (it defines: {', '.join(_public_names(module)) or 'nothing public'})"
            ) from None
    return obj, module


def spec_from_object(obj: Any, module: Any) -> dict[str, Any]:
    """Ask the object for its spec, in order: dict, FastAPI, Litestar, Starlette, openapi()."""
    if isinstance(obj, dict):
        return obj
    if _is_instance_of(obj, "fastapi.applications", "FastAPI"):
        return _fastapi_spec(obj)
    if _is_instance_of(obj, "litestar.app", "Litestar"):
        return _litestar_spec(obj)
    if _is_instance_of(obj, "starlette.applications", "Starlette"):
        return _starlette_spec(obj, module)
    method = getattr(obj, "openapi", None)
    if callable(method):
        spec = method()
        if not isinstance(spec, dict):
            raise AppError(f"its openapi() returned {_a(spec)}, not a dict")
        return spec
    hint = " (is it a factory? then add --factory)" if callable(obj) else ""
    raise AppError(
        f"it is {_a(obj)}: not an app openapi-meta can read{hint}; give a"
        " FastAPI, Starlette or Litestar app, an object with an openapi() method, or a dict"
    )


def _fastapi_spec(app: Any) -> dict[str, Any]:
    """FastAPI's own `.openapi()`, with the `servers` entry its HTTP handler adds for root_path."""
    if app.openapi_url is None:
        raise AppError(
            "the FastAPI app has openapi_url=None, so it publishes no OpenAPI spec;"
            " enable it (FastAPI(openapi_url='/openapi.json')), or, if only production"
            " disables it, set whatever your app reads to decide that before running"
            " openapi-meta"
        )
    spec = dict(app.openapi())
    # FastAPI's /openapi.json handler puts root_path first in `servers` (when
    # root_path_in_servers): the spec as served is what a client of the real server sees.
    root_path = (getattr(app, "root_path", "") or "").rstrip("/")
    if root_path and getattr(app, "root_path_in_servers", True):
        servers = list(spec.get("servers") or [])
        if root_path not in [s.get("url") for s in servers if isinstance(s, dict)]:
            spec["servers"] = [{"url": root_path}, *servers]
    return spec


def _litestar_spec(app: Any) -> dict[str, Any]:
    """Litestar builds its spec from the app's routes; `to_schema()` is the served JSON."""
    if getattr(app, "openapi_config", None) is None:
        raise AppError(
            "the Litestar app has openapi_config=None, so it publishes no OpenAPI"
            " spec; give it an OpenAPIConfig"
        )
    return app.openapi_schema.to_schema()


def _starlette_spec(app: Any, module: Any) -> dict[str, Any]:
    """A Starlette app has no spec of its own; Starlette's documented way is a module-level
    `SchemaGenerator` whose `get_schema(routes=app.routes)` reads the endpoints' docstrings."""
    from starlette.schemas import SchemaGenerator

    generators = [v for v in vars(module).values() if isinstance(v, SchemaGenerator)]
    if len(generators) != 1:
        found = "none" if not generators else f"{len(generators)}"
        raise AppError(
            "a Starlette app has no OpenAPI spec of its own, and openapi-meta looks"
            f" for one starlette.schemas.SchemaGenerator in {module.__name__} (found {found});"
            " define one there, or run the server with --command and let openapi-meta find"
            " its spec URL"
        )
    return generators[0].get_schema(routes=app.routes)


def import_file(path: Path) -> Any:
    """Import a .py file as a module named after it, with its folder first on sys.path
    (as `python path/to/file.py` would have it), so its sibling imports work."""
    path = path.resolve()
    if not path.is_file():
        raise AppError(f"{path}: no such file")
    sys.path.insert(0, str(path.parent))
    name = path.stem if path.stem.isidentifier() else "_openapi_meta_app"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AppError(f"{path}: not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _is_instance_of(obj: Any, module_name: str, class_name: str) -> bool:
    """isinstance, without importing a framework the app did not import itself."""
    module = sys.modules.get(module_name)
    cls = getattr(module, class_name, None) if module else None
    return cls is not None and isinstance(obj, cls)


def _public_names(module: Any) -> list[str]:
    return sorted(n for n in vars(module) if not n.startswith("_"))[:20]


def _a(value: Any) -> str:
    """ "an int", "a fastapi.routing.APIRouter": what `value` is, for messages."""
    cls = type(value)
    name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"
    return ("an " if name[0] in "aeiou" else "a ") + name


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"the app called sys.exit({exc.code!r}) while being imported"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}"


def _traceback_tail(exc: BaseException) -> str:
    """The traceback from the app's own code on: openapi-meta's child scripts and importlib's
    frames say nothing the user can act on."""
    ours = os.path.dirname(os.path.abspath(__file__))
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if os.path.dirname(os.path.abspath(frame.filename)) != ours
        and not frame.filename.startswith("<frozen ")
        and not frame.filename.endswith(("importlib/__init__.py", "importlib\\__init__.py"))
    ]
    lines = ["Traceback (most recent call last):"]
    lines += "".join(traceback.format_list(frames)).rstrip().splitlines()
    lines += "".join(traceback.format_exception_only(exc)).rstrip().splitlines()
    return "\n".join(lines[-TRACEBACK_LINES:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
