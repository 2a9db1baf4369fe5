"""The routes to a container's server, in the order they are tried.

1. the published port on 127.0.0.1, when the engine's published ports are on this machine;
2. for ssh:// engines, an SSH forward to the port published on the remote 127.0.0.1;
3. inside the container's network namespace through the engine API: exec of a fetcher the
   image has, else a helper container (see `netns`).

On a local engine the third joins after `NAMESPACE_DELAY`: a server that binds 0.0.0.0 is
found through its port as before at no extra cost, one that binds the container's 127.0.0.1
only is found a moment later. `OPENAPI_META_ROUTES` (comma-separated: published, tunnel,
exec, helper) narrows the choice, e.g. to compare routes or to keep helpers off an engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from openapi_meta.engine.fetchers import Exchange
from openapi_meta.engine.netns import ContainerNetns
from openapi_meta.engine.rawhttp import ExchangeTransport
from openapi_meta.engine.resolve import Engine
from openapi_meta.engine.tunnel import forward_exchange, ssh_transport
from openapi_meta.errors import UsageError
from openapi_meta.sources.http import make_client
from openapi_meta.sources.readiness import HttpRoute, Route, RouteUnusable

ROUTES_ENV = "OPENAPI_META_ROUTES"
ROUTE_NAMES = ("published", "tunnel", "exec", "helper")
NAMESPACE_DELAY = 2.0


def allowed_routes(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The route names `OPENAPI_META_ROUTES` allows (all when it is unset)."""
    value = (os.environ if environ is None else environ).get(ROUTES_ENV, "").strip()
    if not value:
        return ROUTE_NAMES
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in ROUTE_NAMES]
    if unknown or not names:
        raise UsageError(
            f"{ROUTES_ENV}={value}: expected a comma-separated list of {', '.join(ROUTE_NAMES)}"
        )
    return names


class NamespaceRoute:
    """Route 3: a fetch inside the container's network namespace."""

    def __init__(
        self,
        netns: ContainerNetns,
        *,
        port: int,
        headers: Mapping[str, str],
        exec_ok: bool,
        helper_ok: bool,
        not_before: float,
    ) -> None:
        self.netns = netns
        self.exec_ok = exec_ok
        self.helper_ok = helper_ok
        self.not_before = not_before
        self.base_url = f"http://127.0.0.1:{port}/"
        self.client = make_client(
            dict(headers), local=True, transport=ExchangeTransport(self._fetch)
        )
        # What the route turned out to be, once the first request has probed the image.
        self.name = "a fetch inside the container's network namespace"

    def _fetch(self, exchange: Exchange) -> bytes:
        fetcher = self.netns.image_fetcher() if self.exec_ok else None
        if fetcher is not None:
            self.name = f"exec of {fetcher.name} in the container"
            return self.netns.exchange(exchange, helper=False)
        if self.helper_ok:
            self.name = "a helper container in the container's network namespace"
            return self.netns.exchange(exchange, helper=True)
        names = ", ".join(f.name for f in self.netns.fetchers)
        self.name = "exec in the container"
        raise RouteUnusable(f"the image has none of {names}, and helper containers are not allowed")


@dataclass
class Routes:
    """The routes to try, and why the others are not tried."""

    routes: list[Route] = field(default_factory=list)
    not_tried: list[str] = field(default_factory=list)


@contextmanager
def container_routes(
    engine: Engine,
    netns: ContainerNetns,
    *,
    port: int,
    host_port: int,
    headers: Mapping[str, str],
    allowed: tuple[str, ...] = ROUTE_NAMES,
) -> Iterator[Routes]:
    """The routes to the server on container `port` (published as `host_port`); their
    clients are closed when the block ends."""
    found = Routes()
    with ExitStack() as stack:

        def add(route: Route) -> None:
            stack.callback(route.client.close)
            found.routes.append(route)

        url = f"http://127.0.0.1:{host_port}/"
        if "published" in allowed and engine.ports_here:
            client = make_client(dict(headers), local=True)
            add(HttpRoute(f"the published port 127.0.0.1:{host_port}", client, url))
        elif "published" in allowed:
            found.not_tried.append(f"the published port ({engine.elsewhere})")
        if "tunnel" in allowed and ssh_transport(engine) is not None:
            transport = ExchangeTransport(forward_exchange(engine))
            name = f"an SSH forward to 127.0.0.1:{host_port} on {engine.address.ssh_host}"
            client = make_client(dict(headers), local=True, transport=transport)
            add(HttpRoute(name, client, url))
        exec_ok, helper_ok = "exec" in allowed, "helper" in allowed
        if exec_ok or helper_ok:
            delay = NAMESPACE_DELAY if found.routes else 0.0
            add(
                NamespaceRoute(
                    netns,
                    port=port,
                    headers=headers,
                    exec_ok=exec_ok,
                    helper_ok=helper_ok,
                    not_before=delay,
                )
            )
        if not found.routes:
            raise UsageError(
                f"{ROUTES_ENV}={','.join(allowed)}: none of these routes reaches a container"
                f" on {engine.describe()}"
            )
        yield found
