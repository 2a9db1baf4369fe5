"""Discovery: find the server's own OpenAPI spec, as a search with a choice.

Candidates come from `--spec-path` (then nothing else is tried); the URL given, when it is a
spec; the well-known paths of common frameworks, at the root and under every prefix the
server reveals (where `/` or a docs page redirects to, the `servers` and the first path
segments of a spec found, a few common API prefixes); the docs pages (Swagger UI, ReDoc,
Scalar, RapiDoc), reading the spec URL their initializers name (in the HTML, in the scripts
they load, computed relative to the page as the browser would), or a spec inline; links of
`/` and of those pages; URLs the server printed in its log at start-up; and the fingerprint
routes of servers that publish no spec (`openapi_meta.presets`). Candidates are fetched
concurrently, in rounds (what one answer reveals is fetched next), under one deadline.

The choice rule, among the specs found (first difference wins; `rank` implements it):
  1. a spec whose paths the server serves beats one whose paths it does not (a sample of its
     paths is route-checked when several specs compete);
  2. an app's own spec beats a framework's generic one: a spec that lists another found
     spec's URL among its own paths describes the framework around that app (Gradio's
     FastAPI `/openapi.json` lists `/gradio_api/openapi.json`), and so does an `info` that
     is a framework's default (FastAPI's "FastAPI" 0.1.0);
  3. more operations beat fewer (an outer app's lone /healthz loses to the API it mounts);
  4. then the order of discovery: the given URL, well-known paths in their order, the rest.
The specs not chosen are reported in an info finding. With no spec at all but a fingerprint
that matches, the matching preset is used.

One call is one pass over the server. It raises `Unreachable` when nothing answered (the
server may still be starting) and `NoSpec` when the server answered but serves no spec,
with a few lines saying what was tried; the readiness loop decides whether to try again.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from openapi_meta.errors import OpenApiMetaError, SourceError
from openapi_meta.findings import Finding, Level
from openapi_meta.sources import RawDocument
from openapi_meta.sources.http import (
    MAX_PAGE_BYTES,
    PAGE_ACCEPT,
    Reply,
    RequestPool,
    Unreachable,
    request,
)

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
    "documentation/json",  # Fastify (@fastify/swagger-ui's default prefix)
    "apidoc/openapi.json",  # spectree
    "docs/openapi.json",
    "api-description",  # TorchServe
    "swagger.json",
    "api/openapi.json",  # django-ninja
    "v2/api-docs",  # springfox (Swagger 2.0)
    "openapi",  # Helidon, Open Liberty, Javalin
    "openapi/v1.json",  # ASP.NET Core 9+ (Microsoft.AspNetCore.OpenApi)
    "q/openapi",  # Quarkus (YAML)
    "api-docs/openapi.json",  # utoipa's usual mount
    "swagger/json",  # Elysia's swagger plugin
    "openapi/json",  # Elysia's openapi plugin
    "api/doc.json",  # NelmioApiDocBundle (Symfony)
    "swagger_doc",  # grape-swagger
    "doc",  # Hono's OpenAPI examples
    "oas/spec",  # aiohttp-pydantic
)
# Asked with OPTIONS: TorchServe answers `OPTIONS /` with its spec.
OPTIONS_PATHS = ("",)
DOCS_PAGES = (
    "docs",
    "api-docs",  # swagger-ui-express, whose init script holds the spec itself
    "",
    "redoc",
    "documentation",
    "apidoc/swagger",
    "swagger-ui/index.html",
    "swagger-ui.html",
    "api/docs",
)
# Under a prefix the server reveals (or a common API prefix), the likeliest few.
PREFIXED_PATHS = ("openapi.json", "openapi.yaml", "swagger.json", "docs", "ui/")
COMMON_PREFIXES = ("api/", "api/v1/", "v1/")

# Answers of a server that is up but not ready yet (a 501 to OPTIONS is not one of them).
BUSY_STATUSES = frozenset({500, 502, 503, 504})
MAX_FETCHES = 160  # per pass: well-known paths, pages, scripts, the URLs they name
# A stdlib http.server accepts only 6 connections at once (listen backlog 5): more would
# wait out a 1 s SYN retransmit there.
WORKERS = 6
# A framework's own default `info`, when the app did not set its own: a generic spec.
DEFAULT_INFOS = {("FastAPI", "0.1.0")}

_SPEC_HEAD = re.compile(rb'"(?:openapi|swagger)"\s*:\s*"\d')
_YAML_SPEC = re.compile(rb"^(?:openapi|swagger)\s*:", re.MULTILINE)
_URL_IN_PAGE = (
    # SwaggerUIBundle({url: "..."}), {"url": "..."} in a config, Scalar's {url: "..."}.
    re.compile(r"""\b(?:url|configUrl|specUrl|spec_url)["']?\s*[:=]\s*["'`]([^"'`\s<>]+)["'`]"""),
    # <redoc spec-url="...">, <rapi-doc spec-url="...">, <script id="api-reference" data-url=...>
    re.compile(r"""\b(?:spec-url|data-url)\s*=\s*["']([^"'\s<>]+)["']"""),
    re.compile(r"""Redoc\.init\(\s*["'`]([^"'`\s<>]+)["'`]"""),
)
# A URL computed from the page's own address (@fastify/swagger-ui: resolveUrl('./json')
# appends a slash to the page URL first), so "./json" on /reference is /reference/json.
_PAGE_RELATIVE = re.compile(r"""\bresolveUrl\(\s*["'`]([^"'`\s<>]+)["'`]\s*\)""")
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LINK_HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"'#]+)["']""", re.IGNORECASE)
_DOCS_LINK = re.compile(r"doc|swagger|redoc|openapi|reference|schema|api", re.IGNORECASE)
_LOGGED_URL = re.compile(r"""https?://(?:\[[0-9A-Fa-f:.]+\]|[^\s"'<>/\[\]]+)[^\s"'<>)\]]*""")
_INLINE_START = re.compile(
    r"""(?:\bspec\s*[:=]\s*|Redoc\.init\(\s*|<script\b[^>]*type=["']application/json["'][^>]*>\s*"""
    r"""|(?=\{\s*"(?:openapi|swagger)"\s*:))(?=\{)""",
    re.IGNORECASE,
)
# Library bundles are megabytes of code whose `url:` strings are examples, not the spec.
_LIBRARY_SCRIPT = re.compile(r"(bundle|standalone|preset|redoc\.|@scalar|\.min\.js$)", re.I)
_NOT_A_SPEC_URL = re.compile(
    r"\.(css|png|svg|ico|gif|jpe?g|woff2?|html?|js)(\?|$)|oauth2-redirect", re.I
)
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "[::]", "::"}


@dataclass(frozen=True)
class FoundSpec:
    """A spec found on the server: where (`url`; `path` is that URL without scheme and host,
    the same on every run), its bytes and syntax; `inline` when it was embedded in a page.

    `findings` are what discovery and the route check noticed (other specs not chosen,
    paths the server does not serve); `served_prefix` is the path prefix the server serves
    the spec's paths under when the spec itself does not say so (Gradio's /gradio_api);
    `preset` names the preset used when the server publishes no spec.
    """

    url: str
    path: str
    content: bytes
    syntax: str | None
    inline: bool = False
    findings: tuple[Finding, ...] = ()
    served_prefix: str | None = None
    preset: str | None = None

    def raw_document(self, *, origin: str, name: str) -> RawDocument:
        """What the live source returns for this spec: `origin` for the header, `name` for
        messages, and what discovery and the route check found on the way."""
        return RawDocument(
            self.content,
            origin=origin,
            name=name,
            syntax=self.syntax,
            fetched_from=self.url,
            findings=self.findings,
            served_prefix=self.served_prefix,
        )

    def label(self, where: str) -> str:
        """`where` (a URL or a path) described for the module header and messages."""
        if self.preset:
            return f"the {self.preset} preset ({where})"
        return f"{where} (spec inline in the page)" if self.inline else where


class NoSpec(SourceError):
    """The server answered but no spec was found; `busy` when some answer was a 5xx."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


@dataclass(frozen=True)
class Options:
    """What a pass may do: `spec_path` skips the search; `log` returns the server's output so
    far (URLs it printed are candidates); `route_check` checks the chosen spec's paths;
    `presets` allows a preset when the fingerprint matches; `preset` forces one."""

    spec_path: str | None = None
    log: Callable[[], str] | None = None
    route_check: bool = True
    presets: bool = True
    preset: str | None = None


def discover(
    client: httpx.Client,
    url: str,
    *,
    spec_path: str | None = None,
    deadline: float | None = None,
    options: Options | None = None,
) -> FoundSpec:
    """One pass of discovery on the server at `url` (a base URL or the spec URL itself)."""
    options = options or Options()
    if spec_path is not None:
        options = replace(options, spec_path=spec_path)
    return _Search(client, url, deadline or time.monotonic() + 60, options).run()


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


@dataclass(frozen=True)
class _Candidate:
    url: str
    method: str = "GET"
    page: bool = False  # fetched as a page (HTML or JS); else as a spec
    origin_page: str | None = None  # for a script: the page that loaded it


@dataclass
class _Spec:
    """A spec found, with what the choice rule looks at."""

    found: FoundSpec
    order: int
    document: dict[str, Any] | None = None
    served: bool = True
    generic: bool = False
    operations: int = 0
    why_generic: str = ""


class _Search:
    def __init__(self, client: httpx.Client, url: str, deadline: float, options: Options) -> None:
        self.client = client
        self.url = url
        parts = urlsplit(url)
        self.origin = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        self.deadline = deadline
        self.options = options
        self.seen: set[tuple[str, str]] = set()
        self.prefixes: set[str] = {""}
        self.tried: list[tuple[str, str]] = []  # (path, what it answered)
        self.specs: list[_Spec] = []
        self.fingerprints: list[tuple[str, str]] = []  # (preset, URL that matched)
        self.busy = False
        self.hung: Unreachable | None = None
        self.lock = threading.Lock()  # the workers' _fetch records `tried` and `busy`

    # --- the search ---------------------------------------------------------------------

    def run(self) -> FoundSpec:
        if self.options.spec_path is not None:
            return self._given_path(self.options.spec_path)
        # The root alone first: when nothing answers, that is one refused connection, not 40.
        root = _Candidate(self.origin, page=True)
        self.seen.add((root.method, root.url))
        first = self._fetch(root)  # raises Unreachable
        initial: list[_Candidate] = []
        if urlsplit(self.url).path not in ("", "/"):
            initial.append(_Candidate(self.url))
        if self.options.preset is None:
            initial += [_Candidate(urljoin(self.origin, p)) for p in WELL_KNOWN_PATHS]
            initial += [_Candidate(urljoin(self.origin, p), "OPTIONS") for p in OPTIONS_PATHS]
            initial += [_Candidate(urljoin(self.origin, p), page=True) for p in DOCS_PAGES]
            initial += self._prefixed(COMMON_PREFIXES)
            initial += self._logged_urls()
        if self.options.presets or self.options.preset:
            from openapi_meta.presets import FINGERPRINTS

            initial += [
                _Candidate(urljoin(self.origin, fp.path))
                for fp in FINGERPRINTS
                if self.options.preset in (None, fp.preset)
            ]
        self._explore(root, first, initial)
        return self._choose()

    def _given_path(self, spec_path: str) -> FoundSpec:
        target = urljoin(self.origin, spec_path)
        reply = self._fetch(_Candidate(target))
        spec = self._as_spec(reply)
        if spec is None:
            raise NoSpec(
                f"{target}: {_describe(reply)}, not an OpenAPI spec (check --spec-path)",
                busy=self.busy,
            )
        return self._finish(self._evaluate(_Spec(spec, 0)), [])

    def _explore(self, root: _Candidate, first: Reply, initial: list[_Candidate]) -> None:
        """Fetch candidates concurrently; each answer may add more, until none are left,
        the fetch budget is spent or the deadline passes."""
        pool = RequestPool(WORKERS, "openapi-meta-discovery")
        pending = 0

        def submit(candidates: list[_Candidate]) -> None:
            nonlocal pending
            for candidate in candidates:
                key = (candidate.method, candidate.url)
                if key in self.seen or len(self.seen) >= MAX_FETCHES:
                    continue
                self.seen.add(key)
                pool.submit(candidate, functools.partial(self._fetch, candidate))
                pending += 1

        try:
            submit(self._look_at(root, first) + initial)
            while pending:
                done = pool.result(self.deadline - time.monotonic())
                if done is None:
                    break  # the deadline passed
                pending -= 1
                candidate, reply, error = done
                assert isinstance(candidate, _Candidate)
                if isinstance(error, Unreachable):
                    self.hung = error
                    self.tried.append((_path_of(candidate.url), "no answer"))
                elif isinstance(error, SourceError):
                    self.tried.append((_path_of(candidate.url), str(error).split(": ", 1)[-1]))
                elif error is not None:
                    raise error
                else:
                    assert isinstance(reply, Reply)
                    submit(self._look_at(candidate, reply))
        finally:
            pool.close()

    def _fetch(self, candidate: _Candidate) -> Reply:
        kwargs: dict[str, Any] = {"deadline": self.deadline, "method": candidate.method}
        if candidate.page:
            kwargs.update(accept=PAGE_ACCEPT, limit=MAX_PAGE_BYTES)
        reply = request(self.client, candidate.url, **kwargs)
        with self.lock:
            if candidate.method == "GET" and reply.status in BUSY_STATUSES:
                self.busy = True
            method = "" if candidate.method == "GET" else f"{candidate.method} "
            self.tried.append((method + _path_of(candidate.url), str(reply.status)))
        return reply

    def _look_at(self, candidate: _Candidate, reply: Reply) -> list[_Candidate]:
        """Record a spec or a fingerprint in `reply`; return the candidates it reveals."""
        found: list[_Candidate] = []
        if urlsplit(reply.url).path != urlsplit(candidate.url).path and reply.status == 200:
            found += self._prefixed([_folder(reply.url)])  # a redirect reveals a prefix
        self._match_fingerprint(reply)
        spec = self._as_spec(reply)
        if spec is not None:
            self.specs.append(_Spec(spec, order=self._order(candidate)))
            return found + self._prefixed(_spec_prefixes(spec))
        if reply.status != 200:
            return found
        text = reply.content.decode("utf-8", errors="replace")
        page = candidate.origin_page or reply.url
        inline = self._inline_spec(text, reply.url)
        if inline is not None:
            self.specs.append(_Spec(inline, order=self._order(candidate)))
            return found
        found += [_Candidate(u) for u in self._named_urls(text, page)]
        if "html" in reply.content_type or text.lstrip()[:1] == "<":
            found += [_Candidate(u, page=True, origin_page=page) for u in self._scripts(text, page)]
            found += [_Candidate(u, page=True) for u in self._links(text, page)]
        return found

    def _order(self, candidate: _Candidate) -> int:
        """Rule 4's order: the URL given, then the well-known paths, then the rest."""
        if candidate.url == self.url:
            return -1
        path = urlsplit(candidate.url).path.lstrip("/")
        return WELL_KNOWN_PATHS.index(path) if path in WELL_KNOWN_PATHS else len(WELL_KNOWN_PATHS)

    def _prefixed(self, prefixes: list[str] | tuple[str, ...]) -> list[_Candidate]:
        out = []
        for prefix in prefixes:
            prefix = prefix.strip("/")
            if not prefix or prefix in self.prefixes:
                continue
            self.prefixes.add(prefix)
            base = urljoin(self.origin, prefix + "/")
            out += [_Candidate(urljoin(base, p), page=p in ("docs", "ui/")) for p in PREFIXED_PATHS]
        return out

    def _logged_urls(self) -> list[_Candidate]:
        if self.options.log is None:
            return []
        try:
            text = self.options.log()
        except OpenApiMetaError:
            return []
        urls = []
        for match in _LOGGED_URL.finditer(text):
            url = self._same_server(match.group(0).rstrip(".,;:"))
            if url and urlsplit(url).path not in ("", "/"):
                urls.append(_Candidate(url, page=True))
        return urls

    def _match_fingerprint(self, reply: Reply) -> None:
        if reply.status != 200 or not (self.options.presets or self.options.preset):
            return
        from openapi_meta.presets import FINGERPRINTS

        path = urlsplit(reply.url).path
        for fingerprint in FINGERPRINTS:
            if fingerprint.path == path and fingerprint.matches(reply.content):
                self.fingerprints.append((fingerprint.preset, reply.url))

    # --- the choice ---------------------------------------------------------------------

    def _choose(self) -> FoundSpec:
        if self.options.preset is not None:
            return self._preset(self.options.preset, forced=True)
        if not self.specs:
            if self.fingerprints:
                return self._preset(sorted(self.fingerprints)[0][0], forced=False)
            if self.hung is not None:
                raise self.hung
            raise NoSpec(self._nothing_found(), busy=self.busy)
        specs = self._distinct([self._evaluate(s) for s in self.specs])
        _mark_generic(specs)
        if len(specs) > 1 and self.options.route_check:
            for spec in specs:
                spec.served = self._serves(spec)
        ranked = sorted(specs, key=rank)
        return self._finish(ranked[0], ranked[1:])

    def _distinct(self, specs: list[_Spec]) -> list[_Spec]:
        """One entry per document (the same spec as /openapi.json and /openapi.yaml)."""
        seen: dict[str, _Spec] = {}
        for spec in sorted(specs, key=lambda s: (s.order, s.found.path)):
            key = json.dumps(spec.document, sort_keys=True) if spec.document else spec.found.url
            seen.setdefault(key, spec)
        return list(seen.values())

    @staticmethod
    def _evaluate(spec: _Spec) -> _Spec:
        """`spec` with its document parsed and its operations counted."""
        spec.document = _parse(spec.found)
        if spec.document is not None:
            spec.operations = _count_operations(spec.document)
        return spec

    def _serves(self, spec: _Spec) -> bool:
        from openapi_meta.sources.route_check import check_routes

        if spec.document is None:
            return False
        report = check_routes(
            self.client,
            self.origin,
            spec.document,
            known_path=urlsplit(spec.found.url).path,
            spec_folder=_folder(spec.found.url),
            deadline=self.deadline,
        )
        return report.served_share is None or report.served_share >= 0.5

    def _finish(self, chosen: _Spec, others: list[_Spec], known: str | None = None) -> FoundSpec:
        """The chosen spec with its findings; `known` is a path the server serves (default:
        the spec's own URL), which the route check calibrates on."""
        findings: list[Finding] = []
        if others:
            findings.append(_unchosen_finding(chosen, others))
        served_prefix = None
        if self.options.route_check and chosen.document is not None:
            from openapi_meta.sources.route_check import check_routes

            report = check_routes(
                self.client,
                self.origin,
                chosen.document,
                known_path=known or urlsplit(chosen.found.url).path,
                spec_folder="/" if known else _folder(chosen.found.url),
                deadline=self.deadline,
            )
            findings += report.findings
            served_prefix = report.served_prefix
        return replace(
            chosen.found,
            findings=chosen.found.findings + tuple(findings),
            served_prefix=served_prefix,
        )

    def _preset(self, name: str, *, forced: bool) -> FoundSpec:
        from openapi_meta.presets import load_preset

        preset = load_preset(name)
        matched = [url for preset_name, url in self.fingerprints if preset_name == name]
        if forced:
            why = f"--preset {name}"
        else:
            route = _path_of(matched[0])
            why = f"the server serves no spec, and {route} answers as {preset.server} does"
        note = Finding(
            "preset-used",
            Level.INFO,
            "",
            f"{why}: using openapi-meta's {name} preset ({preset.description})",
        )
        found = FoundSpec(
            url=f"preset:{name}",
            path=f"preset:{name}",
            content=preset.content,
            syntax="yaml",
            findings=(note,),
            preset=name,
        )
        # The route check calibrates on the fingerprint route, else on the root that answered.
        known = urlsplit(matched[0]).path if matched else "/"
        return self._finish(self._evaluate(_Spec(found, 0)), [], known=known)

    def _nothing_found(self) -> str:
        """A few lines: the answers other than 404 by path, the 404s counted."""
        lines = sorted(set(self.tried))
        missing = [p for p, answer in lines if answer == "404"]
        others = [f"{p} ({answer})" for p, answer in lines if answer != "404"]
        summary = [f"the server at {self.origin} answers, but no OpenAPI spec was found:"]
        summary.append(f"  {len(lines)} URLs tried; {len(missing)} answered 404")
        if others:
            more = f", and {len(others) - 8} more" if len(others) > 8 else ""
            shown = ", ".join(others[:8]) + more
            summary.append(f"  no spec in: {shown}")
        summary.append("  give the spec's path with --spec-path, or a preset with --preset")
        return "\n".join(summary)

    # --- reading answers ------------------------------------------------------------------

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
        raw = [(m.group(1), page_url) for pattern in _URL_IN_PAGE for m in pattern.finditer(text)]
        page_dir = page_url if page_url.endswith("/") else page_url + "/"
        raw += [(m.group(1), page_dir) for m in _PAGE_RELATIVE.finditer(text)]
        urls: list[str] = []
        for value, base in raw:
            if _NOT_A_SPEC_URL.search(value):
                continue
            if (url := self._same_server(_join(base, value))) and url not in urls:
                urls.append(url)
        return urls

    def _scripts(self, text: str, page_url: str) -> list[str]:
        urls = []
        for match in _SCRIPT_SRC.finditer(text):
            url = self._same_server(_join(page_url, match.group(1)))
            if url and not _LIBRARY_SCRIPT.search(urlsplit(url).path):
                urls.append(url)
        return urls

    def _links(self, text: str, page_url: str) -> list[str]:
        urls = []
        for match in _LINK_HREF.finditer(text):
            url = self._same_server(_join(page_url, match.group(1)))
            if url and _DOCS_LINK.search(urlsplit(url).path) and not _NOT_A_SPEC_URL.search(url):
                urls.append(url)
        return urls

    def _same_server(self, url: str) -> str | None:
        """`url` on this server; a loopback URL (the server naming itself by its inside
        address, e.g. a container's port 8000) is moved to the address we reach it at."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:  # text from a page or a log is not always a URL ("http://[::")
            return None
        if parts.scheme not in ("http", "https"):
            return None
        here = urlsplit(self.origin)
        if parts.netloc == here.netloc:
            return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        if (parts.hostname or "") in _LOOPBACK_HOSTS:
            return urlunsplit((here.scheme, here.netloc, parts.path, parts.query, ""))
        return None


def rank(spec: _Spec) -> tuple[bool, bool, int, int, str]:
    """The choice rule as a sort key: served, not generic, most operations, discovery order."""
    return (not spec.served, spec.generic, -spec.operations, spec.order, spec.found.path)


def _mark_generic(specs: list[_Spec]) -> None:
    """Rule 2: a spec listing another's URL among its paths, or a framework's default info."""
    for spec in specs:
        paths = (spec.document or {}).get("paths")
        listed = set(paths) if isinstance(paths, dict) else set()
        for other in specs:
            if other is not spec and urlsplit(other.found.url).path in listed:
                spec.generic = True
                spec.why_generic = f"it lists {other.found.path} among its own paths"
        info = (spec.document or {}).get("info")
        if isinstance(info, dict) and (info.get("title"), info.get("version")) in DEFAULT_INFOS:
            spec.generic = True
            spec.why_generic = spec.why_generic or "its info is the framework's default"


def _unchosen_finding(chosen: _Spec, others: list[_Spec]) -> Finding:
    reasons = []
    for other in others:
        if not other.served:
            why = "most of its paths are not served"
        elif other.generic and not chosen.generic:
            why = f"a framework's generic spec: {other.why_generic}"
        elif other.operations < chosen.operations:
            why = f"{other.operations} operations against {chosen.operations}"
        else:
            why = "found later"
        reasons.append(f"{other.found.path} ({why})")
    return Finding(
        "discovery-other-specs",
        Level.INFO,
        "",
        f"chose the spec at {chosen.found.path}; also found {'; '.join(reasons)}"
        " (choose another with --spec-path)",
    )


def _spec_prefixes(found: FoundSpec) -> list[str]:
    """Prefixes a spec reveals: its `servers` paths (or basePath) and the first segments
    its paths share (a sub-app mounted there may have a spec of its own)."""
    document = _parse(found)
    if document is None:
        return []
    prefixes = []
    servers = document.get("servers")
    if isinstance(servers, list):
        for server in servers:
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                prefixes.append(urlsplit(server["url"]).path)
    if isinstance(document.get("basePath"), str):
        prefixes.append(document["basePath"])
    paths = document.get("paths")
    if isinstance(paths, dict):
        segments = Counter(
            p.strip("/").split("/")[0] for p in paths if isinstance(p, str) and p.count("/") > 1
        )
        prefixes += [s for s, n in segments.most_common(3) if n > 1 and "{" not in s]
    return prefixes


def _parse(found: FoundSpec) -> dict[str, Any] | None:
    """The spec as a dict, or None when it does not load (the pipeline will say why)."""
    return _parse_cached(found.content, found.syntax, found.path)


@functools.lru_cache(maxsize=16)
def _parse_cached(content: bytes, syntax: str | None, name: str) -> dict[str, Any] | None:
    from openapi_meta.document.load import load_document

    try:
        return load_document(RawDocument(content, origin=name, name=name, syntax=syntax))
    except OpenApiMetaError:
        return None


_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _count_operations(document: dict[str, Any]) -> int:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return 0
    return sum(
        1 for item in paths.values() if isinstance(item, dict) for m in item if m in _METHODS
    )


def _join(base: str, value: str) -> str:
    """`value` (text from a page) resolved against `base`; "" when it is no URL at all."""
    try:
        return urljoin(base, value)
    except ValueError:
        return ""


def _folder(url: str) -> str:
    """The folder of a URL's path: /gradio_api/openapi.json → /gradio_api/."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _describe(reply: Reply) -> str:
    if reply.status != 200:
        return f"HTTP {reply.status}"
    kind = reply.content_type.split(";")[0] or "no content type"
    return f"HTTP 200 with {len(reply.content):,} bytes of {kind}"


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
