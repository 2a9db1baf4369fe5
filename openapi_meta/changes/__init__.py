"""The change report: what changed between two OpenAPI 3.0.3 specs, for an HTTP client.

    compare_specs(old, new) → (Change, ...)   each with oasdiff's rule id and level
    render_text / render_json / render_markdown / render_github   (openapi_meta.changes.render)

No maintained Python library compares specs as OpenAPI and oasdiff is a Go binary, so this is
written here, following oasdiff's rule ids and default levels (`rules`) so that people who
know oasdiff recognise them.
"""

from __future__ import annotations

from openapi_meta.changes.model import Change, Severity, count_levels, sort_changes
from openapi_meta.changes.operations import compare_documents
from openapi_meta.jsontypes import JSONObject

__all__ = ["Change", "Severity", "compare_specs", "count_levels"]


def compare_specs(old: JSONObject, new: JSONObject) -> tuple[Change, ...]:
    """Every change from `old` to `new` a client could notice, breaking ones first."""
    return sort_changes(compare_documents(old, new))
