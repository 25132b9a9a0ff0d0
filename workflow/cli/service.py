"""`convflow serve`, `run-due`, `reminders`, `outbox`, `simulate` and `config`: the service's
commands. Registered on the `convflow` group by `workflow.cli`."""

from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
from contextlib import nullcontext
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from states.errors import InvalidInput
from storage.engine import url_password
from workflow.bootstrap import App
from workflow.cli.context import DATE, INSTANT, CliContext, emit, json_option, pass_context
from workflow.cli.present import table
from workflow.ops.logs import configure_logging
from workflow.ops.metrics import Metrics
from workflow.scheduler.listening import bind_http
from workflow.scheduler.service import Service, make_sender, single_service_lock
from workflow.settings import Settings
from workflow.usecases import views
from workflow.usecases.due import DueReport, run_due
from workflow.usecases.simulate import simulate
from workflow.wording.labels import DEADLINE_NOTES, REMINDER_NOTES
from workflow.wording.values import paris_time

log = logging.getLogger("convflow.service")


def _configure_logging(settings: Settings) -> None:
    configure_logging(
        settings.log_format,
        settings.log_level,
        secrets=(settings.smtp_password, settings.session_secret, settings.metrics_token,
                 url_password(settings.database_url)),
    )  # fmt: skip


def _where_mail_goes(settings: Settings) -> str:
    if settings.smtp_host:
        return f"SMTP {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_tls})"
    return f"the folder {Path(settings.mail_dir).resolve()} (.eml files; set CONVFLOW_SMTP_HOST)"


def _banner(app: App) -> list[str]:
    settings = app.settings
    return [
        "convflow service started",
        f"  database   {app.engine.url.render_as_string(hide_password=True)}",
        f"  mail to    {_where_mail_goes(settings)}",
        f"  admins cc  {', '.join(settings.admin_emails) or '(none: set CONVFLOW_ADMIN_EMAILS)'}",
        f"  reminders  at {settings.reminder_hour:02d}:00 Europe/Paris; "
        f"safety wake-up every {settings.wake_interval}s",
        "  query it   convflow list · convflow status REF · convflow reminders REF · "
        "convflow outbox",
    ]


@click.command()
@click.option("--no-http", is_flag=True, help="Run the scheduler only, without the HTTP API.")
@pass_context
def serve(context: CliContext, no_http: bool) -> None:
    """Run the background service until SIGTERM or Ctrl-C.

    It wakes when a deadline, a reminder or an email falls due (and every
    CONVFLOW_WAKE_INTERVAL seconds besides), applies deadlines, queues reminders and delivers
    the outbox, exactly as `convflow run-due` does once. After downtime it catches up at start,
    once. On SQLite one service per database file; on PostgreSQL several may run.
    """
    _configure_logging(context.settings)
    app = context.app()
    lock = single_service_lock(app.settings)
    with lock or nullcontext():
        # The port is taken before anything starts: a service whose dashboard cannot listen
        # would point its users at another process (another database).
        listening = None if no_http else bind_http(app.settings.http_host, app.settings.http_port)
        service = Service(app, make_sender(app.settings), metrics=Metrics(app))
        for line in _banner(app):
            click.echo(line)
        service.start()
        try:
            _serve_until_stopped(app, service, listening)
        finally:
            log.info("stopping: finishing the pass in flight")
            service.stop()
            log.info("stopped")


def _serve_until_stopped(app: App, service: Service, listening: socket.socket | None) -> None:
    """Serve HTTP (in a thread) until SIGTERM or SIGINT, which return here to stop the service.

    uvicorn, in the main thread, would re-raise the signal once it has shut down, killing the
    process before the scheduler's pass in flight could finish; so it runs in a thread of its
    own and the main thread keeps the signals.
    """
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    http, thread = None, None
    if listening is not None:
        http = _http_server(app, service)
        host, port = app.settings.http_host, app.settings.http_port
        click.echo(f"  dashboard  http://{host}:{port}/ (API under /api/v1/, /openapi.json)")
        click.echo(f"  probes     http://{host}:{port}/healthz · /readyz · /metrics")
        thread = threading.Thread(
            target=http.run, kwargs={"sockets": [listening]}, name="convflow-http", daemon=True
        )
        thread.start()
        log.info("dashboard listening on http://%s:%s/", host, port)
    stopped.wait()
    if http is not None and thread is not None:
        http.should_exit = True
        thread.join(timeout=30)


def _http_server(app: App, service: Service) -> Any:
    """The web app's server, with the running service's health and metrics."""
    import uvicorn

    from workflow.http.server import uvicorn_config

    return uvicorn.Server(uvicorn_config(app, service.health, service.metrics))


FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ahead of this machine's clock `run-due --now` may be (another host's clock)."""


@click.command(name="run-due")
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
        raise InvalidInput(
            "--now",
            f"{views.instant(now)} is in the future (it is {views.instant(real_now)}): run-due "
            "acts for real and would apply deadlines before they fall; to see what would "
            "happen, use `convflow simulate REF --until DATE`",
        )
    now = now or real_now
    report = run_due(app, now, None if no_send else make_sender(app.settings))
    if as_json:
        emit(_report_json(report, now))
    else:
        _print_report(report)
    if report.failures:
        sys.exit(1)


def _report_json(report: DueReport, now: datetime) -> dict[str, Any]:
    return {
        "now": views.instant(now),
        "actions": [{**asdict(a), "due_at": views.instant(a.due_at)} for a in report.actions],
        "reminders": [
            {**asdict(r), "planned_at": views.instant(r.planned_at)} for r in report.reminders
        ],
        "emails": asdict(report.delivery),
        "failures": report.failures,
    }


def _print_report(report: DueReport) -> None:
    delivery = report.delivery
    if not (
        report.actions
        or report.reminders
        or report.failures
        or delivery.sent
        or delivery.retried
        or delivery.failed
    ):
        click.echo("nothing due")
        return
    for a in report.actions:
        why = f"; {DEADLINE_NOTES[a.reason]}" if a.reason else ""
        click.echo(
            f"{a.reference}: {a.deadline} due {paris_time(a.due_at)} → {a.action} "
            f"(state {a.to_state}{why})"
        )
    for r in report.reminders:
        why = f" ({REMINDER_NOTES[r.reason]})" if r.reason else ""
        click.echo(f"{r.reference}: reminder {r.kind} {r.label} → {r.outcome}{why}")
    click.echo(
        f"emails: {len(delivery.sent)} sent, {len(delivery.retried)} to retry, "
        f"{len(delivery.failed)} failed"
    )
    for reference, error in report.failures.items():
        click.echo(f"{reference}: FAILED: {error}", err=True)


@click.command()
@click.argument("reference")
@json_option
@pass_context
def reminders(context: CliContext, reference: str, as_json: bool) -> None:
    """List the reminders of REFERENCE: planned instant (Paris time) and status."""
    rows = views.reminders(context.app(), reference)
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo(f"{reference}: no reminders yet")
        return
    click.echo(
        table(
            (
                [r["kind"], r["label"], paris_time(r["planned_at"]), r["status"], r["note"] or ""]
                for r in rows
            ),
            ["deadline", "reminder", "planned", "status", "note"],
        )
    )


@click.command()
@click.option("--failed", is_flag=True, help="Only the emails that could not be delivered.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10000))
@json_option
@pass_context
def outbox(context: CliContext, failed: bool, limit: int, as_json: bool) -> None:
    """List the emails convflow decided to send, newest first, and what became of them."""
    rows = views.outbox(context.app(), "failed" if failed else None, limit)
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo("no failed emails" if failed else "no emails yet")
        return
    click.echo(
        table(
            (
                [
                    str(r["id"]),
                    r["reference"] or "",
                    r["kind"],
                    r["status"],
                    str(r["attempts"]),
                    paris_time(r["next_attempt_at"]) if r["status"] == "pending" else "",
                    ", ".join(r["recipients"]),
                    (r["last_error"] or "")[:80],
                ]
                for r in rows
            ),
            ["#", "convention", "email", "status", "tries", "next try", "to", "last error"],
        )
    )


@click.command(name="simulate")
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
    """
    app = context.app()
    happenings = simulate(app, reference, now or app.clock(), until)
    if as_json:
        emit([
            {**asdict(h), "at": views.instant(h.at), "due_at": views.instant(h.due_at)}
            for h in happenings
        ])  # fmt: skip
        return
    if not happenings:
        click.echo(f"{reference}: nothing would happen until {until.isoformat()}")
        return
    click.echo(
        table(
            (
                [paris_time(h.at), h.what, h.kind, h.detail, h.email or "", h.note or ""]
                for h in happenings
            ),
            ["when", "what", "deadline", "detail", "email", "note"],
        )
    )


@click.command()
@json_option
@pass_context
def config(context: CliContext, as_json: bool) -> None:
    """Print every setting, its value and where it came from (passwords hidden)."""
    settings = context.settings
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
            ([r["variable"], r["value"], r["source"]] for r in rows),
            ["variable", "value", "source"],
        )
    )
    if settings.file:
        click.echo(f"\nsettings file: {settings.file}")
    click.echo("\nLegal choices used by every deadline:")
    for line in settings.legal.describe():
        click.echo(f"  {line}")
