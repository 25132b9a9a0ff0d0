"""`convflow event … give_notice` for a notice the term overrides (rule 10): its echo said
« état en exécution (execution) → en cours de résiliation (termination) » while `status` and
`list` say « en exécution jusqu'à son terme (résiliation notifiée, sans effet) ». It now says
the state as they do, and so does every event recorded under that notice; a notice that ends
before the term is still « en cours de résiliation »."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow
from tests.reading import said

OVERRIDDEN = "en exécution jusqu'à son terme (résiliation notifiée, sans effet)"


def _in_execution(convflow: Convflow, cli_clock: CliClock, now: datetime) -> None:
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


def test_the_notice_s_echo_says_it_will_have_no_effect(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    _in_execution(convflow, cli_clock, datetime(2025, 10, 16, 8, 0, tzinfo=UTC))

    given = said(convflow.ok("event", REF, "give_notice", "party=crpv", "received=2025-10-15",
                             "--on", "2025-10-15"))  # fmt: skip
    disputed = said(convflow.ok("event", REF, "open_dispute", "party=crpv",
                                "received=2025-10-16", "--on", "2025-10-16"))  # fmt: skip
    settled = said(convflow.ok("event", REF, "settle", "--on", "2025-10-16"))
    status = said(convflow.ok("status", REF))

    assert f"état en exécution (execution) → {OVERRIDDEN}" in given, given
    assert "sans effet ; la convention prend fin à son terme" in given, given
    assert f"état {OVERRIDDEN} → en litige (dispute)" in disputed, disputed
    assert f"état en litige (dispute) → {OVERRIDDEN}" in settled, settled
    for text in (given, disputed, settled):
        assert "en cours de résiliation" not in text, text
    assert OVERRIDDEN in status  # as status says it


def test_a_notice_ending_before_the_term_is_said_under_way(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    _in_execution(convflow, cli_clock, datetime(2025, 5, 3, 8, 0, tzinfo=UTC))

    given = said(convflow.ok("event", REF, "give_notice", "party=crpv", "received=2025-05-02",
                             "--on", "2025-05-02"))  # fmt: skip

    assert "état en exécution (execution) → en cours de résiliation (termination)" in given, given
    assert "sans effet" not in given


def test_the_notice_s_json_keeps_the_state_s_name(convflow: Convflow, cli_clock: CliClock) -> None:
    _in_execution(convflow, cli_clock, datetime(2025, 10, 16, 8, 0, tzinfo=UTC))

    recorded = convflow.json("event", REF, "give_notice", "party=crpv", "received=2025-10-15",
                             "--on", "2025-10-15")  # fmt: skip

    assert (recorded["from_state"], recorded["to_state"]) == ("execution", "termination")
    assert "notice_overridden" not in recorded  # the contract, unchanged
