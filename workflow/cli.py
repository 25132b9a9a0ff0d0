"""The `convflow` command: load conventions, record their events, ask where they stand.

Exit codes: 0 success; 1 a refused command or invalid input (one line on stderr says why and
nothing changed); 2 a usage error.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from states.amendments import AMENDMENT_EVENTS
from states.calendar import civil_date
from states.deadlines import RegisteredLetter, dispute_window, expiry, termination_notice
from states.errors import ConvflowError, DuplicateReference, InvalidInput
from states.inputs import parse_day, parse_instant
from states.lifecycle import EVENTS, STATES, mermaid_diagram
from storage.migrate import upgrade
from workflow import queries, views
from workflow.amendment_file import read_amendment_file, refused_change
from workflow.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.app import App
from workflow.commands import ImportConvention, RecordEvent
from workflow.convention_file import read_convention_file
from workflow.handlers import import_convention, record_event
from workflow.present import long_date, paris_time, status_text, table
from workflow.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns convflow's own errors into a one-line message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConvflowError as error:
            raise click.ClickException(str(error)) from None


def _json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(function)


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _default_actor() -> str:
    return os.environ.get("CONVFLOW_ACTOR") or getpass.getuser()


class _Context:
    """Settings read once; the app (and its database) opened only when a command needs it."""

    def __init__(self, config: Path | None) -> None:
        self.config = config
        self._settings: Settings | None = None
        self._app: App | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(file=self.config)
        return self._settings

    def app(self, *, check_schema: bool = True) -> App:
        if self._app is None:
            self._app = App.create(self.settings, check_schema=check_schema)
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


pass_context = click.make_pass_decorator(_Context)


class _Date(click.ParamType[date]):
    """A date (YYYY-MM-DD) or an ISO instant, converted to its civil date in Paris."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value), param.name if param and param.name else "date")
        except ConvflowError as error:
            self.fail(str(error), param, ctx)


class _Instant(click.ParamType[datetime]):
    """An ISO instant with its timezone (a bare date means 00:00 in Paris)."""

    name = "INSTANT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(str(value), "now")
        except ConvflowError as error:
            self.fail(str(error), param, ctx)


DATE, INSTANT = _Date(), _Instant()


@click.group(
    cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML settings file; CONVFLOW_* environment variables take precedence over it.",
)
@click.version_option(package_name="convflow")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """convflow: the lifecycle of the Métropole's partnership conventions.

    Load a convention from its TOML file, record its events (signatures, notification,
    payment, disputes, termination), and see its state, its history and its legally computed
    deadlines. Settings come from CONVFLOW_* environment variables (see `convflow config`);
    the database is CONVFLOW_DATABASE_URL (default: the SQLite file ./convflow.db).
    """
    ctx.obj = _Context(config)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@pass_context
def init(context: _Context) -> None:
    """Create the database, or migrate it to the latest schema."""
    app = context.app(check_schema=False)
    before, after = upgrade(app.engine)
    where = app.engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"database {where} is up to date (revision {after})")
    else:
        click.echo(f"database {where} migrated from {before or 'empty'} to revision {after}")


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--by", "actor", default=_default_actor, show_default="your login", help="Who loads it."
)
@click.option(
    "--skip-existing",
    is_flag=True,
    help="If the reference is already loaded, say so and succeed (for set-up scripts).",
)
@pass_context
def import_(context: _Context, file: Path, actor: str, skip_existing: bool) -> None:
    """Load the convention described by FILE (TOML) in state `draft`.

    The whole file is checked first: a malformed one is refused with the field and line named,
    and a reference that already exists is refused; in both cases nothing is written.
    """
    settings = context.settings
    convention = read_convention_file(
        file,
        payment_target_days=settings.payment_target_days,
        signature_target_days=settings.signature_target_days,
    )
    app = context.app()
    try:
        result = import_convention(app, ImportConvention(convention, actor, str(file)), app.clock())
    except DuplicateReference:
        if not skip_existing:
            raise
        click.echo(f"{convention.reference}: already loaded, left as it is")
        return
    click.echo(f"{result.reference}: imported in state {result.state}")
    today = civil_date(app.clock())
    if convention.end_date < today:
        click.echo(
            f"warning: its term ({convention.end_date.isoformat()}) is past: it can no longer "
            "be signed, and no amendment can extend it (docs/LEGAL-DEADLINES.md, rule 13)",
            err=True,
        )


