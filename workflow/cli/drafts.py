"""`convflow drafts`: the conventions to complete, read from an open-data (SCDL) file.

`convflow import` keeps each row of an SCDL « subventions » CSV as a draft to complete (what
the row says; what it does not, a person adds on the dashboard, « Brouillons à compléter »).
This lists them, and removes one that should not become a convention (`--discard N`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from workflow.cli.context import CliContext, emit, json_option, pass_context
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import WholeNumber
from workflow.cli.present import table
from workflow.usecases.intake_drafts import discard_draft, intake_drafts
from workflow.wording.words import Words


@click.command(cls=SaidCommand)
@click.option(
    "--discard", "discard", type=WholeNumber(), metavar="N",
    help="Remove draft N without making a convention of it.",
)  # fmt: skip
@json_option
@pass_context
def drafts(context: CliContext, discard: int | None, as_json: bool) -> None:
    """List the drafts to complete made by importing an open-data (SCDL subventions) file:
    what each row gave, what a person must still fill (--discard N removes one).

    Each draft is shown with its number, its file and line, its parties and amount, and how
    many of the convention file's required fields are missing (the reference, term, place,
    parties' keys, signatories; the instalments when the payment is staggered). An
    administrator completes each in the dashboard's « Nouvelle convention » form (/brouillons),
    which creates the draft convention and removes this one.
    """
    app, words = context.app(), context.words
    if discard is not None:
        discard_draft(app, discard)
        if as_json:
            emit({"discarded": discard})
        else:
            click.echo(words("draft {number} removed", number=discard))
        return
    found = intake_drafts(app)
    if as_json:
        emit([{"id": d.id, "file": d.source, "line": d.line, "fields": d.fields,
               "facts": d.facts, "missing": list(d.missing), "created_by": d.created_by,
               "created_at": d.created_at.isoformat()} for d in found])  # fmt: skip
        return
    if not found:
        click.echo(words("no drafts to complete"))
        return
    cells = (
        [str(d.id), f"{d.source}:{d.line}", d.summary, _amount(words, d.fields.get("amount")),
         str(len(d.missing))]
        for d in found
    )  # fmt: skip
    headers = [words("number"), words("file"), words("parties"), words("amount"),
               words("missing fields")]  # fmt: skip
    click.echo(table(cells, headers))


def _amount(words: Words, given: str | None) -> str:
    """A draft's amount as a person reads it (« 27 000,00 € »); as written if it is none."""
    if not given:
        return ""
    try:
        return words.amount(Decimal(given))
    except InvalidOperation:
        return given
