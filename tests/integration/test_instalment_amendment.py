"""An avenant changing one instalment of AMP-EXEMPLE-2027, on SQLite and PostgreSQL.

The example convention (examples/) pays its 45 000,00 € in two instalments (article 2):
n° 1, 27 000,00 €, after the notification of the award (Friday 15 January 2027); n° 2,
18 000,00 €, on receipt of the « bilan d'activité 2027 ». Instalment n° 1 is paid on Monday
1 February 2027. The parties then sign avenant n° 1 (Code civil 1193: the contract changes by
their agreement), in force at its last signature on Monday 15 March 2027:

- raising n° 2 to 21 000,00 € before it is paid: the convention's amount becomes 48 000,00 €,
  the target of n° 2 (its report received on 10 March) and its reminder say 21 000,00 €;
- raising n° 1 to 30 000,00 € after it was paid: the 3 000,00 € balance is due 30 days after
  the avenant, on Wednesday 14 April 2027 (as a single payment's balance is);
- refused, nothing written: n° 1 below the 27 000,00 € paid, a forgone n° 2, an n° 3 the
  convention does not have, and `amount` alone (it must say which instalment changes).
"""

from __future__ import annotations

from datetime import date

import pytest

from states.errors import ConvflowError, GuardRejected, InvalidInput
from tests.conftest import FixedClock
from tests.integration.steps import at
from tests.integration.test_instalment_emails import EXAMPLE, MARTIAL, NADIA, record
from tests.integration.test_what_is_due import plain, received, subject, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.due import run_due

pytest_plugins = ["tests.integration.test_instalment_emails"]


def set_clock(app: App, on: str) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(f"{on}T10:00:00Z")


def avenant(app: App, **changes: str) -> str:
    """Avenant n° 1 with `changes`: drafted and submitted on 11 March 2027, signed by Nadia
    Benali on the 12th and by Martial Alvarez on Monday 15 March (in force)."""
    set_clock(app, "2027-03-11")
    drafted = DraftAmendment(EXAMPLE, changes, "alice", date(2027, 3, 11))
    number = draft_amendment(app, drafted, app.clock()).number
    state = ""
    for on, event, inputs in (("2027-03-11", "submit", {}),
                              ("2027-03-12", "sign", {"signatory": NADIA}),
                              ("2027-03-15", "sign", {"signatory": MARTIAL})):  # fmt: skip
        set_clock(app, on)
        command = RecordAmendmentEvent(EXAMPLE, number, event, "alice", date.fromisoformat(on),
                                       inputs)  # fmt: skip
        state = record_amendment_event(app, command, app.clock()).to_state
    return state


@pytest.fixture
def first_paid(signed_and_notified: App) -> App:
    """Instalment n° 1 paid on Monday 1 February 2027."""
    record(signed_and_notified, "pay", "2027-02-01", amount="27000.00")
    return signed_and_notified


def payments(app: App) -> list[tuple[int, str, str]]:
    return [(d["instalment"], d["due_date"], d["status"])
            for d in views.status(app, EXAMPLE)["deadlines"] if d["kind"] == "payment"]  # fmt: skip


def test_raising_the_second_instalment_before_it_is_paid(
    first_paid: App, smtp_server: RunningServer
) -> None:
    app = first_paid
    record(app, "report_received", "2027-03-10")  # its target: Friday 9 April 2027
    assert avenant(app, **{"instalment.2.amount": "21 000,00"}) == "in_force"

    status = views.status(app, EXAMPLE)
    assert status["amount"] == "48000.00"
    assert [(i["number"], i["amount"], i["balance_due"]) for i in status["instalments"]] == [
        (1, "27000.00", None), (2, "21000.00", None),
    ]  # fmt: skip
    assert status["terms"]["instalment.2.amount"]["set_by"] == "avenant n°\u00a01"
    assert status["terms"]["amount"]["value"] == "48000.00"
    assert payments(app) == [
        (1, "2027-02-14", "met"), (2, "2027-04-09", "superseded"), (2, "2027-04-09", "pending"),
    ]  # fmt: skip
    [target] = [d for d in status["deadlines"] if d["kind"] == "payment"
                and d["status"] == "pending"]  # fmt: skip
    assert "Versement n° 2 sur 2 (article 2), 21 000,00 €" in plain(target["explanation"])
    [amended] = views.amendments(app, EXAMPLE)
    assert [(c["field"], c["before"], c["after"]) for c in amended["applied"]] == [
        ("instalment.2.amount", "18000.00", "21000.00"), ("amount", "45000.00", "48000.00"),
    ]  # fmt: skip

    set_clock(app, "2027-04-09")  # the target's day: its reminder
    run_due(app, app.clock(), smtp_server.sender())
    emails = {subject(m): text_of(m) for m in received(smtp_server)}
    [in_force] = [t for s, t in emails.items() if "Avenant n° 1 en vigueur" in s]
    assert "- montant du versement n° 2 : 18 000,00 € → 21 000,00 €" in in_force
    assert "- montant : 45 000,00 € → 48 000,00 €" in in_force
    reminder = emails[
        "[AMP-EXEMPLE-2027] Rappel : versement de 21 000,00 € non enregistré (versement n° 2 sur "
        "2, objectif interne : 9 avril 2027)"
    ]
    assert "Le versement n° 2, de 21 000,00 €, est dû à la réception du document" in reminder

    with pytest.raises(GuardRejected, match="amount_differs"):
        record(app, "pay", "2027-04-09", amount="18000.00")
    record(app, "pay", "2027-04-09", amount="21000.00")
    assert views.status(app, EXAMPLE)["paid_amount"] == "48000.00"


