"""The background service: wakes when something falls due, and runs the due pass and delivery.

What is due lives in convflow's own tables (deadlines, reminders, outbox); APScheduler only
wakes the service at the next due instant, and on a safety interval besides, with an in-memory
job store (its job store must not be the record, nor be shared). Two jobs, each with its own
lock, run in threads of their own: the due pass (`workflow.usecases.due.run_due` without a
sender: deadlines and reminders, the same code as `convflow run-due`) and delivery
(`workflow.usecases.dispatch.deliver`). A mail server that never answers holds back delivery
only: a deadline is applied when it falls, never behind an email.

Work recorded by another process (an event from the command line queues an email due at once)
is noticed by a cheap watch: every few seconds the service reads the earliest due instant and
wakes earlier if it must. Work still due after a pass (a convention that cannot be processed,
emails the mail server deferred) is tried again after a delay that doubles up to the safety
interval, never in a tight loop.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.schedulers.background import BackgroundScheduler

from notifications import FolderSender, Sender, SmtpSender
from states import due as policy
from states.errors import ConvflowError
from storage.engine import checkpoint, defer_checkpoints, is_sqlite, lost_connection, sqlite_path
from workflow.bootstrap import App
from workflow.failures import database_problem
from workflow.ops.health import ServiceHealth
from workflow.ops.metrics import Metrics
from workflow.settings import Settings
from workflow.usecases.dispatch import DeliveryReport, Holds, deliver
from workflow.usecases.due import DueReport, run_due
from workflow.wording.refusals import say
from workflow.wording.words import Words

log = logging.getLogger("convflow.service")
WAKE_JOB, SAFETY_JOB, WATCH_JOB = "convflow-wake", "convflow-safety", "convflow-watch"
DELIVERY_JOB, DELIVERY_SAFETY_JOB = "convflow-delivery", "convflow-delivery-safety"
FIRST_RETRY_SECONDS = 1


class MailIdentityMissing(ConvflowError):
    """Real emails would leave without saying who sends them and how to answer."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("mail_identity_required", missing=missing)


DEFAULT_SENDER_DOMAIN = "@localhost>"
"""The embedded sender (`convflow <convflow@localhost>`): fine for .eml files, not for SMTP."""


def mail_identity_missing(settings: Settings) -> list[str]:
    """The settings a partner needs to know who writes and how to answer, when emails really
    leave by SMTP: the service's sender (its name and address) and its contact."""
    if not settings.smtp_host:
        return []
    missing = []
    if str(settings.mail_from).endswith(DEFAULT_SENDER_DOMAIN):
        missing.append("CONVFLOW_MAIL_FROM")
    if not settings.service_contact:
        missing.append("CONVFLOW_SERVICE_CONTACT")
    return missing


def make_sender(settings: Settings) -> Sender:
    """SMTP when a server is configured, else `.eml` files in the mail folder; refused when
    real emails would leave without the service's identity."""
    if settings.smtp_host:
        if missing := mail_identity_missing(settings):
            raise MailIdentityMissing(missing)
        return SmtpSender(
            settings.smtp_host,
            settings.smtp_port,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=settings.smtp_password,
            timeout=float(settings.smtp_timeout),
            data_timeout=float(settings.smtp_data_timeout),
        )
    return FolderSender(Path(settings.mail_dir))


