"""Discovery and readiness against real HTTP servers on 127.0.0.1 (stdlib, one per test)."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from openapi_meta.errors import SourceError
from openapi_meta.sources.discovery import WELL_KNOWN_PATHS, NoSpec, Options, discover
from openapi_meta.sources.http import Unreachable, make_client
from openapi_meta.sources.readiness import wait_for_spec
from tests.routers import Router, serving, spec

SPEC = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {}}}
SPEC_JSON = json.dumps(SPEC).encode()
SPEC_YAML = b"openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\n"

Route = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]  # extra headers


@dataclass
class Server:
    """A real HTTP server whose routes a test sets; it records each request's path and headers."""

    routes: dict[str, Route | Callable[[dict[str, str]], Route]]
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def _start(server: Server) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.requests.append((self.path, headers))
            route = server.routes.get(self.path, (404, "text/plain", b"not found"))
            status, content_type, body, *extra = route(headers) if callable(route) else route
            self.send_response(status)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", server.port), Handler)
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True).start()
    return httpd


@pytest.fixture
def serve() -> Iterator[Callable[[dict], Server]]:
    started: list[http.server.ThreadingHTTPServer] = []

    def make(routes: dict) -> Server:
        server = Server(routes)
        started.append(_start(server))
        return server

    yield make
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def _discover(url: str, **kwargs: object):
    with make_client({}, local=True) as client:
        return discover(client, url, **kwargs)  # type: ignore[arg-type]


def html(text: str) -> Route:
    return (200, "text/html; charset=utf-8", text.encode())


def js(text: str) -> Route:
    return (200, "application/javascript", text.encode())


def test_well_known_path(serve) -> None:
    server = serve({"/openapi.json": (200, "application/json", SPEC_JSON)})
    found = _discover(server.url)
    assert (found.path, found.syntax, found.content) == ("/openapi.json", "json", SPEC_JSON)
    assert found.url == server.url + "openapi.json"


@pytest.mark.parametrize("path", WELL_KNOWN_PATHS)
def test_each_well_known_path_alone_is_found(serve, path: str) -> None:
    # Every framework default is asked, the last as surely as the first.
    server = serve({f"/{path}": (200, "application/json", SPEC_JSON)})
    assert _discover(server.url).path == f"/{path}"


def test_well_known_order_prefers_fastapi_path(serve) -> None:
    server = serve(
        {
            "/openapi.json": (200, "application/json", SPEC_JSON),
            "/v3/api-docs": (200, "application/json", SPEC_JSON),
        }
    )
    # The same document twice: the rule's last step, the well-known order, picks FastAPI's.
    found = _discover(server.url)
    assert found.path == "/openapi.json"
    assert not [f for f in found.findings if f.code == "discovery-other-specs"]


def test_yaml_spec_on_a_later_well_known_path(serve) -> None:
    server = serve({"/v3/api-docs": (200, "application/yaml", SPEC_YAML)})
    found = _discover(server.url)
    assert (found.path, found.syntax) == ("/v3/api-docs", "yaml")


def test_accept_header_asks_for_json_first(serve) -> None:
    def negotiate(headers: dict[str, str]) -> Route:
        first = headers.get("accept", "").split(",")[0].strip()
        if first == "application/json":
            return (200, "application/json", SPEC_JSON)
        return (200, "application/yaml", SPEC_YAML)

    server = serve({"/openapi.json": negotiate})
    assert _discover(server.url).syntax == "json"


def test_spec_path_skips_discovery(serve) -> None:
    server = serve({"/custom/spec": (200, "application/json", SPEC_JSON)})
    found = _discover(server.url, spec_path="/custom/spec")
    assert found.path == "/custom/spec"
    assert server.paths() == ["/custom/spec"]


def test_spec_path_that_is_missing_says_so(serve) -> None:
    server = serve({"/openapi.json": (200, "application/json", SPEC_JSON)})
    with pytest.raises(NoSpec, match=r"/nope: HTTP 404.*--spec-path"):
        _discover(server.url, spec_path="/nope")


