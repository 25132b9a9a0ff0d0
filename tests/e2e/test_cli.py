"""The `convflow` command as an administrator uses it: outputs, JSON shapes and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from states.inputs import INPUTS
from states.lifecycle import PERSON_EVENTS, SIDE_RECORDS
from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow
from workflow.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the lazy group's commands load when asked for
        command = group.get_command(ctx, name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(cli)), ids=" ".join)
def test_every_command_explains_itself(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"], env={"CONVFLOW_LANGUAGE": None})
    assert result.exit_code == 0
    assert "Utilisation\u00a0: " in result.output  # the command line's language: French by default
    assert len(result.output.splitlines()) > 4


def test_dossier_help_names_its_files_and_how_to_check_them() -> None:
    shown = CliRunner().invoke(cli, ["dossier", "--help"]).output
    for name in ("historique.csv", "historique.pdf", "etat.json", "pieces/", "courriels/",
                 "courriels.csv", "MANIFEST.sha256", "sha256sum -c MANIFEST.sha256"):  # fmt: skip
        assert name in shown, name


def test_from_import_to_a_dispute_with_its_deadline_explained(loaded: Convflow) -> None:
    loaded.ok("event", REF, "submit", "--on", "2025-03-03")
    loaded.ok("event", REF, "sign", f"signatory={METROPOLE}", "--on", "2025-03-05")
    out = loaded.ok("event", REF, "sign", f"signatory={CRPV}", "--on", "2025-03-10")
    assert "en signature (signature) → signée, à notifier (notification)" in out
    assert "Signature (sign) du 10 mars 2025, enregistré" in out and "échéance expiry" not in out
    loaded.ok("event", REF, "notify", "--on", "2025-03-20")
    loaded.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-04-01")
    # an LRE accepted at 00:30 on 31 May in Paris (22:30Z on the 30th)
    loaded.ok("event", REF, "open_dispute", "party=crpv", "received=2025-05-30T22:30:00Z",
              "electronic=yes", "--on", "2025-06-02")  # fmt: skip
    status = loaded.json("status", REF)
    assert status["dispute"]["letter"]["received"] == "2025-05-31"
    assert status["state"] == "dispute"
    window = next(d for d in status["deadlines"] if d["kind"] == "dispute_window")
    assert window["status"] == "pending"
    assert "CPC art. 641" in window["explanation"]

    text = loaded.ok("status", REF)
    assert "200\u202f000,00\xa0€" in text  # Babel: narrow no-break space, no-break space
    assert "lundi 10 mars 2025" in text
    assert "Saisine du tribunal compétent possible" in text


def test_status_json_has_the_public_keys(loaded: Convflow) -> None:
    loaded.ok("event", REF, "submit", "--on", "2025-03-03")
    status = loaded.json("status", REF)
    for key in ("reference", "state", "effective_date", "end_date", "amount", "parties",
                "signatories", "allowed_events", "deadlines"):  # fmt: skip
        assert key in status
    assert status["amount"] == "200000.00"
    assert status["parties"][0].keys() >= {"key", "name"}
    assert status["signatories"][0].keys() >= {"party", "name", "email", "signed_on"}
    assert status["allowed_events"] == ["sign", "cancel"]
    assert status["deadlines"][0].keys() >= {"kind", "due_date", "expires_at", "status",
                                             "explanation"}  # fmt: skip
    assert status["deadlines"][0]["expires_at"] == "2025-03-10T23:00:00Z"


def test_history_and_list(loaded: Convflow) -> None:
    loaded.ok("event", REF, "submit", "--on", "2025-03-03", "--by", "bob")
    history = loaded.json("history", REF)
    assert [(h["event"], h["actor"]) for h in history] == [("import", "alice"), ("submit", "bob")]
    assert history[1].keys() >= {"event", "from_state", "to_state", "date", "actor", "inputs"}
    assert [c["reference"] for c in loaded.json("list", "--state", "signature")] == [REF]
    assert loaded.json("list", "--state", "execution") == []
    assert "aucune convention dans l'état en exécution (execution)" in loaded.ok(
        "list", "--state", "execution"
    )


def test_the_list_names_the_next_deadline_by_its_due_day_as_status_does(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # read before the target, not after
    loaded.ok("event", REF, "submit", "--on", "2025-03-03")
    # signatures within 7 days: due Monday 10 March, ending that day at 24 h (11 March 00:00)
    assert "lundi 10 mars 2025, fin lundi 10 mars 2025 à 24\u00a0h" in loaded.ok("status", REF)
    row = next(line for line in loaded.ok("list").splitlines() if line.startswith(REF))
    assert row.endswith("lundi 10 mars 2025  —")  # then the obligations overdue: none
    assert "11 mars" not in row
    listed = loaded.json("list")[0]
    assert (listed["next_deadline_due"], listed["next_deadline_at"]) == (
        "2025-03-10", "2025-03-10T23:00:00Z",
    )  # fmt: skip


def test_a_refused_event_exits_1_with_one_line_in_french_and_changes_nothing(
    loaded: Convflow,
) -> None:
    before = loaded.json("history", REF)
    result = loaded("event", REF, "pay", "amount=200000")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Erreur\u00a0: «\u00a0Enregistrer le versement (pay)\u00a0» n'est pas possible quand la "
        "convention est "
        "en préparation (draft) (possibles\u00a0: Soumettre à la signature (submit), Abandonner la "
        "convention (cancel))"
    ]
    assert loaded.json("history", REF) == before


def test_a_refusal_with_json_is_json_on_stdout_with_the_same_exit_code(loaded: Convflow) -> None:
    result = loaded("event", REF, "pay", "amount=200000", "--json")
    assert (result.exit_code, result.stderr) == (1, "")
    assert json.loads(result.stdout) == {
        "error": {
            "code": "invalid_transition",
            "params": {"reference": REF, "event": "pay", "state": "draft",
                       "allowed": ["submit", "cancel"], "notice_overridden": False},
            "message": "«\u00a0Enregistrer le versement (pay)\u00a0» n'est pas possible quand "
            "la convention "
            "est en préparation (draft) (possibles\u00a0: Soumettre à la signature (submit), "
            "Abandonner la convention (cancel))",
        }
    }  # fmt: skip
    bad_date = loaded("event", REF, "submit", "--on", "2025-02-30", "--json")
    assert (bad_date.exit_code, bad_date.stderr) == (1, "")  # invalid input, not misuse
    assert json.loads(bad_date.stdout)["error"]["code"] == "not_a_calendar_date"
    unknown = loaded("frobnicate", "--json")
    assert unknown.exit_code == 2
    assert json.loads(unknown.stdout)["error"] == {
        "code": "unknown_command", "params": {"field": "frobnicate"},
        "message": "frobnicate\u00a0: commande inconnue",
    }  # fmt: skip


def test_the_command_line_speaks_english_when_told(loaded: Convflow) -> None:
    result = loaded.english("event", REF, "pay", "amount=200000")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: AMP-CRPV-PACA-2025: event 'pay' is not allowed in state 'draft' "
        "(allowed: submit, cancel)"
    ]
    refused = loaded.english("event", REF, "pay", "amount=200000", "--json")
    assert json.loads(refused.stdout)["error"]["message"].startswith(f"{REF}: event 'pay'")
    assert "AMP-CRPV-PACA-2025: submit of 2025-03-03, recorded on 2026-12-06 by alice; state " in (
        loaded.english("event", REF, "submit", "--on", "2025-03-03").stdout
    )


@pytest.mark.parametrize(
    ("args", "code", "french"),
    [
        (["event", REF, "sign", "signatory=nobody@example.org", "--on", "2025-03-04"],
         "not_a_signatory",
         "«\u00a0nobody@example.org\u00a0» n'est pas signataire de la convention"),
        (["event", REF, "sign", "who=x", "--on", "2025-03-04"],
         "unknown_input", "who\u00a0: cette donnée n'est pas attendue pour «\u00a0Enregistrer une "
         "signature (sign)\u00a0» (données acceptées\u00a0: Signataire (signatory))"),
        (["event", REF, "expire"], "automatic_event",
         "est appliqué par le service quand son échéance tombe"),
        (["event", "NOPE-1", "submit"], "unknown_convention",
         "aucune convention n'a la référence «\u00a0NOPE-1\u00a0»"),
        (["event", REF, "sign", "signatory=martial.alvarez@example.org", "--on", "2030-01-01"],
         "dated_in_future", "la date indiquée (1er janvier 2030) est postérieure à aujourd'hui"),
    ],
)  # fmt: skip
def test_refusals_say_why(loaded: Convflow, args: list[str], code: str, french: str) -> None:
    loaded.ok("event", REF, "submit", "--on", "2025-03-03")
    result = loaded(*args)
    assert result.exit_code == 1
    assert french in result.stderr
    assert loaded.refusal(*args)["code"] == code


@pytest.mark.parametrize(
    "args",
    [
        ["event", REF, "dance"],
        ["event", REF, "sign", "signatory"],
        ["frobnicate"],
        ["status"],
        ["deadline", "termination"],
        ["deadline", "dispute"],
        ["event", REF, "pay", "amount=200000.00", "amount=1.00"],
    ],
)
def test_usage_errors_exit_2(loaded: Convflow, args: list[str]) -> None:
    assert loaded(*args).exit_code == 2


def test_a_malformed_file_names_the_line_and_field(convflow: Convflow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("mustapha.berra@example.org", "mustapha"))
    result = convflow.english("import", str(bad))
    assert result.exit_code == 1
    assert "line 55: parties[1].signatories[0].email: 'mustapha' is not an email address" in (
        result.stderr
    )
    refused = convflow.refusal("import", str(bad))
    assert (refused["code"], refused["params"]["value"]) == ("not_an_email", "mustapha")
    assert (refused["params"]["line"], refused["params"]["field"]) == (
        55, "parties[1].signatories[0].email"
    )  # fmt: skip
    assert (
        "ligne 55\u00a0: Adresse électronique du signataire "
        "(parties[1].signatories[0].email)\u00a0: "
        "«\u00a0mustapha\u00a0» n'est pas une adresse" in refused["message"]
    )  # the field as the file's form names it, then as it is written in the file
    assert convflow.json("list") == []


def test_importing_twice_is_refused(loaded: Convflow) -> None:
    result = loaded("import", str(EXAMPLE))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur\u00a0: une convention de référence «\u00a0{REF}\u00a0» existe déjà\u00a0; "
        f"--skip-existing laisse "
        "telles quelles les conventions déjà chargées et charge le reste\n"
    )
    assert loaded.refusal("import", str(EXAMPLE)) == {
        "code": "duplicate_reference",
        "params": {"reference": REF},
        "message": f"une convention de référence «\u00a0{REF}\u00a0» existe déjà",
    }


def test_a_reference_loaded_in_another_case_is_refused_naming_it(
    loaded: Convflow, tmp_path: Path
) -> None:
    # It was loaded as a second convention: « conv-2025-001 » beside « CONV-2025-001 ».
    lower = tmp_path / "minuscules.toml"
    lower.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        f'reference = "{REF}"', f'reference = "{REF.lower()}"', 1), encoding="utf-8")  # fmt: skip
    said = (f"une convention de référence «\u00a0{REF}\u00a0» existe déjà\u00a0: "
            f"«\u00a0{REF.lower()}\u00a0» n'en diffère "
            "que par les majuscules et minuscules")  # fmt: skip

    # Not the convention already loaded (its terms may differ): --skip-existing refuses it too.
    for options in ([], ["--skip-existing"]):
        result = loaded("import", *options, str(lower))
        assert (result.exit_code, result.stderr) == (1, f"Erreur\u00a0: {said}\n"), options
    assert loaded.refusal("import", "--skip-existing", str(lower)) == {
        "code": "duplicate_reference_case",
        "params": {"reference": REF.lower(), "existing": REF},
        "message": said,
    }
    assert [row["reference"] for row in loaded.json("list")] == [REF]
    english = loaded.english("import", str(lower))
    assert english.stderr == (
        f"Error: a convention with reference '{REF}' already exists: '{REF.lower()}' differs "
        "from it only by upper and lower case\n"
    )


@pytest.mark.parametrize(
    "command",
    [["status"], ["history"], ["reminders"], ["amendments"], ["documents"], ["verify"],
     ["event", "{ref}", "submit"], ["simulate", "--until", "2026-12-31"]],
    ids=lambda command: command[0],
)  # fmt: skip
def test_a_reference_written_in_another_case_is_unknown_naming_the_one_meant(
    loaded: Convflow, command: list[str], cli_clock: CliClock
) -> None:
    # On the command line's fixed clock (6 December 2026): on the real one, from 1 January 2027
    # in Paris `simulate --until 2026-12-31` is refused as ending before it starts.
    # It only said « aucune convention n'a la référence « amp-crpv-paca-2025 » ». Still refused
    # (unknown_convention, exit 1): the reference meant is named, never acted on.
    asked = REF.lower()
    args = [part.format(ref=asked) for part in command]
    if "{ref}" not in command:
        args.insert(1, asked)
    said = (f"aucune convention n'a la référence «\u00a0{asked}\u00a0»\u00a0; "
            f"vouliez-vous dire «\u00a0{REF}\u00a0»\u00a0?")  # fmt: skip
    result = loaded(*args)
    assert (result.exit_code, result.stderr) == (1, f"Erreur\u00a0: {said}\n"), args
    assert loaded.refusal(*args) == {
        "code": "unknown_convention",
        "params": {"reference": asked, "closest": REF},
        "message": said,
    }
    assert loaded.english(*args).stderr == (
        f"Error: no convention with reference '{asked}'; did you mean '{REF}'?\n"
    )
    # Nothing done on the one meant: it is as it was, still a draft.
    assert [(row["reference"], row["state"]) for row in loaded.json("list")] == [(REF, "draft")]


def test_an_unknown_reference_names_one_close_in_spelling_or_none(loaded: Convflow) -> None:
    misspelt = REF[:-2] + REF[-1] + REF[-2]  # the year's last two digits swapped
    assert loaded.refusal("status", misspelt)["params"] == {"reference": misspelt, "closest": REF}
    far = loaded.refusal("status", "AUTRE-1")
    assert (far["params"], far["message"]) == (
        {"reference": "AUTRE-1", "closest": None},
        "aucune convention n'a la référence «\u00a0AUTRE-1\u00a0»",
    )


def test_a_misspelt_key_is_refused_with_the_key_it_most_likely_means(
    convflow: Convflow, tmp_path: Path
) -> None:
    bad = tmp_path / "convention.toml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'amount = "200000.00"', 'amout = "200000.00"', 1), encoding="utf-8")  # fmt: skip

    result = convflow("import", str(bad))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur\u00a0: {bad}, ligne 14\u00a0: amout\u00a0: champ inconnu\u00a0; vouliez-vous dire "
        f"«\u00a0amount\u00a0»\u00a0?\n"
    )  # one slip, one problem: `amount` is not also said to be missing
    refused = convflow.refusal("import", str(bad))
    assert (refused["code"], refused["params"]["closest"]) == ("unknown_field", "amount")
    assert refused["params"]["others"] == []
    assert convflow.english("import", str(bad)).stderr == (
        f"Error: {bad}, line 14: amout: unknown field; did you mean 'amount'?\n"
    )
    assert convflow.json("list") == []


def _in_force(loaded: Convflow) -> None:
    """Submitted on 3 March 2025, signed on the 5th and the 10th: in force."""
    for args in (["submit", "--on", "2025-03-03"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
                 ["sign", f"signatory={CRPV}", "--on", "2025-03-10"]):  # fmt: skip
        loaded.ok("event", REF, *args)


def test_run_due_applies_once(loaded: Convflow, cli_clock: CliClock) -> None:
    really = cli_clock.now.isoformat(timespec="seconds").replace("+00:00", "Z")
    _in_force(loaded)
    first = loaded.json("run-due", "--now", "2026-01-01T00:00:00+01:00")
    assert [(a["reference"], a["deadline"], a["action"]) for a in first["actions"]] == [
        (REF, "expiry", "expire")
    ]
    assert first["actions"][0]["due_at"] == "2025-12-31T23:00:00Z"
    assert loaded.json("run-due", "--now", "2026-01-01T00:00:00+01:00")["actions"] == []
    # Acting as of a past instant, it still sends in real time and records when it really did
    # (the command line's clock, fixed by `cli_clock`), not the instant it acts as of.
    sent = [e for e in loaded.json("outbox") if e["status"] == "sent"]
    assert sent and all(e["sent_at"] == really for e in sent)
    assert "rien d'échu" in loaded.ok("run-due", "--now", "2026-01-02")


def test_the_outbox_counts_its_emails_by_status_in_french(loaded: Convflow) -> None:
    _in_force(loaded)
    loaded.ok("run-due", "--now", "2026-01-01T00:00:00+01:00")
    sent = sum(e["status"] == "sent" for e in loaded.json("outbox"))

    # "envoyé (5)", not "5 envoyé": the status is a label, it does not agree with the count
    assert f"courriels\u00a0: envoyé ({sent})" in loaded.ok("outbox")


@pytest.mark.parametrize(
    ("received", "deadline", "court"),
    [("2025-02-20", "2025-03-24", "2025-03-25"),
     ("2025-04-01", "2025-05-02", "2025-05-03"),
     ("2025-10-25T22:30:00Z", "2025-11-25", "2025-11-26")],  # Sunday 26 October in Paris
)  # fmt: skip
def test_deadline_calculator_for_a_dispute(
    convflow: Convflow, received: str, deadline: str, court: str
) -> None:
    data = convflow.json("deadline", "dispute", "--received", received)
    assert (data["deadline"], data["earliest_court_date"]) == (deadline, court)
    assert data.keys() >= {"raw_end", "deadline", "expires_at", "explanation"}


def test_deadline_calculator_for_a_termination_and_expiry(convflow: Convflow) -> None:
    data = convflow.json("deadline", "termination", "--received", "2025-09-15",
                         "--dispatched", "2025-09-12", "--term", "2025-12-31")  # fmt: skip
    assert (data["raw_end"], data["deadline"], data["effective_end"]) == (
        "2026-03-15", "2025-12-31", "2025-12-31",
    )  # fmt: skip
    assert data["expires_at"] == "2025-12-31T23:00:00Z"
    assert [(b["basis"], b["notice_end"], b["effective_end"]) for b in data["by_basis"]] == [
        ("dispatch", "2026-03-12", "2025-12-31"), ("receipt", "2026-03-15", "2025-12-31"),
    ]  # fmt: skip
    leap = convflow.json("deadline", "termination", "--received", "2025-08-31")
    assert (leap["raw_end"], leap["deadline"]) == ("2026-02-28", "2026-02-28")
    expiry = convflow.json("deadline", "expiry", "--term", "2025-12-31")
    assert expiry["expires_at"] == "2025-12-31T23:00:00Z"
    text = convflow.ok("deadline", "dispute", "--received", "2025-04-01")
    assert "jour férié\u00a0: Fête du Travail" in text


def test_the_deadline_calculator_says_its_dates_and_labels_in_french(convflow: Convflow) -> None:
    dispute = convflow.ok("deadline", "dispute", "--received", "2025-05-30")
    assert [" ".join(line.split()) for line in dispute.split("\n\n")[0].splitlines()] == [
        "échéance lundi 30 juin 2025 (au lieu du dimanche 29 juin 2025, jour non ouvrable : "
        "report au premier jour ouvrable suivant)",
        "expire le lundi 30 juin 2025 à 24 h (heure de Paris)",
        "saisine possible dès le mardi 1er juillet 2025",
    ]
    notice = convflow.ok("deadline", "termination", "--received", "2025-05-30",
                         "--term", "2025-06-15")  # fmt: skip
    head = [" ".join(line.split()) for line in notice.split("\n\n")[0].splitlines()]
    assert head == [
        "échéance dimanche 15 juin 2025",  # the term comes first: the lines below say it
        "expire le dimanche 15 juin 2025 à 24 h (heure de Paris)",
        "fin effective dimanche 15 juin 2025",
        "fin du préavis dimanche 30 novembre 2025",
        "prend fin par son terme",
    ]
    for text in (notice, dispute):  # no key nor ISO date but in the explanation
        assert not {"effective_end", "notice_end", "ends_by", "earliest_court_date"} & set(
            text.split()
        )
        assert "2025-" not in text
    ended = convflow.ok("deadline", "termination", "--received", "2025-05-30")
    assert "prend fin par   la résiliation" in ended
    data = convflow.json("deadline", "termination", "--received", "2025-05-30",
                         "--term", "2025-06-15")  # fmt: skip
    assert (data["raw_end"], data["effective_end"], data["notice_end"], data["ends_by"]) == (
        "2025-11-30", "2025-06-15", "2025-11-30", "expiry",
    )  # fmt: skip


def test_an_uncollected_letter_counts_alike_for_articles_6_and_7_as_the_setting_reads_it(
    convflow: Convflow,
) -> None:
    dispute = convflow.json("deadline", "dispute", "--uncollected", "--presented", "2025-06-02")
    notice = convflow.json("deadline", "termination", "--uncollected",
                           "--presented", "2025-04-01", "--term", "2025-12-31")  # fmt: skip
    assert (dispute["deadline"], notice["effective_end"]) == ("2025-07-02", "2025-10-01")
    assert "uncollected_letter" not in notice["explanation"]  # partners read it too
    assert notice["settings"] == {"uncollected_letter": "first_presentation"}
    said = convflow.ok("deadline", "dispute", "--uncollected", "--presented", "2025-06-02")
    assert "réglage appliqué" in said and "uncollected_letter = first_presentation" in said

    convflow.env["CONVFLOW_UNCOLLECTED_LETTER"] = "not_notified"
    for article, code in (("dispute", "dispute_letter_not_collected"),
                          ("termination", "letter_not_collected")):  # fmt: skip
        refused = convflow.refusal(
            "deadline", article, "--uncollected", "--presented", "2025-06-02"
        )
        assert refused["code"] == code and "n'a jamais été retirée" in refused["message"]
    assert "ne notifie rien" in convflow.ok("config")


def test_the_settings_change_the_calculation(convflow: Convflow) -> None:
    convflow.env["CONVFLOW_EXTEND_ACTS"] = "no"
    data = convflow.json("deadline", "dispute", "--received", "2025-02-20")
    assert data["deadline"] == "2025-03-22"
    assert "prorogation des actes au jour ouvrable suivant\u00a0: non" in data["explanation"]


def test_an_uninitialised_database_says_to_run_init(tmp_path: Path) -> None:
    env = {"CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'new.db'}"}
    result = CliRunner().invoke(cli, ["list"], env={**env, "CONVFLOW_LANGUAGE": "en"})
    assert result.exit_code == 1
    assert f"no database at {tmp_path / 'data' / 'new.db'}; run `convflow init`" in result.stderr
    assert not (tmp_path / "data").exists()  # a refused command creates nothing
    assert CliRunner().invoke(cli, ["init"], env=env).exit_code == 0
    assert CliRunner().invoke(cli, ["list"], env=env).exit_code == 0


def test_the_installed_console_script(tmp_path: Path) -> None:
    executable = shutil.which("convflow", path=str(Path(sys.executable).parent))
    assert executable, "convflow console script not installed in this environment"
    env = {**os.environ, "CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([executable, *args], env=env, capture_output=True, text=True)

    assert run("init").returncode == 0
    assert run("import", "--without-history", str(EXAMPLE)).returncode == 0
    refused = run("event", REF, "notify")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert "(possibles\u00a0: Soumettre à la signature (submit), Abandonner" in refused.stderr
    assert run("event", REF, "nope").returncode == 2


def test_run_due_refuses_an_instant_in_the_future_and_changes_nothing(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    _in_force(loaded)
    before = _stored(loaded.json("status", REF))
    tomorrow = (cli_clock.now + timedelta(days=1)).isoformat()
    result = loaded.english("run-due", "--now", tomorrow)
    assert result.exit_code == 1
    assert "--now: " in result.stderr and "is in the future" in result.stderr
    assert "convflow simulate" in result.stderr
    assert loaded.refusal("run-due", "--now", tomorrow)["code"] == "now_in_future"
    assert _stored(loaded.json("status", REF)) == before


def _stored(status: dict[str, Any]) -> dict[str, Any]:
    """A status without the instant it was read at (`read_at`, to the second): what two
    readings of an unchanged convention share, however far apart."""
    return {key: value for key, value in status.items() if key != "read_at"}


def test_an_unknown_holiday_subdivision_is_refused_by_name(convflow: Convflow) -> None:
    convflow.env["CONVFLOW_HOLIDAY_SUBDIVISION"] = "99"
    result = convflow.english("deadline", "dispute", "--received", "2025-04-18")
    assert result.exit_code == 1
    assert "CONVFLOW_HOLIDAY_SUBDIVISION: '99' is not a subdivision of France's holidays" in (
        result.stderr
    )
    assert "57" in result.stderr  # the known ones are listed


def test_a_settings_file_takes_either_form_of_names(convflow: Convflow, tmp_path: Path) -> None:
    settings = tmp_path / "convflow.toml"
    settings.write_text("CONVFLOW_REMINDER_HOUR = 8\nextend_acts = false\n", encoding="utf-8")
    convflow.env["CONVFLOW_CONFIG"] = str(settings)
    rows = {row["variable"]: row for row in convflow.json("config")}
    assert (rows["CONVFLOW_REMINDER_HOUR"]["value"], rows["CONVFLOW_REMINDER_HOUR"]["source"]) == (
        "8", "file",
    )  # fmt: skip
    assert rows["CONVFLOW_EXTEND_ACTS"]["value"] == "no"  # as README writes it
    settings.write_text("reminder_hour = 8\nCONVFLOW_REMINDER_HOUR = 9\n", encoding="utf-8")
    result = convflow("config")
    assert result.exit_code == 1 and "reminder_hour est réglé deux fois" in result.stderr
    assert convflow.refusal("config")["code"] == "setting_set_twice"


def test_status_counts_reminders_by_what_became_of_them(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2025, 3, 11, 9, 0, tzinfo=UTC)  # in force, its reminders to come
    _in_force(loaded)
    text = loaded.ok("status", REF)
    assert "rappels      4 prévu(s), 1 annulé(s) (convflow reminders REF)" in text


def test_a_date_written_the_french_way_in_a_file_says_how_to_write_it(
    convflow: Convflow, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("end_date = 2025-12-31", 'end_date = "31/12/2025"'))
    result = convflow.english("import", str(bad))
    assert result.exit_code == 1
    assert "end_date: '31/12/2025' is not a date: write it as 2025-12-31" in result.stderr


def test_importing_without_its_history_a_convention_whose_term_is_past_says_what_to_do(
    convflow: Convflow,
) -> None:
    result = convflow("import", "--without-history", str(EXAMPLE))  # its term is past
    assert result.exit_code == 0
    assert "AMP-CRPV-PACA-2025\u00a0: chargée, état en préparation (draft)" in result.stdout
    assert (
        "son terme (31 décembre 2025) est passé\u00a0: enregistrez ses événements" in result.stderr
    )
    assert "ne peut plus être signée" not in result.stderr  # what README then does


def test_importing_a_convention_with_its_history_records_its_life_and_emails_nobody(
    convflow: Convflow, tmp_path: Path
) -> None:
    convflow.env["CONVFLOW_LATE_RECORD_DAYS"] = "2"  # the default: 2025 is old news
    result = convflow("import", str(EXAMPLE))
    assert result.exit_code == 0
    assert "état en exécution (execution)" in result.stdout
    assert "5 événement(s) passé(s) enregistré(s) depuis son fichier" in result.stdout
    assert "le service enregistre son expiration à son passage suivant" in result.stderr

    history = convflow.json("history", REF)
    assert [(h["event"], h["date"]) for h in history] == [
        ("import", history[0]["date"]), ("submit", "2025-03-03"), ("sign", "2025-03-05"),
        ("sign", "2025-03-10"), ("notify", "2025-03-20"), ("pay", "2025-04-01"),
    ]  # fmt: skip
    convflow.ok("run-due")
    assert convflow.json("status", REF)["state"] == "expired"
    assert not list((tmp_path / "mail").glob("*.eml"))  # nobody emailed about 2025
    assert {row["status"] for row in convflow.json("outbox")} == {"withheld"}


def test_a_history_event_the_lifecycle_refuses_names_its_entry_and_line(
    convflow: Convflow, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'event = "notify"', 'event = "settle"'), encoding="utf-8")  # fmt: skip

    refused = convflow.refusal("import", str(bad))

    assert refused["code"] == "invalid_transition"
    assert refused["params"]["field"] == "history[3]" and refused["params"]["line"] > 50
    assert convflow.json("list") == []  # nothing was written


def test_history_out_of_date_order_is_refused_before_anything_is_written(
    convflow: Convflow, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "on = 2025-03-20", "on = 2025-02-20"), encoding="utf-8")  # fmt: skip

    refused = convflow.refusal("import", str(bad))

    assert refused["code"] == "history_out_of_order"
    lines = bad.read_text(encoding="utf-8").splitlines()
    dated = next(n for n, line in enumerate(lines) if line.startswith("on = 2025-02-20"))
    entry = max(n for n in range(dated) if lines[n] == "[[history]]") + 1  # its line
    # the fourth entry (notify), dated before the third: named as the others refusals name it
    assert (refused["params"]["field"], refused["params"]["line"]) == ("history[3]", entry)
    assert f"bad.toml, ligne {entry}\u00a0: Historique (history[3])\u00a0: " in refused["message"]
    assert convflow.json("list") == []


def test_the_award_decision_is_recorded_and_shown_in_status(loaded: Convflow) -> None:
    data = loaded.json("award", REF, "--decision", "DEL-BUR-2025-042", "--adopted", "2025-02-13",
                       "--published", "2025-02-17", "--transmitted", "2025-02-18",
                       "--on", "2025-02-20")  # fmt: skip
    assert data["inputs"]["enforceable"] == "2025-02-18"
    assert [d["kind"] for d in data["deadlines"]] == ["prefect_referral", "third_party_challenge"]

    text = loaded.ok("status", REF)

    assert "Délibération DEL-BUR-2025-042 exécutoire le mardi 18 février 2025" in text
    assert "Déféré préfectoral (CGCT L2131-6, L5211-3)" in text
    refused = loaded.refusal("award", REF, "--decision", "D", "--adopted", "2025-02-13",
                             "--published", "2025-02-01", "--on", "2025-02-21")  # fmt: skip
    assert refused["code"] == "award_date_before_adoption"


def test_the_open_data_export_names_the_row_it_cannot_publish(loaded: Convflow) -> None:
    loaded.env["CONVFLOW_OPEN_DATA_THRESHOLD"] = "23000"  # the default (the suite raises it)
    assert loaded("export", "scdl").exit_code == 0  # a draft is not due for publication
    for event, on, inputs in (("submit", "2025-03-03", ()),
                              ("sign", "2025-03-05", ("signatory=" + METROPOLE,)),
                              ("sign", "2025-03-10", ("signatory=" + CRPV,))):  # fmt: skip
        loaded.ok("event", REF, event, *inputs, "--on", on)

    result = loaded("export", "scdl")

    assert result.exit_code == 1
    assert result.stdout.startswith("nomAttribuant,idAttribuant,dateConvention,")
    assert result.stdout.count("\n") == 1  # the header: the GIP's SIRET is not in its file
    assert "AMP-CRPV-PACA-2025" in result.stderr and "ni SIRET ni numéro RNA" in result.stderr
    data = json.loads(loaded("export", "scdl", "--json").stdout)
    assert (data["published"], data["refused"][0]["field"]) == (0, "idBeneficiaire")


def test_a_paper_is_attached_listed_and_read_back(loaded: Convflow, tmp_path: Path) -> None:
    paper = tmp_path / "accuse-reception.txt"
    paper.write_text("Avis de réception : distribué le 5 mai 2025.\n", encoding="utf-8")

    done = loaded.json("attach", REF, str(paper), "--kind", "acknowledgement", "--event", "1",
                       "--received-on", "2025-05-05")  # fmt: skip

    assert (done["media_type"], done["received_on"], done["event"]) == (
        "text/plain", "2025-05-05", 1,
    )  # fmt: skip
    assert "accuse-reception.txt" in loaded.ok("documents", REF)
    back = tmp_path / "back.txt"
    loaded.ok("document", "get", done["sha256"], "-o", str(back))
    assert back.read_bytes() == paper.read_bytes()
    refused = loaded.refusal("attach", REF, str(paper), "--event", "99")
    assert refused["code"] == "no_such_history_line"


def test_a_letter_written_for_sending_is_kept_among_the_papers(
    convflow: Convflow, tmp_path: Path
) -> None:
    convflow.ok("import", str(EXAMPLE))  # its 2025 life: in execution
    out = tmp_path / "resiliation.pdf"

    said = convflow.ok("letter", REF, "termination", "-o", str(out), "--on", "2025-04-01",
                       "--attach")  # fmt: skip

    assert out.read_bytes().startswith(b"%PDF") and "gardée parmi les pièces" in said
    papers = convflow.json("documents", REF)
    kept = [(p["kind"], p["name"]) for p in papers]
    assert kept == [("letter", "lettre-termination-2025-04-01.pdf")]
    refused = convflow("letter", REF, "dispute", "-o", str(tmp_path / "litige.pdf"))
    assert refused.exit_code == 1 and "doit exposer la difficulté" in refused.stderr


def test_a_letter_written_after_midnight_in_paris_is_dated_the_paris_day(
    convflow: Convflow, tmp_path: Path, cli_clock: CliClock
) -> None:
    """A letter is dated the civil day it is written in Paris (docs/LEGAL-DEADLINES.md, rule 1:
    French law counts in civil dates in Europe/Paris): at 23:30 UTC on 31 December 2026 it is
    already 1 January 2027 in Paris, and a letter dated « 31 décembre 2026 » would be a day
    and a year early; the papers' list says the Paris day it was added too."""
    convflow.ok("import", str(EXAMPLE))
    cli_clock.now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

    convflow.ok("letter", REF, "termination", "-o", str(tmp_path / "lettre.pdf"), "--attach")

    kept = [p["name"] for p in convflow.json("documents", REF)]
    assert kept == ["lettre-termination-2027-01-01.pdf"]
    assert "vendredi 1er janvier 2027" in convflow.ok("documents", REF)


