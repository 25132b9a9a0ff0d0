"""`convflow cancel-email ID --reason TEXT`: an administrator cancels an email waiting in the
outbox; one being sent, sent, failed, cancelled already or never to be sent is refused naming
its status, as an unknown number; `convflow outbox` lists the cancelled one with its note.

The reference convention's emails, queued by `convflow event` (none delivered: the test puts
each in the status it needs through the outbox's own repository, as a sender would), on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from storage.outbox import Email, Reached
from tests.e2e.conftest import CRPV, METROPOLE, REF, ROOT, CliClock, Convflow
from workflow.bootstrap import App
from workflow.settings import load_settings

LEASE = timedelta(seconds=900)
WHY = "adresse corrigée par l'avenant n° 1"


@pytest.fixture
def app(settings_env: dict[str, str], cli_clock: CliClock) -> Iterator[App]:
    """convflow's service layer on the command line's database, on its clock."""
    application = App.create(load_settings(settings_env))
    application.clock = cli_clock
    yield application
    application.close()


@pytest.fixture
def statuses(loaded: Convflow, app: App, cli_clock: CliClock) -> dict[str, int]:
    """The reference convention's four emails of 2025, each in one status (by id): the request
    to sign sent, the entry into force given up (failed), the award being sent, the payment
    waiting behind it; and one recorded after the fact (late)."""
    for args in (["submit", "--on", "2025-03-03"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
                 ["sign", f"signatory={CRPV}", "--on", "2025-03-10"],
                 ["notify", "--on", "2025-03-20"],
                 ["pay", "amount=200000.00", "--on", "2025-04-01"]):  # fmt: skip
        loaded.ok("event", REF, *args)
    ids = {e["kind"]: e["id"] for e in loaded.json("outbox")}
    now = cli_clock.now
    for kind in ("signature_requested", "convention_in_force", "award_notified"):
        with app.uow() as uow:  # each claimed alone: the next waits behind it (same recipients)
            [row] = uow.outbox.claim(now, 25, LEASE, "sender")
            assert row.id == ids[kind]
            if kind == "signature_requested":
                uow.outbox.sent(row.id, "Objet", now, "sender")
            elif kind == "convention_in_force":
                uow.outbox.fail(row.id, "550 5.1.1 No such user", None, "sender")
            uow.commit()
    with app.uow() as uow:
        convention = uow.conventions.find_id(REF)
        context = {"kind": "payment_recorded", "reference": REF, "reminder_id": None}
        late = Email(convention, "payment_recorded", "<late@convflow.test>", "late", "convflow",
                     [METROPOLE], [], context, status="late")  # fmt: skip
        ids["late"] = uow.outbox.queue(late, now)
        uow.commit()
    return ids


def test_a_waiting_email_is_cancelled_and_listed_with_who_cancelled_it_and_why(
    loaded: Convflow, statuses: dict[str, int]
) -> None:
    payment = statuses["payment_recorded"]
    said = loaded.ok("cancel-email", str(payment), "--reason", WHY, "--by", "alice")
    assert said == (
        f"courriel n°\u00a0{payment} annulé\u00a0: il ne sera pas envoyé à {METROPOLE}, {CRPV}\n"
    )
    [email] = [e for e in loaded.json("outbox") if e["id"] == payment]
    note = f"annulé par alice le dimanche 6 décembre 2026 à 11:00 (heure de Paris)\u00a0: {WHY}"
    assert (email["status"], email["last_error"], email["delivered_to"]) == ("cancelled", note, [])
    listing = loaded.ok("outbox")
    [line] = [line for line in listing.splitlines() if line.startswith(f"{payment} ")]
    assert "annulé" in line and "annulé par alice le dimanche 6 décembre" in line
    assert "annulé (1)" in listing.splitlines()[-1]  # the summary counts it
    # `outbox` as it was: its options, its JSON keys
    assert loaded.json("outbox", "--failed", "--limit", "5")[0]["status"] == "failed"

    again = loaded.refusal("cancel-email", str(payment), "--reason", WHY)
    assert again["code"] == "email_already_cancelled"
    assert again["message"] == (
        f"le courriel n°\u00a0{payment} est déjà annulé (`convflow outbox` dit pourquoi)"
    )


def test_a_partly_delivered_email_is_cancelled_for_the_others_and_listed_with_whom_it_reached(
    loaded: Convflow, statuses: dict[str, int], app: App, cli_clock: CliClock
) -> None:
    award = statuses["award_notified"]
    now = cli_clock.now
    with app.uow() as uow:  # the server took it for Martial, deferred it for the GIP
        uow.outbox.retry(award, now + timedelta(minutes=1), "451 4.2.1 try later (crpv)",
                         "sender", Reached((METROPOLE,)), "Objet")  # fmt: skip
        uow.commit()
    said = loaded.ok("cancel-email", str(award), "--reason", WHY, "--by", "alice")
    assert said.splitlines() == [
        f"courriel n°\u00a0{award} annulé\u00a0: il ne sera pas envoyé à {CRPV}",
        f"il avait déjà été remis à {METROPOLE}",
    ]
    [email] = [e for e in loaded.json("outbox") if e["id"] == award]
    assert (email["status"], email["delivered_to"]) == ("cancelled", [METROPOLE])
    assert email["last_error"] == (
        f"annulé pour {CRPV} par alice le dimanche 6 décembre 2026 à 11:00 (heure de Paris)\u00a0: "
        f"{WHY} (dernière tentative\u00a0: 451 4.2.1 try later (crpv))"
    )
    [line] = [line for line in loaded.ok("outbox").splitlines() if line.startswith(f"{award} ")]
    assert f"{METROPOLE}, {CRPV} (remis à\u00a0: {METROPOLE})" in line


@pytest.mark.parametrize(
    ("kind", "code", "words"),
    [
        ("award_notified", "email_being_sent",
         "est en cours d'envoi, pris par le service le dimanche 6 décembre 2026 à 11:00 (heure "
         "de Paris)\u00a0: il ne peut plus être annulé"),
        ("signature_requested", "email_already_sent",
         "est déjà envoyé, le dimanche 6 décembre 2026 à 11:00 (heure de Paris)\u00a0: il n'y a "
         "plus rien à annuler"),
        ("convention_in_force", "email_failed",
         "est en échec\u00a0: convflow a renoncé à l'envoyer"),
        ("late", "email_never_sent",
         "ne sera pas envoyé\u00a0: son événement a été enregistré après coup"),
    ],
)  # fmt: skip
def test_an_email_not_waiting_is_refused_naming_its_status_and_left_as_it_was(
    loaded: Convflow, statuses: dict[str, int], kind: str, code: str, words: str
) -> None:
    number = statuses[kind]
    before = [e for e in loaded.json("outbox") if e["id"] == number]
    refusal = loaded.refusal("cancel-email", str(number), "--reason", WHY)
    assert refusal["code"] == code and refusal["params"]["email"] == number
    assert refusal["message"].startswith(f"le courriel n°\u00a0{number} {words}"), refusal
    assert [e for e in loaded.json("outbox") if e["id"] == number] == before
    plain = loaded("cancel-email", str(number), "--reason", WHY)
    assert plain.exit_code == 1 and plain.stdout == ""
    assert plain.stderr.startswith(f"Erreur\u00a0: le courriel n°\u00a0{number} {words}")


def test_an_unknown_number_and_a_missing_or_blank_reason_are_refused(
    loaded: Convflow, statuses: dict[str, int]
) -> None:
    unknown = loaded.refusal("cancel-email", "9999", "--reason", WHY)
    assert (unknown["code"], unknown["params"]) == ("unknown_email", {"email": 9999})
    assert unknown["message"].startswith(
        "aucun courriel de la file d'envoi ne porte le n°\u00a09999"
    )
    assert "`convflow outbox` liste les courriels" in loaded("cancel-email", "9999", "--reason",
                                                             WHY).stderr  # fmt: skip
    assert loaded.refusal("cancel-email", str(2**40), "--reason", WHY)["code"] == "unknown_email"
    payment = str(statuses["payment_recorded"])
    assert loaded.refusal("cancel-email", payment, exit_code=2)["code"] == "missing_option"
    blank = loaded.refusal("cancel-email", payment, "--reason", "  \u200b ")
    assert (blank["code"], blank["params"]["field"]) == ("empty_text", "reason")
    assert loaded.refusal("cancel-email", "zéro", "--reason", WHY, exit_code=2)["code"] == (
        "not_a_whole_number"
    )
    assert [e["status"] for e in loaded.json("outbox") if e["id"] == int(payment)] == ["pending"]


def test_the_refusals_in_english(loaded: Convflow, statuses: dict[str, int]) -> None:
    said = loaded.english("cancel-email", str(statuses["convention_in_force"]), "--reason", WHY)
    number = statuses["convention_in_force"]
    assert said.exit_code == 1
    assert f"email {number} has failed: convflow gave up sending it" in said.stderr


def _help(language: str | None) -> str:
    """`convflow cancel-email --help` run as a person runs it, its blanks one space."""
    env = {key: value for key, value in os.environ.items() if key != "CONVFLOW_LANGUAGE"}
    if language:
        env["CONVFLOW_LANGUAGE"] = language
    done = subprocess.run(
        [sys.executable, "-m", "workflow.cli", "cancel-email", "--help"], cwd=ROOT, env=env,
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return " ".join(done.stdout.split())


def test_its_help_is_in_french() -> None:
    french = _help(None)
    assert french.startswith("Utilisation : convflow cancel-email [OPTIONS] ID ")
    assert "Annuler le courriel ID de la file d'envoi" in french
    assert "--reason TEXT Pourquoi il est annulé" in french
    assert "Cancel email" not in french
    assert "Cancel email ID of the outbox" in _help("en")