def test_url_that_is_the_spec_itself(serve) -> None:
    server = serve({"/v1/my-spec": (200, "application/json", SPEC_JSON)})
    assert _discover(server.url + "v1/my-spec").path == "/v1/my-spec"


def test_swagger_ui_page_inline_script(serve) -> None:
    page = """<html><script src="https://cdn.example/swagger-ui-bundle.js"></script>
    <script>const ui = SwaggerUIBundle({url: '/private/spec.json', dom_id: '#swagger-ui',
    oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'})</script></html>"""
    server = serve(
        {"/docs": html(page), "/private/spec.json": (200, "application/json", SPEC_JSON)}
    )
    assert _discover(server.url).path == "/private/spec.json"


def test_swagger_ui_initializer_script_is_followed(serve) -> None:
    page = """<html><script src="./swagger-ui-bundle.js"></script>
    <script src="./swagger-initializer.js" charset="UTF-8"></script></html>"""
    initializer = 'window.ui = SwaggerUIBundle({ url: "/internal/api.json", dom_id: "#x" });'
    server = serve(
        {
            "/swagger-ui/index.html": html(page),
            "/swagger-ui/swagger-ui-bundle.js": js('var x = {url: "/decoy.json"};'),
            "/swagger-ui/swagger-initializer.js": js(initializer),
            "/internal/api.json": (200, "application/json", SPEC_JSON),
            "/decoy.json": (200, "application/json", SPEC_JSON),
        }
    )
    assert _discover(server.url).path == "/internal/api.json"
    assert "/swagger-ui/swagger-ui-bundle.js" not in server.paths()


def test_a_spec_inline_in_swagger_ui_express_init_script_is_found(serve) -> None:
    # swagger-ui-express at /api-docs: no spec URL at all, the spec is in the init script.
    page = """<html><script src="./swagger-ui-bundle.js"></script>
    <script src="./swagger-ui-standalone-preset.js"></script>
    <script src="./swagger-ui-init.js"></script></html>"""
    init = f"window.onload = function() {{ var options = {{ 'swaggerDoc': {SPEC_JSON.decode()},"
    init += ' "customOptions": {} }; url = options.swaggerUrl || url; };'
    server = serve(
        {
            "/api-docs": (301, "text/html", b"", {"Location": "/api-docs/"}),
            "/api-docs/": html(page),
            "/api-docs/swagger-ui-init.js": js(init),
        }
    )
    found = _discover(server.url)
    assert json.loads(found.content) == SPEC
    assert found.path == "/api-docs/swagger-ui-init.js"


def test_swagger_ui_config_url_is_followed(serve) -> None:
    config = json.dumps({"configUrl": "/cfg", "urls": [{"url": "/api/v9/docs", "name": "v9"}]})
    page = 'SwaggerUIBundle({configUrl: "/cfg", dom_id: "#swagger-ui"})'
    server = serve(
        {
            "/docs": html(f"<script>{page}</script>"),
            "/cfg": (200, "application/json", config.encode()),
            "/api/v9/docs": (200, "application/json", SPEC_JSON),
        }
    )
    assert _discover(server.url).path == "/api/v9/docs"


def test_redoc_spec_url(serve) -> None:
    page = '<redoc spec-url="/redoc-spec.yaml"></redoc><script src="/redoc.standalone.js">'
    server = serve({"/redoc": html(page), "/redoc-spec.yaml": (200, "text/yaml", SPEC_YAML)})
    found = _discover(server.url)
    assert (found.path, found.syntax) == ("/redoc-spec.yaml", "yaml")


def test_scalar_data_url_at_root_page(serve) -> None:
    page = '<script id="api-reference" data-url="/scalar/openapi"></script>'
    server = serve({"/": html(page), "/scalar/openapi": (200, "application/json", SPEC_JSON)})
    assert _discover(server.url).path == "/scalar/openapi"


def test_spec_embedded_inline_in_the_page(serve) -> None:
    page = f"<script>const ui = SwaggerUIBundle({{spec: {json.dumps(SPEC)}, dom_id: '#x'}})"
    server = serve({"/docs": html(page + "</script>")})
    found = _discover(server.url)
    assert found.inline and found.path == "/docs"
    assert json.loads(found.content) == SPEC


