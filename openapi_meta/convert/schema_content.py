"""`contentEncoding`/`contentMediaType` become the 3.0 `format` of a string.

3.0 says binary content with `format: binary` (raw bytes, what FastAPI's `UploadFile` sends
in a multipart body) and base64 text with `format: byte`; 3.1 says it with
`contentMediaType` (`application/octet-stream`, `image/png`...) and `contentEncoding: base64`.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level

_TEXT_SUFFIXES = ("+json", "+xml")


def _is_text(media_type: str) -> bool:
    media_type = media_type.split(";")[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type
        in ("application/json", "application/xml", "application/x-www-form-urlencoded")
        or media_type.endswith(_TEXT_SUFFIXES)
    )


class SchemaContent:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with("contentEncoding", "contentMediaType", "contentSchema")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict:
            return
        if "contentEncoding" in node:
            encoding = node.pop("contentEncoding")
            where = join_pointer(pointer, "contentEncoding")
            if encoding in ("base64", "base64url") and "format" not in node:
                node["format"] = "byte"
                level = Level.INFO if encoding == "base64" else Level.WARNING
                self.context.report(
                    "content-encoding",
                    level,
                    where,
                    f"contentEncoding {encoding} written as format: byte",
                )
            else:
                self.context.report(
                    "content-encoding",
                    Level.WARNING,
                    where,
                    f"contentEncoding {encoding!r} has no 3.0 form; removed",
                )
            if encoding in ("base64", "base64url"):
                node.pop("contentMediaType", None)  # base64 text of that media type: a string
        if "contentMediaType" in node:
            media = node.pop("contentMediaType")
            where = join_pointer(pointer, "contentMediaType")
            if isinstance(media, str) and not _is_text(media) and "format" not in node:
                node["format"] = "binary"
                self.context.report(
                    "content-media-type",
                    Level.INFO,
                    where,
                    f"contentMediaType {media} written as format: binary",
                )
            else:
                self.context.report(
                    "content-media-type",
                    Level.INFO,
                    where,
                    f"contentMediaType {media!r} removed (an annotation in 3.1)",
                )
        if "contentSchema" in node:
            del node["contentSchema"]
            self.context.report(
                "content-media-type",
                Level.INFO,
                join_pointer(pointer, "contentSchema"),
                "contentSchema removed (an annotation in 3.1)",
            )
