"""An instalment paid in two parts, each on its own day, on SQLite and PostgreSQL.

AMP-EXEMPLE-2027 (examples/) pays 27 000,00 € after the notification of the award (Friday
15 January 2027), then 18 000,00 € on its activity report. Instalment n° 1 is paid on Wednesday
10 February 2027; avenant n° 1, in force on Monday 15 March, raises it to 30 000,00 €: a
balance of 3 000,00 €, targeted for Wednesday 14 April and paid late, on Monday 10 May 2027.

Before (finance tester, H2), everything dated the instalment by its last part: `status`
(« versé le lundi 10 mai 2027 »), the dashboard's schedule, `instalments[].paid_on` in JSON
(while README says it is the first payment's) and the partner's emails, whose treasurer's books
show 27 000 € received on 10 February; the balance's payment was not `balance` in
`payments_made`; the balance's target met late stayed « date passée » (L5). Now each part is
said with its day, `paid_on` is the first one's, `parts` gives them all. Then the Métropole
gives up the balance of an instalment (H1): the same, on instalment n° 1.
"""

from __future__ import annotations

from datetime import date

import pytest

from states.errors import GuardRejected
from tests.conftest import FixedClock
from tests.integration.mail import Mail, due_pass, partners_only
from tests.integration.steps import at
from tests.integration.test_instalment_amendment import avenant
from tests.integration.test_instalment_emails import EXAMPLE, record
from tests.notifications.conftest import RunningServer
from tests.reading import plain
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.usecases import views
from workflow.wording.refusals import say
from workflow.wording.words import Words

pytest_plugins = ["tests.integration.test_instalment_emails"]

IN_TWO_PARTS = (
    "versé 27 000,00 € le mercredi 10 février 2027, puis le solde de 3 000,00 € le lundi "
    "10 mai 2027"
)


def deliver(app: App, server: RunningServer, instant: str) -> list[Mail]:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(instant)
    return partners_only(due_pass(app, server, clock.now))


@pytest.fixture
def raised(signed_and_notified: App, smtp_server: RunningServer) -> App:
    """Instalment n° 1 paid 27 000,00 € on 10 February 2027; avenant n° 1 raising it to
    30 000,00 € in force on 15 March; every email delivered then."""
    app = signed_and_notified
    record(app, "pay", "2027-02-10", amount="27000.00")
    assert avenant(app, **{"instalment.1.amount": "30000.00"}) == "in_force"
    deliver(app, smtp_server, "2027-03-15T11:00:00Z")
    return app


@pytest.fixture
def paid_in_two_parts(raised: App) -> App:
    """The 3 000,00 € balance paid late, on Monday 10 May 2027 (its target: 14 April)."""
    record(raised, "pay", "2027-05-10", amount="3000.00", mandate="MDT-2027-0457")
    return raised


def test_the_status_dates_each_part_and_paid_on_stays_the_first(paid_in_two_parts: App) -> None:
    status = views.status(paid_in_two_parts, EXAMPLE)

    first = status["instalments"][0]
    assert (first["paid_on"], first["paid_amount"], first["balance_due"]) == (
        "2027-02-10", "30000.00", None,
    )  # fmt: skip
    assert first["parts"] == [
        {"on": "2027-02-10", "amount": "27000.00"}, {"on": "2027-05-10", "amount": "3000.00"},
    ]  # fmt: skip
    assert first["balance_by"] == 1
    assert [(p["on"], p["instalment"], p["balance"]) for p in status["payments_made"]] == [
        ("2027-02-10", 1, False), ("2027-05-10", 1, True),
    ]  # fmt: skip
    text = plain(status_text(status, Words("fr")))
    [line] = [line for line in text.splitlines() if line.strip().startswith("n° 1")]
    assert line.endswith(f"à la suite de la notification d’attribution  — {IN_TWO_PARTS}"), line
    assert "versé le lundi 10 mai 2027" not in text


def test_the_balance_target_met_late_says_when_it_was_met(paid_in_two_parts: App) -> None:
    """Before (L5): « date passée », as if it were still unpaid."""
    status = views.status(paid_in_two_parts, EXAMPLE)

    [balance] = [d for d in status["deadlines"]
                 if d["kind"] == "payment" and d["due_date"] == "2027-04-14"]  # fmt: skip
    assert (balance["status"], balance["met_on"], balance["forgone_on"]) == (
        "passed", "2027-05-10", None,
    )  # fmt: skip
    text = plain(status_text(status, Words("fr")))
    [line] = [line for line in text.splitlines() if "14 avril 2027" in line and "passée" in line]
    assert line.endswith("— atteint en retard, le lundi 10 mai 2027"), line