def test_scalar_json_script_inline(serve) -> None:
    page = f'<script id="api-reference" type="application/json">{json.dumps(SPEC)}</script>'
    server = serve({"/docs": html(page)})
    assert json.loads(_discover(server.url).content) == SPEC


def test_loopback_url_in_page_is_moved_to_our_address(serve) -> None:
    # Inside a container the server names itself http://localhost:8000; we reach it elsewhere.
    page = "<script>SwaggerUIBundle({url: 'http://localhost:8000/spec-here.json'})</script>"
    server = serve({"/docs": html(page), "/spec-here.json": (200, "application/json", SPEC_JSON)})
    found = _discover(server.url)
    assert found.url == server.url + "spec-here.json"


def test_other_hosts_are_not_followed(serve) -> None:
    page = "<script>SwaggerUIBundle({url: 'https://petstore.swagger.io/v2/swagger.json'})</script>"
    server = serve({"/docs": html(page)})
    with pytest.raises(NoSpec, match="no OpenAPI spec was found"):
        _discover(server.url)


def test_html_catch_all_is_not_a_spec(serve) -> None:
    server = serve({})
    server.routes.update({p: html("<html>app</html>") for p in ("/openapi.json", "/", "/docs")})
    with pytest.raises(NoSpec) as caught:
        _discover(server.url)
    assert not caught.value.busy
    assert "--spec-path" in str(caught.value)


def test_json_that_is_not_a_spec_is_skipped(serve) -> None:
    server = serve(
        {
            "/openapi.json": (200, "application/json", b'{"detail": "hello"}'),
            "/v3/api-docs": (200, "application/json", SPEC_JSON),
        }
    )
    assert _discover(server.url).path == "/v3/api-docs"


def test_5xx_marks_the_server_busy(serve) -> None:
    server = serve({"/openapi.json": (503, "text/plain", b"loading model")})
    with pytest.raises(NoSpec) as caught:
        _discover(server.url)
    assert caught.value.busy


def test_headers_are_sent(serve) -> None:
    def guarded(headers: dict[str, str]) -> Route:
        if headers.get("authorization") == "Bearer s3cret":
            return (200, "application/json", SPEC_JSON)
        return (401, "text/plain", b"no")

    server = serve({"/openapi.json": guarded})
    with make_client({"Authorization": "Bearer s3cret"}, local=True) as client:
        assert discover(client, server.url).path == "/openapi.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_closed_port_is_unreachable() -> None:
    with pytest.raises(Unreachable, match="no answer"):
        _discover(f"http://127.0.0.1:{_free_port()}/")


def test_readiness_waits_for_a_server_that_starts_late() -> None:
    server = Server({"/openapi.json": (200, "application/json", SPEC_JSON)}, port=_free_port())
    started: list[http.server.ThreadingHTTPServer] = []
    timer = threading.Timer(0.6, lambda: started.append(_start(server)))
    timer.start()
    try:
        with make_client({}, local=True) as client:
            found = wait_for_spec(client, server.url, watched=None, timeout=30)
        assert found.path == "/openapi.json"
    finally:
        timer.join()
        for httpd in started:
            httpd.shutdown()
            httpd.server_close()


def test_readiness_times_out_with_the_last_reason() -> None:
    url = f"http://127.0.0.1:{_free_port()}/"
    with make_client({}, local=True) as client, pytest.raises(SourceError) as caught:
        wait_for_spec(client, url, watched=None, timeout=0.5)
    assert "timed out after 0.5 s" in str(caught.value)
    assert "--startup-timeout" in str(caught.value)


# --- the search and the choice rule -------------------------------------------------------


def _spec(title: str, paths: dict, version: str = "1") -> bytes:
    document = {"openapi": "3.0.3", "info": {"title": title, "version": version}, "paths": paths}
    return json.dumps(document).encode()


def _ok(content: bytes) -> Route:
    return (200, "application/json", content)


