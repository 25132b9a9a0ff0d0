"""A refused event under a termination notice the term overrides (rule 10): `invalid_transition`
said « … n'est pas possible quand la convention est en cours de résiliation », while `status`,
`list`, the event's echo and the pages say « en exécution jusqu'à son terme (résiliation
notifiée, sans effet) ». The refusal now says the state as they do; its code and its state's
name stay, `notice_overridden` added to its parameters (false elsewhere); a notice ending
before the term is still « en cours de résiliation »."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow
from tests.e2e.test_notice_overridden_echo import OVERRIDDEN, said


def in_execution(convflow: Convflow, cli_clock: CliClock, now: datetime) -> None:
    """The reference convention (term 31 December 2025, six months' notice) signed, notified
    and paid in March and April 2025, read at `now`."""
    cli_clock.now = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (["submit", "--on", "2025-03-03"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
                 ["sign", f"signatory={CRPV}", "--on", "2025-03-10"],
                 ["notify", "--on", "2025-03-20"],
                 ["pay", "amount=200000.00", "--on", "2025-04-01"]):  # fmt: skip
        convflow.ok("event", REF, *args)
    cli_clock.now = now


def _notice(convflow: Convflow, cli_clock: CliClock, received: str) -> None:
    """In execution, the GIP's notice received on `received` (six months' notice)."""
    day = datetime.fromisoformat(received)
    in_execution(convflow, cli_clock, day.replace(hour=16, tzinfo=UTC))
    convflow.ok("event", REF, "give_notice", "party=crpv", f"received={received}",
                "--on", received)  # fmt: skip


def test_a_second_notice_is_refused_saying_the_notice_has_no_effect(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    _notice(convflow, cli_clock, "2025-10-15")  # would end on 15 April 2026, after the term

    result = convflow("event", REF, "give_notice", "party=metropole", "received=2025-10-16",
                      "--on", "2025-10-16")  # fmt: skip

    assert result.exit_code == 1
    message = said(result.stderr)
    assert f"n'est pas possible quand la convention est {OVERRIDDEN} (possibles" in message, message
    assert "en cours de résiliation" not in message


def test_its_json_keeps_the_code_and_the_state_s_name(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    _notice(convflow, cli_clock, "2025-10-15")

    refused = convflow.refusal("event", REF, "give_notice", "party=metropole",
                               "received=2025-10-16", "--on", "2025-10-16")  # fmt: skip

    assert refused["code"] == "invalid_transition"
    assert refused["params"]["state"] == "termination"
    assert refused["params"]["notice_overridden"] is True
    assert OVERRIDDEN in said(refused["message"])
    english = convflow.english("event", REF, "give_notice", "party=metropole",
                               "received=2025-10-16", "--on", "2025-10-16")  # fmt: skip
    assert "is not allowed in state 'termination'" in said(english.stderr), english.stderr


def test_a_notice_ending_before_the_term_is_still_said_under_way(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    _notice(convflow, cli_clock, "2025-05-02")  # ends on 2 November 2025, before the term

    refused = convflow.refusal("event", REF, "give_notice", "party=metropole",
                               "received=2025-05-03", "--on", "2025-05-03")  # fmt: skip

    assert refused["code"] == "invalid_transition"
    assert refused["params"]["notice_overridden"] is False
    assert "quand la convention est en cours de résiliation (termination)" in said(
        refused["message"]
    )
