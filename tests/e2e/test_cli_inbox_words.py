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