@cli.command(name="list")
@click.option("--state", type=click.Choice(STATES), help="Only conventions in this state.")
@_json_option
@pass_context
def list_(context: _Context, state: str | None, as_json: bool) -> None:
    """List conventions with their state, term and next deadline."""
    app = context.app()
    rows = queries.all_conventions(app, queries.ConventionFilter(state=state), app.clock())
    if as_json:
        _emit(rows)
        return
    if not rows:
        click.echo("no conventions" + (f" in state {state}" if state else ""))
        return
    click.echo(
        table(
            (
                [
                    r["reference"],
                    r["state"],
                    long_date(r["end_date"]),
                    paris_time(r["next_deadline_at"]),
                ]
                for r in rows
            ),
            ["reference", "state", "term", "next deadline"],
        )
    )


@cli.command()
@click.argument("reference")
@_json_option
@pass_context
def status(context: _Context, reference: str, as_json: bool) -> None:
    """Show where convention REFERENCE stands: state, terms, signatures, deadlines explained."""
    view = views.status(context.app(), reference)
    _emit(view) if as_json else click.echo(status_text(view))


@cli.command()
@click.argument("reference")
@_json_option
@pass_context
def history(context: _Context, reference: str, as_json: bool) -> None:
    """Show every event recorded on REFERENCE: what, from which state to which, when, by whom."""
    rows = views.history(context.app(), reference)
    if as_json:
        _emit(rows)
        return
    click.echo(
        table((_history_cells(r) for r in rows), ["#", "date", "event", "states", "by", "inputs"])
    )


def _history_cells(row: dict[str, Any]) -> list[str]:
    states = f"{row['from_state'] or '—'} → {row['to_state']}"
    inputs = " ".join(f"{key}={value}" for key, value in row["inputs"].items())
    event = row["event"] + (f" (avenant n°{row['amendment']})" if row.get("amendment") else "")
    return [str(row["seq"]), row["date"], event, states, row["actor"], inputs]


