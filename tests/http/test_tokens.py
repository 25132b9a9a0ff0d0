"""Access tokens: created once and shown once, stored hashed, listed, revoked."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from storage.tables import api_token_table
from workflow.bootstrap import App
from workflow.cli import cli
from workflow.usecases.tokens import (
    TokenExists,
    UnknownToken,
    authenticate,
    create_token,
    list_tokens,
    revoke_token,
)


def convflow(settings_env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run a convflow command in-process; its exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args), env=settings_env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_created_token_is_printed_alone_on_the_last_line_and_only_its_hash_is_stored(
    app: App, settings_env: dict[str, str]
):
    code, out, _ = convflow(settings_env, "token", "create", "--name", "alice", "--role", "admin")

    token = out.rstrip("\n").splitlines()[-1]
    assert code == 0
    assert len(token) >= 43 and " " not in token
    with app.engine.connect() as connection:
        stored = connection.execute(select(api_token_table)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in stored}
    assert authenticate(app, token, app.clock()).name == "alice"


def test_the_token_list_shows_holders_and_roles_never_a_token_or_its_hash(
    app: App, settings_env: dict[str, str]
):
    token = create_token(app, "alice", "admin", "root", app.clock())
    create_token(app, "bob", "viewer", "root", app.clock())

    code, out, _ = convflow(settings_env, "token", "list")

    assert code == 0
    assert "alice" in out and "bob" in out and "viewer" in out
    assert token not in out and hashlib.sha256(token.encode()).hexdigest() not in out
    assert [row["name"] for row in list_tokens(app)] == ["alice", "bob"]


def test_a_revoked_token_no_longer_authenticates(app: App, settings_env: dict[str, str]):
    token = create_token(app, "alice", "admin", "root", app.clock())

    code, out, _ = convflow(settings_env, "token", "revoke", "alice")

    assert code == 0 and "jeton «\u00a0alice\u00a0» révoqué" in out
    assert authenticate(app, token, app.clock()) is None
    assert list_tokens(app)[0]["revoked_at"] is not None


def test_revoking_an_unknown_token_is_refused_with_exit_code_1(settings_env: dict[str, str]):
    code, _, err = convflow(settings_env, "token", "revoke", "nobody")

    assert code == 1
    assert (
        "aucun jeton ne s'appelle «\u00a0nobody\u00a0»\u00a0; `convflow token list` les montre"
        in err
    )


def test_revoking_a_token_twice_says_it_is_already_revoked(
    app: App, settings_env: dict[str, str]
) -> None:
    create_token(app, "alice", "admin", "root", app.clock())
    assert convflow(settings_env, "token", "revoke", "alice")[0] == 0

    code, _, err = convflow(settings_env, "token", "revoke", "alice")

    assert code == 1
    assert "le jeton «\u00a0alice\u00a0» est déjà révoqué" in err


def test_a_name_is_never_given_twice_even_after_revocation(app: App):
    create_token(app, "alice", "admin", "root", app.clock())
    revoke_token(app, "alice", app.clock())

    with pytest.raises(TokenExists):
        create_token(app, "alice", "viewer", "root", app.clock())


def test_an_unknown_role_is_a_usage_error(settings_env: dict[str, str]):
    code, _, err = convflow(settings_env, "token", "create", "--name", "eve", "--role", "root")

    assert code == 2
    assert "admin" in err and "viewer" in err


@pytest.mark.parametrize("name", ["", "two words", "<script>", "a" * 65, "-dash-first"])
def test_a_token_name_is_a_plain_identifier(app: App, name: str):
    with pytest.raises(ValueError, match="name"):
        create_token(app, name, "viewer", "root", app.clock())


def test_a_wrong_token_authenticates_no_one(app: App):
    create_token(app, "alice", "admin", "root", app.clock())

    assert authenticate(app, "not-a-token", app.clock()) is None


def test_revoking_twice_says_there_is_no_valid_token(app: App):
    create_token(app, "alice", "admin", "root", app.clock())
    revoke_token(app, "alice", app.clock())

    with pytest.raises(UnknownToken):
        revoke_token(app, "alice", app.clock())


def test_using_a_token_notes_when_it_was_last_used(app: App):
    token = create_token(app, "alice", "admin", "root", app.clock())

    authenticate(app, token, app.clock())

    assert list_tokens(app)[0]["last_used_at"] is not None
