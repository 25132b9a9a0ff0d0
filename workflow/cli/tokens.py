"""`convflow token`: create, revoke and list the access tokens of the HTTP API and dashboard."""

from __future__ import annotations

import json

import click

from workflow.cli.context import (
    CliContext,
    actor_option,
    emit,
    json_option,
    pass_context,
)
from workflow.cli.help_words import SaidGroup
from workflow.cli.misuse import Choice
from workflow.cli.present import instant, table
from workflow.usecases.tokens import ROLES, create_token, list_tokens, revoke_token


@click.group(cls=SaidGroup)
def token() -> None:
    """Access tokens: `viewer` reads, `admin` reads and records events.

    A token is sent as `Authorization: Bearer TOKEN`, or typed once on the dashboard's sign-in
    page. Only its hash is stored: it is printed once, when created.
    """


@token.command()
@click.option(
    "--name", required=True, help="Who holds it; the history names them '<name> (token)'."
)
@click.option("--role", type=Choice(ROLES), required=True, help="What it may do.")
@actor_option("Who creates it.")
@json_option
@pass_context
def create(context: CliContext, name: str, role: str, actor: str, as_json: bool) -> None:
    """Create a token for NAME and print it, alone on the last line (it is not kept)."""
    app, words = context.app(), context.words
    secret = create_token(app, name, role, actor, app.clock())
    if as_json:
        emit({"name": name, "role": role, "token": secret})
        return
    click.echo(words("token '{name}' created with role {role}; keep it now, it will not be shown "
                     "again:", name=name, role=words.label("role", role)))  # fmt: skip
    click.echo(secret)


@token.command()
@click.argument("name")
@json_option
@pass_context
def revoke(context: CliContext, name: str, as_json: bool) -> None:
    """Revoke the token of NAME: it and the dashboard sessions opened with it stop working."""
    app = context.app()
    revoke_token(app, name, app.clock())
    if as_json:
        emit({"name": name, "revoked": True})
    else:
        click.echo(context.words("token '{name}' revoked", name=name))


@token.command(name="list")
@json_option
@pass_context
def list_(context: CliContext, as_json: bool) -> None:
    """List the tokens: name, role, created, last used, revoked (never the token itself)."""
    rows, words = list_tokens(context.app()), context.words
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(words("no tokens: create one with `convflow token create --name NAME --role "
                         "admin`"))  # fmt: skip
        return
    cells = (
        [
            r["name"],
            words.label("role", r["role"]),
            words("{instant} by {actor}", instant=instant(words, r["created_at"]),
                  actor=r["created_by"]),
            instant(words, r["last_used_at"]) if r["last_used_at"] else words("never"),
            instant(words, r["revoked_at"]),
        ]
        for r in rows
    )  # fmt: skip
    headers = [words("name"), words("role"), words("created"), words("last used"),
               words("revoked")]  # fmt: skip
    click.echo(table(cells, headers))
