"""`convflow letter`: the letters the clauses call for, as PDF or Word."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from states.calendar import civil_date
from workflow.cli.context import (
    DATE,
    OUTPUT,
    CliContext,
    actor_option,
    force_option,
    pass_context,
    refuse_to_replace,
    write_output,
)
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import Choice, WholeNumber
from workflow.letters.render import KINDS
from workflow.usecases.letters import FORMATS, render_letter, send_letter


@click.command(name="letter", cls=SaidCommand)
@click.argument("reference")
@click.argument("kind", type=Choice(KINDS), metavar="KIND")
@click.option("--format", "fmt", type=Choice(FORMATS), default="pdf", show_default=True,
              help="PDF to send, or Word to edit before signing.")  # fmt: skip
@click.option("-o", "--output", type=OUTPUT, required=True,
              help="Where to write the letter.")  # fmt: skip
@click.option("--on", "on", type=DATE, help="The letter's date (default: today).")
@click.option("--difficulty", default="", help="dispute: the difficulty, as it will be read.")
@click.option("--party", help="Who writes (default: the Métropole, the first party).")
@click.option("--amendment", "number", type=WholeNumber(min=1),
              help="amendment: its number (default: the one being drafted or signed).")  # fmt: skip
@click.option("--attach", "keep", is_flag=True,
              help="It is sent: keep it among the convention's papers (kind letter).")  # fmt: skip
@force_option
@actor_option("Who sends it.")
@pass_context
def letter(
    context: CliContext, reference: str, kind: str, fmt: str, output: Path, on: date | None,
    difficulty: str, party: str | None, number: int | None, keep: bool, force: bool, actor: str,
) -> None:  # fmt: skip
    """Write the letter KIND of convention REFERENCE: dispute, termination, award or amendment.

    An amendment's draft states each change as an article and the convention's terms as they
    will read once it is in force; with --attach it is kept with that amendment's papers.
    A file already at OUTPUT is left as it is (a Word letter is edited by hand before it is
    signed): refused, unless --force.
    """
    refuse_to_replace(output, force)
    app = context.app()
    # The day in Paris (rule 1): from midnight in Paris to midnight UTC, the UTC date is the day
    # before.
    day = on or civil_date(app.clock())
    if keep:  # written first: a letter that could not be written is not kept as sent
        content, paper = send_letter(
            app, reference, kind, fmt, day, actor, app.clock(), difficulty=difficulty,
            party=party, amendment=number, before_keeping=lambda done: write_output(output, done),
        )  # fmt: skip
        click.echo(context.words("kept among the papers: {sha256}", sha256=paper["sha256"]))
    else:
        content = render_letter(app, reference, kind, fmt, day, difficulty=difficulty,
                                party=party, amendment=number)  # fmt: skip
        write_output(output, content)
    click.echo(context.words("{kind} letter written to {path} ({size} bytes)", kind=kind,
                             path=str(output), size=len(content)))  # fmt: skip
