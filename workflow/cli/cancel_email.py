"""`convflow cancel-email`: an administrator cancels an email waiting in the outbox.

A command of its own, not a subcommand of `convflow outbox`: `outbox` is a command whose
options and arguments scripts use (`outbox --failed --limit 5 --json`); made a group, its
`--help` and its refusals of an argument it does not take would change."""

from __future__ import annotations

import click

from storage.outbox import Reached
from workflow.cli.context import CliContext, actor_option, emit, json_option, pass_context
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import WholeNumber


@click.command(name="cancel-email", cls=SaidCommand)
@click.argument("email_id", metavar="ID", type=WholeNumber(min=1))
@click.option(
    "--reason",
    required=True,
    help="Why it is cancelled (the address an avenant corrected...): kept with the email, "
    "shown by `convflow outbox` and in the dossier.",
)
@actor_option("Who cancels it.")
@json_option
@pass_context
def cancel_email(
    context: CliContext, email_id: int, reason: str, actor: str, as_json: bool
) -> None:
    """Cancel email ID of the outbox (`convflow outbox` gives its number) while it waits for
    its next attempt: it is never tried again.

    For an email the mail server keeps deferring to an address known to be wrong (an avenant
    corrected it): until it is sent or given up (failed), the convention's later emails wait
    behind it for the recipients it has still to reach, for hours (their other recipients have
    them at once). Once it is cancelled they are offered to those at the service's next pass
    (within a minute). Those the mail server already took it for keep it: it is cancelled
    for the others only. It shows as cancelled in `convflow outbox` and the convention's
    dossier, with who cancelled it, when and why. Only a waiting email (pending, uncertain,
    held) can be cancelled: one being sent, sent, failed or cancelled already is refused.
    """
    from workflow.usecases.cancel_email import CancelEmail
    from workflow.usecases.cancel_email import cancel_email as cancel

    app, words = context.app(), context.words
    email = cancel(app, CancelEmail(email_id, reason, actor), app.clock())
    if as_json:
        emit(email)
        return
    reached = Reached(tuple(email["delivered_to"]), tuple(email["refused_to"]))
    rest = reached.unreached((*email["recipients"], *email["cc"]))
    click.echo(words("email {id} cancelled: it will not be sent to {who}",
                     id=email["id"], who=", ".join(rest)))  # fmt: skip
    if email["delivered_to"]:
        click.echo(words("it was delivered to {who} before", who=", ".join(email["delivered_to"])))