def test_raising_the_first_instalment_after_it_was_paid_leaves_its_balance(
    first_paid: App, smtp_server: RunningServer
) -> None:
    app = first_paid
    assert avenant(app, **{"instalment.1.amount": "30000.00"}) == "in_force"

    status = views.status(app, EXAMPLE)
    assert (status["amount"], status["paid_amount"]) == ("48000.00", "27000.00")
    assert status["instalments"][0]["balance_due"] == "3000.00"
    assert payments(app) == [(1, "2027-02-14", "met"), (1, "2027-04-14", "pending")]
    [balance] = [d for d in status["deadlines"] if d["status"] == "pending"
                 and d["kind"] == "payment"]  # fmt: skip
    assert "porte le versement n° 1 à 30 000,00 € ; 27 000,00 € ont déjà été versés" in plain(
        balance["explanation"]
    )

    set_clock(app, "2027-04-14")
    run_due(app, app.clock(), smtp_server.sender())
    emails = {subject(m): text_of(m) for m in received(smtp_server)}
    [in_force] = [t for s, t in emails.items() if "Avenant n° 1 en vigueur" in s]
    assert (
        "Le versement n° 1 de la participation de la Métropole (article 2) est porté à "
        "30 000,00 € alors que 27 000,00 € ont déjà été versés à ce titre : le solde de "
        "3 000,00 € reste à verser, au plus tard le mercredi 14 avril 2027"
    ) in in_force
    assert "La participation totale est portée à 48 000,00 €." in in_force
    reminder = emails[
        "[AMP-EXEMPLE-2027] Rappel : solde de 3 000,00 € du versement n° 1 non enregistré "
        "(objectif interne : 14 avril 2027)"
    ]
    assert "porté à 30 000,00 € par avenant, a été versé à hauteur de 27 000,00 €" in reminder

    record(app, "pay", "2027-04-14", amount="3000.00", instalment="1")
    status = views.status(app, EXAMPLE)
    assert (status["paid_amount"], status["instalments"][0]["balance_due"]) == ("30000.00", None)
    run_due(app, app.clock(), smtp_server.sender())
    [paid] = [text_of(m) for m in received(smtp_server) if "Versement du solde" in subject(m)]
    assert "Le solde du versement n° 1 de la participation" in paid
    assert "soit 3 000,00 €, a été versé le mercredi 14 avril 2027" in paid


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"instalment.1.amount": "20000.00"}, "instalment_below_paid"),
        ({"instalment.3.amount": "1000.00"}, "unknown_instalment"),
        ({"amount": "50000.00"}, "amount_of_a_schedule"),
        ({"instalment.two.amount": "1000.00"}, "not_amendable"),
    ],
)
def test_what_an_avenant_cannot_do_is_refused_and_nothing_written(
    first_paid: App, changes: dict[str, str], code: str
) -> None:
    set_clock(first_paid, "2027-03-11")
    before = views.history(first_paid, EXAMPLE)
    with pytest.raises(InvalidInput) as refused:
        draft_amendment(first_paid, DraftAmendment(EXAMPLE, changes, "alice", date(2027, 3, 11)),
                        first_paid.clock())  # fmt: skip
    assert refused.value.code == code
    if code == "amount_of_a_schedule":  # the refusal names the term to use instead
        assert refused.value.own_params["term"] == "instalment.2.amount"
    assert views.history(first_paid, EXAMPLE) == before
    assert views.amendments(first_paid, EXAMPLE) == []


def test_a_forgone_instalment_is_not_amended(first_paid: App) -> None:
    record(first_paid, "forgo_payment", "2027-03-01", instalment="2", reason="bilan non remis")
    with pytest.raises(ConvflowError) as refused:
        avenant(first_paid, **{"instalment.2.amount": "20000.00"})
    assert refused.value.code == "amend_forgone_instalment"
    assert refused.value.own_params["forgone_on"] == "2027-03-01"


def test_the_draft_avenant_states_the_instalment_and_the_new_total(first_paid: App) -> None:
    from tests.integration.test_letters import text_of
    from workflow.usecases.letters import render_letter

    set_clock(first_paid, "2027-03-11")
    drafted = DraftAmendment(EXAMPLE, {"instalment.2.amount": "21000.00"}, "alice",
                             date(2027, 3, 11))  # fmt: skip
    draft_amendment(first_paid, drafted, first_paid.clock())

    content = render_letter(first_paid, EXAMPLE, "amendment", "docx", date(2027, 3, 11))
    text = plain(text_of(content, "docx"))

    assert (
        "Article 1. Le versement n° 2 de la subvention (article 2), fixé à 18 000,00 €, est porté "
        "à 21 000,00 € ; le montant de la subvention, somme des versements, passe de 45 000,00 € "
        "à 48 000,00 €."
    ) in text
    assert "montant 48 000,00 € (versements : n° 1 : 27 000,00 € ; n° 2 : 21 000,00 €)" in text
