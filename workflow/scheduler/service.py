"""The background service: wakes when something falls due, and runs the due pass.

What is due lives in convflow's own tables (deadlines, reminders, outbox); APScheduler only
wakes the service at the next due instant, and on a safety interval besides, with an in-memory
job store (LIBRARY-NOTES: its job store must not be the record, nor be shared). Each wake runs
`workflow.usecases.due.run_due`, the same code as `convflow run-due`.

Work recorded by another process (an event from the command line queues an email due at once)
is noticed by a cheap watch: every few seconds the service reads the earliest due instant and
wakes earlier if it must. Work still due after a pass (a convention that cannot be processed)
is tried again after a delay that doubles up to the safety interval, never in a tight loop.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO

from apscheduler.schedulers.background import BackgroundScheduler

from notifications import FolderSender, Sender, SmtpSender
from states import due
from states.errors import ConvflowError
from storage.engine import is_sqlite, lost_connection, sqlite_path
from workflow.bootstrap import App
from workflow.ops.health import ServiceHealth
from workflow.ops.metrics import Metrics
from workflow.settings import Settings
from workflow.usecases.due import DueReport, run_due

log = logging.getLogger("convflow.service")
WAKE_JOB, SAFETY_JOB, WATCH_JOB = "convflow-wake", "convflow-safety", "convflow-watch"
FIRST_RETRY_SECONDS = 1


def make_sender(settings: Settings) -> Sender:
    """SMTP when a server is configured, else `.eml` files in the mail folder."""
    if settings.smtp_host:
        return SmtpSender(
            settings.smtp_host,
            settings.smtp_port,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=settings.smtp_password,
            timeout=float(settings.smtp_timeout),
        )
    return FolderSender(Path(settings.mail_dir))


class ServiceAlreadyRunning(ConvflowError):
    """A second service on the same SQLite file: SQLite allows one writer service."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(
            f"another convflow service is already running on {path} ({holder}); SQLite "
            "allows one service per database file: stop it, or use PostgreSQL to run several"
        )


