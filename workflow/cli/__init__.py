"""The `convflow` command: one group, its commands attached from the modules of this package.

Exit codes: 0 success; 1 a refused command or invalid input (one line on stderr says why and
nothing changed); 2 a usage error.
"""

from __future__ import annotations

from pathlib import Path

import click

from workflow.cli import conventions, deadlines, emails, intake, ops, service, tokens
from workflow.cli.context import CliContext, ConvflowGroup

__all__ = ["cli", "main"]


@click.group(
    cls=ConvflowGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
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
    ctx.obj = CliContext(config)
    ctx.call_on_close(ctx.obj.close)


for command in (
    conventions.init,
    conventions.import_,
    intake.extract,
    conventions.list_,
    conventions.status,
    conventions.history,
    conventions.verify,
    conventions.event,
    conventions.amend,
    conventions.amendments_,
    deadlines.deadline,
    deadlines.diagram,
    service.serve,
    service.run_due_,
    service.reminders,
    service.outbox,
    emails.emails,
    service.simulate_,
    service.config,
    tokens.token,
    ops.doctor,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the `convflow` console script."""
    cli(prog_name="convflow")
