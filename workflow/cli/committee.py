"""`convflow committee`: the steering committee a convention creates (the model's article 3,
its *Comité technique*; another's as its file names it, `[committee]` name and article).

Record a meeting (`add`: its day, attendees, decisions, minutes as text), list them (`list`), or
set how often it meets (`cadence N`, 0 for none): the next meeting is then due N months after
the last one, and the Métropole's signatories are reminded to convene it (rule 23 of
docs/LEGAL-DEADLINES.md). Its papers are attached to the meeting's history line with
`convflow attach REF FILE --event N`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import click

from workflow.cli.context import (
    DATE,
    CliContext,
    Misused,
    actor_option,
    emit,
    json_option,
    pass_context,
)
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import Choice, FilePath
from workflow.cli.present import cadence_line, meeting_lines, new_deadlines
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side
from workflow.usecases.views import committee as committee_record


@click.command(cls=SaidCommand)
@click.argument("reference")
@click.argument("action", type=Choice(["add", "list", "cadence"]), metavar="ACTION")
@click.argument("months", required=False)
@click.option("--date", "held_on", type=DATE, help="add: the day the committee met.")
@click.option("--attendees", help="add: who attended (names, bodies).")
@click.option("--decisions", help="add: what the committee decided.")
@click.option(
    "--minutes",
    type=FilePath(exists=True, dir_okay=False, path_type=Path),
    help="add: a text file of its minutes (a signed PDF: convflow attach --event N).",
)
@click.option("--on", "on", type=DATE, help="cadence: the day it is set (default: today).")
@actor_option("Who records it.")
@json_option
@pass_context
def committee(
    context: CliContext, reference: str, action: str, months: str | None, held_on: date | None,
    attendees: str | None, decisions: str | None, minutes: Path | None, on: date | None,
    actor: str, as_json: bool,
) -> None:  # fmt: skip
    """Record, list or pace the meetings of the steering committee of convention REFERENCE.

    ACTION is `add` (--date, --attendees, --decisions, optionally --minutes FILE), `list`, or
    `cadence MONTHS` (0 for none). The state does not change."""
    app, words = context.app(), context.words
    if action == "list":
        found = committee_record(app, reference)
        if as_json:
            emit(found)
            return
        click.echo(f"{reference} — {cadence_line(found, words)}")
        for line in meeting_lines(found, words):
            click.echo(f"  {line}")
        return
    if action == "add":
        if held_on is None or not attendees or not decisions:
            raise Misused("meeting_incomplete")
        inputs = {"attendees": attendees, "decisions": decisions}
        if minutes is not None:
            try:
                inputs["minutes"] = minutes.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise Misused("minutes_not_text", file=str(minutes)) from None
        command = RecordEvent(reference, "committee_meeting", actor, held_on, inputs)
    else:
        if months is None:
            raise Misused("cadence_needs_months")
        command = RecordEvent(reference, "committee_cadence", actor, on, {"months": months})
    result = record_side(app, command, app.clock())
    if as_json:
        emit({**asdict(result), "deadlines": [asdict(d) for d in result.deadlines]})
        return
    name = committee_record(app, reference)["name"]  # as the convention names its committee
    click.echo(words("{reference}: {event} recorded on {on} by {actor}", reference=reference,
                     event=words.committee_label("event", result.event, name),
                     on=words.long_date(result.on), actor=result.actor))  # fmt: skip
    for line in new_deadlines(words, result.deadlines, name):
        click.echo(line)
