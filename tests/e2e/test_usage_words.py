"""The command line used wrongly is said in its language, not in click's English.

`convflow status` said « Error: Missing argument 'REFERENCE'. » under « Usage: » and « Try
'convflow status --help' for help. » to an administrator whose command line speaks French;
so did an unknown command or option, a value none of the choices, a number that is none.
Each is now one of convflow's codes, said through the catalogue (English when
CONVFLOW_LANGUAGE=en), the commands and options named as they are typed, exit code 2 kept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workflow.cli import cli

CLICK_ENGLISH = ("Error:", "Usage:", "Try '", "No such", "Missing", "Invalid value",
                 "Did you mean", "is not one of", "Got unexpected", "requires an argument",
                 "does not take a value", "does not exist", "is not a valid integer",
                 "is not in the range", "Choose from")  # fmt: skip


def run(*args: str, language: str = "fr") -> Result:
    """convflow run with no CONVFLOW_* setting of the environment running the tests but its
    language (no database: each of these is refused before one is needed)."""
    env: dict[str, str | None] = {n: None for n in os.environ if n.startswith("CONVFLOW_")}
    return CliRunner().invoke(cli, list(args), env={**env, "CONVFLOW_LANGUAGE": language},
                              prog_name="convflow")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "usage", "error"),
    [
        (["status"], "convflow status [OPTIONS] REFERENCE", "REFERENCE\u00a0: argument manquant"),
        (["status", "--bogus"], "convflow status [OPTIONS] REFERENCE",
         "--bogus\u00a0: option inconnue de cette commande"),
        (["status", "--jsno"], "convflow status [OPTIONS] REFERENCE",
         "--jsno\u00a0: option inconnue de cette commande\u00a0; vouliez-vous dire --json\u00a0?"),
        (["nosuch"], "convflow [OPTIONS] COMMANDE [ARGUMENTS]...",
         "nosuch\u00a0: commande inconnue"),
        (["statu"], "convflow [OPTIONS] COMMANDE [ARGUMENTS]...",
         "statu\u00a0: commande inconnue\u00a0; vouliez-vous dire status\u00a0?"),
        (["--bogus"], "convflow [OPTIONS] COMMANDE [ARGUMENTS]...",
         "--bogus\u00a0: option inconnue de cette commande"),
        (["--on", "2025-03-03", "event", "REF", "sign"],
         "convflow event [OPTIONS] REFERENCE EVENT",
         "--on est une option de la commande\u00a0: convflow event --on 2025-03-03 REF sign"),
        (["--bogus", "status", "REF"], "convflow [OPTIONS] COMMANDE [ARGUMENTS]...",
         "--bogus\u00a0: option inconnue de cette commande"),
        (["list", "--state", "bogus"], "convflow list [OPTIONS]",
         "--state\u00a0: «\u00a0bogus\u00a0» n'est pas l'un de\u00a0: draft, signature, "
         "notification, payment, "
         "execution, dispute, litigation, termination, expired, terminated, cancelled"),
        (["outbox", "--limit", "x"], "convflow outbox [OPTIONS]",
         "--limit\u00a0: «\u00a0x\u00a0» n'est pas un nombre entier"),
        (["outbox", "--limit", "0"], "convflow outbox [OPTIONS]",
         "--limit\u00a0: 0 n'est pas compris entre 1 et 10\u202f000"),
        (["status", "A", "B"], "convflow status [OPTIONS] REFERENCE",
         "argument(s) en trop\u00a0: B"),
        (["event", "REF", "sign", "--on"], "convflow event [OPTIONS] REFERENCE EVENT",
         "--on\u00a0: cette option attend une valeur"),
        (["list", "--json=1"], "convflow list [OPTIONS]",
         "--json\u00a0: cette option ne prend pas de valeur"),
        (["token", "create", "--name", "x"], "convflow token create [OPTIONS]",
         "--role\u00a0: manquant (valeurs possibles\u00a0: admin, viewer)"),
        (["deadline", "nosuch"], "convflow deadline [OPTIONS] COMMANDE [ARGUMENTS]...",
         "nosuch\u00a0: commande inconnue"),
        (["attach", "REF", "nofile.pdf"], "convflow attach [OPTIONS] REFERENCE FILE",
         "FILE\u00a0: «\u00a0nofile.pdf\u00a0» n'existe pas"),
    ],
)  # fmt: skip
def test_a_usage_error_is_said_in_french_under_the_command_s_usage(
    args: list[str], usage: str, error: str
) -> None:
    result = run(*args)

    assert result.exit_code == 2, result.output
    said = result.stderr.splitlines()
    assert said[0].startswith(f"Utilisation\u00a0: {usage}"), said
    command = usage.split(" [OPTIONS]")[0]
    assert said[1:3] == [f"Pour l'aide\u00a0: {command} --help", ""]
    assert said[-1] == f"Erreur\u00a0: {error}"
    assert not [word for word in CLICK_ENGLISH if word in result.stderr], result.stderr


def test_the_command_line_says_click_s_errors_in_english_when_told() -> None:
    result = run("status", "--jsno", language="en")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Usage: convflow status [OPTIONS] REFERENCE",
        "Try 'convflow status --help' for help.",
        "",
        "Error: --jsno: no such option for this command; did you mean --json?",
    ]


def test_with_json_a_usage_error_is_its_code_and_the_parameter_as_typed() -> None:
    missing = run("status", "--json")
    refused = run("list", "--state", "bogus", "--json")

    assert (missing.exit_code, refused.exit_code) == (2, 2)
    assert json.loads(missing.stdout)["error"] == {
        "code": "missing_argument", "params": {"field": "REFERENCE"},
        "message": "REFERENCE\u00a0: argument manquant",
    }  # fmt: skip
    error = json.loads(refused.stdout)["error"]
    assert (error["code"], error["params"]["field"], error["params"]["value"]) == (
        "not_one_of", "--state", "bogus",
    )  # fmt: skip


def test_a_settings_file_that_is_a_folder_is_a_usage_error_in_french(tmp_path: Path) -> None:
    result = run("--config", str(tmp_path), "list")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Erreur\u00a0: --config\u00a0: «\u00a0{tmp_path}\u00a0» est un dossier, pas un fichier"
    )


def test_convflow_alone_still_shows_its_help() -> None:
    result = run()

    assert result.exit_code == 2
    assert "Commandes\u00a0:" in result.output and "Erreur" not in result.output


def test_a_command_s_option_given_before_the_command_says_where_it_goes() -> None:
    """`convflow --json status REF` answered « --json : option inconnue de cette commande ;
    vouliez-vous dire --version ? »: --json is the command's, said with the line meant."""
    status = run("--json", "status", "REF")
    scdl = run("--config", "convflow.toml", "--json", "export", "scdl")
    english = run("-o", "out.csv", "export", "scdl", language="en")

    assert (status.exit_code, scdl.exit_code, english.exit_code) == (2, 2, 2)
    assert json.loads(status.stdout)["error"] == {
        "code": "option_of_command",
        "params": {"field": "--json", "command": "status",
                   "corrected": "convflow status --json REF"},
        "message": "--json est une option de la commande\u00a0: convflow status --json REF",
    }  # fmt: skip
    assert json.loads(scdl.stdout)["error"]["params"]["corrected"] == (
        "convflow --config convflow.toml export scdl --json"
    )
    assert english.stderr.splitlines()[0].startswith("Usage: convflow export scdl [OPTIONS]")
    assert english.stderr.splitlines()[-1] == (
        "Error: -o is an option of the command: convflow export scdl -o out.csv"
    )