def test_a_letter_does_not_replace_a_file_already_there_unless_forced(
    convflow: Convflow, tmp_path: Path
) -> None:
    """A letter in Word is edited by hand before it is signed: written again over it, the
    edits would be lost. convflow's own exports (dossier, open data) are replaced."""
    convflow.ok("import", str(EXAMPLE))
    edited = tmp_path / "resiliation.docx"
    edited.write_bytes(b"edited by hand")

    refused = convflow("letter", REF, "termination", "--format", "docx", "-o", str(edited))

    assert refused.exit_code == 1 and f"«\u00a0{edited}\u00a0» existe déjà" in refused.stderr
    assert "--force" in refused.stderr and edited.read_bytes() == b"edited by hand"
    convflow.ok("letter", REF, "termination", "--format", "docx", "-o", str(edited), "--force")
    assert edited.read_bytes().startswith(b"PK")
    dossier = tmp_path / "dossier.zip"
    dossier.write_bytes(b"yesterday's")
    convflow.ok("dossier", REF, "-o", str(dossier))
    assert dossier.read_bytes().startswith(b"PK")


def test_the_dossier_is_written_with_its_manifest(convflow: Convflow, tmp_path: Path) -> None:
    import zipfile

    convflow.ok("import", str(EXAMPLE))
    out = tmp_path / "dossier.zip"

    said = convflow.ok("dossier", REF, "-o", str(out))

    assert "dossier écrit dans" in said
    names = zipfile.ZipFile(out).namelist()
    assert {"MANIFEST.sha256", "historique.csv", "historique.pdf", "etat.json"} <= set(names)


