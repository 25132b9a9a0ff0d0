"""An avenant cannot change the amount of a single payment the Métropole forwent (rule 25), on
SQLite and PostgreSQL, as an instalment forgone cannot be amended (`amend_forgone_instalment`).

The reference convention paid its 200 000,00 € on Tuesday 1 April 2025; avenant n° 1, signed on
5 May, raised it to 210 000,00 €; the Métropole forwent the 10 000,00 € balance on Tuesday 20
May. Before (finance tester, H1): avenant n° 2 raising the amount to 215 000,00 € was accepted,
and at its last signature its new money was counted as forgone: the status said « la Métropole
a renoncé au solde de 15 000,00 € », though the forgo line recorded 10 000,00 € (the history
rewritten), and `pay amount=5000.00` was refused `balance_forgone`. The same when the whole
payment was forgone (forgone_amount 210 000,00 €). Now the avenant is refused at its draft, and
again at its last signature when it was drafted before the renunciation (as an instalment's is):
nothing written, what was forgone unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from states.convention import Convention
from states.errors import ConvflowError, GuardRejected, InvalidInput
from tests.integration.mail import Inbox
from tests.integration.steps import CRPV, METROPOLE, REFERENCE
from tests.reading import plain
from workflow.cli.present import status_text
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.wording.refusals import say
from workflow.wording.words import Words


def snapshot(inbox: Inbox) -> tuple[Any, ...]:
    """What a refusal must leave as it was: the convention's version, its money, its history,
    its amendments."""
    status = views.status(inbox.app, REFERENCE)
    money = {k: status[k] for k in ("version", "amount", "paid_amount", "forgone_on",
                                    "forgone_amount", "balance_due", "state")}  # fmt: skip
    return (money, views.history(inbox.app, REFERENCE), views.amendments(inbox.app, REFERENCE))


def draft(inbox: Inbox, on: str, changes: dict[str, str]) -> int:
    inbox.at(f"{on}T10:00:00Z")
    drafted = DraftAmendment(REFERENCE, changes, "alice", date.fromisoformat(on))
    return draft_amendment(inbox.app, drafted, inbox.app.clock()).number


def amendment_event(inbox: Inbox, number: int, on: str, event: str, **inputs: str) -> str:
    inbox.at(f"{on}T10:00:00Z")
    command = RecordAmendmentEvent(REFERENCE, number, event, "alice", date.fromisoformat(on),
                                   inputs)  # fmt: skip
    return record_amendment_event(inbox.app, command, inbox.app.clock()).to_state


@pytest.fixture
def balance_forgone(inbox: Inbox, reference_convention: Convention) -> Inbox:
    """Paid 200 000,00 € on 1 April 2025; avenant n° 1 (210 000,00 €) signed on 5 May; its
    10 000,00 € balance forgone on 20 May."""
    inbox.in_execution(reference_convention)
    inbox.amend("2025-05-05", {"amount": "210000.00"}, (CRPV, METROPOLE))
    inbox.event("forgo_payment", "2025-05-20", reason="x")
    status = views.status(inbox.app, REFERENCE)
    assert (status["forgone_amount"], status["forgone_on"]) == ("10000.00", "2025-05-20")
    return inbox


@pytest.fixture
def payment_forgone(inbox: Inbox, reference_convention: Convention) -> Inbox:
    """Notified on 20 March 2025, its whole 200 000,00 € forgone on 25 March, never paid."""
    inbox.notified(reference_convention)
    inbox.event("forgo_payment", "2025-03-25", reason="x")
    status = views.status(inbox.app, REFERENCE)
    assert (status["forgone_amount"], status["forgone_on"]) == ("200000.00", "2025-03-25")
    return inbox


def test_an_avenant_raising_a_forgone_balance_is_refused_at_its_draft(
    balance_forgone: Inbox,
) -> None:
    before = snapshot(balance_forgone)

    with pytest.raises(InvalidInput) as refused:
        draft(balance_forgone, "2025-06-02", {"amount": "215000.00"})

    assert (refused.value.code, refused.value.own_params) == (
        "amend_forgone_balance", {"amount": "10000.00", "forgone_on": "2025-05-20"},
    )  # fmt: skip
    said = plain(say(refused.value, Words("fr")).message)
    assert said.endswith(
        "la Métropole a renoncé au solde de 10 000,00 € le 20 mai 2025 : un avenant ne peut plus "
        "changer le montant de la subvention"
    ), said
    assert snapshot(balance_forgone) == before
    status = views.status(balance_forgone.app, REFERENCE)
    text = plain(status_text(status, Words("fr")))
    assert "la Métropole a renoncé au solde de 10 000,00 € le mardi 20 mai 2025" in text, text


@pytest.mark.parametrize("amount", ["215000.00", "200000.00", "205000.00"])
def test_no_new_amount_once_the_balance_is_forgone(balance_forgone: Inbox, amount: str) -> None:
    """Lower too (back to what was paid, or between): what was forgone would change."""
    before = snapshot(balance_forgone)
    with pytest.raises(InvalidInput) as refused:
        draft(balance_forgone, "2025-06-02", {"amount": amount})
    assert refused.value.code == "amend_forgone_balance"
    assert snapshot(balance_forgone) == before


def test_an_avenant_raising_a_forgone_payment_is_refused_at_its_draft(
    payment_forgone: Inbox,
) -> None:
    before = snapshot(payment_forgone)

    with pytest.raises(InvalidInput) as refused:
        draft(payment_forgone, "2025-04-02", {"amount": "210000.00"})

    assert (refused.value.code, refused.value.own_params) == (
        "amend_forgone_payment", {"forgone_on": "2025-03-25"},
    )  # fmt: skip
    said = plain(say(refused.value, Words("fr")).message)
    assert said.endswith(
        "la Métropole a renoncé au versement de la subvention le 25 mars 2025 : un avenant ne "
        "peut plus en changer le montant"
    ), said
    assert snapshot(payment_forgone) == before
    with pytest.raises(GuardRejected) as paid:
        payment_forgone.event("pay", "2025-04-03", amount="10000.00")
    assert paid.value.code == "payment_forgone"


def test_other_terms_are_still_amended_once_forgone(balance_forgone: Inbox) -> None:
    balance_forgone.amend("2025-06-02", {"end_date": "2026-06-30"}, (CRPV, METROPOLE))
    status = views.status(balance_forgone.app, REFERENCE)
    assert (status["forgone_amount"], status["amount"]) == ("10000.00", "210000.00")


@pytest.mark.parametrize("fixture", ["balance", "payment"])
def test_an_avenant_in_signature_when_the_payment_is_forgone_is_refused_at_its_last_signature(
    inbox: Inbox, reference_convention: Convention, fixture: str
) -> None:
    """Drafted, submitted and signed by the CRPV before the renunciation: the Métropole's
    signature, the last, is refused (as for an instalment, `instalment_problem`), nothing
    written; the avenant stays in signature, and can be abandoned."""
    if fixture == "balance":
        inbox.in_execution(reference_convention)
        inbox.amend("2025-05-05", {"amount": "210000.00"}, (CRPV, METROPOLE))
        forgo_on, code, forgone = "2025-05-20", "amend_forgone_balance", "10000.00"
    else:
        inbox.notified(reference_convention)
        forgo_on, code, forgone = "2025-03-25", "amend_forgone_payment", "200000.00"
    number = draft(inbox, "2025-03-21" if fixture == "payment" else "2025-05-12",
                   {"amount": "215000.00"})  # fmt: skip
    day = "2025-03-21" if fixture == "payment" else "2025-05-12"
    amendment_event(inbox, number, day, "submit")
    amendment_event(inbox, number, day, "sign", signatory=CRPV)
    inbox.event("forgo_payment", forgo_on, reason="x")
    before = snapshot(inbox)

    with pytest.raises(ConvflowError) as refused:
        amendment_event(inbox, number, "2025-06-02", "sign", signatory=METROPOLE)

    assert refused.value.code == code
    assert refused.value.own_params["forgone_on"] == forgo_on
    assert snapshot(inbox) == before
    status = views.status(inbox.app, REFERENCE)
    assert status["forgone_amount"] == forgone
    assert amendment_event(inbox, number, "2025-06-03", "abandon") == "abandoned"
    assert views.status(inbox.app, REFERENCE)["forgone_amount"] == forgone
