"""`convflow status`: where one convention stands, in its own module so that it starts fast."""

from __future__ import annotations

import click

from workflow.cli.context import CliContext, emit, json_option, pass_context
from workflow.cli.help_words import SaidCommand
from workflow.cli.present import status_text
from workflow.usecases import views


@click.command(cls=SaidCommand)
@click.argument("reference")
@json_option
@pass_context
def status(context: CliContext, reference: str, as_json: bool) -> None:
    """Show where convention REFERENCE stands: state, terms, signatures, deadlines explained."""
    settings, now = context.settings, context.now()
    # Read on the bare driver first: SQLAlchemy's import alone would take most of the
    # command's time (issue 15.4). The ordinary path reads what that reader does not serve.
    # Both judge every deadline and reminder at `now`, the instant of reading (states.reading).
    view = views.status_on_driver(settings.database_url, reference,
                                  settings.file_retention_years, now,
                                  settings.extension_grace_days)  # fmt: skip
    if view is None:
        view = views.status(context.app(), reference, now)
    emit(view) if as_json else click.echo(status_text(view, context.words))