WRITERS = {
    "export": ["export", "scdl", "-o", "{folder}/subventions.csv"],
    "dossier": ["dossier", REF, "-o", "{folder}/dossier.zip"],
    "letter": ["letter", REF, "termination", "-o", "{folder}/resiliation.pdf"],
    "letter-attach": ["letter", REF, "termination", "-o", "{folder}/resiliation.pdf", "--attach"],
    "document": ["document", "get", "0" * 64, "-o", "{folder}/piece.pdf"],
    "emails": ["emails", "--sample", "-o", "{folder}/EMAILS.md"],
    "extract": ["extract", str(EXAMPLE), "-o", "{folder}/convention.toml"],
}
"""Every command that writes a file (-o), with the file it is told to write."""


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_file_to_write_in_a_folder_that_does_not_exist_is_refused_in_one_line_first(
    convflow: Convflow, name: str
) -> None:
    convflow.ok("import", str(EXAMPLE))  # its 2025 life: in execution, every letter possible
    history = convflow.json("history", REF)
    args = [a.format(folder="/nonexistent/dossier") for a in WRITERS[name]]

    result = convflow(*args)

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Erreur\u00a0: Fichier à écrire (output)\u00a0: «\u00a0/nonexistent/dossier\u00a0» n'est "
        "pas un dossier "
        "existant\n"
    )
    if name in ("export", "emails", "extract"):  # the commands that speak JSON
        refused = convflow.refusal(*args)
        assert (refused["code"], refused["params"]) == (
            "not_a_directory", {"field": "output", "value": "/nonexistent/dossier"}
        )  # fmt: skip
    english = convflow.english(*args)
    assert english.stderr == "Error: output: '/nonexistent/dossier' is not an existing folder\n"
    assert convflow.json("history", REF) == history
    assert convflow.json("documents", REF) == []


