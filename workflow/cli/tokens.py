"""`convflow token`: create, revoke and list the access tokens of the HTTP API and dashboard."""

from __future__ import annotations

import json

import click

from workflow.cli.context import CliContext, default_actor, pass_context
from workflow.cli.present import table
from workflow.usecases.tokens import ROLES, create_token, list_tokens, revoke_token
from workflow.wording.values import paris_time


@click.group()
def token() -> None:
    """Access tokens: `viewer` reads, `admin` reads and records events.

    A token is sent as `Authorization: Bearer TOKEN`, or typed once on the dashboard's sign-in
    page. Only its hash is stored: it is printed once, when created.
    """


@token.command()
@click.option(
    "--name", required=True, help="Who holds it; the history names them '<name> (token)'."
)
@click.option("--role", type=click.Choice(ROLES), required=True, help="What it may do.")
@click.option(
    "--by", "actor", default=default_actor, show_default="your login", help="Who creates it."
)
@pass_context
def create(context: CliContext, name: str, role: str, actor: str) -> None:
    """Create a token for NAME and print it, alone on the last line (it is not kept)."""
    app = context.app()
    secret = create_token(app, name, role, actor, app.clock())
    click.echo(f"token '{name}' created with role {role}; keep it now, it will not be shown again:")
    click.echo(secret)


@token.command()
@click.argument("name")
@pass_context
def revoke(context: CliContext, name: str) -> None:
    """Revoke the token of NAME: it and the dashboard sessions opened with it stop working."""
    app = context.app()
    revoke_token(app, name, app.clock())
    click.echo(f"token '{name}' revoked")


@token.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_context
def list_(context: CliContext, as_json: bool) -> None:
    """List the tokens: name, role, created, last used, revoked (never the token itself)."""
    rows = list_tokens(context.app())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no tokens: create one with `convflow token create --name NAME --role admin`")
        return
    cells = (
        [
            r["name"],
            r["role"],
            f"{paris_time(r['created_at'])} by {r['created_by']}",
            paris_time(r["last_used_at"]) if r["last_used_at"] else "never",
            paris_time(r["revoked_at"]) if r["revoked_at"] else "—",
        ]
        for r in rows
    )
    click.echo(table(cells, ["name", "role", "created", "last used", "revoked"]))