def test_an_apps_own_spec_beats_the_framework_spec_that_lists_it(serve) -> None:
    # Gradio: FastAPI's /openapi.json describes Gradio's internal routes, including the
    # route that serves the app's own spec.
    generic = _spec("Gradio internals", {"/login": {"get": {}}, "/gradio_api/openapi.json": {}})
    own = _spec("my app", {"/run/predict": {"post": {}}})
    server = serve({"/openapi.json": _ok(generic), "/gradio_api/openapi.json": _ok(own)})
    found = _discover(server.url, options=Options(route_check=False))
    assert found.path == "/gradio_api/openapi.json"
    [note] = [f for f in found.findings if f.code == "discovery-other-specs"]
    assert "/openapi.json (a framework's generic spec: it lists /gradio_api/openapi.json" in (
        note.message
    )


def test_a_framework_default_info_marks_the_generic_spec(serve) -> None:
    generic = _spec("FastAPI", {"/a": {"get": {}}, "/b": {"get": {}}}, version="0.1.0")
    own = _spec("service", {"/predict": {"post": {}}})
    server = serve({"/openapi.json": _ok(generic), "/api/openapi.json": _ok(own)})
    assert _discover(server.url, options=Options(route_check=False)).path == "/api/openapi.json"


def test_more_operations_win_when_nothing_else_differs(serve) -> None:
    outer = _spec("outer", {"/healthz": {"get": {}}})
    inner = _spec("inner", {"/items": {"get": {}, "post": {}}})
    server = serve({"/openapi.json": _ok(outer), "/api/v1/openapi.json": _ok(inner)})
    assert _discover(server.url, options=Options(route_check=False)).path == "/api/v1/openapi.json"


def test_a_spec_whose_paths_the_server_serves_beats_one_whose_paths_404() -> None:
    # A stale file at /openapi.yaml describes routes this server no longer has.
    stale = spec({"/old/a": ["get"], "/old/b": ["get"], "/old/c": ["get"], "/old/d": ["get"]})
    live = spec({"/items": ["post"]}, info={"title": "live", "version": "1"})
    routes = {
        ("GET", "/openapi.yaml"): stale,
        ("GET", "/docs/openapi.json"): live,
        ("POST", "/items"): {},
    }
    with serving(Router(routes)) as router:
        found = _discover(router.url)
    assert found.path == "/docs/openapi.json"
    # The only handlers that ran served the two specs: the route check ran none.
    assert sorted(router.handled) == [("GET", "/docs/openapi.json"), ("GET", "/openapi.yaml")]
    assert "most of its paths are not served" in found.findings[0].message


def test_rank_orders_by_the_documented_rule() -> None:
    from openapi_meta.sources.discovery import FoundSpec, _Spec, rank

    def make(path: str, **kwargs: object) -> _Spec:
        return _Spec(FoundSpec("http://h" + path, path, b"{}", "json"), **kwargs)  # type: ignore[arg-type]

    specs = [
        make("/e", order=0, operations=9, served=False),
        make("/d", order=0, operations=9, generic=True),
        make("/c", order=0, operations=1),
        make("/b", order=5, operations=2),
        make("/a", order=9, operations=2),
    ]
    assert [s.found.path for s in sorted(specs, key=rank)] == ["/b", "/a", "/c", "/d", "/e"]


def test_fastify_initializer_url_is_relative_to_the_page(serve) -> None:
    # @fastify/swagger-ui under /reference: the initializer computes url: resolveUrl('./json').
    page = '<html><script src="/reference/static/swagger-initializer.js"></script></html>'
    initializer = "const resConfig = Object.assign({}, config, {url: resolveUrl('./json')})"
    server = serve(
        {
            "/reference": html(page),
            "/reference/static/swagger-initializer.js": js(initializer),
            "/reference/json": _ok(SPEC_JSON),
        }
    )
    # Only the server's start-up log names /reference.
    log = (
        f"Server listening at http://0.0.0.0:{server.port}\nAPI docs: http://0.0.0.0:8000/reference"
    )
    found = _discover(server.url, options=Options(log=lambda: log))
    assert found.path == "/reference/json"


