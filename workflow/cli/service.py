"""`convflow serve`, `run-due`, `reminders`, `outbox`, `simulate` and `config`: the service's
commands. Registered on the `convflow` group by `workflow.cli`."""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import threading
import time
from contextlib import nullcontext
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from states.errors import InvalidInput
from storage.engine import url_password
from storage.urls import masked_url
from workflow.bootstrap import App
from workflow.cli.context import DATE, INSTANT, CliContext, emit, json_option, pass_context
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import WholeNumber
from workflow.cli.present import deadline_name, end, instant, next_pass_text, reminder_name, table
from workflow.ops.doctor import exposure
from workflow.ops.logs import FACTS, configure_logging
from workflow.ops.metrics import Metrics
from workflow.scheduler.listening import bind_http
from workflow.scheduler.service import Service, make_sender, single_service_lock
from workflow.settings import Settings
from workflow.usecases import iso, views
from workflow.usecases.commands import DueActionTaken
from workflow.usecases.dispatch import DeliveryReport
from workflow.usecases.due import DueReport, run_due
from workflow.usecases.simulate import UNSIGNED_AT_END, Happening, simulate
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

log = logging.getLogger("convflow.service")


def _configure_logging(settings: Settings) -> None:
    configure_logging(
        settings.log_format,
        settings.log_level,
        secrets=(settings.smtp_password, settings.session_secret, settings.metrics_token,
                 url_password(settings.database_url)),
    )  # fmt: skip


def _where_mail_goes(settings: Settings, words: Words) -> str:
    if settings.smtp_host:
        return f"SMTP {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_tls})"
    return words("the folder {folder} (.eml files; set CONVFLOW_SMTP_HOST)",
                 folder=Path(settings.mail_dir).resolve())  # fmt: skip


def _banner(app: App, words: Words) -> list[str]:
    settings = app.settings
    rows = [
        (words("database"), masked_url(app.settings.database_url)),
        (words("mail to"), _where_mail_goes(settings, words)),
        (words("admins cc"),
         ", ".join(settings.admin_emails) or words("(none: set CONVFLOW_ADMIN_EMAILS)")),
        (words("reminders"), words("at {hour}:00 Europe/Paris; safety wake-up every {seconds}s",
                                   hour=str(settings.reminder_hour).zfill(2),
                                   seconds=settings.wake_interval)),
        (words("query it"),
         "convflow list · convflow status REF · convflow reminders REF · convflow outbox"),
    ]  # fmt: skip
    width = _width(words)
    return [words("convflow service started"), *(f"  {k:<{width}} {v}" for k, v in rows)]


def _banner_facts(app: App, listening: socket.socket | None) -> dict[str, Any]:
    """The banner's facts, each a field of the JSON line that says the service started."""
    settings = app.settings
    facts: dict[str, Any] = {
        "database": masked_url(settings.database_url),
        "mail_to": (f"smtp://{settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host
                    else str(Path(settings.mail_dir).resolve())),
        "smtp_tls": settings.smtp_tls if settings.smtp_host else None,
        "admin_emails": list(settings.admin_emails),
        "reminder_hour": f"{str(settings.reminder_hour).zfill(2)}:00 Europe/Paris",
        "wake_interval_seconds": settings.wake_interval,
    }  # fmt: skip
    if listening is not None:
        base = f"http://{settings.http_host}:{settings.http_port}"
        facts.update(dashboard=f"{base}/", api=f"{base}/api/v1/",
                     probes=[f"{base}/healthz", f"{base}/readyz", f"{base}/metrics"])  # fmt: skip
    return facts


def _width(words: Words) -> int:
    """The width of the banner's headings in this language, the dashboard's included."""
    headings = ("database", "mail to", "admins cc", "reminders", "query it", "dashboard", "probes")
    return max(len(words.catalogue.gettext(heading)) for heading in headings)


STOP_SECONDS = 25
"""How long `serve` gives the work in flight to finish once asked to stop: past one wait on a
silent database (15 s, storage.link) and the making of a connection (10 s). Beyond it, it
leaves without that work (as a kill would: the database rolls its transaction back, an email
whose answer could not be recorded goes again later under the same Message-ID)."""

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
"""What stops the service, each the same way: the work in flight finished, exit 0. SIGHUP
too: a terminal closing stops it cleanly rather than killing it in the middle of a pass, and
it has nothing to reload (its settings are read at start). Under `nohup` (SIGHUP ignored when
it starts) it stays ignored."""


