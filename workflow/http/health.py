"""`/healthz`, `/readyz` and `/metrics`: what an operator's probes and Prometheus ask.

The first two are open to all and carry no data: each check's name and outcome. `/metrics` is
open to loopback clients only, unless CONVFLOW_METRICS_TOKEN is set: then any client that sends
it as `Authorization: Bearer TOKEN` (and no other) may read it.
"""

from __future__ import annotations

import hmac
from ipaddress import ip_address

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from workflow.http.context import context_of
from workflow.ops.health import readiness
from workflow.ops.metrics import CONTENT_TYPE

__all__ = ["probes"]

probes = APIRouter(include_in_schema=False)


@probes.get("/healthz")
def healthz() -> JSONResponse:
    """Alive: the process answers."""
    return JSONResponse({"status": "alive"}, headers={"Cache-Control": "no-store"})


@probes.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready: database reachable, schema at the code's revision, scheduler running, a recent
    pass. 200 when every check passes, 503 otherwise."""
    context = context_of(request)
    checks = readiness(context.app, context.health, context.now())
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: "ok" if check.ok else check.reason for check in checks},
    }
    return JSONResponse(body, 200 if ready else 503, headers={"Cache-Control": "no-store"})


@probes.get("/metrics")
def metrics(request: Request) -> Response:
    """The metrics in Prometheus' text format, for those allowed to read them."""
    context = context_of(request)
    secret = context.app.settings.metrics_token
    if secret:
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {secret}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            # From loopback too: a token set is asked of every client (RFC 6750's challenge).
            return Response(
                "metrics need their token (Authorization: Bearer CONVFLOW_METRICS_TOKEN)\n",
                401,
                media_type="text/plain",
                headers={"WWW-Authenticate": 'Bearer realm="convflow metrics"'},
            )
    elif not _loopback(request):
        return Response(
            "metrics are served to loopback clients; set CONVFLOW_METRICS_TOKEN to read them "
            "from elsewhere\n",
            403,
            media_type="text/plain",
        )
    return Response(context.metrics.exposition(), media_type=CONTENT_TYPE)


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"  # Starlette's in-process test client has no address
