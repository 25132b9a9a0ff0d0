"""One label per public name on the command line, as README promises: a reminder is said as
`reminders` says it (« saisine », « relance n° 2 ») by `run-due` and `simulate` too; an event,
an email kind and a line's event are said « label (code) », the code a person types or reads in
`--json` after its French label. `--json` keeps the names, a public contract."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from states.calendar import at_paris_time
from tests.e2e.conftest import EXAMPLE, REF, CliClock, Convflow
from tests.e2e.test_simulate import convention_ending_in, today

METROPOLE = "martial.alvarez@example.org"
CRPV = "mustapha.berra@example.org"


def _in_dispute(convflow: Convflow, tmp_path: Path) -> None:
    """A dispute whose amicable window (30 days) ended five days ago, recorded today: its
    reminders, the court's one too, are known late."""
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 400)))
    signed = (today() - timedelta(days=40)).isoformat()
    received = (today() - timedelta(days=35)).isoformat()
    dispute = ["open_dispute", "party=crpv", f"received={received}", "--on", received]
    for args in (["submit", "--on", signed], ["sign", f"signatory={METROPOLE}", "--on", signed],
                 ["sign", f"signatory={CRPV}", "--on", signed], ["notify", "--on", signed],
                 dispute):  # fmt: skip
        convflow.ok("event", REF, *args)


def test_run_due_says_the_court_reminder_as_reminders_does(
    convflow: Convflow, tmp_path: Path
) -> None:
    loaded = convflow
    _in_dispute(loaded, tmp_path)
    listed = loaded.ok("reminders", REF)
    assert "saisine" in listed

    text = loaded.ok("run-due", "--no-send")

    said = [line for line in text.splitlines() if "règlement amiable" in line and "→" in line]
    assert any("règlement amiable saisine →" in line for line in said), text
    assert " court →" not in text
    data = loaded.json("reminders", REF)
    assert "court" in {r["label"] for r in data}  # the contract, unchanged


def test_simulate_says_the_court_reminder_as_reminders_does(
    convflow: Convflow, tmp_path: Path
) -> None:
    loaded = convflow
    _in_dispute(loaded, tmp_path)
    until = (today() + timedelta(days=5)).isoformat()

    text = loaded.ok("simulate", REF, "--until", until)
    data = loaded.json("simulate", REF, "--until", until)

    assert "saisine\u00a0: non envoyé" in text, text
    assert "court\u00a0:" not in text
    assert "court" in {h["label"] for h in data}  # the contract, unchanged


def test_run_due_and_simulate_say_a_weekly_reminder_as_reminders_does(
    convflow: Convflow, tmp_path: Path, cli_clock: CliClock
) -> None:
    cli_clock.now = at_paris_time(today(), 10)
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 400)))
    convflow.ok("event", REF, "submit", "--on", (today() - timedelta(days=10)).isoformat())
    convflow.ok("run-due", "--no-send")  # the signature target passed: weekly reminders
    assert "relance n°\u00a01" in convflow.ok("reminders", REF)
    until = (today() + timedelta(days=30)).isoformat()

    text = convflow.ok("simulate", REF, "--until", until)
    cli_clock.now = at_paris_time(today() + timedelta(days=5), 10)
    done = convflow.ok("run-due", "--no-send")

    assert "relance n°\u00a01\u00a0: envoyé" in text and "relance-" not in text, text
    # --no-send: queued, not sent (test_run_due_no_send)
    assert "objectif de signature relance n°\u00a01 → mis en file d'envoi" in done, done
    assert "relance-" not in done
    assert "relance-1" in {r["label"] for r in convflow.json("reminders", REF)}


def test_a_token_holder_is_said_in_french_and_stored_as_it_is() -> None:
    """The history stores 'alice (token)' (its JSON and the API too); people read French."""
    from workflow.wording.words import Words

    assert Words("fr").actor("alice (token)") == "alice (jeton d'accès)"
    assert Words("en").actor("alice (token)") == "alice (access token)"
    assert Words("fr").actor("alice") == "alice"


def test_event_status_and_outbox_say_each_name_as_label_then_code(loaded: Convflow) -> None:
    """README: « en préparation (draft) »; the code stays, administrators type event names."""
    loaded.ok("event", REF, "submit", "--on", "2025-03-03")
    loaded.ok("event", REF, "sign", f"signatory={METROPOLE}", "--on", "2025-03-03")
    loaded.ok("event", REF, "sign", f"signatory={CRPV}", "--on", "2025-03-03")
    loaded.ok("event", REF, "notify", "--on", "2025-03-04")

    done = loaded.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-03-05")
    status = loaded.ok("status", REF)
    outbox = loaded.ok("outbox")

    # recorded on the test's clock, 6 December 2026: both days are said
    assert done.startswith(f"{REF}\u00a0: Versement (pay) du 5 mars 2025, enregistré le "
                           "6 décembre 2026 par alice"), done  # fmt: skip
    assert "état notifiée, en attente de versement (payment) → en exécution (execution)" in done
    assert "(événements possibles\u00a0: Litige notifié (open_dispute), Résiliation notifiée " \
        "(give_notice))" in status, status  # fmt: skip
    assert "ligne 4, Signature (sign) — sans pièce" in status, status
    assert "Demande de signature (signature_requested)" in outbox, outbox
    assert "Versement enregistré (payment_recorded)" in outbox
    assert "  signature_requested  " not in outbox
    emails = loaded.json("outbox")  # the contract, unchanged
    assert "signature_requested" in {e["kind"] for e in emails}