def test_the_treasurer_reads_each_part_on_its_day(raised: App, smtp_server: RunningServer) -> None:
    record(raised, "pay", "2027-05-10", amount="3000.00", mandate="MDT-2027-0457")

    [paid] = [m for m in deliver(raised, smtp_server, "2027-05-10T11:00:00Z")
              if "Versement du solde" in m.subject_plain]  # fmt: skip

    said = f"n° 1 : 30 000,00 €, à la suite de la notification d’attribution ({IN_TWO_PARTS})"
    assert f"- versement {said}" in paid.text_read, paid.text_read
    assert f"Versement {said}" in paid.html_read, paid.html_read
    assert "(versé le lundi 10 mai 2027)" not in paid.text_read + paid.html_read


def test_the_balance_of_an_instalment_is_forgone(raised: App, smtp_server: RunningServer) -> None:
    """Before (H1): « le versement n° 1 est déjà enregistré, le 10 février 2027 »."""
    overdue = deliver(raised, smtp_server, "2027-04-15T08:00:00Z")  # the balance is late
    assert [m.subject_plain for m in overdue if "retard" in m.subject_plain]
    record(raised, "forgo_payment", "2027-05-10", instalment="1", reason="action réduite")

    status = views.status(raised, EXAMPLE)
    first = status["instalments"][0]
    assert (first["forgone_on"], first["forgone_amount"], first["balance_forgone"]) == (
        "2027-05-10", "3000.00", True,
    )  # fmt: skip
    assert (first["paid_on"], first["paid_amount"], first["balance_due"]) == (
        "2027-02-10", "27000.00", None,
    )  # fmt: skip
    assert [r["number"] for r in status["remaining"]] == [2]
    assert views.history(raised, EXAMPLE)[-1]["inputs"] == {
        "instalment": "1",
        "reason": "action réduite",
        "amount": "3000.00",
        "balance": "yes",
    }
    text = plain(status_text(status, Words("fr")))
    assert (
        "versé le mercredi 10 février 2027, renonciation au solde de 3 000,00 € le lundi 10 mai "
        "2027"
    ) in text
    [balance] = [d for d in status["deadlines"]
                 if d["kind"] == "payment" and d["due_date"] == "2027-04-14"]  # fmt: skip
    assert (balance["met_on"], balance["forgone_on"]) == (None, "2027-05-10")

    [told] = [m for m in deliver(raised, smtp_server, "2027-05-10T11:00:00Z")
              if "Renonciation" in m.subject_plain]  # fmt: skip
    assert told.subject_plain == (
        "[AMP-EXEMPLE-2027] Renonciation de la Métropole au solde du versement n° 1 sur 2 "
        "(3 000,00 €)"
    )
    assert told.says(
        "sa renonciation au solde du versement n° 1 sur 2 de sa participation prévue à l’article 2"
    ), told.text_read
    assert told.says(
        "soit 3 000,00 €, fixé par l’avenant n° 1 : 27 000,00 € ont été versés à ce titre et le "
        "restent ; seul ce solde n’est plus dû."
    ), told.text_read
    said = ("n° 1 : 30 000,00 €, à la suite de la notification d’attribution (versé 27 000,00 € "
            "le mercredi 10 février 2027 ; solde de 3 000,00 € : renonciation le lundi 10 mai "
            "2027)")  # fmt: skip
    assert f"- versement {said}" in told.text_read, told.text_read
    assert f"Versement {said}" in told.html_read, told.html_read

    with pytest.raises(GuardRejected) as refused:
        record(raised, "forgo_payment", "2027-05-11", instalment="1", reason="encore")
    assert plain(say(refused.value, Words("fr")).message).endswith(
        "la Métropole a renoncé au solde du versement n° 1 (3 000,00 €) le 10 mai 2027 : rien "
        "n'est plus dû à ce titre, ce qui a été versé reste versé"
    )


def test_a_wrong_amount_names_the_instalment_and_the_one_it_matches(raised: App) -> None:
    """Before (L3): « n'est pas le montant dû (3 000,00 €) prévu à l'article 2 », not saying
    which instalment it was held against, nor that 18 000,00 € is instalment n° 2's."""
    record(raised, "report_received", "2027-05-03")
    refusals = []
    for inputs in ({"amount": "18000.00"}, {"amount": "2000.00"},
                   {"amount": "17000.00", "instalment": "2"}):  # fmt: skip
        with pytest.raises(GuardRejected) as refused:
            record(raised, "pay", "2027-05-10", **inputs)
        refusals.append(plain(say(refused.value, Words("fr")).message))

    assert refusals[0].endswith(
        "le montant saisi (18 000,00 €) n'est pas celui du versement n° 1, le premier non payé "
        "(3 000,00 €), mais celui du versement n° 2 : ajoutez instalment=2"
    ), refusals[0]
    assert refusals[1].endswith(
        "le montant saisi (2 000,00 €) n'est pas le solde dû sur le versement n° 1 (3 000,00 €), "
        "fixé par l'avenant n° 1"
    ), refusals[1]
    assert refusals[2].endswith(
        "le montant saisi (17 000,00 €) n'est pas le montant dû (18 000,00 €) du versement n° 2 "
        "prévu à l'article 2"
    ), refusals[2]
    assert date.fromisoformat(views.status(raised, EXAMPLE)["paid_on"] or "") == date(2027, 2, 10)
