"""Discovery: find the OpenAPI spec on a running server, the way a person would.

Order: an explicit `--spec-path`; the URL given, when it is the spec itself; the well-known
paths of common frameworks; then the docs pages (Swagger UI, ReDoc, Scalar) at /docs or /,
reading the spec URL they point to (in the HTML, in the same-origin JS they load, or in a
Swagger UI config URL), or a spec embedded inline in the page.

One call is one pass over the server. It raises `Unreachable` when nothing answered (the
server may still be starting) and `NoSpec` when the server answered but serves no spec;
the readiness loop decides whether to try again.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from openapi_meta.errors import SourceError
from openapi_meta.sources.http import MAX_PAGE_BYTES, PAGE_ACCEPT, Reply, get

# Relative to the server's root; the order is how likely each is on an arbitrary server.
WELL_KNOWN_PATHS = (
    "openapi.json",  # FastAPI, Starlette, many others
    "openapi.yaml",
    "api-doc/openapi.json",  # Hugging Face TGI (utoipa)
    "v3/api-docs",  # springdoc
    "swagger/doc.json",  # swaggo
    "apispec_1.json",  # flasgger
    "api/schema/",  # drf-spectacular
    "schema/openapi.json",  # Litestar
    "api-json",  # NestJS
    "swagger/v1/swagger.json",  # Swashbuckle (ASP.NET)
    "docs.json",  # BentoML
    "gradio_api/openapi.json",  # Gradio
    "swagger.json",
    "api/openapi.json",
    "v2/api-docs",  # springfox (Swagger 2.0)
    "openapi",
)
DOCS_PAGES = ("docs", "", "redoc", "swagger-ui/index.html", "swagger-ui.html", "api/docs")

MAX_FETCHES = 40  # per pass, for the docs-page crawl: pages, scripts, candidate URLs

_SPEC_HEAD = re.compile(rb'"(?:openapi|swagger)"\s*:\s*"\d')
_YAML_SPEC = re.compile(rb"^(?:openapi|swagger)\s*:", re.MULTILINE)
_URL_IN_PAGE = (
    # SwaggerUIBundle({url: "..."}), {"url": "..."} in a config, Scalar's {url: "..."}.
    re.compile(r"""\b(?:url|configUrl|specUrl|spec_url)["']?\s*[:=]\s*["'`]([^"'`\s<>]+)["'`]"""),
    # <redoc spec-url="...">, <script id="api-reference" data-url="...">
    re.compile(r"""\b(?:spec-url|data-url)\s*=\s*["']([^"'\s<>]+)["']"""),
    re.compile(r"""Redoc\.init\(\s*["'`]([^"'`\s<>]+)["'`]"""),
)
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_INLINE_START = re.compile(
    r"""(?:\bspec\s*[:=]\s*|Redoc\.init\(\s*|<script\b[^>]*type=["']application/json["'][^>]*>\s*"""
    r"""|(?=\{\s*"(?:openapi|swagger)"\s*:))(?=\{)""",
    re.IGNORECASE,
)
# Library bundles are megabytes of code whose `url:` strings are examples, not the spec.
_LIBRARY_SCRIPT = re.compile(r"(bundle|standalone|preset|redoc\.|@scalar|\.min\.js$)", re.I)
_NOT_A_SPEC_URL = re.compile(
    r"\.(css|png|svg|ico|gif|jpe?g|woff2?|html?)(\?|$)|oauth2-redirect", re.I
)
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "[::]"}


@dataclass(frozen=True)
class FoundSpec:
    """A spec found on the server: where (`url`; `path` is that URL without scheme and host,
    the same on every run), its bytes and syntax; `inline` when it was embedded in a page."""

    url: str
    path: str
    content: bytes
    syntax: str | None
    inline: bool = False

    def label(self, where: str) -> str:
        """`where` (a URL or a path) described for the module header and messages."""
        return f"{where} (spec inline in the page)" if self.inline else where


class NoSpec(SourceError):
    """The server answered but no spec was found; `busy` when some answer was a 5xx."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


def discover(
    client: httpx.Client,
    url: str,
    *,
    spec_path: str | None = None,
    deadline: float | None = None,
) -> FoundSpec:
    """One pass of discovery on the server at `url` (a base URL or the spec URL itself)."""
    return _Pass(client, url, deadline).run(spec_path)


def spec_syntax(reply: Reply) -> str | None:
    """ "json" or "yaml" when `reply` is an OpenAPI or Swagger document, else None."""
    if reply.status != 200:
        return None
    content = reply.content.lstrip()
    if content[:1] == b"{":
        if _SPEC_HEAD.search(content, 0, 65536):
            return "json"
        try:
            data = json.loads(content)
        except ValueError:
            return None
        return (
            "json" if isinstance(data, dict) and ("openapi" in data or "swagger" in data) else None
        )
    if content[:1] == b"<" or "html" in reply.content_type:
        return None
    return "yaml" if _YAML_SPEC.search(content) else None


class _Pass:
    def __init__(self, client: httpx.Client, url: str, deadline: float | None) -> None:
        self.client = client
        self.url = url
        parts = urlsplit(url)
        self.origin = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        self.tried: list[str] = []
        self.busy = False
        self.deadline = deadline
        self.fetches = 0

    def run(self, spec_path: str | None) -> FoundSpec:
        if spec_path is not None:
            target = urljoin(self.origin, spec_path)
            reply = self._get(target)
            if (found := self._as_spec(reply)) is not None:
                return found
            raise NoSpec(
                f"{target}: {self._describe(reply)}, not an OpenAPI spec (check --spec-path)",
                busy=self.busy,
            )
        pages: list[str] = []
        if urlsplit(self.url).path not in ("", "/"):
            reply = self._get(self.url)
            if (found := self._as_spec(reply)) is not None:
                return found
            if reply.status == 200:
                pages.append(self.url)
        for path in WELL_KNOWN_PATHS:
            reply = self._get(urljoin(self.origin, path))
            if (found := self._as_spec(reply)) is not None:
                return found
        pages += [urljoin(self.origin, page) for page in DOCS_PAGES]
        if (found := self._crawl(pages)) is not None:
            return found
        raise NoSpec(
            f"the server at {self.origin} answers, but no OpenAPI spec was found"
            f" ({self._summary()}); give its path with --spec-path",
            busy=self.busy,
        )

    def _summary(self) -> str:
        """What was tried, briefly: the answers other than 404 by path, the 404s counted."""
        missing = [t for t in self.tried if t.endswith(" (404)")]
        others = [t for t in self.tried if not t.endswith(" (404)")]
        parts = [f"{len(self.tried)} URLs tried"]
        if others:
            parts.append("no spec in " + ", ".join(others))
        if missing:
            parts.append(f"{len(missing)} answered 404")
        return "; ".join(parts)

    def _crawl(self, pages: list[str]) -> FoundSpec | None:
        """Read docs pages, their scripts and the URLs they name, breadth first."""
        queue = deque(pages)
        seen: set[str] = set()
        while queue and self.fetches < MAX_FETCHES:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            reply = self._get(url, accept=PAGE_ACCEPT, limit=MAX_PAGE_BYTES)
            if (found := self._as_spec(reply)) is not None:
                return found
            if reply.status != 200:
                continue
            text = reply.content.decode("utf-8", errors="replace")
            if (found := self._inline_spec(text, reply.url)) is not None:
                return found
            queue.extendleft(reversed(self._named_urls(text, reply.url)))
            queue.extend(self._scripts(text, reply.url))
        return None

    def _get(self, url: str, *, accept: str | None = None, limit: int | None = None) -> Reply:
        self.fetches += 1
        kwargs: dict[str, object] = {"deadline": self.deadline}
        if accept:
            kwargs["accept"] = accept
        if limit:
            kwargs["limit"] = limit
        reply = get(self.client, url, **kwargs)  # type: ignore[arg-type]
        if reply.status >= 500:
            self.busy = True
        self.tried.append(f"{urlsplit(url).path or '/'} ({reply.status})")
        return reply

    def _as_spec(self, reply: Reply) -> FoundSpec | None:
        syntax = spec_syntax(reply)
        if syntax is None:
            return None
        return FoundSpec(reply.url, _path_of(reply.url), reply.content, syntax)

    def _inline_spec(self, text: str, page_url: str) -> FoundSpec | None:
        decoder = json.JSONDecoder()
        for match in _INLINE_START.finditer(text):
            try:
                data, end = decoder.raw_decode(text, match.end())
            except ValueError:
                continue
            if isinstance(data, dict) and ("openapi" in data or "swagger" in data):
                content = text[match.end() : end].encode()
                return FoundSpec(page_url, _path_of(page_url), content, "json", inline=True)
        return None

    def _named_urls(self, text: str, page_url: str) -> list[str]:
        urls: list[str] = []
        for pattern in _URL_IN_PAGE:
            for match in pattern.finditer(text):
                raw = match.group(1)
                if _NOT_A_SPEC_URL.search(raw) or raw.endswith(".js"):
                    continue
                if (url := self._same_server(urljoin(page_url, raw))) and url not in urls:
                    urls.append(url)
        return urls

    def _scripts(self, text: str, page_url: str) -> list[str]:
        urls = []
        for match in _SCRIPT_SRC.finditer(text):
            url = self._same_server(urljoin(page_url, match.group(1)))
            if url and not _LIBRARY_SCRIPT.search(urlsplit(url).path):
                urls.append(url)
        return urls

    def _same_server(self, url: str) -> str | None:
        """`url` on this server; a loopback URL (the server naming itself by its inside
        address, e.g. a container's port 8000) is moved to the address we reach it at."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        here = urlsplit(self.origin)
        if parts.netloc == here.netloc:
            return url
        if (parts.hostname or "") in _LOOPBACK_HOSTS:
            return urlunsplit((here.scheme, here.netloc, parts.path, parts.query, ""))
        return None

    @staticmethod
    def _describe(reply: Reply) -> str:
        if reply.status != 200:
            return f"HTTP {reply.status}"
        kind = reply.content_type.split(";")[0] or "no content type"
        return f"HTTP 200 with {len(reply.content):,} bytes of {kind}"


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
