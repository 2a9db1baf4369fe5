"""openapi-meta: your server's OpenAPI spec as the `metadata` of a fal deployment.

The public API is small on purpose; everything else is internal and may change.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "convert", "extract_file", "render_module"]


def __getattr__(name: str) -> object:
    # Imported on first use: the CLI's start-up should not pay for the validator.
    if name == "convert":
        from openapi_meta.convert import convert

        return convert
    if name == "render_module":
        from openapi_meta.emit import render_module

        return render_module
    if name == "extract_file":
        from openapi_meta.api import extract_file

        return extract_file
    raise AttributeError(f"module 'openapi_meta' has no attribute {name!r}")
