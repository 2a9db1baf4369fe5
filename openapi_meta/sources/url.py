"""The `--url` source: a server that is already running (its spec URL, or a base URL)."""

from __future__ import annotations

from dataclasses import dataclass

from openapi_meta.sources import RawDocument
from openapi_meta.sources.discovery import Options, discover
from openapi_meta.sources.http import Unreachable, make_client
from openapi_meta.sources.progress import Progress
from openapi_meta.sources.readiness import wait_for_spec


@dataclass(frozen=True)
class UrlSource:
    """Fetch the spec from `url`; with `startup_timeout`, wait that long for the server."""

    url: str
    spec_path: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    startup_timeout: float | None = None
    quiet: bool = False
    route_check: bool = True
    preset: str | None = None

    def fetch(self) -> RawDocument:
        progress = Progress(quiet=self.quiet)
        options = Options(route_check=self.route_check, preset=self.preset)
        with make_client(dict(self.headers), local=False) as client, progress:
            if self.startup_timeout is None:
                try:
                    found = discover(client, self.url, spec_path=self.spec_path, options=options)
                except Unreachable as exc:
                    exc.hint = "is the server running? --startup-timeout makes openapi-meta wait"
                    raise
            else:
                found = wait_for_spec(
                    client,
                    self.url,
                    watched=None,
                    timeout=self.startup_timeout,
                    spec_path=self.spec_path,
                    progress=progress,
                    options=options,
                )
        label = found.label(found.url)
        progress.note(f"using the spec at {label}")
        return found.raw_document(origin=label, name=label)
