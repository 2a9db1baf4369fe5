"""The child process of the `--fal` source: import the user's fal file with the real `fal`
and report the decorated function's options as JSON.

Run by path as `__main__` with `FILE FUNCTION STAND_IN_MODULE`, by the interpreter of the
user's project (the one that has fal), like `_app_child.py`, whose helpers it loads from
beside it. The file usually imports the module openapi-meta writes (`from fal_openapi import
metadata`), which does not exist before the first run: when it cannot be imported, an empty
stand-in takes its place, so the file's options can still be read.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any


def _load_app_child() -> Any:
    path = Path(__file__).with_name("_app_child.py")
    spec = importlib.util.spec_from_file_location("_openapi_meta_app_child", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_app_child = _load_app_child()
AppError, _a = _app_child.AppError, _app_child._a
import_file, write_envelope = _app_child.import_file, _app_child.write_envelope


def main(argv: list[str]) -> int:
    file, function, stand_in = argv
    return write_envelope(lambda: describe(Path(file), function, stand_in))


def describe(path: Path, function: str, stand_in: str) -> dict[str, Any]:
    """What openapi-meta needs to start the function's server the way fal would."""
    path = path.resolve()
    sys.path.insert(0, str(path.parent))
    if stand_in and importlib.util.find_spec(stand_in) is None:
        placeholder = types.ModuleType(stand_in)
        placeholder.metadata = {}  # type: ignore[attr-defined]
        sys.modules[stand_in] = placeholder
    module = import_file(path)
    if not hasattr(module, function):
        names = sorted(n for n, v in vars(module).items() if hasattr(v, "options"))
        raise AppError(
            f"{path.name} has no {function!r} (its fal functions: {', '.join(names) or 'none'})"
        )
    obj = getattr(module, function)
    options = getattr(obj, "options", None)
    if options is None or not hasattr(options, "gateway"):
        raise AppError(f"{function} is {_a(obj)}, not a function decorated with @fal.function")
    image = options.environment.get("image")
    return {
        "file": str(path),
        "kind": options.environment.get("kind"),
        "image": image if isinstance(image, dict) else None,
        "exposed_port": options.gateway.get("exposed_port"),
        "serve": bool(options.gateway.get("serve")),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
