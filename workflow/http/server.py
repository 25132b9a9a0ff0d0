"""Serving the web app with uvicorn, on the configured address (loopback by default)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from workflow.bootstrap import App
from workflow.http.factory import create_http_app
from workflow.ops.health import ServiceHealth
from workflow.ops.metrics import Metrics


def uvicorn_config(
    app: App, health: ServiceHealth | None = None, metrics: Metrics | None = None
) -> uvicorn.Config:
    """How `convflow serve` runs the web app: on CONVFLOW_HTTP_HOST:CONVFLOW_HTTP_PORT.

    Behind a reverse proxy on the same machine, its X-Forwarded-Proto is believed (so the
    session cookie is Secure over HTTPS); from anywhere else it is not.
    """
    return uvicorn.Config(
        create_http_app(app, health, metrics),
        host=app.settings.http_host,
        port=app.settings.http_port,
        lifespan="off",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        # convflow's own logging (workflow.ops.logs) formats uvicorn's lines, access log
        # included: uvicorn must not install handlers of its own.
        log_config=None,
    )


def from_environment() -> FastAPI:
    """The web app on the database the CONVFLOW_* settings name (`uvicorn --factory`)."""
    return create_http_app(App.create())
