"""What the command line says back to the clerk, as the inbox test (2026-12-07) read it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.conftest import CRPV, METROPOLE, REF, CliClock, Convflow


def in_execution(convflow: Convflow, clock: CliClock) -> None:
    """The reference convention signed, notified and paid in March 2025, each on its day."""
    for on, args in (("2025-03-03", ["submit"]), ("2025-03-05", ["sign", f"signatory={METROPOLE}"]),
                     ("2025-03-10", ["sign", f"signatory={CRPV}"]), ("2025-03-20", ["notify"]),
                     ("2025-04-01", ["pay", "amount=200000.00"])):  # fmt: skip
        clock.now = datetime.fromisoformat(f"{on}T10:00:00+00:00")
        convflow.ok("event", REF, *args)


def test_a_dispute_recorded_after_its_letter_is_echoed_with_both_days(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    """I2: « enregistré le 8 juin 2025 » was the letter's presentation, not the recording."""
    in_execution(loaded, cli_clock)
    cli_clock.now = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)

    done = loaded.ok("event", REF, "open_dispute", "party=metropole", "presented=2025-06-08",
                     "uncollected=yes")  # fmt: skip

    assert "enregistré le 8 juin 2025" not in done, done
    assert "du 8 juin 2025, enregistré le 10 juin 2025 par alice" in done, done


def test_an_event_recorded_on_its_day_says_one_day(loaded: Convflow, cli_clock: CliClock) -> None:
    in_execution(loaded, cli_clock)
    cli_clock.now = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)

    done = loaded.ok("event", REF, "open_dispute", "party=metropole", "received=2025-06-10")

    assert done.startswith(
        f"{REF}\u00a0: Litige notifié (open_dispute) enregistré le 10 juin 2025 par alice"
    ), done


# I3: `amend signatory.PARTY=…` replaces the party's whole list of representatives.
NEW = "Sophie Martin|Trésorière|sophie.martin@example.org"


def test_amend_s_help_says_a_party_s_representatives_are_all_replaced(convflow: Convflow) -> None:
    shown = " ".join(convflow.ok("amend", "--help").split())

    assert "un nouveau représentant" not in shown
    assert "remplace tous les représentants de la partie" in shown, shown
    assert "séparés par « ; »" in shown.replace("\u00a0", " "), shown


def test_amend_and_amendments_name_who_no_longer_represents_the_party(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    in_execution(loaded, cli_clock)
    cli_clock.now = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)

    drafted = loaded.ok("amend", REF, f"signatory.crpv={NEW}")
    listed = loaded.ok("amendments", REF)

    for said in (drafted, listed):
        assert "Mustapha Berra (Directeur-ordonnateur) → Sophie Martin (Trésorière)" in said, said
        assert f"l’avenant retire de la partie crpv\u00a0: Mustapha Berra <{CRPV}>" in said, said
        assert "«\u00a0;\u00a0»" in said, said  # how to keep one: list them too
    assert drafted.splitlines()[-1] == "1"  # its number, alone on the last line

    loaded.ok("event", REF, "submit", "--amendment", "1")
    loaded.ok("event", REF, "sign", f"signatory={METROPOLE}", "--amendment", "1")
    in_force = loaded.ok("event", REF, "sign", f"signatory={CRPV}", "--amendment", "1")
    assert f"l’avenant retire de la partie crpv\u00a0: Mustapha Berra <{CRPV}>" in in_force
    assert "«\u00a0;\u00a0»" not in in_force  # signed: nothing to keep any more


# I15: run-due said the announcement's sending time as the deadline's; then, on a late pass,
# the planned time as the time it was sent (it goes at the pass).


def test_run_due_says_the_deadline_s_day_and_the_announcement_s_time_apart(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    for on, args in (("2025-03-03", ["submit"]),
                     ("2025-03-05", ["sign", f"signatory={METROPOLE}"]),
                     ("2025-03-10", ["sign", f"signatory={CRPV}"]),
                     ("2025-03-20", ["notify"])):  # fmt: skip
        cli_clock.now = datetime.fromisoformat(f"{on}T10:00:00+00:00")
        loaded.ok("event", REF, *args)
    loaded.ok("run-due", "--no-send")
    cli_clock.now = datetime(2025, 4, 25, 10, 0, tzinfo=UTC)

    said = loaded.ok("run-due", "--no-send")

    # --no-send: the announcement queued, not sent (test_run_due_no_send)
    announced = [line for line in said.splitlines() if "→ annonce" in line]
    assert announced == [
        f"{REF}\u00a0: objectif de versement, échéance du samedi 19 avril 2025 à 24\u00a0h (heure "
        "de Paris) → annonce mise en file d'envoi (pas encore envoyée) à ce passage, prévue le "
        "dimanche 20 avril 2025 à 09:00 (heure de Paris) (état notifiée, en attente de versement "
        "(payment))"
    ], said
