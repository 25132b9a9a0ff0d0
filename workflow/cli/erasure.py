"""`convflow erase`: erase a convention's signatories' personal data once its file's
retention has run (rule 21 of docs/LEGAL-DEADLINES.md)."""

from __future__ import annotations

import click

from workflow.cli.context import (
    CliContext,
    actor_option,
    emit,
    json_option,
    pass_context,
)
from workflow.cli.help_words import SaidCommand


@click.command(name="erase", cls=SaidCommand)
@click.argument("reference")
@click.option(
    "--archives-reference",
    default="",
    help="The reference of the file's transfer to the archives service, or of its elimination "
    "visa (required unless CONVFLOW_ERASE_REQUIRES_ARCHIVES_REFERENCE=no).",
)
@actor_option("Who erases.")
@json_option
@pass_context
def erase(
    context: CliContext, reference: str, archives_reference: str, actor: str, as_json: bool
) -> None:
    """Erase the personal data of convention REFERENCE's signatories, once its file is kept
    no longer.

    Each signatory's name and email, wherever convflow wrote them (signatories, history,
    amendments, emails kept), become their role: "signataire n°1 pour <party>". Dates, events
    and amounts stay; the signed convention and the other papers are archives and stay too.
    Refused before the retention has run (`convflow status REF` says when: retention,
    erasable_from), while the file is still open after the end (a dispute, a court case, an
    instalment to pay, the financial report owed: file_open) and a second time. The erasure is
    a line of the history, which attests the redacted lines' new hashes: `convflow verify`
    still holds.
    """
    from workflow.usecases.erasure import Erase, erase_personal_data

    app = context.app()
    done = erase_personal_data(app, Erase(reference, archives_reference, actor), app.clock())
    if as_json:
        emit(done)
        return
    click.echo(context.words(
        "{reference}: personal data of {count} signatories erased ({lines} history lines "
        "redacted); archives reference {archives}", reference=reference,
        count=done["signatories"], lines=len(done["lines_redacted"]),
        archives=done["archives_reference"] or "—",
    ))  # fmt: skip
