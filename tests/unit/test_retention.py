"""Keeping the file (rule 21 of docs/LEGAL-DEADLINES.md), its worked examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from states.convention import Convention, TerminationNotice
from states.deadlines import RegisteredLetter
from states.erasure import check_erasable
from states.errors import GuardRejected
from states.financial_report import FinancialReport
from states.payments import SINGLE_PAYMENT, InstalmentProgress
from states.retention import dispute_ended_on, open_because, open_file, retention
from tests.unit.builders import AMOUNT, apply_deadline, convention_in, record, refusal


def test_a_convention_in_force_has_no_retention_date_yet():
    assert retention(convention_in("execution"), 10, None) is None


def test_expired_at_its_term_after_its_payment_the_file_is_kept_ten_years():
    paid_in_april = replace(convention_in("execution"), paid_on=date(2025, 4, 1))
    expired = replace(paid_in_april, state="expired")

    kept = retention(expired, 10, None)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2025, 12, 31), date(2035, 12, 31), date(2036, 1, 1),
    )  # fmt: skip
    assert "jamais effacée" in kept.explanation


def test_terminated_on_1_october_the_file_is_kept_until_1_october_2035():
    letter = RegisteredLetter(received=date(2025, 4, 1))
    october = date(2025, 10, 1)
    notice = TerminationNotice("metropole", letter, date(2025, 4, 1), october, october)
    terminated = replace(convention_in("execution"), state="terminated", notice=notice,
                         paid_on=date(2025, 4, 1))  # fmt: skip

    kept = retention(terminated, 10, None)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2025, 10, 1), date(2035, 10, 1), date(2035, 10, 2),
    )  # fmt: skip


def test_the_financial_reports_receipt_closes_the_file_when_it_comes_last():
    owed = FinancialReport("by_convention", 2025)
    expired = replace(convention_in("execution"), paid_on=date(2025, 4, 1), state="expired",
                      financial_report=owed)  # fmt: skip
    assert retention(expired, 10, None) is None  # the report is still owed: the file stays open

    received = replace(expired, financial_report=owed.received(date(2026, 6, 15)))
    kept = retention(received, 10, None)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2026, 6, 15), date(2036, 6, 15), date(2036, 6, 16),
    )  # fmt: skip


# A dispute still open at the end, an instalment still to pay (rule 21's rows after rule 24's):
# the reference convention, its term moved to Thursday 31 December 2026; read on 1 December
# 2027, after every event.
TERM_2026 = date(2026, 12, 31)
READ_ON = date(2027, 12, 1)


def ended_in_dispute() -> tuple[Convention, list[tuple[str, date]]]:
    """Paid on 1 April 2025; the GIP's letter of dispute received on Monday 21 December 2026
    (amicable window to Wednesday 20 January 2027); expired at its term, the dispute open. With
    its history's events, as (name, day)."""
    convention = convention_in("execution")
    convention.end_date = TERM_2026
    opened = record(convention, "open_dispute", date(2026, 12, 21), today=READ_ON, party="crpv",
                    received="2026-12-21")  # fmt: skip
    expired = apply_deadline(convention, "expire", TERM_2026)
    return convention, [(opened.trigger, opened.on), (expired.trigger, expired.on)]


def then(convention: Convention, events: list[tuple[str, date]], trigger: str, on: date) -> None:
    outcome = record(convention, trigger, on, today=READ_ON)
    events.append((outcome.trigger, outcome.on))


def test_a_dispute_open_at_the_term_keeps_the_file_open() -> None:
    convention, events = ended_in_dispute()

    assert convention.state == "expired"
    assert retention(convention, 10, dispute_ended_on(events)) is None  # not « clos le 31 déc. »
    assert open_because(convention) == ("dispute",)
    found = open_file(convention)
    assert found is not None and found.because == ("dispute",)
    assert found.explanation.splitlines() == [
        "Le litige ouvert le lundi 21 décembre 2026 (article 6) reste ouvert après la fin de la "
        "convention\u00a0: période amiable jusqu'au mercredi 20 janvier 2027 inclus, saisine du "
        "tribunal possible à partir du jeudi 21 janvier 2027.",
        "La durée de conservation courra de la clôture du dossier, la plus tardive de sa fin, de "
        "son dernier versement, de la réception du compte rendu financier s'il est dû et de la "
        "fin du litige\u00a0; les données personnelles des signataires ne peuvent pas être "
        "effacées avant.",
    ]


def test_settled_after_the_term_the_file_closes_the_day_of_the_settlement() -> None:
    convention, events = ended_in_dispute()
    then(convention, events, "settle", date(2027, 1, 10))

    kept = retention(convention, 10, dispute_ended_on(events))

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2027, 1, 10), date(2037, 1, 10), date(2037, 1, 11),
    )  # fmt: skip
    assert kept.explanation.splitlines()[0] == (
        "Dossier clos le dimanche 10 janvier 2027, jour de la fin du litige (la plus tardive de "
        "sa fin, de son dernier versement ou de la renonciation à celui-ci, de la réception du "
        "compte rendu financier s'il est dû et de la fin du litige)."
    )
    assert open_file(convention) is None