def test_a_folder_given_as_the_file_to_write_is_refused(convflow: Convflow, tmp_path: Path) -> None:
    convflow.ok("import", str(EXAMPLE))

    result = convflow("dossier", REF, "-o", str(tmp_path))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur\u00a0: Fichier à écrire (output)\u00a0: «\u00a0{tmp_path}\u00a0» est un "
        f"dossier\u00a0: donnez le nom du "
        "fichier à écrire\n"
    )
    refused = convflow.refusal("export", "scdl", "-o", str(tmp_path))
    assert (refused["code"], refused["params"]["value"]) == ("output_is_a_directory", str(tmp_path))


def test_a_letter_that_could_not_be_written_is_not_kept_among_the_papers(
    convflow: Convflow,
) -> None:
    convflow.ok("import", str(EXAMPLE))

    missing = convflow("letter", REF, "termination", "-o", "/nonexistent/l.pdf", "--attach")

    assert (
        missing.exit_code == 1
        and "«\u00a0/nonexistent\u00a0» n'est pas un dossier" in missing.stderr
    )
    assert convflow.json("documents", REF) == []
    if Path("/dev/full").exists():  # a disk full: found only when the letter is written
        full = convflow("letter", REF, "termination", "-o", "/dev/full", "--attach")
        assert full.exit_code == 1 and full.stderr.startswith(
            "Erreur\u00a0: Fichier à écrire (output)\u00a0: «\u00a0/dev/full\u00a0» n'a pas pu "
            "être écrit\u00a0: "
        )
        assert convflow.json("documents", REF) == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["event", REF, "submit", "--on", "2025-02-30"], "Date de l'événement (on)"),
        (["deadline", "dispute", "--received", "2025-02-30"],
         "Date de réception de la lettre (received)"),
        (["deadline", "expiry", "--term", "2025-02-30"], "Terme de la convention (term)"),
        (["award", REF, "--decision", "DEL-1", "--adopted", "2025-02-30"],
         "Date d'adoption (adopted)"),
        (["run-due", "--now", "2025-02-30"], "Instant (now)"),
        (["simulate", REF, "--until", "2025-02-30"], "Dernier jour simulé (until)"),
        (["committee", REF, "add", "--date", "2025-02-30"], "Date de la réunion (date)"),
        (["attach", REF, str(EXAMPLE), "--received-on", "2025-02-30"],
         "Date de réception de l'accusé (received_on)"),
    ],
)  # fmt: skip
def test_a_bad_date_given_as_an_option_is_refused_as_the_same_date_given_as_an_input(
    loaded: Convflow, args: list[str], field: str
) -> None:
    history = loaded.json("history", REF)

    result = loaded(*args)

    assert (result.exit_code, result.stdout) == (1, "")  # invalid input, as README says
    assert result.stderr == (
        f"Erreur\u00a0: {field}\u00a0: «\u00a02025-02-30\u00a0» n'est pas une date du "
        f"calendrier\u00a0: le format "
        "AAAA-MM-JJ est bon, mais ce jour n'existe pas\n"
    )
    assert loaded.refusal(*args)["code"] == "not_a_calendar_date"
    as_input = loaded("event", REF, "open_dispute", "party=crpv", "received=2025-02-30")
    assert as_input.exit_code == result.exit_code
    assert loaded.json("history", REF) == history