@click.command(cls=SaidCommand)
@click.option("--no-http", is_flag=True, help="Run the scheduler only, without the HTTP API.")
@pass_context
def serve(context: CliContext, no_http: bool) -> None:
    """Run the background service until SIGTERM or Ctrl-C.

    It wakes when a deadline, a reminder or an email falls due (and every
    CONVFLOW_WAKE_INTERVAL seconds besides), applies deadlines, queues reminders and delivers
    the outbox, exactly as `convflow run-due` does once. After downtime it catches up at start,
    once. On SQLite one service per database file; on PostgreSQL several may run.

    With the dashboard, its address also answers the probes: /healthz (alive), /readyz (ready:
    200, or 503 naming the check that fails) and /metrics (Prometheus).

    SIGTERM, SIGINT (Ctrl-C) and SIGHUP stop it the same way: the work in flight is finished
    (25 seconds at most), then it exits. Exit codes: 0 stopped by one of them, 1 refused to
    start (the dashboard's port taken, the database not answering, a setting refused).
    """
    _configure_logging(context.settings)
    app, words = context.app(), context.words
    lock = single_service_lock(app.settings)
    with lock or nullcontext():
        # The port is taken before anything starts: a service whose dashboard cannot listen
        # would point its users at another process (another database).
        listening = None if no_http else bind_http(app.settings.http_host, app.settings.http_port)
        service = Service(app, make_sender(app.settings), metrics=Metrics(app))
        if app.settings.log_format == "json":  # one log line among the others, not 8 of text
            log.info("convflow service started", extra={FACTS: _banner_facts(app, listening)})
        else:
            for line in _banner(app, words):
                click.echo(line)
        # What is made at start (modules, tables, the catalogues) lives as long as the process:
        # frozen out of the collector's reach, a full collection no longer walks it in the
        # middle of a due pass (44-56 ms, one pass in two, with 1 000 reminders due).
        gc.collect()
        gc.freeze()
        signals = _StopSignals()
        service.start()
        http: tuple[Any, threading.Thread] | None = None
        try:
            http = _serve_until_stopped(app, service, listening, words, signals)
        finally:
            log.info("stopping: finishing the pass in flight (%s s at most)%s", STOP_SECONDS,
                     signals.said())  # fmt: skip
            _stop_within(service, http, time.monotonic() + STOP_SECONDS)
            log.info("stopped")


class _StopSignals:
    """The signals that stop the service (STOP_SIGNALS), and the first one received."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.received: int | None = None
        for signum in STOP_SIGNALS:
            if signum == signal.SIGHUP and signal.getsignal(signum) == signal.SIG_IGN:
                continue  # started under nohup: its caller asked for hang-ups to be ignored
            signal.signal(signum, self._receive)

    def _receive(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = signum
        self.stopped.set()

    def said(self) -> str:
        """`, on SIGTERM`, as the log says why it stops (nothing when no signal came)."""
        return "" if self.received is None else f", on {signal.Signals(self.received).name}"


def _stop_within(
    service: Service, http: tuple[Any, threading.Thread] | None, deadline: float
) -> None:
    """Stop the service and the dashboard by `deadline` (time.monotonic()): the work in flight
    finished, or, past it, left behind: the process then exits at once, since a thread still
    waiting (on a database that says nothing) would hold its exit."""
    finished = service.stop(timeout=max(0.0, deadline - time.monotonic()))
    if http is not None:  # its requests in flight end within a database's bound too
        http[1].join(max(0.0, deadline - time.monotonic()))
    if finished and _threads_ended(deadline):
        return
    log.warning(
        "stopped without the work still in flight after %s s: its transaction is rolled back "
        "by the database, and an email whose answer could not be recorded goes again after "
        "its claim's lease, under the same Message-ID",
        STOP_SECONDS,
    )
    logging.shutdown()  # every line written before leaving
    os._exit(0)


def _threads_ended(deadline: float) -> bool:
    """Whether every thread the exit would wait for (not daemons) ended by `deadline`."""
    for thread in threading.enumerate():
        if thread is threading.current_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            return False
    return True


def _serve_until_stopped(
    app: App,
    service: Service,
    listening: socket.socket | None,
    words: Words,
    signals: _StopSignals,
) -> tuple[Any, threading.Thread] | None:
    """Serve HTTP (in a thread) until a stop signal (STOP_SIGNALS), which returns here to stop
    the service; the HTTP server, told to stop, and its thread.

    uvicorn, in the main thread, would re-raise the signal once it has shut down, killing the
    process before the scheduler's pass in flight could finish; so it runs in a thread of its
    own and the main thread keeps the signals.
    """
    http, thread = None, None
    if listening is not None:
        http = _http_server(app, service)
        host, port = app.settings.http_host, app.settings.http_port
        heading, probes = words("dashboard"), words("probes")
        address = words("http://{host}:{port}/ (API under /api/v1/, /openapi.json)", host=host,
                        port=port)  # fmt: skip
        if app.settings.log_format != "json":  # in JSON, the banner's line said them
            width = _width(words)
            click.echo(f"  {heading:<{width}} {address}")
            click.echo(f"  {probes:<{width}} http://{host}:{port}/healthz · /readyz · /metrics")
        thread = threading.Thread(
            target=http.run, kwargs={"sockets": [listening]}, name="convflow-http", daemon=True
        )
        thread.start()
        log.info("dashboard listening on http://%s:%s/", host, port)
        if (exposed := exposure(app.settings)) is not None:  # as `convflow doctor` says it
            english = Words("en")
            log.warning("%s; %s", english(exposed.seen, **exposed.values),
                        english(exposed.fix, **exposed.values))  # fmt: skip
    signals.stopped.wait()
    if http is None or thread is None:
        return None
    http.should_exit = True  # it finishes the requests in flight, beside the service's work
    return http, thread


def _http_server(app: App, service: Service) -> Any:
    """The web app's server, with the running service's health and metrics."""
    import uvicorn

    from workflow.http.server import uvicorn_config

    return uvicorn.Server(uvicorn_config(app, service.health, service.metrics))


SOURCES = {
    "environment": gettext_noop("environment"),
    "file": gettext_noop("file"),
    "default": gettext_noop("default"),
}
"""Where a setting's value came from, as `convflow config` says it."""

FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ahead of this machine's clock `run-due --now` may be (another host's clock)."""


@click.command(name="run-due", cls=SaidCommand)
@click.option(
    "--now",
    type=INSTANT,
    help="Act as if it were this instant (default: now): what was due by then is done as it "
    "would have been then, emails are sent now. Not later than now (five minutes of clock "
    "difference allowed), since what it does is real: `convflow simulate` shows what a later "
    "instant would bring.",
)
@click.option("--no-send", is_flag=True, help="Queue emails in the outbox but do not send them.")
@json_option
@pass_context
def run_due_(context: CliContext, now: datetime | None, no_send: bool, as_json: bool) -> None:
    """Do once what the service does when something falls due, then exit.

    Applies the deadlines that have passed (`expire` at the end of the term, `terminate` at
    the end of a notice; others are marked passed), queues the reminders due, and delivers the
    outbox. Running it twice does nothing the second time. For cron users and tests.
    """
    app = context.app()
    real_now = app.clock()
    if now is not None and now > real_now + FUTURE_TOLERANCE:
        raise InvalidInput("--now", "now_in_future", now=now, real_now=real_now)
    now = now or real_now
    report = run_due(app, now, None if no_send else make_sender(app.settings))
    if as_json:
        emit(_report_json(report, now))
    else:
        _print_report(report, context.words, sent=not no_send)
    if report.failures:
        sys.exit(1)


def _report_json(report: DueReport, now: datetime) -> dict[str, Any]:
    return {
        "now": iso.instant(now),
        # the announcement's deadline's end (ends_at) is said in words only: the JSON unchanged
        "actions": [_action_json(a) for a in report.actions],
        # the emails' Message-IDs of each line are said in words only: `emails` has them all
        "reminders": [
            {**_unsaid(asdict(r)), "planned_at": iso.instant(r.planned_at)}
            for r in report.reminders
        ],
        "emails": asdict(report.delivery),
        "failures": report.failures,
    }


def _action_json(action: DueActionTaken) -> dict[str, Any]:
    said = {key: value for key, value in _unsaid(asdict(action)).items() if key != "ends_at"}
    return {**said, "due_at": iso.instant(action.due_at)}


def _unsaid(line: dict[str, Any]) -> dict[str, Any]:
    """A line of the report without its emails' Message-IDs (its JSON unchanged)."""
    return {key: value for key, value in line.items() if key != "message_ids"}


QUEUED = {
    "send": gettext_noop("queued, not sent yet"),
    "announce": gettext_noop("announcement queued, not sent yet"),
}
"""What `run-due --no-send` did with a reminder or an announcement: its email queued in the
outbox, not sent (« annonce envoyée » said of one only queued); its --json keeps the name."""


