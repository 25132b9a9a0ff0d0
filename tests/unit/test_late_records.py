"""Facts recorded late, disputes that outlive the convention, letters that were never opened."""

from __future__ import annotations

from datetime import date

import pytest

from states.deadlines import LegalSettings, RegisteredLetter, dispute_window
from states.errors import GuardRejected
from states.inputs import parse_day
from states.lifecycle import allowed_for, fire
from tests.unit.builders import (
    AGENT,
    DISPUTE_RECEIVED,
    NOTICE_ENDS,
    NOTICE_RECEIVED,
    SETTINGS,
    TODAY,
    convention_in,
    refusal,
)


def test_a_termination_letter_recorded_after_it_took_effect_must_be_dated_at_its_receipt() -> None:
    convention = convention_in("execution")
    later = date(2025, 11, 10)
    with pytest.raises(GuardRejected) as refused:
        fire(
            convention,
            "give_notice",
            on=later,
            actor=AGENT,
            settings=SETTINGS,
            today=TODAY,
            inputs={"party": "crpv", "received": NOTICE_RECEIVED.isoformat()},
        )
    assert refusal(refused.value) == (
        "termination_recorded_late",
        {"event": "give_notice", "effective_end": "2025-11-05", "on": "2025-11-10",
         "letter_date": "2025-05-05"},
    )  # fmt: skip
    assert convention.state == "execution"
    fire(
        convention,
        "give_notice",
        on=NOTICE_RECEIVED,
        actor=AGENT,
        settings=SETTINGS,
        today=TODAY,
        inputs={"party": "crpv", "received": NOTICE_RECEIVED.isoformat()},
    )
    assert convention.notice is not None and convention.notice.effective_end == NOTICE_ENDS


def test_a_convention_that_ends_in_dispute_keeps_the_dispute_open() -> None:
    # Rule 24: the dispute-settlement clause survives the end (Code civil art. 1230).
    convention = convention_in("execution")
    fire(
        convention,
        "open_dispute",
        on=DISPUTE_RECEIVED,
        actor=AGENT,
        settings=SETTINGS,
        today=TODAY,
        inputs={"party": "crpv", "received": DISPUTE_RECEIVED.isoformat()},
    )
    fire(
        convention,
        "expire",
        on=date(2025, 12, 31),
        actor="convflow",
        settings=SETTINGS,
        today=TODAY,
        by_service=True,
    )
    assert convention.state == "expired"
    assert convention.dispute is not None and not convention.dispute.in_court
    assert allowed_for(convention) == ["settle", "go_to_court"]


def test_an_electronic_letter_accepted_too_late_says_so() -> None:
    letter = RegisteredLetter(
        presented=date(2025, 4, 1), received=date(2025, 4, 20), electronic=True
    )
    window = dispute_window(letter, 30, LegalSettings())
    assert window.trigger_date == date(2025, 4, 1)
    assert window.flags == ("uncollected",)
    assert "non acceptée dans les 15 jours suivant l'avis du prestataire (CPCE art. R. 53-3)" in (
        window.explanation
    )
    assert "avec avis de réception (CPCE art. L. 100)" in window.explanation


def test_a_compact_date_is_read_as_a_date() -> None:
    assert parse_day("20251025") == date(2025, 10, 25)
