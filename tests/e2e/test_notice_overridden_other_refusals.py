"""Under a termination notice the term overrides (rule 10), every refusal that names the
convention's state says it as `invalid_transition` does, as the pages and `status` say it:
« en exécution jusqu'à son terme (résiliation notifiée, sans effet) », never « en cours de
résiliation ». `award_not_now`, `letter_not_now`, `erasure_before_end` and `never_notified`
said « en cours de résiliation »; each gains `notice_overridden` among its parameters (false
elsewhere), its code and its state's name unchanged. Read as the command line shows them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow
from tests.e2e.test_notice_overridden_echo import OVERRIDDEN, said
from tests.e2e.test_notice_overridden_refusal import in_execution

UNDER_WAY = "en cours de résiliation"


def overridden(convflow: Convflow, cli_clock: CliClock) -> None:
    """In execution, the GIP's notice received on 15 October 2025: it would end on 15 April
    2026, after the term (31 December 2025); read on 16 October."""
    in_execution(convflow, cli_clock, datetime(2025, 10, 16, 8, 0, tzinfo=UTC))
    convflow.ok("event", REF, "give_notice", "party=crpv", "received=2025-10-15",
                "--on", "2025-10-15")  # fmt: skip


def under_way(convflow: Convflow, cli_clock: CliClock) -> None:
    """In execution, the GIP's notice received on 2 May 2025: it ends on 2 November 2025,
    before the term."""
    in_execution(convflow, cli_clock, datetime(2025, 5, 3, 8, 0, tzinfo=UTC))
    convflow.ok("event", REF, "give_notice", "party=crpv", "received=2025-05-02",
                "--on", "2025-05-02")  # fmt: skip


def unnotified(convflow: Convflow, cli_clock: CliClock, received: str) -> None:
    """Signed in March 2025, the award never notified, the GIP's notice received on
    `received`; read the day after."""
    cli_clock.now = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (["submit", "--on", "2025-03-03"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
                 ["sign", f"signatory={CRPV}", "--on", "2025-03-10"]):  # fmt: skip
        convflow.ok("event", REF, *args)
    day = datetime.fromisoformat(received)
    cli_clock.now = day.replace(hour=16, tzinfo=UTC)
    convflow.ok("event", REF, "give_notice", "party=crpv", f"received={received}",
                "--on", received)  # fmt: skip


def refused_commands(tmp_path: Path, on: str) -> list[tuple[str, list[str]]]:
    """Each refusal naming the state in `termination`, and the command that meets it (`letter`
    has no --json: its refusal is read in its words only)."""
    return [
        ("award_not_now", ["award", REF, "--decision", "DEL-BUR-2025-042",
                           "--adopted", "2025-02-13", "--on", on]),
        ("letter_not_now", ["letter", REF, "termination", "-o", str(tmp_path / "l.pdf"),
                            "--on", on]),
        ("letter_not_now", ["letter", REF, "award", "-o", str(tmp_path / "a.pdf"),
                            "--on", on]),
        ("erasure_before_end", ["erase", REF, "--archives-reference", "AD13-2036-001"]),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(4), ids=["award", "termination letter", "award letter",
                                                  "erase"])  # fmt: skip
def test_each_refusal_says_the_notice_has_no_effect(
    convflow: Convflow, cli_clock: CliClock, tmp_path: Path, index: int
) -> None:
    overridden(convflow, cli_clock)
    code, args = refused_commands(tmp_path, "2025-10-16")[index]

    result = convflow(*args)

    assert result.exit_code == 1
    message = said(result.stderr)
    assert OVERRIDDEN in message, message
    assert UNDER_WAY not in message, message
    if args[0] == "letter":
        return
    refused = convflow.refusal(*args)
    assert refused["code"] == code
    assert refused["params"]["state"] == "termination"
    assert refused["params"]["notice_overridden"] is True
    assert OVERRIDDEN in said(refused["message"])
    assert UNDER_WAY not in said(refused["message"])


@pytest.mark.parametrize("index", range(4), ids=["award", "termination letter", "award letter",
                                                  "erase"])  # fmt: skip
def test_under_a_notice_ending_before_the_term_they_still_say_under_way(
    convflow: Convflow, cli_clock: CliClock, tmp_path: Path, index: int
) -> None:
    under_way(convflow, cli_clock)
    code, args = refused_commands(tmp_path, "2025-05-03")[index]
    if args[0] == "letter":
        message = said(convflow(*args).stderr)
        assert UNDER_WAY in message and OVERRIDDEN not in message, message
        return

    refused = convflow.refusal(*args)

    assert refused["code"] == code
    assert refused["params"]["notice_overridden"] is False
    assert UNDER_WAY in said(refused["message"])
    assert OVERRIDDEN not in said(refused["message"])


def test_a_payment_never_due_says_the_notice_has_no_effect(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    unnotified(convflow, cli_clock, "2025-10-15")  # would end on 15 April 2026

    result = convflow("event", REF, "pay", "amount=200000.00", "--on", "2025-10-16")
    refused = convflow.refusal("event", REF, "pay", "amount=200000.00", "--on", "2025-10-16")

    assert result.exit_code == 1
    message = said(result.stderr)
    assert f"(état : {OVERRIDDEN})" in message, message
    assert UNDER_WAY not in message
    assert (refused["code"], refused["params"]["state"]) == ("never_notified", "termination")
    assert refused["params"]["notice_overridden"] is True
    english = convflow.english("event", REF, "pay", "amount=200000.00", "--on", "2025-10-16")
    assert "termination" in said(english.stderr), english.stderr


def test_a_payment_never_due_under_a_notice_ending_first_is_still_under_way(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    unnotified(convflow, cli_clock, "2025-05-02")  # ends on 2 November 2025

    refused = convflow.refusal("event", REF, "pay", "amount=200000.00", "--on", "2025-05-03")

    assert (refused["code"], refused["params"]["notice_overridden"]) == ("never_notified", False)
    assert f"(état : {UNDER_WAY}" in said(refused["message"])