DELIVERED = {
    "send": {
        "retried": gettext_noop("queued, not delivered: tried again at the next pass"),
        "failed": gettext_noop("queued, delivery failed (convflow outbox says why)"),
        "partly": gettext_noop(
            "sent to some recipients, refused for the others (convflow outbox says whom)"
        ),
    },
    "announce": {
        "retried": gettext_noop("announcement queued, not delivered: tried again at the next pass"),
        "failed": gettext_noop("announcement queued, delivery failed (convflow outbox says why)"),
        "partly": gettext_noop(
            "announcement sent to some recipients, refused for the others (convflow outbox says "
            "whom)"
        ),
    },
}
"""What became of a reminder's or an announcement's emails, queued by `run-due` and then
delivered by it: « envoyé » only once the mail server took them all; not delivered (the server
deferred it, did not answer, or refused convflow's settings), or failed; still only queued when
this delivery did not take them (an end told at the reminder hour, another service's)."""


def _outcome(
    words: Words, outcome: str, sent: bool, message_ids: tuple[str, ...] = (),
    delivery: DeliveryReport | None = None,
) -> str:  # fmt: skip
    """A reminder's or deadline's outcome in words; its emails said as what became of them:
    only queued (--no-send, or not in this delivery), not delivered, failed, or sent."""
    if outcome not in QUEUED:
        return words.label("due_outcome", outcome)
    became = _became(message_ids, delivery) if sent else "queued"
    if became in ("sent", "cancelled"):
        return words.label("due_outcome", "cancelled" if became == "cancelled" else outcome)
    if became == "queued":
        return words(QUEUED[outcome])
    return words(DELIVERED[outcome][became])


def _became(message_ids: tuple[str, ...], delivery: DeliveryReport | None) -> str:
    """What this pass's delivery did with a line's emails: `sent` (the server took them all),
    `failed`, `partly` (taken for some recipients, refused for others, now or for good),
    `retried` (deferred, no answer, settings refused), `cancelled` (moot by then), or `queued`
    (not tried by this delivery)."""
    if delivery is None or not message_ids:
        return "sent"  # a line that queued none (an older report's): as it always said
    ids = set(message_ids)
    if ids & set(delivery.failed):
        return "failed"
    if ids & set(delivery.partly):
        return "partly"
    if ids & set(delivery.retried + delivery.uncertain + delivery.held):
        return "retried"
    if ids <= set(delivery.sent):
        return "sent"
    if ids <= set(delivery.cancelled):
        return "cancelled"
    return "queued"


def _print_report(report: DueReport, words: Words, sent: bool = True) -> None:
    """What the pass did; `sent`: whether it delivered the outbox (not with --no-send)."""
    delivery = report.delivery
    if not (
        report.actions
        or report.reminders
        or report.failures
        or delivery.sent
        or delivery.retried
        or delivery.failed
    ):
        click.echo(words("nothing due"))
        return
    for a in report.actions:
        said = dict(reference=a.reference,
                    deadline=deadline_name(words, a.deadline, committee=a.committee_name),
                    action=_outcome(words, a.action, sent, a.message_ids, delivery),
                    state=words.label("state", a.to_state))  # fmt: skip
        # An announcement is planned at the reminder hour after its deadline, and goes at this
        # pass, later when the service was down: the deadline's day, the pass and the planned
        # time said apart (I15)
        click.echo(
            (words("{reference}: {deadline}, due {instant} → {action} at this pass, planned for "
                   "{sent} (state {state})",
                   instant=end(words, a.ends_at), sent=end(words, a.due_at), **said)
             if a.ends_at is not None
             else words("{reference}: {deadline}, due {instant} → {action} (state {state})",
                        instant=end(words, a.due_at), **said))
            + (f" ({words.label('deadline_reason', a.reason)})" if a.reason else "")
        )  # fmt: skip
    for r in report.reminders:
        click.echo(words("{reference}: reminder {kind} {label} → {outcome}",
                         reference=r.reference,
                         kind=deadline_name(words, r.kind, committee=r.committee_name),
                         label=reminder_name(words, r.label),
                         outcome=_outcome(words, r.outcome, sent, r.message_ids, delivery))
                   + (f" ({words.label('reminder_reason', r.reason)})" if r.reason else "")
                   )  # fmt: skip
    click.echo(
        words("emails: {sent} sent, {retried} to retry, {failed} failed",
              sent=len(delivery.sent), retried=len(delivery.retried), failed=len(delivery.failed))
        if sent
        else words("emails: none sent (--no-send); those queued go at the next pass that sends "
                   "(convflow outbox lists them)")
    )  # fmt: skip
    for reference, error in report.failures.items():
        click.echo(words("{reference}: FAILED: {error}", reference=reference, error=error),
                   err=True)  # fmt: skip


