"""`convflow award`: record (or complete) a convention's award decision (délibération).

Rules 15 to 18 of docs/LEGAL-DEADLINES.md: the decision is enforceable once published (or
notified to the beneficiary) and received by the prefecture; the Métropole's signature is
checked against it; the prefect's and third parties' windows are shown among the deadlines.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import click

from workflow.cli.context import (
    DATE,
    CliContext,
    actor_option,
    emit,
    json_option,
    pass_context,
)
from workflow.cli.help_words import SaidCommand
from workflow.cli.present import new_deadlines
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side


@click.command(cls=SaidCommand)
@click.argument("reference")
@click.option("--decision", required=True, help="The délibération's reference (its number).")
@click.option("--adopted", type=DATE, required=True, help="The day it was adopted.")
@click.option("--published", type=DATE, help="The day it was published.")
@click.option("--notified", type=DATE, help="The day it was notified to the beneficiary.")
@click.option("--transmitted", type=DATE, help="The day the prefecture received it.")
@click.option("--on", "on", type=DATE, help="The day this is recorded (default: today).")
@actor_option("Who records it.")
@json_option
@pass_context
def award(
    context: CliContext, reference: str, decision: str, adopted: date, published: date | None,
    notified: date | None, transmitted: date | None, on: date | None, actor: str,
    as_json: bool,
) -> None:  # fmt: skip
    """Record the award decision of convention REFERENCE, or complete it.

    Record it again with every day known to complete it. The state does not change; the
    Métropole may sign once the decision is enforceable (CONVFLOW_AWARD_BEFORE_ENFORCEABLE)."""
    inputs = {"decision": decision, "adopted": adopted.isoformat()}
    for key, day in (("published", published), ("notified", notified),
                     ("transmitted", transmitted)):  # fmt: skip
        if day is not None:
            inputs[key] = day.isoformat()
    app, words = context.app(), context.words
    result = record_side(app, RecordEvent(reference, "record_award", actor, on, inputs),
                          app.clock())  # fmt: skip
    if as_json:
        emit({**asdict(result), "deadlines": [asdict(d) for d in result.deadlines]})
        return
    enforceable = result.inputs.get("enforceable")
    click.echo(
        words("{reference}: award decision {decision} recorded; enforceable {when}",
              reference=result.reference, decision=decision,
              when=words.long_date(date.fromisoformat(enforceable)) if enforceable
              else words("not yet")))  # fmt: skip
    for line in new_deadlines(words, result.deadlines):
        click.echo(line)
