"""Is the service alive, and ready: what `/healthz` and `/readyz` answer.

Alive means the process answers. Ready means it can do its work: the database answers, its
schema is at the code's revision, the scheduler runs in this process and its last due pass is
recent. The answers carry the name and outcome of each check, never any data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from states.errors import ConvflowError
from storage.link import within
from workflow.bootstrap import App

__all__ = ["PROBE_SECONDS", "Check", "ServiceHealth", "readiness"]

MIN_PASS_AGE = timedelta(minutes=3)
"""A pass counts as recent within three wake intervals, and never less than this: with a wake
interval of a few seconds, a pass slowed for a moment (a busy database) would otherwise turn
/readyz to 503 and back. README ("Operating it", the probes) says the same."""


class ServiceHealth:
    """What the running service knows of itself: started, stopped, its passes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started_at: datetime | None = None
        self.stopped = False
        self.pass_started_at: datetime | None = None
        self.pass_finished_at: datetime | None = None
        self.pass_ok = True

    def started(self, now: datetime) -> None:
        """The scheduler runs."""
        with self._lock:
            self.started_at, self.stopped = now, False

    def stopping(self) -> None:
        """The scheduler no longer wakes."""
        with self._lock:
            self.stopped = True

    def pass_began(self, now: datetime) -> None:
        """A due pass began."""
        with self._lock:
            self.pass_started_at = now

    def pass_ended(self, now: datetime, ok: bool) -> None:
        """A due pass ended, having done its work or failed."""
        with self._lock:
            self.pass_finished_at, self.pass_ok = now, ok

    def running(self) -> bool:
        """True while the scheduler runs."""
        return self.started_at is not None and not self.stopped

    def pass_recent(self, now: datetime, wake_interval: int) -> bool:
        """True if a pass ended well, or began, within the allowed age."""
        limit = now - max(MIN_PASS_AGE, timedelta(seconds=3 * wake_interval))
        with self._lock:
            began, ended = self.pass_started_at, self.pass_finished_at
            if ended is not None and self.pass_ok and ended >= limit:
                return True
            in_flight = began is not None and (ended is None or began > ended)
            return in_flight and began is not None and began >= limit


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and why not in a few words."""

    name: str
    ok: bool
    reason: str = ""


NO_SCHEDULER = "no scheduler in this process"


PROBE_SECONDS = 2.0
"""How long `/readyz` waits for the database, at most: a probe answers at once (an
orchestrator's probe gives up after a second or a few), a database silent that long is not
ready (storage.link.within: a pool whose every connection waits holds it no longer)."""


def readiness(app: App, health: ServiceHealth | None, now: datetime) -> list[Check]:
    """Every readiness check, in order, each always named (scripts read them by name); the
    service is ready when all pass. Their reasons are fixed words, never an error's class."""
    try:
        checks = within(PROBE_SECONDS, lambda: _database_checks(app))
    except TimeoutError:  # no answer in time: unreachable, as a refused connection is
        checks = [Check("database", False, "unreachable"), Check("migrations", False, "unknown")]
    if health is None:
        checks.append(Check("scheduler", False, NO_SCHEDULER))
        checks.append(Check("last_pass", False, NO_SCHEDULER))
        return checks
    checks.append(Check("scheduler", health.running(), "" if health.running() else "stopped"))
    recent = health.pass_recent(now, app.settings.wake_interval)
    checks.append(Check("last_pass", recent, "" if recent else "no recent due pass"))
    return checks


def _database_checks(app: App) -> list[Check]:
    database = _database(app)
    return [database, _migrations(app) if database.ok else Check("migrations", False, "unknown")]


def _database(app: App) -> Check:
    try:
        with app.uow(read_only=True) as uow:
            uow.listing.ping()
    except Exception:  # any failure to reach it means "not ready", said in one fixed word
        return Check("database", False, "unreachable")
    return Check("database", True)


def _migrations(app: App) -> Check:
    try:
        app.check_schema()
    except ConvflowError:  # SchemaNotReady, or a version table naming two revisions
        return Check("migrations", False, "not at the code's revision")
    except Exception:  # the database went away meanwhile: its revision could not be read
        return Check("migrations", False, "unknown")
    return Check("migrations", True)