@click.command(cls=SaidCommand)
@click.argument("reference")
@json_option
@pass_context
def reminders(context: CliContext, reference: str, as_json: bool) -> None:
    """List the reminders of REFERENCE: planned instant (Paris time) and status."""
    rows, words = views.reminders(context.app(), reference, context.now()), context.words
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo(words("{reference}: no reminders yet", reference=reference))
        return
    cells = (
        [deadline_name(words, r["kind"], committee=r["committee_name"]),
         reminder_name(words, r["label"]),
         instant(words, r["planned_at"]),
         next_pass_text(words, r) if r["awaiting_pass"]
         else words.label("reminder_status", r["status"]), r["note"] or ""]
        for r in rows
    )  # fmt: skip
    headers = [words("deadline"), words("reminder"), words("planned"), words("status"),
               words("note")]  # fmt: skip
    click.echo(table(cells, headers))


@click.command(cls=SaidCommand)
@click.option(
    "--failed",
    is_flag=True,
    help="Only the emails that could not be delivered, to "
    "all their recipients or to some (refused for good to one, sent to the others).",
)
@click.option("--limit", default=200, show_default=True, type=WholeNumber(1, 10000),
              help="How many emails to list at most, the newest ones.")  # fmt: skip
@json_option
@pass_context
def outbox(context: CliContext, failed: bool, limit: int, as_json: bool) -> None:
    """List the emails convflow decided to send, newest first, and what became of them.

    An `uncertain` email went out at its last attempt with no answer from the mail server:
    the server may have it, and it is tried again later under the same Message-ID. An email
    waiting for its next attempt can be cancelled by its number (`convflow cancel-email ID
    --reason TEXT`).
    """
    app, words = context.app(), context.words
    rows = views.outbox(app, "failed" if failed else None, limit, refused_too=failed)
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo(words("no failed emails") if failed else words("no emails yet"))
        return
    cells = (
        [
            str(r["id"]),
            r["reference"] or "",
            words.named("email", r["kind"], r["committee_name"]),
            words.label("outbox_status", r["status"]),
            str(r["attempts"]),
            instant(words, r["next_attempt_at"]) if r["status"] in views.OUTBOX_WAITING else "",
            ", ".join(r["recipients"])
            + (
                words(" (refused for good: {who})", who=", ".join(r["refused_to"]))
                if r["refused_to"]
                else ""
            )
            # not sent to all yet (waiting for the others, or cancelled for them): who has it
            + (
                words(" (delivered to: {who})", who=", ".join(r["delivered_to"]))
                if r["delivered_to"] and r["status"] != "sent"
                else ""
            ),
            (r["last_error"] or "")[:80],
        ]
        for r in rows
    )
    headers = ["#", words("convention"), words("email"), words("status"), words("tries"),
               words("next try"), words("to"), words("last error")]  # fmt: skip
    click.echo(table(cells, headers))
    if not failed:
        click.echo(outbox_summary(views.outbox_counts(app), words))


def outbox_summary(counts: dict[str, int], words: Words) -> str:
    """One line: how many emails in each status, and the uncertain ones explained."""
    # every status an email row can show, the never-sent ones (`late`, `withheld`) included
    order = ["pending", "claimed", "uncertain", "sending", "sent", "cancelled", "failed", "late",
             "withheld"]  # fmt: skip
    # "envoyé (5)", not "5 envoyé": a status said as a label needs no agreement with the count
    parts = [words("{status} ({count})", status=words.label("outbox_status", s), count=counts[s])
             for s in order if counts.get(s)]  # fmt: skip
    line = words("emails: {counts}", counts=", ".join(parts) or words("none"))
    if counts.get("uncertain"):
        line += "\n" + words(
            "{count} uncertain: sent with no answer from the mail server, which may have them; "
            "tried again later under the same Message-ID",
            count=counts["uncertain"],
        )
    delivered_twice = counts.get("unanswered", 0) - counts.get("uncertain", 0)
    if delivered_twice > 0:
        line += "\n" + words(
            "{count} delivered after an attempt left unanswered: their recipients may have "
            "received them twice (same Message-ID)",
            count=delivered_twice,
        )
    return line