def test_history_says_each_event_and_state_as_label_then_code(loaded: Convflow) -> None:
    """README: « en préparation (draft) »; `history` read « submit  draft → signature »."""
    loaded.ok("event", REF, "submit", "--on", "2025-03-03")
    loaded.ok("event", REF, "sign", f"signatory={METROPOLE}", "--on", "2025-03-03")
    loaded.ok("event", REF, "sign", f"signatory={CRPV}", "--on", "2025-03-03")

    text = loaded.ok("history", REF)

    lines = text.splitlines()[2:]
    assert "Convention chargée (import)" in lines[0] and "— → en préparation (draft)" in lines[0]
    assert "Soumise à signature (submit)" in lines[1] and "lundi 3 mars 2025" in lines[1], text
    assert "en préparation (draft) → en signature (signature)" in lines[1], text
    assert "Signature (sign)" in lines[3]
    assert "en signature (signature) → signée, à notifier (notification)" in lines[3], text
    assert " draft → " not in text and "  submit  " not in text and "2025-03-03" not in text
    data = loaded.json("history", REF)  # the contract, unchanged
    assert [(r["event"], r["to_state"]) for r in data][1] == ("submit", "signature")


def test_simulate_names_each_email_as_outbox_does(
    convflow: Convflow, tmp_path: Path, cli_clock: CliClock
) -> None:
    cli_clock.now = at_paris_time(today(), 10)
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 400)))
    convflow.ok("event", REF, "submit", "--on", (today() - timedelta(days=10)).isoformat())
    convflow.ok("run-due", "--no-send")  # the signature target passed: weekly reminders
    until = (today() + timedelta(days=8)).isoformat()

    text = convflow.ok("simulate", REF, "--until", until)
    data = convflow.json("simulate", REF, "--until", until)
    cli_clock.now = at_paris_time(today() + timedelta(days=8), 10)
    convflow.ok("run-due", "--no-send")  # what simulate said, done
    outbox = convflow.ok("outbox")

    said = "Relance\u00a0: signature attendue (reminder_signature)"
    assert said in text and said in outbox, text
    assert "reminder_signature" in {h["email"] for h in data}  # the contract, unchanged


def _financial_report_owed(convflow: Convflow, tmp_path: Path) -> None:
    """The reference convention, its 2025 financial report owed by the convention (rule 20),
    notified: in payment, the report due on 30 June 2026."""
    text = EXAMPLE.read_text(encoding="utf-8")
    owed = text.replace(
        "\n[clauses]\n", '\n[financial_report]\nbasis = "by_convention"\nyear = 2025\n\n[clauses]\n'
    )
    assert owed != text
    path = tmp_path / "convention.toml"
    path.write_text(owed, encoding="utf-8")
    convflow.ok("import", "--without-history", str(path))
    for args in (["submit", "--on", "2025-03-03"], ["sign", f"signatory={METROPOLE}", "--on",
                 "2025-03-03"], ["sign", f"signatory={CRPV}", "--on", "2025-03-03"],
                 ["notify", "--on", "2025-03-04"]):  # fmt: skip
        convflow.ok("event", REF, *args)


def test_the_financial_report_received_before_the_end_is_named_as_such(
    convflow: Convflow, tmp_path: Path
) -> None:
    """Rule 20's report received while the payment is awaited: `event`, `history` and the
    reminders it cancels named it « Document reçu pour un versement », an instalment's."""
    _financial_report_owed(convflow, tmp_path)

    done = convflow.ok("event", REF, "report_received", "report=financial", "--on", "2025-03-05")
    history = convflow.ok("history", REF)
    reminders = convflow.json("reminders", REF)

    said = "Compte rendu financier reçu (report_received)"
    assert done.startswith(f"{REF}\u00a0: {said} du 5 mars 2025, enregistré le "), done
    [line] = [line for line in history.splitlines() if "report=financial" in line]
    assert said in line, history
    assert "Document reçu pour un versement" not in done + history
    notes = {r["note"] for r in reminders if r["kind"] == "financial_report"}
    assert notes == {
        "sans objet\u00a0: l'échéance a été close par l'événement "
        "«\u00a0Compte rendu financier reçu\u00a0»"
    }, notes
    data = convflow.json("history", REF)  # the contract, unchanged
    assert (data[-1]["event"], data[-1]["inputs"]) == ("report_received", {"report": "financial"})
