"""The route check against real routers: what it reports, and that no handler runs."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openapi_meta.findings import Level
from openapi_meta.sources.http import make_client
from openapi_meta.sources.route_check import check_routes
from tests.routers import Router, serving, spec

ROUTES: dict[tuple[str, str], object] = {
    ("GET", "/openapi.json"): {},
    ("POST", "/items"): {},
    ("GET", "/items/{item_id}"): {},
    ("DELETE", "/items/{item_id}"): {},
}


def _check(router: Router, document: dict, **kwargs: object):
    with make_client({}, local=True) as client:
        return check_routes(client, router.url, document, known_path="/openapi.json", **kwargs)  # type: ignore[arg-type]


def test_served_paths_give_no_findings_and_run_no_handler() -> None:
    with serving(Router(dict(ROUTES))) as router:
        report = _check(router, spec({"/items": ["post"], "/items/{item_id}": ["get", "delete"]}))
    assert report.findings == ()
    assert report.served_share == 1.0
    assert router.handled == []  # OPTIONS and TRACE are undeclared: only the router answered


def test_a_path_the_server_lacks_is_a_warning_with_its_pointer() -> None:
    with serving(Router(dict(ROUTES))) as router:
        report = _check(router, spec({"/items": ["post"], "/gone/{x}": ["get"]}))
    [finding] = report.findings
    assert (finding.code, finding.level, finding.pointer) == (
        "route-missing",
        Level.WARNING,
        "/paths/~1gone~1{x}",
    )
    assert "OPTIONS /gone/1 answered 404" in finding.message


def test_a_path_declaring_options_is_asked_with_trace() -> None:
    routes = {**ROUTES, ("OPTIONS", "/items"): {}}
    with serving(Router(routes)) as router:
        report = _check(router, spec({"/items": ["post", "options"]}))
    assert report.findings == ()
    assert router.handled == []


def test_router_that_404s_a_wrong_method_is_inconclusive_not_a_false_warning() -> None:
    with serving(Router(dict(ROUTES), strict=False)) as router:
        report = _check(router, spec({"/items": ["post"], "/gone": ["get"]}))
    [finding] = report.findings
    assert (finding.code, finding.level) == ("route-check-inconclusive", Level.INFO)
    assert report.served_share is None


def test_a_servers_prefix_the_server_does_not_serve() -> None:
    # uvicorn --root-path /svc: the spec says /svc, the container serves the paths at /.
    document = spec({"/items": ["post"], "/items/{item_id}": ["get"]}, servers=[{"url": "/svc"}])
    with serving(Router(dict(ROUTES))) as router:
        report = _check(router, document)
    [finding] = report.findings
    assert (finding.code, finding.level, finding.pointer) == (
        "route-servers-prefix",
        Level.WARNING,
        "/servers/0/url",
    )
    assert "--root-path" in finding.message and "--server-url /" in finding.message


def test_paths_under_the_specs_own_folder_become_the_served_prefix() -> None:
    # Gradio: /gradio_api/openapi.json lists /run/describe, served at /gradio_api/run/describe.
    routes = {("GET", "/gradio_api/openapi.json"): {}, ("POST", "/gradio_api/run/describe"): {}}
    with serving(Router(routes)) as router, make_client({}, local=True) as client:
        report = check_routes(
            client,
            router.url,
            spec({"/run/describe": ["post"]}),
            known_path="/gradio_api/openapi.json",
            spec_folder="/gradio_api/",
        )
    assert report.served_prefix == "/gradio_api"
    assert [f.code for f in report.findings] == ["route-served-under-prefix"]


def test_a_spec_of_another_server() -> None:
    document = spec({"/a": ["get"], "/b": ["get"], "/c": ["get"], "/items": ["post"]})
    with serving(Router(dict(ROUTES))) as router:
        report = _check(router, document)
    codes = [f.code for f in report.findings]
    assert codes[0] == "route-other-server" and codes.count("route-missing") == 3
    assert "3 of its 4 paths" in report.findings[0].message


def test_swagger2_base_path_is_the_prefix() -> None:
    routes = {("GET", "/openapi.json"): {}, ("POST", "/v1/items"): {}}
    document = {"swagger": "2.0", "basePath": "/v1", "paths": {"/items": {"post": {}}}}
    with serving(Router(routes)) as router:
        assert _check(router, document).findings == ()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    served=st.sets(st.sampled_from(["/a", "/b/{id}", "/c/{x}/d", "/e"]), min_size=1),
    missing=st.sets(st.sampled_from(["/f", "/g/{id}", "/h/{x}/i"]), max_size=2),
)
def test_reported_paths_are_exactly_the_missing_ones(served: set[str], missing: set[str]) -> None:
    routes: dict[tuple[str, str], object] = {("GET", "/openapi.json"): {}}
    routes.update({("POST", path): {} for path in served})
    document = spec({path: ["post"] for path in sorted(served | missing)})
    with serving(Router(routes)) as router:
        report = _check(router, document)
    reported = {f.pointer for f in report.findings if f.code == "route-missing"}
    expected = {"/paths/" + p.replace("/", "~1") for p in missing}
    if len(missing) > len(served):  # mostly missing: the spec seems another server's
        assert report.findings[0].code == "route-other-server"
    assert reported == expected
    assert router.handled == []
    json.dumps([f.to_dict() for f in report.findings])  # findings are plain data