@click.command(name="simulate", cls=SaidCommand)
@click.argument("reference")
@click.option("--until", type=DATE, required=True, help="Last day to simulate (inclusive).")
@click.option("--now", type=INSTANT, help="Start from this instant (default: now).")
@json_option
@pass_context
def simulate_(
    context: CliContext, reference: str, until: date, now: datetime | None, as_json: bool
) -> None:
    """Show every reminder and automatic event from now to --until, writing nothing.

    As if nothing else were recorded meanwhile: no signature, payment or settlement.

    From a past --now, the history recorded since counts as known: a reminder that a later
    signature cancelled is shown cancelled. --until before the start is refused.
    """
    app, words = context.app(), context.words
    happenings = simulate(app, reference, now or app.clock(), until)
    if as_json:
        emit([
            {**asdict(h), "at": iso.instant(h.at), "due_at": iso.instant(h.due_at),
             "held_until": iso.instant(h.held_until)}
            for h in happenings
        ])  # fmt: skip
        return
    if not happenings:
        click.echo(words("{reference}: nothing would happen until {day}", reference=reference,
                         day=until))  # fmt: skip
        return
    cells = (
        [instant(words, h.at) if h.what == "reminder" else end(words, h.at),
         words.label("happening", h.what),
         deadline_name(words, h.kind, committee=h.committee_name),
         _detail(words, h),
         words.named("email", h.email, h.committee_name) if h.email else "", _note(words, h)]
        for h in happenings
    )  # fmt: skip
    headers = [words("when"), words("what"), words("deadline"), words("detail"), words("email"),
               words("note")]  # fmt: skip
    click.echo(table(cells, headers))


def _detail(words: Words, happening: Happening) -> str:
    """What becomes of it, in words: « J-7 : envoyé », « échue », the convention's new state
    (its `detail` in `--json`: « J-7: send »)."""
    if happening.what == "reminder":
        return words("{label}: {outcome}", label=reminder_name(words, happening.label or ""),
                     outcome=words.label("due_outcome", happening.outcome))  # fmt: skip
    if happening.what in ("expire", "terminate"):
        return words.label("state", happening.state)
    if happening.what == "lapse":
        return words("amendment n°{number}: {state}", number=happening.amendment,
                     state=words.label("amendment_state", happening.detail))  # fmt: skip
    if happening.held_until is not None:
        return words("held until {instant}", instant=end(words, happening.held_until))
    return words.label("due_outcome", happening.outcome)


def _note(words: Words, happening: Happening) -> str:
    """Why a reminder does not go out, or a deadline is not announced; what a reminder that
    goes out says is left."""
    if happening.reason:
        sort = "reminder_reason" if happening.what == "reminder" else "deadline_reason"
        return words.label(sort, happening.reason)
    if happening.days_left is not None:
        return _countdown(words, happening.days_left)
    if happening.what == "lapse":
        return words(UNSIGNED_AT_END)
    return happening.note or ""  # a reminder cancelled beforehand: why, as recorded


def _countdown(words: Words, days: int) -> str:
    """What a reminder that goes out says of its deadline's day (the emails' countdown)."""
    if days == 0:
        return words("says: today")
    if days == 1:
        return words("says: tomorrow")
    if days == -1:
        return words("says: yesterday")
    if days < 0:
        return words("says: {days} days ago", days=-days)
    return words("says: in {days} days", days=days)


@click.command(cls=SaidCommand)
@json_option
@pass_context
def config(context: CliContext, as_json: bool) -> None:
    """Print every setting, its value and where it came from (passwords hidden)."""
    settings, words = context.settings, context.words
    rows = [
        {
            "name": spec.name,
            "variable": spec.env,
            "value": value,
            "source": source,
            "description": spec.description,
        }
        for spec, value, source in settings.shown()
    ]
    if as_json:
        emit(rows)
        return
    click.echo(
        table(
            ([r["variable"], r["value"], words(SOURCES[r["source"]])] for r in rows),
            [words("variable"), words("value"), words("source")],
        )
    )
    if settings.file:
        click.echo("\n" + words("settings file: {file}", file=settings.file))
    click.echo("\n" + words("Legal choices used by every deadline:"))
    for line in settings.legal.describe():
        click.echo(f"  {line}")
