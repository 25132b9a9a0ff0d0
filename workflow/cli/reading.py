"""`convflow status`: where one convention stands, in its own module so that it starts fast."""

from __future__ import annotations

import click

from workflow.cli.context import CliContext, emit, json_option, pass_context
from workflow.cli.present import status_text
from workflow.usecases import views


@click.command()
@click.argument("reference")
@json_option
@pass_context
def status(context: CliContext, reference: str, as_json: bool) -> None:
    """Show where convention REFERENCE stands: state, terms, signatures, deadlines explained."""
    view = views.status(context.app(), reference)
    emit(view) if as_json else click.echo(status_text(view, context.words))