def test_a_redirect_of_the_root_reveals_a_prefix() -> None:
    # `/` redirects to the API's docs page, which names no spec: the prefix it lives under
    # is where the well-known paths are tried again.
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/":
                self.send_response(302)
                self.send_header("Location", "/svc/welcome")
                body = b""
            elif self.path == "/svc/welcome":
                self.send_response(200)
                body = b"<html>welcome</html>"
            elif self.path == "/svc/openapi.json":
                self.send_response(200)
                body = SPEC_JSON
            else:
                self.send_response(404)
                body = b"no"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True).start()
    try:
        assert _discover(f"http://127.0.0.1:{httpd.server_address[1]}/").path == "/svc/openapi.json"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_specs_servers_prefix_is_searched(serve) -> None:
    # The root spec says the API lives under /internal; its own spec is there.
    outer = json.dumps(
        {**SPEC, "servers": [{"url": "http://localhost:8000/internal"}], "paths": {}}
    ).encode()
    inner = _spec("internal", {"/jobs": {"get": {}, "post": {}}})
    server = serve({"/openapi.json": _ok(outer), "/internal/openapi.json": _ok(inner)})
    assert _discover(server.url).path == "/internal/openapi.json"


def test_torchserve_answers_options_with_its_spec() -> None:
    with serving(
        Router({("OPTIONS", "/"): {**SPEC, "info": {"title": "ts", "version": "1"}}})
    ) as r:
        found = _discover(r.url)
    assert json.loads(found.content)["info"]["title"] == "ts"


def test_nothing_found_says_what_was_tried_in_a_few_lines(serve) -> None:
    server = serve({"/": html("<html>hi</html>"), "/docs": html("<html>no docs</html>")})
    with pytest.raises(NoSpec) as caught:
        _discover(server.url)
    lines = str(caught.value).splitlines()
    assert len(lines) <= 5
    assert "answered 404" in lines[1]
    assert "/docs (200)" in lines[2]
    assert "--spec-path" in lines[-1] and "--preset" in lines[-1]


def test_a_fingerprint_selects_a_preset(serve) -> None:
    stats = {"system": {"comfyui_version": "0.3.40", "os": "posix"}, "devices": []}
    server = serve({"/system_stats": _ok(json.dumps(stats).encode()), "/": html("<html></html>")})
    found = _discover(server.url)
    assert found.preset == "comfyui" and found.path == "preset:comfyui"
    [note] = [f for f in found.findings if f.code == "preset-used"]
    assert "/system_stats answers as ComfyUI does" in note.message


def test_presets_can_be_turned_off_and_forced(serve) -> None:
    stats = {"system": {"comfyui_version": "1"}}
    server = serve(
        {"/system_stats": _ok(json.dumps(stats).encode()), "/openapi.json": _ok(SPEC_JSON)}
    )
    assert _discover(server.url).path == "/openapi.json"  # a real spec beats a preset
    forced = _discover(server.url, options=Options(preset="comfyui", route_check=False))
    assert forced.preset == "comfyui"
    with pytest.raises(NoSpec):
        _discover(
            serve({"/system_stats": _ok(json.dumps(stats).encode())}).url,
            options=Options(presets=False),
        )


def test_a_hanging_candidate_does_not_hide_a_spec_elsewhere(serve) -> None:
    import time

    def hang(headers: dict[str, str]) -> Route:
        time.sleep(3)
        return (200, "application/json", SPEC_JSON)

    server = serve({"/openapi.json": hang, "/v3/api-docs": _ok(SPEC_JSON)})
    with make_client({}, local=True) as client:
        found = discover(client, server.url, deadline=time.monotonic() + 1)
    assert found.path == "/v3/api-docs"


def test_urls_in_a_log_or_page_that_are_not_urls_are_skipped(serve) -> None:
    # http.server logs "Serving HTTP on :: port 8000 (http://[::]:8000/)"; pages hold junk too.
    log = "Serving HTTP on :: port 1 (http://[::]:1/) ... http://[::\nhttp://host:notaport/x"
    page = "<script>SwaggerUIBundle({url: 'http://[::1/x'})</script><a href='http://[bad/doc'>"
    server = serve({"/docs": html(page), "/openapi.json": _ok(SPEC_JSON)})
    assert _discover(server.url, options=Options(log=lambda: log)).path == "/openapi.json"