def test_in_court_after_the_term_the_file_closes_when_the_case_is_closed() -> None:
    convention, events = ended_in_dispute()
    then(convention, events, "go_to_court", date(2027, 1, 21))

    assert retention(convention, 10, dispute_ended_on(events)) is None
    assert open_because(convention) == ("litigation",)

    then(convention, events, "close_litigation", date(2027, 6, 30))
    kept = retention(convention, 10, dispute_ended_on(events))

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2027, 6, 30), date(2037, 6, 30), date(2037, 7, 1),
    )  # fmt: skip


def test_a_dispute_settled_before_the_end_leaves_the_end_to_close_the_file() -> None:
    convention = replace(convention_in("execution"), state="expired")
    kept = retention(convention, 10, dispute_ended_on([("settle", date(2025, 7, 1))]))
    assert kept is not None and kept.closed_on == date(2025, 12, 31)
    assert "jour de sa fin" in kept.explanation


def test_unpaid_at_the_end_the_file_stays_open_until_the_payment() -> None:
    notified = convention_in("payment")  # notified on 20 March 2025, never paid
    expired = replace(notified, end_date=TERM_2026, state="expired")

    assert retention(expired, 10, None) is None
    assert open_because(expired) == ("instalment_unpaid",)
    found = open_file(expired)
    assert found is not None
    assert (
        found.explanation.splitlines()[0] == "La subvention reste à payer (200\u202f000,00\u00a0€)."
    )

    # paid after the end (the balance that stays due): the file closes that day
    paid = replace(expired, paid_on=date(2027, 2, 15), paid_amount=AMOUNT,
                   payments=(InstalmentProgress(SINGLE_PAYMENT, paid_on=date(2027, 2, 15),
                                                paid_amount=AMOUNT),))  # fmt: skip
    kept = retention(paid, 10, None)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2027, 2, 15), date(2037, 2, 15), date(2037, 2, 16),
    )  # fmt: skip
    assert "jour de son dernier versement" in kept.explanation


def test_a_cancelled_convention_owes_nothing_and_closes_its_file() -> None:
    cancelled = replace(convention_in("signature"), state="cancelled")
    assert open_because(cancelled) == ()


def test_erasure_is_refused_while_the_file_is_open_naming_why() -> None:
    convention, events = ended_in_dispute()
    later = date(2040, 1, 1)

    with pytest.raises(GuardRejected) as amicable:
        check_erasable(convention, 10, later, None, dispute_ended_on(events))
    assert refusal(amicable.value) == (
        "erasure_during_dispute", {"event": "erase_personal_data", "opened_on": "2026-12-21"},
    )  # fmt: skip

    then(convention, events, "go_to_court", date(2027, 1, 21))
    with pytest.raises(GuardRejected) as in_court:
        check_erasable(convention, 10, later, None, dispute_ended_on(events))
    assert refusal(in_court.value)[0] == "erasure_during_litigation"

    then(convention, events, "close_litigation", date(2027, 6, 30))
    with pytest.raises(GuardRejected) as early:
        check_erasable(convention, 10, date(2037, 6, 30), None, dispute_ended_on(events))
    assert refusal(early.value) == ("erasure_too_early", {
        "event": "erase_personal_data", "kept_until": "2037-06-30", "erasable_from": "2037-07-01",
    })  # fmt: skip
    check_erasable(convention, 10, date(2037, 7, 1), None, dispute_ended_on(events))

    unpaid = replace(convention_in("payment"), state="expired")
    with pytest.raises(GuardRejected) as owed:
        check_erasable(unpaid, 10, later, None, None)
    assert refusal(owed.value) == (
        "erasure_instalment_unpaid", {"event": "erase_personal_data", "amount": "200000.00"},
    )  # fmt: skip


def test_an_instalment_forgone_after_the_end_closes_the_file_on_the_day_it_is_forgone() -> None:
    # Rule 25: the Métropole forgoes the unpaid subsidy on 3 July 2027 (the report never came):
    # nothing is owed any more, and the ten years run from that day, not from the term.
    notified = convention_in("payment")
    expired = replace(notified, end_date=TERM_2026, state="expired")
    progress = InstalmentProgress(SINGLE_PAYMENT, forgone_on=date(2027, 7, 3))
    forgone = replace(expired, payments=(progress,))

    assert open_because(forgone) == ()
    kept = retention(forgone, 10, None)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until) == (date(2027, 7, 3), date(2037, 7, 3))
    assert "jour de la renonciation au dernier versement dû" in kept.explanation
