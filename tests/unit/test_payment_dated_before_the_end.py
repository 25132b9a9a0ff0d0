"""A payment made before the convention's end, recorded after the service applied it (M3).

The reference convention, notified on 20 March 2025, reaches its term on 31 December 2025; the
service records its expiry, dated that day. The finance department enters in January the
payment made on 15 December: it is the convention's payment of 15 December, recorded after the
expiry and dated before it, the state staying `expired`. It is still dated on or after the
convention's last event before the end (the notification), never within a dispute open at the
end, never in the future; the lines recorded after the end keep their order among themselves.
The same after a termination that took effect (the service's `terminate`).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from states.convention import Convention
from states.errors import ConvflowError
from states.payments import Instalment
from tests.unit.builders import (
    CRPV,
    CRPV_SIGNED,
    METROPOLE,
    METROPOLE_SIGNED,
    NOTICE_ENDS,
    NOTIFIED,
    TERM,
    apply_deadline,
    convention_in,
    receive_dispute_letter,
    record,
    refusal,
)
from workflow.wording.refusals import problem_text
from workflow.wording.words import Words

DECEMBER_15 = date(2025, 12, 15)
ENTERED = date(2026, 1, 12)  # the day the finance department records it


def expired(convention: Convention) -> Convention:
    apply_deadline(convention, "expire", TERM)
    assert convention.state == "expired"
    return convention


def refused(
    convention: Convention, trigger: str, on: date, **inputs: str
) -> tuple[str, dict[str, Any]]:
    """The refusal of `trigger` dated `on` (code, parameters); the convention unchanged."""
    before = copy.deepcopy(convention)
    with pytest.raises(ConvflowError) as caught:
        record(convention, trigger, on, today=ENTERED, **inputs)
    assert convention == before
    return refusal(caught.value)


def in_two_instalments() -> Convention:
    """The reference convention paid in two instalments of 100 000,00 € after the notification,
    notified on 20 March 2025, nothing paid."""
    convention = convention_in("signature")
    halves = tuple(Instalment(n, Decimal("100000.00")) for n in (1, 2))
    convention.clauses = replace(convention.clauses, instalments=halves)
    record(convention, "sign", METROPOLE_SIGNED, signatory=METROPOLE)
    record(convention, "sign", CRPV_SIGNED, signatory=CRPV)
    record(convention, "notify", NOTIFIED)
    return convention


def test_a_payment_made_before_the_expiry_is_recorded_at_its_date_after_it() -> None:
    convention = expired(convention_in("payment"))

    outcome = record(convention, "pay", DECEMBER_15, today=ENTERED, amount="200000.00")

    assert (outcome.from_state, outcome.to_state, outcome.on) == ("expired", "expired", DECEMBER_15)
    assert (convention.paid_on, convention.paid_amount) == (DECEMBER_15, Decimal("200000.00"))
    assert convention.unpaid_instalments() == []
    # the expiry stays the convention's own last event; the payment its last before the end
    assert (convention.own_event_on, convention.own_event) == (TERM, "expire")
    assert (convention.own_event_before_end_on, convention.own_event_before_end) == (
        DECEMBER_15, "pay",
    )  # fmt: skip


def test_it_is_renounced_at_its_date_too() -> None:
    convention = expired(convention_in("payment"))

    record(convention, "forgo_payment", DECEMBER_15, today=ENTERED, reason="subvention réduite")

    assert convention.payments[0].forgone_on == DECEMBER_15
    assert convention.unpaid_instalments() == []


def test_not_before_the_last_event_before_the_end_nor_in_the_future() -> None:
    convention = expired(convention_in("payment"))

    code, params = refused(convention, "pay", date(2025, 3, 19), amount="200000.00")
    assert code == "dated_before_last_event"
    assert (params["last_event"], params["last_event_on"], params["before_end"]) == (
        "notify", NOTIFIED.isoformat(), True,
    )  # fmt: skip
    said = problem_text(Words("fr"), code, params).replace("\xa0", " ").replace("\u202f", " ")
    assert said.startswith(
        "la date indiquée (19 mars 2025) est antérieure au dernier événement de la convention "
        "avant sa fin, « Notification d'attribution » du 20 mars 2025, déjà enregistré"
    ), said
    assert refused(convention, "pay", date(2026, 1, 13), amount="200000.00") == (
        "dated_in_future", {"on": "2026-01-13", "today": ENTERED.isoformat(), "event": "pay"},
    )  # fmt: skip
    # on the end's day, and after it (rule 25), as before
    record(convention, "pay", TERM, today=ENTERED, amount="200000.00")
    assert convention.paid_on == TERM


def test_not_within_a_dispute_still_open_at_the_end() -> None:
    convention = convention_in("payment")
    receive_dispute_letter(convention, received=date(2025, 12, 1))
    expired(convention)

    code, params = refused(convention, "pay", DECEMBER_15, amount="200000.00")
    assert (code, params) == ("dated_during_dispute", {
        "on": "2025-12-15", "opened_on": "2025-12-01", "end": "2025-12-31", "event": "pay",
    })  # fmt: skip
    said = problem_text(Words("fr"), code, params).replace("\xa0", " ").replace("\u202f", " ")
    assert said.startswith(
        "la date indiquée (15 décembre 2025) tombe pendant le litige ouvert le 1er décembre 2025"
    ), said
    code, params = refused(convention, "forgo_payment", date(2025, 11, 30), reason="x")
    assert (code, params["last_event"], params["last_event_on"]) == (
        "dated_before_last_event", "open_dispute", "2025-12-01",
    )  # fmt: skip


def test_the_lines_recorded_after_the_end_keep_their_order() -> None:
    convention = expired(in_two_instalments())
    record(convention, "pay", DECEMBER_15, today=ENTERED, amount="100000.00", instalment="1")

    code, params = refused(convention, "forgo_payment", date(2025, 12, 10), instalment="2",
                           reason="subvention réduite")  # fmt: skip
    assert (code, params["last_event"], params["last_event_on"]) == (
        "dated_before_last_event", "pay", "2025-12-15",
    )  # fmt: skip
    record(convention, "forgo_payment", date(2025, 12, 20), today=ENTERED, instalment="2",
           reason="subvention réduite")  # fmt: skip
    assert convention.own_event_before_end_on == date(2025, 12, 20)
    assert convention.unpaid_instalments() == []


def test_an_event_dated_after_the_end_ends_it() -> None:
    """Once an event dated on or after the end is recorded, it is the last: the payment dated
    before the end is then refused naming it, as every event dated before the last."""
    convention = expired(in_two_instalments())
    record(convention, "pay", date(2026, 1, 5), today=ENTERED, amount="100000.00", instalment="1")
    assert convention.own_event_before_end_on is None

    code, params = refused(convention, "pay", DECEMBER_15, amount="100000.00", instalment="2")
    assert (code, params["last_event"], params["before_end"]) == (
        "dated_before_last_event", "pay", False,
    )  # fmt: skip


def test_a_payment_made_during_the_notice_is_recorded_after_the_termination() -> None:
    convention = convention_in("payment")
    record(convention, "give_notice", date(2025, 5, 5), party="metropole", received="2025-05-05")
    apply_deadline(convention, "terminate", NOTICE_ENDS)
    assert convention.state == "terminated"

    record(convention, "pay", date(2025, 10, 1), today=ENTERED, amount="200000.00")

    assert (convention.state, convention.paid_on) == ("terminated", date(2025, 10, 1))
    code, _ = refused(expired(convention_in("payment")), "pay", date(2026, 2, 1),
                      amount="200000.00")  # fmt: skip
    assert code == "dated_in_future"