class SingleServiceLock:
    """An exclusive lock beside a SQLite database, held while the service runs."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".service-lock")
        self._file: IO[str] | None = None

    def __enter__(self) -> SingleServiceLock:
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise ServiceAlreadyRunning(self.path.with_suffix(""), holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._file = handle
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()


class Service:
    """Runs the due pass on time, until stopped."""

    def __init__(
        self,
        app: App,
        sender: Sender,
        clock: Callable[[], datetime] | None = None,
        metrics: Metrics | None = None,
    ):
        self.app, self.sender = app, sender
        self.clock = clock or app.clock
        self.health = ServiceHealth()
        self.metrics = metrics
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._retry_seconds = 0  # while work stays due after passes: the current delay
        self._outage_since: datetime | None = None  # while the database does not answer
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            # A wake-up missed while busy or down still runs, once (LIBRARY-NOTES: the default
            # misfire_grace_time of 1 s silently drops it).
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def tick(self) -> DueReport | None:
        """One due pass now, then plan the next wake-up; skipped if a pass is running."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._stopping.is_set():
                return None
            now = self.clock()
            self.health.pass_began(now)
            report = run_due(self.app, now, self.sender)
            self._database_back(now)
            self.health.pass_ended(self.clock(), ok=True)
            if self.metrics is not None:
                self.metrics.observe_pass(report, now, self.clock())
            _log_report(report, now)
            self._plan_wake(now)
            return report
        except Exception as error:
            self.health.pass_ended(self.clock(), ok=False)
            if lost_connection(error):
                self._database_lost(error)
                return None
            log.exception("the due pass failed; it will run again at the next wake-up")
            return None
        finally:
            self._lock.release()

    def _database_lost(self, error: BaseException) -> None:
        """Say once that the database does not answer, and try again after a growing delay."""
        now = self.clock()
        self._retry_seconds = min(
            max(2 * self._retry_seconds, FIRST_RETRY_SECONDS), self.app.settings.wake_interval
        )
        if self._outage_since is None:
            self._outage_since = now
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
            log.warning(
                "the database does not answer (%s); trying again after 1 s, then doubling up "
                "to %s s, without saying so again until it answers",
                reason,
                self.app.settings.wake_interval,
            )
        if not self._stopping.is_set():
            self._wake_at(now + timedelta(seconds=self._retry_seconds))

    def _database_back(self, now: datetime) -> None:
        if self._outage_since is not None:
            log.warning(
                "the database answers again, after %s without it",
                _duration(now - self._outage_since, seconds=True),
            )
            self._outage_since = None
            self._retry_seconds = 0

    def next_due(self) -> datetime | None:
        """The earliest instant something is due: what the due policy says of every
        convention's deadlines and reminders (their earliest instants, read in SQL), or an
        email to deliver."""
        lease = timedelta(seconds=self.app.settings.claim_lease_seconds)
        with self.app.uow(read_only=True) as uow:
            work = due.next_due([uow.deadlines.next_due()], [uow.reminders.next_planned()])
            email = uow.outbox.next_attempt(lease)
        return min((c for c in (work, email) if c is not None), default=None)

    def _plan_wake(self, now: datetime) -> None:
        if self._stopping.is_set():
            return
        due = self.next_due()
        if due is None:
            self._retry_seconds = 0
            log.info(
                "nothing planned; looking again every %ss, and for new work every %ss",
                self.app.settings.wake_interval,
                self.app.settings.watch_interval,
            )
            return
        if due <= now:  # the pass left it due: it failed, or another worker holds it
            self._retry_seconds = min(
                max(2 * self._retry_seconds, FIRST_RETRY_SECONDS), self.app.settings.wake_interval
            )
            when = now + timedelta(seconds=self._retry_seconds)
            log.warning("work due at %s is still waiting; trying again in %ss",
                        due.isoformat(), self._retry_seconds)  # fmt: skip
        else:
            self._retry_seconds = 0
            when = due
        self._wake_at(when)
        log.info("next wake-up at %s", when.isoformat())

    def _wake_at(self, when: datetime) -> None:
        self._scheduler.add_job(
            self.tick, "date", run_date=when, id=WAKE_JOB, replace_existing=True
        )

    def watch(self) -> None:
        """Wake earlier if another process recorded work due before the planned wake-up."""
        if self._stopping.is_set() or self._retry_seconds or self._lock.locked():
            return  # retrying on its own delay, or a pass is running and will plan the next
        try:
            due = self.next_due()
        except Exception as error:
            if not lost_connection(error):
                raise
            return  # the next pass says it, once, and retries on its own delay
        if due is None:
            return
        job = self._scheduler.get_job(WAKE_JOB)
        planned = job.next_run_time if job is not None else None
        if planned is None or due < planned:
            log.info("new work due at %s: waking up for it", due.isoformat())
            self._wake_at(max(due, self.clock()))

    def start(self) -> None:
        """Start the scheduler; the first pass (catching up on downtime) runs at once."""
        self._scheduler.start()
        self.health.started(self.clock())
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.app.settings.wake_interval,
            id=SAFETY_JOB,
            replace_existing=True,
        )
        self._scheduler.add_job(
            self.watch,
            "interval",
            seconds=self.app.settings.watch_interval,
            id=WATCH_JOB,
            replace_existing=True,
        )
        self._wake_at(self.clock())

    def stop(self) -> None:
        """Stop waking up; wait for the pass in flight to finish its unit of work."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self.health.stopping()
        # Not shutdown(wait=True): it holds the scheduler's job store lock while it waits, and
        # the pass in flight needs that lock to plan its next wake-up, so neither would finish.
        self._scheduler.shutdown(wait=False)
        with self._lock:  # the pass in flight, if any, ends; later ones see _stopping
            pass


def _log_report(report: DueReport, now: datetime) -> None:
    for action in report.actions:
        late = _late(now, action.due_at, action.reason)
        log.info(
            "%s: %s due %s → %s%s",
            action.reference,
            action.deadline,
            action.due_at.isoformat(),
            action.action,
            late,
            extra={"reference": action.reference, "event": action.action},
        )
    for reminder in report.reminders:
        late = _late(now, reminder.planned_at, reminder.reason)
        log.info(
            "%s: reminder %s %s planned %s → %s%s",
            reminder.reference,
            reminder.kind,
            reminder.label,
            reminder.planned_at.isoformat(),
            reminder.outcome,
            late,
            extra={"reference": reminder.reference, "event": f"reminder_{reminder.kind}"},
        )
    for reference, error in report.failures.items():
        log.error("%s: not processed: %s", reference, error, extra={"reference": reference})


def _late(now: datetime, due_at: datetime, reason: str | None) -> str:
    """How late the service acts, and why it does not when a reason says so (coalescing
    is said by the outcome itself)."""
    if reason == "known_late":  # recorded after it fell: not the service's delay
        return " (recorded after its instant)"
    delay = now - due_at
    late = f", {_duration(delay)} late" if delay > timedelta(minutes=1) else ""
    return late + (f" ({reason})" if reason and reason != "coalesced" else "")


def _duration(delta: timedelta, seconds: bool = False) -> str:
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{days}d {hours}h {minutes}min" if days else f"{hours}h {minutes}min"
    return f"{text} {secs}s" if seconds else text


def single_service_lock(settings: Settings) -> SingleServiceLock | None:
    """The lock a service must hold on a SQLite database (None on PostgreSQL)."""
    url = settings.database_url
    path = sqlite_path(url) if is_sqlite(url) else None
    return SingleServiceLock(path.resolve()) if path else None
