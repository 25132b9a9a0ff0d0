"""What is left of an operator tester's hostile settings, each refused in one line with its code,
no traceback.

The tester's findings: an SMTP login given by half (a password without its user, or the
reverse) passed `convflow doctor`, then crashed `serve` and `run-due` with a traceback
(`ValueError: an SMTP login needs both a user and a password`, from the SMTP sender) when they
started; a SQLite file whose folder cannot be created (the system refuses it, or a file stands
in its way) crashed `init` with a traceback (PermissionError, FileExistsError).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.e2e.conftest import ROOT
from workflow.cli import cli

NBSP = "\u00a0"
IDENTITY = {"CONVFLOW_SMTP_HOST": "127.0.0.1", "CONVFLOW_SMTP_PORT": "9",  # nothing listens
            "CONVFLOW_MAIL_FROM": "Métropole AMP <conventions@example.org>",
            "CONVFLOW_SERVICE_CONTACT": "conventions@example.org"}  # fmt: skip
"""A service that would send by SMTP, with the identity it needs: only the login is wrong."""


def _convflow(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """convflow run as the operator runs it, a process of its own (a traceback reaches stderr
    as it would reach the journal)."""
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args], capture_output=True, text=True,
        timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CONVFLOW_LANGUAGE": "fr", **env},
    )  # fmt: skip


# --- 1. An SMTP login given by half ----------------------------------------------------------

HALF_LOGINS = {
    "password-without-user": ({"CONVFLOW_SMTP_PASSWORD": "pw-s3cret"},
                              "CONVFLOW_SMTP_PASSWORD", "CONVFLOW_SMTP_USER"),
    "user-without-password": ({"CONVFLOW_SMTP_USER": "bob"},
                              "CONVFLOW_SMTP_USER", "CONVFLOW_SMTP_PASSWORD"),
}  # fmt: skip


@pytest.mark.parametrize("command", [["serve", "--no-http"], ["run-due"]], ids=" ".join)
@pytest.mark.parametrize("name", list(HALF_LOGINS))
def test_an_smtp_login_given_by_half_stops_the_service_in_one_line_with_its_code(
    sqlite_url: str, tmp_path: Path, command: list[str], name: str
) -> None:
    login, given, missing = HALF_LOGINS[name]
    env = {**IDENTITY, **login, "CONVFLOW_DATABASE_URL": sqlite_url,
           "CONVFLOW_MAIL_DIR": str(tmp_path / "mail")}  # fmt: skip

    done = _convflow(command, env)

    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.stderr == (
        f"Erreur\u00a0: {given}\u00a0: réglé sans {missing}\u00a0; une connexion SMTP demande les "
        "deux, ou aucun\n"
    )
    assert "pw-s3cret" not in done.stdout + done.stderr


@pytest.mark.parametrize("name", list(HALF_LOGINS))
def test_an_smtp_login_given_by_half_is_one_error_line_of_the_service_json_log(
    sqlite_url: str, tmp_path: Path, name: str
) -> None:
    login, given, missing = HALF_LOGINS[name]
    env = {**IDENTITY, **login, "CONVFLOW_DATABASE_URL": sqlite_url,
           "CONVFLOW_MAIL_DIR": str(tmp_path / "mail"), "CONVFLOW_LOG_FORMAT": "json"}  # fmt: skip

    done = _convflow(["serve", "--no-http"], env)

    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-600:]
    [line] = [json.loads(text) for text in done.stderr.splitlines()]
    assert line["level"] == "ERROR" and line["code"] == "smtp_login_incomplete"
    assert line["params"] == {"field": given, "missing": missing}


# --- 2. A SQLite file whose folder cannot be created -----------------------------------------


def _file_in_the_way(tmp: Path, below: str = "") -> tuple[str, Path, Path]:
    """A URL whose folder would be made where a file is: the URL, the folder, the file."""
    blocking = tmp / "tok"
    blocking.write_text("a file, not a folder")
    folder = blocking / below if below else blocking
    return f"sqlite:///{folder / 'convflow.db'}", folder, blocking


def _refused_by_the_system(tmp: Path) -> tuple[str, Path, Path]:
    folder = Path("/sys/convflow-doctor-nope")  # sysfs refuses every new folder, root's too
    return f"sqlite:///{folder / 'convflow.db'}", folder, folder


FOLDERS: dict[str, tuple[Callable[[Path], tuple[str, Path, Path]], str]] = {
    # name: (the URL, its folder and what refuses it; the refusal's code)
    "a-file-where-the-folder-would-be": (_file_in_the_way, "database_folder_is_a_file"),
    "a-file-where-a-parent-would-be": (lambda tmp: _file_in_the_way(tmp, "a/b"),
                                       "database_folder_is_a_file"),
    "a-folder-the-system-refuses": (_refused_by_the_system, "database_folder_not_created"),
}  # fmt: skip


def _refusal(args: list[str], url: str) -> tuple[int, Any]:
    """The command's refusal (--json), checked to be a clean one: no exception, one line."""
    result = CliRunner().invoke(cli, [*args, "--json"], env={"CONVFLOW_DATABASE_URL": url})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output + result.stderr
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "params", "message"} and "\n" not in error["message"]
    return result.exit_code, error


@pytest.mark.parametrize("name", list(FOLDERS))
def test_init_refuses_a_database_folder_it_cannot_create_in_one_line(
    tmp_path: Path, name: str
) -> None:
    build, code = FOLDERS[name]
    url, folder, blocking = build(tmp_path)
    if name == "a-folder-the-system-refuses" and not Path("/sys").is_dir():
        pytest.skip("no /sys on this system")

    exit_code, error = _refusal(["init"], url)

    assert (exit_code, error["code"]) == (1, code), error
    assert error["params"]["folder"] == str(folder)
    said = error["message"]
    assert said.startswith(f"le dossier {folder} de la base de données ne peut pas être créé")
    if code == "database_folder_is_a_file":
        assert error["params"]["place"] == str(blocking)
        assert said.endswith(f"\u00a0: {blocking} est un fichier, pas un dossier")
    else:
        assert error["params"]["reason"] and "(message du système\u00a0: " in said
    assert not folder.is_dir()


@pytest.mark.parametrize("command", [["list"], ["status", "AMP-1"], ["outbox"]], ids=" ".join)
def test_a_file_where_the_database_folder_would_be_is_said_by_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    # « no database: run convflow init » would send the operator to an init that fails too
    url, folder, blocking = _file_in_the_way(tmp_path)

    exit_code, error = _refusal(command, url)

    assert (exit_code, error["code"]) == (1, "database_folder_is_a_file"), error
    assert error["params"] == {"folder": str(folder), "place": str(blocking)}


def test_doctor_fails_a_database_folder_that_cannot_be_created_with_what_to_do(
    tmp_path: Path,
) -> None:
    url, _, _ = _file_in_the_way(tmp_path)
    env = {"CONVFLOW_DATABASE_URL": url, "CONVFLOW_MAIL_DIR": str(tmp_path / "mail")}

    result = CliRunner().invoke(cli, ["doctor", "--json"], env=env)

    [database] = [f for f in json.loads(result.stdout) if f["check"] == "database"]
    assert result.exit_code == 1 and database["verdict"] == "fail"
    assert database["error"]["code"] == "database_folder_is_a_file"
    assert database["fix"] == (
        "set CONVFLOW_DATABASE_URL to a file in a folder the service's user may create, or write to"
    )