def _pairs(values: Sequence[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"'{item}' is not key=value (e.g. signatory=name@example.org)")
        if key in pairs:
            raise click.UsageError(f"{key} is given twice ({pairs[key]!r} and {value!r})")
        pairs[key] = value
    return pairs


@cli.command(context_settings={"ignore_unknown_options": False})
@click.argument("reference")
@click.argument("event", type=click.Choice((*EVENTS, "abandon")), metavar="EVENT")
@click.argument("inputs", nargs=-1, metavar="[KEY=VALUE]...")
@click.option(
    "--on", "on", type=DATE, help="Date of the event (default: today, or the letter's date)."
)
@click.option(
    "--by", "actor", default=_default_actor, show_default="your login", help="Who records it."
)
@click.option(
    "--expect-version", type=int, help="Refuse if the convention changed since this version."
)
@click.option(
    "--amendment",
    type=click.IntRange(1),
    metavar="N",
    help="The event is about amendment n°N (submit, sign signatory=EMAIL, abandon).",
)
@_json_option
@pass_context
def event(
    context: _Context,
    reference: str,
    event: str,
    inputs: tuple[str, ...],
    on: date | None,
    actor: str,
    expect_version: int | None,
    amendment: int | None,
    as_json: bool,
) -> None:
    """Record EVENT on convention REFERENCE (or on its amendment n°N, with --amendment N).

    \b
    Events and their inputs:
      submit                          send for signature
      sign signatory=EMAIL            a signatory signs (the last one brings it into force)
      cancel [reason=TEXT]            abandon it before it comes into force
      notify                          the award is notified (payment is then due)
      pay amount=200000.00            the single payment, exactly the amount due
      open_dispute party=KEY received=DATE [dispatched=DATE] [presented=DATE]
                   [uncollected=yes] [electronic=yes] [subject=TEXT]
      settle [agreement=TEXT]         the amicable settlement: back to the previous state
      go_to_court [court=TEXT]        from the day after the amicable window (article 6)
      close_litigation [ruling=TEXT]  the court case is over
      give_notice party=KEY received=DATE [dispatched=DATE] [presented=DATE]
    With --amendment N: submit, sign signatory=EMAIL, abandon [reason=TEXT].
    A DATE is YYYY-MM-DD or an ISO instant (converted to its date in Paris).
    `expire` and `terminate` are applied by the service (`convflow run-due`), not by hand.
    """
    app = context.app()
    if amendment is not None or event == "abandon":
        _amendment_event(app, reference, event, amendment, actor, on, _pairs(inputs), as_json)
        return
    command = RecordEvent(reference, event, actor, on, _pairs(inputs), expect_version)
    result = record_event(app, command, app.clock())
    if as_json:
        _emit({**asdict(result), "deadlines": [asdict(d) for d in result.deadlines]})
        return
    click.echo(
        f"{result.reference}: {result.event} recorded on {result.on.isoformat()} by "
        f"{result.actor}; state {result.from_state} → {result.to_state}"
    )
    for deadline in result.deadlines:
        click.echo(
            f"  new deadline {deadline.kind}: {long_date(deadline.due_date)}, "
            f"ends {paris_time(deadline.expires_at)}"
        )


def _amendment_event(
    app: App,
    reference: str,
    event: str,
    number: int | None,
    actor: str,
    on: date | None,
    inputs: dict[str, str],
    as_json: bool,
) -> None:
    if number is None:
        raise click.UsageError("'abandon' is an amendment's event: give --amendment N")
    if event not in AMENDMENT_EVENTS:
        raise click.UsageError(f"an amendment's events are {', '.join(AMENDMENT_EVENTS)}")
    command = RecordAmendmentEvent(reference, number, event, actor, on, inputs)
    result = record_amendment_event(app, command, app.clock())
    if as_json:
        _emit(asdict(result))
        return
    click.echo(
        f"{reference}: avenant n°{number}: {event} recorded on {result.on.isoformat()}; "
        f"state {result.from_state} → {result.to_state}"
    )
    for key, change in result.applied.items():
        click.echo(f"  {key}: {change['before']} → {change['after']}")


@cli.command()
@click.argument("reference")
@click.argument("changes", nargs=-1, metavar="[FIELD=VALUE]...")
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML file declaring the changes ([changes], [[representatives]]).",
)
@click.option("--on", "on", type=DATE, help="Date the amendment is drafted (default: today).")
@click.option(
    "--by", "actor", default=_default_actor, show_default="your login", help="Who drafts it."
)
@_json_option
@pass_context
def amend(
    context: _Context,
    reference: str,
    changes: tuple[str, ...],
    file: Path | None,
    on: date | None,
    actor: str,
    as_json: bool,
) -> None:
    """Draft an amendment (avenant) to REFERENCE and print its number.

    
    Fields: end_date=2026-12-31, amount=250000.00, dispute_window_days=30,
    termination_notice_months=6, payment_target_days=30, signature_target_days=7,
    reminders.expiry=90,60,30,7 (also reminders.termination, reminders.dispute_window,
    reminders.payment), reminders.signature_every_days=7, reminders.court_possible=yes,
    signatory.PARTY="Name|Title|email" (a new representative).
    Then: convflow event REFERENCE submit --amendment N, sign ... --amendment N.
    Allowed only while the convention is in force, one amendment at a time.
    """
    proposed = _pairs(changes)
    declared: dict[str, str] = {}
    if file is not None:
        declared = read_amendment_file(file)
        if both := sorted(declared.keys() & proposed.keys()):
            raise click.UsageError(
                f"{', '.join(both)}: given both in {file} and on the command line"
            )
        proposed = {**declared, **proposed}
    app = context.app()
    command = DraftAmendment(reference, proposed, actor, on, str(file) if file else "")
    try:
        result = draft_amendment(app, command, app.clock())
    except InvalidInput as error:
        if file is None or error.field not in declared:
            raise
        raise refused_change(file, error.field, error.problem) from None
    if as_json:
        _emit(asdict(result))
        return
    click.echo(f"{reference}: avenant n°{result.number} drafted on {result.on.isoformat()}")
    click.echo(f"  next: convflow event {reference} submit --amendment {result.number}")
    click.echo(str(result.number))


@cli.command(name="amendments")
@click.argument("reference")
@_json_option
@pass_context
def amendments_(context: _Context, reference: str, as_json: bool) -> None:
    """List the amendments of REFERENCE: state, changes (before → after), signatures."""
    rows = views.amendments(context.app(), reference)
    if as_json:
        _emit(rows)
        return
    if not rows:
        click.echo(f"{reference}: no amendments")
        return
    for row in rows:
        since = (
            f", in force since {long_date(row['effective_date'])}" if row["effective_date"] else ""
        )
        click.echo(f"avenant n°{row['number']}  {row['state']}{since}")
        if row["applied"]:
            for change in row["applied"]:
                click.echo(f"  {change['field']}: {change['before']} → {change['after']}")
        else:
            for key, value in row["changes"].items():
                now = f"{row['current'][key]} → " if key in row["current"] else ""
                click.echo(f"  {key}: {now}{value}" + ("" if now else " (proposed)"))
        for email, day in row["signatures"].items():
            click.echo(f"  signed by {email} on {day}")


