"""What a person reads when the database itself refuses: one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.conftest import EXAMPLE, REF, Convflow


def _loaded(sqlite_url: str, tmp_path: Path) -> Convflow:
    convflow = Convflow(
        {"CONVFLOW_DATABASE_URL": sqlite_url, "CONVFLOW_MAIL_DIR": str(tmp_path / "mail")}
    )
    convflow.ok("import", "--without-history", str(EXAMPLE))
    return convflow


def _execute(sqlite_url: str, statement: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_a_statement_the_database_refuses_is_said_in_one_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    # As a role without SELECT on a table, or a client encoding that cannot hold a word, would
    # have it on PostgreSQL: the command's statement refused by the database itself.
    convflow = _loaded(sqlite_url, tmp_path)
    _execute(sqlite_url, "DROP TABLE document")

    error = convflow.refusal("status", REF)

    assert error["code"] == "database_refused"
    assert "no such table: document" in error["params"]["reason"]
    result = convflow("status", REF)
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur\u00a0: la base de données a refusé l'opération")
    assert "Traceback" not in result.output + result.stderr


def test_a_version_table_naming_two_revisions_is_said_in_one_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    convflow = _loaded(sqlite_url, tmp_path)
    _execute(sqlite_url, "INSERT INTO alembic_version VALUES ('0018')")

    for command in (["status", REF], ["list"], ["init"]):
        error = convflow.refusal(*command)
        assert error["code"] == "schema_ambiguous", command
    assert "0018" in convflow("status", REF).stderr


def test_a_database_without_its_installation_row_is_said_in_one_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    # The salt of its emails' Message-IDs: only a hand edit removes it, and nothing may draw
    # another. Status says so too, though it reads on the driver and needs no salt.
    convflow = _loaded(sqlite_url, tmp_path)
    _execute(sqlite_url, "DELETE FROM installation")

    for command in (["status", REF], ["list"]):
        assert convflow.refusal(*command)["code"] == "installation_missing", command
    assert "Traceback" not in convflow("list").stderr
