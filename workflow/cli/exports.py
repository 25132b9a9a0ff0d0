"""`convflow export scdl`: the open data of the subsidies (SCDL « subventions » CSV).

Every convention in force or ended above the threshold (rule 19), one row per beneficiary, in
the schema's 16 columns (docs/scdl/README.md). A row that cannot be published yet (no SIRET nor
RNA number for its beneficiary, an object too long) is left out and named, with what to fill;
the command then exits 1, the file holding the rows that can be published.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow.cli.context import OUTPUT, CliContext, emit, json_option, pass_context, write_output
from workflow.cli.help_words import SaidGroup
from workflow.usecases.open_data import scdl_export
from workflow.wording.refusals import problem_text


@click.group(cls=SaidGroup)
def export() -> None:
    """Export the open data of the subsidies (SCDL subventions CSV)."""


@export.command()
@click.option(
    "-o", "--output", type=OUTPUT,
    help="Write the CSV to this file (default: standard output).",
)  # fmt: skip
@json_option
@pass_context
def scdl(context: CliContext, output: Path | None, as_json: bool) -> None:
    """The SCDL subventions CSV of every convention due for publication (rule 19)."""
    done = scdl_export(context.app())
    words = context.words
    if output is not None:
        write_output(output, done.csv)
    elif not as_json:
        click.echo(done.csv, nl=False)
    refused = [
        {"reference": r.reference, "beneficiary": r.beneficiary, "field": r.field,
         "code": r.code, "message": problem_text(words, r.code, {})}
        for r in done.refused
    ]  # fmt: skip
    if as_json:
        emit({"file": str(output) if output else None, "published": done.published,
              "refused": refused, **({} if output else {"csv": done.csv})})  # fmt: skip
    else:
        for item in refused:
            where = f"{item['reference']} ({item['beneficiary']}), {item['field']}"
            click.echo(words("{name}: {value}", name=where, value=item["message"]), err=True)
    if refused:
        sys.exit(1)