@cli.group()
def deadline() -> None:
    """What-if calculator: the legal deadline for given dates, with its explanation."""


def _deadline_output(computed: Any, extra: dict[str, Any], as_json: bool) -> None:
    data = {
        "kind": computed.kind,
        "raw_end": computed.raw_end.isoformat(),
        "deadline": computed.due_date.isoformat(),
        "expires_at": views.instant(computed.expires_at),
        "explanation": computed.explanation,
        "flags": list(computed.flags),
        **extra,
    }
    if as_json:
        _emit(data)
        return
    click.echo(
        f"deadline    {long_date(computed.due_date)} (raw end {computed.raw_end.isoformat()})"
    )
    click.echo(f"expires at  {paris_time(computed.expires_at)} = {data['expires_at']}")
    for key, value in extra.items():
        if isinstance(value, str):
            click.echo(f"{key:<19} {value}")
    click.echo("")
    click.echo(computed.explanation)


@deadline.command()
@click.option(
    "--received",
    type=DATE,
    help="Receipt of the registered letter (date or ISO instant); required unless the letter "
    "was never collected (--uncollected with --presented).",
)
@click.option("--presented", type=DATE, help="First presentation of the letter.")
@click.option("--dispatched", type=DATE, help="Dispatch of the letter.")
@click.option(
    "--uncollected", is_flag=True, help="The letter was never collected (pli avisé non réclamé)."
)
@click.option("--electronic", is_flag=True, help="An electronic registered letter (LRE).")
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(1, 365), help="Amicable window."
)
@_json_option
@pass_context
def dispute(
    context: _Context, received: date | None, presented: date | None, dispatched: date | None,
    uncollected: bool, electronic: bool, days: int, as_json: bool,
) -> None:  # fmt: skip
    """End of the amicable window of article 6 and the first day a party may go to court."""
    if received is None and not uncollected:
        raise click.UsageError(
            "--received is required (or --uncollected with --presented, for a letter never "
            "collected)"
        )
    letter = RegisteredLetter(dispatched, presented, received, uncollected, electronic)
    computed = dispute_window(letter, days, context.settings.legal)
    assert computed.earliest_court_date is not None
    _deadline_output(
        computed, {"earliest_court_date": computed.earliest_court_date.isoformat()}, as_json
    )


@deadline.command()
@click.option("--received", type=DATE, required=True, help="Receipt of the registered letter.")
@click.option("--dispatched", type=DATE, help="Dispatch of the letter.")
@click.option("--presented", type=DATE, help="First presentation of the letter.")
@click.option("--term", type=DATE, help="The convention's end date, if it may come first.")
@click.option(
    "--months", default=6, show_default=True, type=click.IntRange(1, 120), help="Notice period."
)
@_json_option
@pass_context
def termination(
    context: _Context, received: date, dispatched: date | None, presented: date | None,
    term: date | None, months: int, as_json: bool,
) -> None:  # fmt: skip
    """When a termination by registered letter takes effect (article 7), the term permitting."""
    letter = RegisteredLetter(dispatched, presented, received)
    computed = termination_notice(letter, months, context.settings.legal, term=term)
    assert computed.effective_end is not None and computed.notice_end is not None
    extra = {
        "effective_end": computed.effective_end.isoformat(),
        "notice_end": computed.notice_end.isoformat(),
        "ends_by": computed.ends_by,
        "by_basis": [
            {
                "basis": basis,
                "letter_date": start.isoformat(),
                "notice_end": end.isoformat(),
                "effective_end": (term if term is not None and term <= end else end).isoformat(),
            }
            for basis, start, end in computed.by_basis
        ],
    }
    _deadline_output(computed, extra, as_json)


@deadline.command(name="expiry")
@click.option("--term", type=DATE, required=True, help="The convention's end date.")
@_json_option
def expiry_(term: date, as_json: bool) -> None:
    """When a convention ends at its term (article 4): 24:00 in Paris on its end date."""
    _deadline_output(expiry(term), {}, as_json)


@cli.command()
def diagram() -> None:
    """Print the lifecycle as a mermaid state diagram (drawn from the transitions table)."""
    click.echo(mermaid_diagram(), nl=False)


def main() -> None:
    """Entry point of the `convflow` console script."""
    cli(prog_name="convflow")


# The other command modules register themselves on `cli` when imported.
from workflow import cli_service, cli_tokens  # noqa: E402,F401
