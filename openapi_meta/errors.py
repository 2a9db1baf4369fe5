"""The one error hierarchy of openapi-meta; each branch carries the exit code the CLI uses.

    OpenApiMetaError                 (base, never raised itself)
    ├── UsageError              2    bad options or settings, an output path that can't be written
    ├── SourceError             3    the spec could not be obtained: missing file, server never
    │                                ready, container exited, timeout, unreachable
    └── DocumentError           1    the spec was obtained but is not acceptable: malformed
        │                            JSON/YAML, limits exceeded, unsupported version
        └── InvalidSpecError    1    the converted spec fails validation (carries the findings)

Errors from third-party libraries (yaml, json, httpx, docker, pydantic) are translated where
they enter, with `raise ... from exc`, so the CLI only ever sees these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openapi_meta.findings import Finding


class OpenApiMetaError(Exception):
    """Base of every error openapi-meta reports; `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(OpenApiMetaError):
    """The command line or the settings are wrong; nothing was attempted."""

    exit_code = 2


class SourceError(OpenApiMetaError):
    """The spec could not be obtained from its source."""

    exit_code = 3


class DocumentError(OpenApiMetaError):
    """The document was obtained but cannot be used as it is."""

    exit_code = 1


class InvalidSpecError(DocumentError):
    """The converted document is not valid OpenAPI 3.0.3; `findings` lists every problem."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings
