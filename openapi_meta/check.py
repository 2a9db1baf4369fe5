"""Check: is the committed output exactly what `extract` writes for the source's spec today?

The pre-deploy CI step. The committed file (a module, JSON or YAML) passes only when its
bytes are what `extract` would write now. When they are not, the report says why, in this
order: the file was edited by hand (it is not what openapi-meta writes for the spec it
holds: an edited `metadata` line, a changed `SPEC_SHA256`, code appended), it was written
by another version of openapi-meta (which this one cannot vouch for), its header names
another source, and what changed for clients between the committed spec and the fresh one,
then the diff of the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openapi_meta import __version__
from openapi_meta.changes import Change, compare_specs
from openapi_meta.changes.model import reaches
from openapi_meta.changes.render import Report
from openapi_meta.changes.textdiff import render_diff
from openapi_meta.emit import Format, WrittenOutput, encode_text, read_output, spec_sha256
from openapi_meta.jsontypes import JSONObject

FailOn = Literal["breaking", "warning", "any"]
MAX_DIFF_LINES = 400


@dataclass(frozen=True)
class CheckResult:
    """The committed file as read, what extract writes now, and the changes between them."""

    written: WrittenOutput
    source: str
    up_to_date: bool
    changes: tuple[Change, ...] = ()
    spec_diff: str = ""
    same_spec: bool = True

    @property
    def path(self) -> Path:
        return self.written.path

    @property
    def other_version(self) -> bool:
        return self.written.version not in (None, __version__)

    @property
    def trusted(self) -> bool:
        """Is the file what openapi-meta (this version) writes for the spec it holds?"""
        return not self.written.edits and not self.other_version

    def notes(self) -> tuple[str, ...]:
        """Why the file is not what extract writes now, before the API changes."""
        notes = list(self.written.edits)
        if self.other_version:
            notes.append(
                f"written by openapi-meta {self.written.version}; this is {__version__},"
                " which cannot vouch for it"
            )
        elif self.written.source is not None and self.written.source != self.source:
            notes.append(
                f"its header names the source {self.written.source}; the settings give"
                f" {self.source}"
            )
        if not self.same_spec and not self.changes:
            notes.append(
                "the spec differs only where no rule looks (descriptions, examples, order):"
                " see the diff"
            )
        return tuple(notes)

    def failed(self, fail_on: FailOn) -> bool:
        """A hand-edited file, or one from another version, always fails; otherwise a stale
        file fails when a change reaches the `--fail-on` level (`any`: every stale file)."""
        if self.up_to_date:
            return False
        if not self.trusted or fail_on == "any":
            return True
        return reaches(self.changes, fail_on)

    def report(self, fail_on: FailOn, hint: str) -> Report:
        state = "is up to date" if self.up_to_date else "is stale"
        if not self.trusted:
            state = "was edited by hand" if self.written.edits else "is from another version"
        return Report(
            title=f"{self.path} {state}",
            changes=self.changes,
            notes=self.notes(),
            spec_diff=self.spec_diff,
            hint="" if self.up_to_date else hint,
            failed=self.failed(fail_on),
        )

    def verdict(self, report: Report, fail_on: FailOn, *, strict: bool) -> str:
        """The last line on stderr: the outcome and, for a stale file, the command to run."""
        if self.up_to_date:
            return (
                f"{self.path} matches the spec, but --strict fails"
                if strict
                else (f"{self.path} is up to date")
            )
        if report.failed:
            return f"{report.title}: regenerate it with `{report.hint}` and commit it"
        return f"{report.title}, with no {fail_on} change: regenerate it with `{report.hint}`"


def check_output(
    spec: JSONObject, expected: str, path: Path, fmt: Format, *, source: str
) -> CheckResult:
    """Compare the file at `path` with `expected`, what `extract` writes for `spec`."""
    written = read_output(path, fmt)
    if encode_text(expected) == encode_text(written.text):
        return CheckResult(written, source, up_to_date=True)
    changes = compare_specs(written.spec, spec)
    diff = render_diff(
        written.text.splitlines(),
        expected.splitlines(),
        fmt,
        old_name=f"{path} (committed)",
        new_name=f"{path} (what openapi-meta extract writes now)",
        max_lines=MAX_DIFF_LINES,
    )
    same_spec = spec_sha256(written.spec) == spec_sha256(spec)
    return CheckResult(written, source, False, changes, diff, same_spec)


def output_format(path: Path, configured: Format | None) -> Format:
    """The committed file's format: from its suffix, else as configured, else a module."""
    by_suffix = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".py": "python"}
    return by_suffix.get(path.suffix.lower(), configured or "python")  # type: ignore[return-value]
