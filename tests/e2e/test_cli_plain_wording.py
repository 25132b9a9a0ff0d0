"""What the command line prints reads as words, the way the emails say the same facts: no
internal event name in a reason, counts that agree with their number, a deadline's end on the
day it ends (« à 24 h »), an impossible day said to be one."""

from __future__ import annotations

from tests.e2e.conftest import CRPV, METROPOLE, REF, Convflow


def _in_force(convflow: Convflow, on: str) -> None:
    for args in (["submit", "--on", on], ["sign", f"signatory={METROPOLE}", "--on", on],
                 ["sign", f"signatory={CRPV}", "--on", on]):  # fmt: skip
        convflow.ok("event", REF, *args)


def test_a_cancelled_reminder_says_in_words_which_event_made_it_moot(loaded: Convflow) -> None:
    """The signature target's reminders are cancelled by the last signature: the note names
    the event by its label, not by the name a script types (`sign`)."""
    _in_force(loaded, "2025-03-03")

    listed = loaded.ok("reminders", REF)
    simulated = loaded.ok(
        "simulate", REF, "--now", "2025-03-04T00:00:00+01:00", "--until", "2025-03-20"
    )

    for text in (listed, simulated):
        line = next(line for line in text.splitlines() if "objectif de signature" in line)
        assert (
            "sans objet\u00a0: l'échéance a été close par l'événement «\u00a0Signature\u00a0»"
            in line
        ), line
        assert "sans objet\u00a0: sign" not in text


def test_the_reminders_count_agrees_with_its_number(loaded: Convflow) -> None:
    """Two reminders cancelled (signature and payment targets): the count says « annulé(s) »
    as it says « prévu(s) », not « 2 annulé »."""
    _in_force(loaded, "2025-03-03")
    loaded.ok("event", REF, "notify", "--on", "2025-03-04")
    loaded.ok("event", REF, "pay", "amount=200000", "--on", "2025-03-05")

    line = next(
        line for line in loaded.ok("status", REF).splitlines() if "(convflow reminders" in line
    )

    assert "2 annulé(s)" in line and "prévu(s)" in line, line
    assert "2 annulé " not in line and "2 annulé," not in line


def test_a_deadline_ends_on_its_last_day_at_24_h_as_the_emails_say(loaded: Convflow) -> None:
    """A deadline expires at midnight in Marseille: the command line says the day that ends
    « à 24 h », as the emails do, not 00:00 of the next day (which a reader takes for the
    deadline)."""
    _in_force(loaded, "2025-03-03")

    status = loaded.ok("status", REF)
    dispute = loaded.ok("deadline", "dispute", "--received", "2026-12-02")
    simulated = loaded.ok(
        "simulate", REF, "--now", "2025-12-30T10:00:00+01:00", "--until", "2026-01-02"
    )
    run = loaded.ok("run-due", "--no-send", "--now", "2026-01-01T10:00:00+01:00")

    assert "fin mercredi 31 décembre 2025 à 24\u00a0h (heure de Paris)" in status, status
    assert "lundi 4 janvier 2027 à 24\u00a0h (heure de Paris)" in dispute, dispute
    assert "mercredi 31 décembre 2025 à 24\u00a0h (heure de Paris)" in simulated, simulated
    assert "mercredi 31 décembre 2025 à 24\u00a0h (heure de Paris)" in run, run
    for text in (status, dispute, simulated, run):
        assert "à 00:00" not in text, text


def test_a_day_that_does_not_exist_is_said_to_be_one_not_a_bad_format(convflow: Convflow) -> None:
    """2025-02-30 is written AAAA-MM-JJ: the refusal says the day does not exist, not that the
    format is wrong; an option's bad value stays invalid input (exit 1)."""
    result = convflow("deadline", "dispute", "--received", "2025-02-30")
    refusal = convflow.refusal("deadline", "dispute", "--received", "2025-02-30")
    instant = convflow("deadline", "dispute", "--received", "2025-04-31T10:00:00Z")
    badly_written = convflow("deadline", "dispute", "--received", "2025-2-3")

    assert result.exit_code == 1 and instant.exit_code == 1
    assert (refusal["code"], refusal["params"]["value"]) == ("not_a_calendar_date", "2025-02-30")
    assert "«\u00a02025-02-30\u00a0» n'est pas une date du calendrier" in result.stderr, (
        result.stderr
    )
    assert "ce jour n'existe pas" in result.stderr and "au format" not in result.stderr
    assert "«\u00a02025-04-31T10:00:00Z\u00a0» n'est pas une date du calendrier" in instant.stderr
    assert "n'est pas une date au format AAAA-MM-JJ" in badly_written.stderr
