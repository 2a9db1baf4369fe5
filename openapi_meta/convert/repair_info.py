"""A usable `info`: 3.0 requires `info.title` and `info.version`, and version is a string.

Real servers omit the version, or write `version: 1.0` in YAML, which loads as a number.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.findings import Level


class RepairInfo:
    def __init__(self, context: Any) -> None:
        self.context = context

    def leave_Root(self, node: Any, pointer: str, node_type: object) -> None:
        info = node.get("info")
        if type(info) is not dict:
            node["info"] = info = {}
            self.context.report(
                "info-added",
                Level.WARNING,
                "/info",
                "3.0 requires info: added with a placeholder title and version",
            )
        if "title" not in info:
            info["title"] = "API"
            self.context.report(
                "info-title-missing", Level.WARNING, "/info", "info.title is required: set to 'API'"
            )
        version = info.get("version")
        if version is None:
            info["version"] = "unversioned"
            self.context.report(
                "info-version-missing",
                Level.WARNING,
                "/info",
                "info.version is required: set to 'unversioned'",
            )
        elif type(version) is not str:
            info["version"] = str(version).lower() if type(version) is bool else str(version)
            self.context.report(
                "info-version-number",
                Level.INFO,
                "/info/version",
                f"info.version {version!r} written as the string {info['version']!r}",
            )
