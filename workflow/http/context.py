"""What every request handler needs: the service layer's app, the sessions and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request

from workflow.bootstrap import App
from workflow.http.rendering import Pages
from workflow.http.sessions import Sessions
from workflow.ops.health import ServiceHealth
from workflow.ops.metrics import Metrics


@dataclass(frozen=True)
class HttpContext:
    """The convflow app behind the web, its session keeper and its page renderer."""

    app: App
    sessions: Sessions
    pages: Pages
    metrics: Metrics
    health: ServiceHealth | None = None  # the scheduler's, when it runs in this process

    def now(self) -> datetime:
        """The app's clock (tests move it; only the real service reads the real one)."""
        return self.app.clock()


def context_of(request: Request) -> HttpContext:
    """The context the web app was created with."""
    context: HttpContext = request.app.state.convflow
    return context
