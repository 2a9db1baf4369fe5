"""The user's fal file: how it imports the module openapi-meta writes, wherever `fal deploy` runs.

`fal deploy FILE::FUNCTION` runs FILE with `runpy.run_path` after adding only the current
folder to `sys.path` (`fal.utils.load_function_from`), so a plain `from fal_openapi import
metadata` beside FILE works only when deploying from FILE's own folder. The snippet here puts
FILE's folder (or the module's, relative to it) first on `sys.path` before the import; ruff
and isort accept an import after a `sys.path` change.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from openapi_meta.findings import Finding, Level

CODE = "fal-deploy-import"


def import_snippet(module: Path, deploy_file: Path | None = None) -> str:
    """The lines that import `metadata` from `module` in `deploy_file` (default: a file in
    the module's own folder), from whatever folder `fal deploy` runs in."""
    folder = "Path(__file__).resolve().parent"
    if deploy_file is not None:
        relative = Path(os.path.relpath(module.resolve().parent, deploy_file.resolve().parent))
        if relative != Path("."):
            folder += f" / {relative.as_posix()!r}"
    return (
        "import sys\n"
        "from pathlib import Path\n"
        "\n"
        "# `fal deploy` puts only the current folder on sys.path: find the module from here.\n"
        f"sys.path.insert(0, str({folder}))\n"
        f"from {module.stem} import metadata  # written by openapi-meta\n"
    )


def check_deploy_file(deploy_file: Path, module: Path) -> list[Finding]:
    """A warning when `deploy_file` imports `module` at module level with nothing changing
    `sys.path` before it: `fal deploy` then finds the module only from one folder."""
    try:
        tree = ast.parse(deploy_file.read_text(encoding="utf-8"), filename=str(deploy_file))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return []  # the --fal source reports what is wrong with the file itself
    for index, node in enumerate(tree.body):
        if not _imports(node, module.stem):
            continue
        if any(_touches_sys_path(earlier) for earlier in tree.body[:index]):
            return []
        snippet = import_snippet(module, deploy_file)
        return [
            Finding(
                CODE,
                Level.WARNING,
                "",
                f"{deploy_file.name}, line {node.lineno}: `import {module.stem}` works only"
                " when `fal deploy` runs in the folder the module is in, since fal puts only"
                " the current folder on sys.path; import it this way instead:\n"
                + "".join(f"    {line}\n" if line else "\n" for line in snippet.splitlines()),
            )
        ]
    return []


def _imports(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and node.module == name
    if isinstance(node, ast.Import):
        return any(alias.name == name for alias in node.names)
    return False


def _touches_sys_path(node: ast.stmt) -> bool:
    return any(
        isinstance(n, ast.Attribute)
        and n.attr == "path"
        and isinstance(n.value, ast.Name)
        and n.value.id == "sys"
        for n in ast.walk(node)
    )