class ServiceAlreadyRunning(ConvflowError):
    """A second service on the same SQLite file: SQLite allows one writer service."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__("service_already_running", path=str(path), holder=holder)


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


LONG_RUN_SECONDS = 30
"""A due pass or a delivery still running this long (or three wake intervals, if longer) when
a wake-up comes is said in the log: not sooner, since one wait on a silent database lasts up
to 15 s (storage.link) and the outage is said on its own."""
LONG_RUN_AGAIN = timedelta(hours=1)
"""How often a run that lasts is said again while it lasts."""


class _SkippedRunsUnsaid(logging.Filter):
    """APScheduler's own line for a wake-up skipped while the same job still runs (`Execution
    of job ... skipped: maximum number of running instances reached (1)`): written at every
    wake interval, twice (the pass and delivery), 138 lines in 5 minutes at 5 s. The service
    says it in its words, once (`_LongRun`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in str(record.msg)


logging.getLogger("apscheduler.scheduler").addFilter(_SkippedRunsUnsaid())


class _LongRun:
    """One kind of work (the due pass, delivery) as it runs, so that a run outlasting wake-ups
    is said once when a wake-up is skipped for it, again hourly while it lasts, and once when
    it ends; the scheduler's thread asks while the work's thread runs it."""

    def __init__(self, what: str, threshold: timedelta) -> None:
        self.what, self.threshold = what, threshold
        self._lock = threading.Lock()
        self._began: datetime | None = None
        self._said: datetime | None = None  # when it was last said still running

    def began(self, now: datetime) -> None:
        with self._lock:
            self._began, self._said = now, None

    def skipped(self, now: datetime) -> None:
        """A wake-up for it came while it ran, and was skipped."""
        with self._lock:
            began, said = self._began, self._said
            if began is None or now - began < self.threshold:
                log.debug("a wake-up skipped: the %s begun at %s still runs", self.what,
                          began.isoformat() if began else "?")  # fmt: skip
                return
            if said is not None and now - said < LONG_RUN_AGAIN:
                return
            self._said = now
        log.warning(
            "the %s begun at %s is still running after %s: the wake-ups meanwhile are skipped; "
            "said again when it ends (and hourly while it lasts)",
            self.what, began.isoformat(), _duration(now - began, seconds=True),
        )  # fmt: skip

    def ended(self, now: datetime) -> None:
        with self._lock:
            began, said = self._began, self._said
            self._began = self._said = None
        if began is not None and said is not None:
            log.info("the %s begun at %s ended after %s", self.what, began.isoformat(),
                     _duration(now - began, seconds=True))  # fmt: skip


class _Backoff:
    """The delay before trying again work still due after a pass: 1, 2, 4... seconds, up to
    the safety interval; back to nothing once the work is done."""

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.seconds = 0

    def grow(self) -> int:
        self.seconds = min(max(2 * self.seconds, FIRST_RETRY_SECONDS), self.ceiling)
        return self.seconds

    def reset(self) -> None:
        self.seconds = 0


class Service:
    """Runs the due pass on time and delivers the outbox beside it, until stopped."""

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
        self._lock = threading.Lock()  # the due pass
        self._delivering = threading.Lock()
        self._stopping = threading.Event()
        self._due_backoff = _Backoff(app.settings.wake_interval)
        self._delivery_backoff = _Backoff(app.settings.wake_interval)
        self._outage_since: datetime | None = None  # while the database does not answer
        self._wake_said: datetime | None = None  # the next wake-up last logged (None: nothing)
        self._nothing_said = False  # "nothing planned" was the last thing logged of it
        # Emails held by a mail server refusing our settings: said when the hold begins, its
        # reason changes or it ends, and hourly, not at each pass (one a minute), in memory.
        self._holds = Holds()
        # SQLite's log is copied into the database after the work, not inside a commit of it.
        self._checkpoints = defer_checkpoints(app.engine)
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            # A wake-up missed while busy or down still runs, once (APScheduler's default
            # misfire_grace_time of 1 s silently drops it).
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        long_run = max(timedelta(seconds=LONG_RUN_SECONDS),
                       timedelta(seconds=3 * app.settings.wake_interval))  # fmt: skip
        self._pass_run = _LongRun("due pass", long_run)
        self._delivery_run = _LongRun("delivery", long_run)
        self._scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)

    def tick(self) -> DueReport | None:
        """One due pass now (deadlines, reminders), then plan the next wake-up and have the
        emails it queued delivered; skipped if a due pass is running."""
        if not self._lock.acquire(blocking=False):
            self._pass_run.skipped(self.clock())
            return None
        try:
            if self._stopping.is_set():
                return None
            now = self.clock()
            self.health.pass_began(now)
            self._pass_run.began(now)
            report = run_due(self.app, now)
            self._database_back(now)
            self.health.pass_ended(self.clock(), ok=True)
            if self.metrics is not None:
                self.metrics.observe_pass(report, now, self.clock())
            _log_report(report, now)
            self._checkpoint()
            self._plan_wake(now)  # last: see _wake_at
            return report
        except Exception as error:
            self.health.pass_ended(self.clock(), ok=False)
            if lost_connection(error):
                self._database_lost(error)
                return None
            log.exception("the due pass failed; it will run again at the next wake-up")
            return None
        finally:
            self._pass_run.ended(self.clock())
            self._lock.release()
            self._deliver_soon()

    def deliver(self) -> DeliveryReport | None:
        """Deliver what the outbox holds due now, then plan the next delivery; skipped if a
        delivery is running."""
        if not self._delivering.acquire(blocking=False):
            self._delivery_run.skipped(self.clock())
            return None
        try:
            if self._stopping.is_set():
                return None
            now = self.clock()
            self._delivery_run.began(now)
            report = deliver(self.app, self.sender, now, stopping=self._stopping.is_set,
                             holds=self._holds)  # fmt: skip
            if self.metrics is not None:
                self.metrics.observe_delivery(report)
            self._checkpoint()
            self._plan_delivery(now)  # last: see _wake_at
            return report
        except Exception as error:
            if lost_connection(error):  # the due pass says it, once; try again on a delay
                self._wake_at(DELIVERY_JOB, self.deliver, self.clock() + timedelta(
                    seconds=self._delivery_backoff.grow()))  # fmt: skip
                return None
            log.exception("delivery failed; it will run again at the next wake-up")
            return None
        finally:
            self._delivery_run.ended(self.clock())
            self._delivering.release()

    def _skipped(self, event: JobSubmissionEvent) -> None:
        """A wake-up APScheduler skipped, its job still running: said by the run it waits
        for (_LongRun), once, not at every wake interval, as a wake-up of another job that
        finds the work running is."""
        runs = {
            SAFETY_JOB: self._pass_run,
            WAKE_JOB: self._pass_run,
            DELIVERY_SAFETY_JOB: self._delivery_run,
            DELIVERY_JOB: self._delivery_run,
        }
        run = runs.get(event.job_id)
        if run is not None:
            run.skipped(self.clock())
        # the watch skipped: the pass or delivery it would wake says why, if it lasts

    def _checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database file, after the work (see
        storage.engine.defer_checkpoints). A checkpoint that fails loses nothing: the log
        keeps every page until the next one."""
        if not self._checkpoints:
            return
        try:
            checkpoint(self.app.engine)
        except Exception as error:
            log.warning("could not copy the write-ahead log into the database file: %s", error)

    def _database_lost(self, error: BaseException) -> None:
        """Say once that the database does not answer, and try again after a growing delay."""
        now = self.clock()
        seconds = self._due_backoff.grow()
        if self._outage_since is None:
            self._outage_since = now
            reason = say(database_problem(error), Words("en")).message
            log.warning(
                "the database does not answer (%s); trying again after 1 s, then doubling up "
                "to %s s, without saying so again until it answers",
                reason,
                self.app.settings.wake_interval,
            )
        if not self._stopping.is_set():
            self._wake_at(WAKE_JOB, self.tick, now + timedelta(seconds=seconds))

    def _database_back(self, now: datetime) -> None:
        if self._outage_since is not None:
            log.warning(
                "the database answers again, after %s without it",
                _duration(now - self._outage_since, seconds=True),
            )
            self._outage_since = None
            self._due_backoff.reset()

    def next_due(self) -> datetime | None:
        """The earliest instant something is due: a deadline, the announcement a passed one
        waits for (the reminder hour after it), a reminder, an email."""
        return _earliest(self._next_due_pass(), self._next_delivery())

    def _next_due_pass(self) -> datetime | None:
        """When the due policy says something is next due, of every convention's deadlines
        (their fall, or their announcement's hour) and reminders (their earliest instants,
        read in SQL)."""
        with self.app.uow(read_only=True) as uow:
            return policy.next_due([uow.deadlines.next_due()], [uow.reminders.next_planned()])

    def _next_delivery(self) -> datetime | None:
        lease = timedelta(seconds=self.app.settings.claim_lease_seconds)
        with self.app.uow(read_only=True) as uow:
            return uow.outbox.next_attempt(lease)

    def _plan_wake(self, now: datetime) -> None:
        if self._stopping.is_set():
            return
        due = self._next_due_pass()
        if due is None:
            self._due_backoff.reset()
            self._wake_said = None
            # Said when it becomes true, not at every safety wake-up (1 440 lines a day at 60 s).
            if self._nothing_said:
                log.debug("still nothing planned")
                return
            self._nothing_said = True
            log.info(
                "nothing planned; looking again every %ss, and for new work every %ss",
                self.app.settings.wake_interval,
                self.app.settings.watch_interval,
            )
            return
        if due <= now:  # the pass left it due: it failed, or another worker holds it
            when = self.clock() + timedelta(seconds=self._due_backoff.grow())
            log.warning("work due at %s is still waiting; trying again in %ss",
                        due.isoformat(), self._due_backoff.seconds)  # fmt: skip
        else:
            self._due_backoff.reset()
            when = due
        self._wake_at(WAKE_JOB, self.tick, when)
        self._nothing_said = False
        if when == self._wake_said:  # a safety wake-up with nothing new: said once already
            log.debug("next wake-up still at %s", when.isoformat())
            return
        self._wake_said = when
        log.info("next wake-up at %s", when.isoformat())

    def _plan_delivery(self, now: datetime) -> None:
        if self._stopping.is_set():
            return
        due = self._next_delivery()
        if due is None:
            self._delivery_backoff.reset()
            return
        if due <= now:  # deferred by the mail server, or held by another sender
            when = self.clock() + timedelta(seconds=self._delivery_backoff.grow())
            log.info("emails due at %s are still waiting; delivering again in %ss",
                     due.isoformat(), self._delivery_backoff.seconds)  # fmt: skip
        else:
            self._delivery_backoff.reset()
            when = due
        self._wake_at(DELIVERY_JOB, self.deliver, when)

    def _deliver_soon(self) -> None:
        """Have the outbox delivered now, unless a delivery is running (it will see the new
        emails: it claims until nothing is due) or waiting on its own delay."""
        if self._stopping.is_set() or self._delivering.locked():
            return
        if self._delivery_backoff.seconds == 0:
            self._wake_at(DELIVERY_JOB, self.deliver, self.clock())

    def _wake_at(self, job: str, work: Callable[[], object], when: datetime) -> None:
        """Run `work` at `when`, in place of what `job` had planned.

        A job that plans its own next run does so last: APScheduler skips a run that falls
        due while the same job still runs (max_instances=1), and that run is then lost. A
        delivery once planned its retry from the instant it began, 5 s before, behind a
        silent mail server: the retry fell due at once, was skipped, and nothing delivered
        again (tests/faults/test_hung_mail_server.py). Retries are planned from the current
        clock, and each job has a safety interval besides."""
        self._scheduler.add_job(work, "date", run_date=when, id=job, replace_existing=True)

    def watch(self) -> None:
        """Wake earlier if another process recorded work due before the planned wake-up."""
        if self._stopping.is_set():
            return
        try:
            if not (self._due_backoff.seconds or self._lock.locked()):
                self._watch_for(WAKE_JOB, self.tick, self._next_due_pass())
            if not (self._delivery_backoff.seconds or self._delivering.locked()):
                self._watch_for(DELIVERY_JOB, self.deliver, self._next_delivery())
        except Exception as error:
            if not lost_connection(error):
                raise
            # the next pass says it, once, and retries on its own delay

    def _watch_for(self, job_id: str, work: Callable[[], object], due: datetime | None) -> None:
        if due is None:
            return
        job = self._scheduler.get_job(job_id)
        planned = job.next_run_time if job is not None else None
        if planned is None or due < planned:
            log.info("new work due at %s: waking up for it", due.isoformat())
            self._wake_at(job_id, work, max(due, self.clock()))

    def start(self) -> None:
        """Start the scheduler; the first pass (catching up on downtime) runs at once, and
        delivery beside it."""
        self._scheduler.start()
        self.health.started(self.clock())
        settings = self.app.settings
        for job, work, seconds in (
            (SAFETY_JOB, self.tick, settings.wake_interval),
            (DELIVERY_SAFETY_JOB, self.deliver, settings.wake_interval),
            (WATCH_JOB, self.watch, settings.watch_interval),
        ):
            self._scheduler.add_job(
                work, "interval", seconds=seconds, id=job, replace_existing=True
            )
        self._wake_at(WAKE_JOB, self.tick, self.clock())
        self._wake_at(DELIVERY_JOB, self.deliver, self.clock())

    def stop(self, timeout: float | None = None) -> bool:
        """Stop waking up; wait for the pass in flight to finish its unit of work, and for
        delivery to finish the email in flight (the others claimed are given back). True
        once both are done; False if `timeout` seconds passed first (they still run: the
        caller may leave without them)."""
        if self._stopping.is_set():
            return True
        self._stopping.set()
        self.health.stopping()
        # Not shutdown(wait=True): it holds the scheduler's job store lock while it waits, and
        # the pass in flight needs that lock to plan its next wake-up, so neither would finish.
        self._scheduler.shutdown(wait=False)
        deadline = None if timeout is None else time.monotonic() + timeout
        for work in (self._lock, self._delivering):  # later passes see _stopping
            left = -1 if deadline is None else max(0.0, deadline - time.monotonic())
            if not work.acquire(timeout=left):
                return False
            work.release()
        return True


def _earliest(*instants: datetime | None) -> datetime | None:
    return min((t for t in instants if t is not None), default=None)


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