def test_event_help_names_every_event_a_person_records_with_its_required_inputs() -> None:
    shown = CliRunner().invoke(cli, ["event", "--help"]).output
    lines = {line.split()[0]: line for line in shown.splitlines() if line.strip()}

    for event in (*PERSON_EVENTS, *SIDE_RECORDS):
        assert event in lines, f"{event} is missing from `convflow event --help`"
        for required in INPUTS[event].required:
            assert f"{required}=" in lines[event], (event, required)
    assert "instalment=N" in lines["pay"]


def test_a_file_written_again_is_replaced_whole_and_nothing_is_left_beside_it(
    loaded: Convflow, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "subventions.csv"
    target.write_text("an older export\n", encoding="utf-8")

    loaded.ok("export", "scdl", "-o", str(target))

    assert target.read_text(encoding="utf-8").startswith("nomAttribuant,idAttribuant,")
    assert [path.name for path in folder.iterdir()] == ["subventions.csv"]  # no .partial


def test_a_notice_overtaken_by_the_term_says_the_term_ends_the_convention(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    """A letter received on 23 December: its six months would end on 23 June 2026, after the
    term (31 December 2025). The line says the notice is without effect and the term ends the
    convention, not that a termination takes effect on the 31st; `--json` adds what ends it."""
    cli_clock.now = datetime(2025, 12, 24, 9, 0, tzinfo=UTC)
    _in_force(loaded)
    text = loaded.ok("event", REF, "give_notice", "party=crpv", "received=2025-12-23")
    line = " ".join(text.splitlines()[1].split())
    assert line == (
        "la résiliation prendrait effet le mardi 23 juin 2026, après le terme : sans effet ; "
        "la convention prend fin à son terme, le mercredi 31 décembre 2025, "
        "fin mercredi 31 décembre 2025 à 24 h (heure de Paris)"
    )
    assert "prise d'effet de la résiliation" not in text


def test_a_recorded_events_json_keeps_its_keys_and_says_what_ends_a_notice(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    _in_force(loaded)
    data = loaded.json("event", REF, "give_notice", "party=crpv", "received=2025-06-02")
    assert set(data) == {"reference", "event", "from_state", "to_state", "on", "actor",
                         "inputs", "version", "deadlines"}  # fmt: skip
    [deadline] = data["deadlines"]
    assert {k: deadline[k] for k in ("kind", "due_date", "ends_by", "notice_end")} == {
        "kind": "termination", "due_date": "2025-12-02", "ends_by": "termination",
        "notice_end": "2025-12-02",
    }  # fmt: skip
    assert "expires_at" in deadline


def test_paying_a_single_payment_the_metropole_forwent_says_so(loaded: Convflow) -> None:
    """The reference convention is paid in one payment of 200 000 €; the Métropole forgoes it
    on 15 April 2025 (rule 25). A payment recorded after is refused as an instalment forgone
    is, with the day it was forgone (before: « n'est pas possible quand la convention est en
    exécution », the generic refusal), and nothing is written."""
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10"),
                 ("notify", "--on", "2025-03-20"),
                 ("forgo_payment", "reason=subvention réduite", "--on", "2025-04-15")):  # fmt: skip
        loaded.ok("event", REF, *args)
    before = loaded.json("history", REF)
    result = loaded("event", REF, "pay", "amount=200000.00", "--on", "2025-04-20")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Erreur\u00a0: «\u00a0Enregistrer le versement (pay)\u00a0» refusé\u00a0: la Métropole "
        "a renoncé au versement le 15 avril 2025\u00a0: rien n'est plus dû à ce titre"
    ]
    refusal = loaded.refusal("event", REF, "pay", "amount=200000.00", "--on", "2025-04-20")
    assert (refusal["code"], refusal["params"]) == (
        "payment_forgone", {"reference": REF, "event": "pay", "forgone_on": "2025-04-15"},
    )  # fmt: skip
    english = loaded.english("event", REF, "pay", "amount=200000.00", "--on", "2025-04-20")
    assert english.stderr.strip() == (
        f"Error: {REF}: 'pay' refused: the Métropole forwent the payment on 2025-04-15: nothing "
        "is owed on it any more"
    )
    assert loaded.json("history", REF) == before


def test_a_letter_refused_names_the_letter_by_its_label(convflow: Convflow, tmp_path: Path) -> None:
    """A refused letter is named as a person reads it (« lettre de résiliation »), with the kind
    as typed, the way a refused event is: not « « letter » refusé » nor the kind's code alone."""
    convflow.ok("import", "--without-history", str(EXAMPLE))  # in preparation: no letter yet

    refused = convflow("letter", REF, "termination", "-o", str(tmp_path / "l.pdf"))
    draft = convflow("letter", REF, "amendment", "-o", str(tmp_path / "a.pdf"))

    assert refused.exit_code == 1 and draft.exit_code == 1
    said = refused.stderr.replace("\u00a0", " ")
    assert "« lettre de résiliation (termination) » refusé :" in said, said
    assert "« letter »" not in said and "« termination »" not in said
    assert "« projet d'avenant (amendment) » refusé :" in draft.stderr.replace("\u00a0", " ")
    english = convflow.english("letter", REF, "termination", "-o", str(tmp_path / "l.pdf"))
    assert "'termination letter (termination)' refused" in english.stderr, english.stderr
