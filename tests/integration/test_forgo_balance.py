"""The Métropole gives up the balance an avenant left to pay (rule 25, `forgo_payment`), on
SQLite and PostgreSQL, as the finance officer and the partner's treasurer read it.

The reference convention paid its 200 000,00 € on Tuesday 1 April 2025; avenant n° 1, signed by
both parties on 5 May 2025, raised the amount to 250 000,00 €: a balance of 50 000,00 €. The
beneficiary renounces the complementary action, and the Métropole records on Tuesday 20 May
that it will not pay the balance. Before (finance tester, H1): `forgo_payment` answered « le
versement n° 0 est déjà enregistré, le 1er avril 2025 », so the balance stayed owed for ever
(« Solde de 50 000,00 € en retard », « Dossier non clos »); the only ways out were another
avenant or a payment never made. Now the balance is forgone: what was paid stays paid, the
amount given up is the balance, and the status, the history, the dossier and the email the
beneficiary's signatories receive (read from a real SMTP server) say so, never « n° 0 ».
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from states.convention import Convention
from states.errors import GuardRejected
from tests.integration.mail import Inbox, partners_and_service
from tests.integration.steps import CRPV, METROPOLE, REFERENCE
from tests.reading import plain
from workflow.cli.present import status_text
from workflow.usecases import views
from workflow.usecases.dossier import dossier
from workflow.wording.refusals import say
from workflow.wording.words import Words

REASON = "Le bénéficiaire renonce à l'action complémentaire"


@pytest.fixture
def raised(inbox: Inbox, reference_convention: Convention) -> Inbox:
    """Paid 200 000,00 € on 1 April 2025; avenant n° 1 (250 000,00 €) signed on 5 May."""
    inbox.in_execution(reference_convention)
    inbox.amend("2025-05-05", {"amount": "250000.00"}, (CRPV, METROPOLE))
    inbox.deliver("2025-05-05T11:00:00Z")
    assert views.status(inbox.app, REFERENCE)["balance_due"] == "50000.00"
    return inbox


def test_the_balance_an_avenant_left_is_forgone_what_was_paid_stays_paid(raised: Inbox) -> None:
    raised.event("forgo_payment", "2025-05-20", reason=REASON)

    status = views.status(raised.app, REFERENCE)
    assert (status["state"], status["paid_on"], status["paid_amount"]) == (
        "execution", "2025-04-01", "200000.00",
    )  # fmt: skip
    assert (status["forgone_on"], status["forgone_amount"], status["balance_forgone"]) == (
        "2025-05-20", "50000.00", True,
    )  # fmt: skip
    assert (status["balance_due"], status["remaining"], status["balance_by"]) == (None, [], 1)
    assert "pay" not in status["allowed_events"]
    assert "forgo_payment" not in status["allowed_events"]
    last = views.history(raised.app, REFERENCE)[-1]
    assert (last["event"], last["inputs"]) == ("forgo_payment", {
        "reason": REASON, "amount": "50000.00", "balance": "yes",
    })  # fmt: skip

    text = plain(status_text(status, Words("fr")))
    [amount] = [line for line in text.splitlines() if line.strip().startswith("montant")]
    assert amount.split(None, 1)[1] == (
        "250 000,00 €  — versé 200 000,00 € le mardi 1er avril 2025 ; la Métropole a renoncé au "
        "solde de 50 000,00 € le mardi 20 mai 2025"
    ), amount
    assert "n° 0" not in text and "n°0" not in text


def test_the_beneficiary_is_told_the_balance_was_forgone_with_its_amount(raised: Inbox) -> None:
    raised.event("forgo_payment", "2025-05-20", reason=REASON)

    told, service = partners_and_service(raised.deliver("2025-05-20T11:00:00Z"), "Renonciation")

    assert told.subject_plain == (
        "[AMP-CRPV-PACA-2025] Renonciation de la Métropole au solde du versement de la subvention "
        "(50 000,00 €)"
    )
    assert told.says(
        "La Métropole a enregistré le mardi 20 mai 2025 sa renonciation au solde du versement de "
        "sa participation prévue à l’article 2 de la convention"
    ), told.text_read
    assert told.says(
        "soit 50 000,00 €, fixé par l’avenant n° 1 : 200 000,00 € ont été versés et le restent ; "
        "seul ce solde n’est plus dû."
    ), told.text_read
    assert told.says("Par décision de la Métropole, ce solde ne sera pas versé")
    assert "seul ce solde n’est plus dû.\n\nMotif enregistré" in told.text_plain
    assert "Montant : 50 000,00 € Solde laissé par un avenant : oui" in told.text_read
    for mail in (told, service):
        assert "n° 0" not in mail.text_read and "n° 0" not in mail.html_read


def test_the_dossier_records_the_balance_forgone_and_its_amount(raised: Inbox) -> None:
    raised.event("forgo_payment", "2025-05-20", reason=REASON)

    archive = zipfile.ZipFile(io.BytesIO(dossier(raised.app, REFERENCE, raised.app.clock())))
    rows = csv.reader(io.StringIO(archive.read("historique.csv").decode("utf-8-sig")),
                      delimiter=";")  # fmt: skip
    [line] = [row for row in rows if row[1:3] == ["2025-05-20", "Renonciation au versement"]]
    assert plain(line[7]) == f"reason={REASON} ; amount=50000.00 ; balance=yes", line


def test_forgoing_the_balance_again_or_paying_it_says_it_was_forgone(raised: Inbox) -> None:
    raised.event("forgo_payment", "2025-05-20", reason=REASON)
    before = views.history(raised.app, REFERENCE)

    for event, inputs in (("forgo_payment", {"reason": "encore"}),
                          ("pay", {"amount": "50000.00"})):  # fmt: skip
        with pytest.raises(GuardRejected) as refused:
            raised.event(event, "2025-05-21", **inputs)
        assert (refused.value.code, refused.value.own_params) == (
            "balance_forgone", {"amount": "50000.00", "forgone_on": "2025-05-20"},
        )  # fmt: skip
        said = plain(say(refused.value, Words("fr")).message)
        assert said.endswith(
            "la Métropole a renoncé au solde de 50 000,00 € le 20 mai 2025 : rien n'est plus dû "
            "à ce titre, ce qui a été versé reste versé"
        ), said
    assert views.history(raised.app, REFERENCE) == before


def test_a_wrong_amount_for_the_balance_names_the_avenant_that_fixed_it(raised: Inbox) -> None:
    """Before (M1): « n'est pas le montant dû (50 000,00 €) prévu à l'article 2 »."""
    with pytest.raises(GuardRejected) as refused:
        raised.event("pay", "2025-05-20", amount="250000.00")

    said = plain(say(refused.value, Words("fr")).message)
    assert said.endswith(
        "le montant saisi (250 000,00 €) n'est pas le solde dû (50 000,00 €), fixé par l'avenant "
        "n° 1"
    ), said


def test_after_the_term_the_balance_is_the_avenant_s_and_forgoing_it_closes_the_file(
    raised: Inbox,
) -> None:
    """Left unpaid past its term (31 December 2025). Before (M1): the end email owed « le
    versement de la subvention : 50 000,00 €, à la suite de la notification d'attribution »,
    the wrong condition; and nothing but a payment never made could close the file (H1)."""
    ended, service = partners_and_service(raised.deliver("2026-01-01T08:05:00Z"), "terme")

    owed = "olde du versement de la subvention : 50 000,00 €, fixé par l’avenant n° 1"
    assert ended.says("la Métropole doit encore ce solde (article 2).")
    assert f"- le s{owed} (200 000,00 € déjà versés)." in ended.text_read, ended.text_read
    assert f"Le s{owed} (200 000,00 € déjà versés)." in ended.html_read, ended.html_read
    assert "à la suite de la notification" not in ended.text_read
    assert service.mentions(
        "Le solde, fixé par l’avenant n° 1 (50 000,00 €), reste dû après la fin"
    ), service.text_read
    status = views.status(raised.app, REFERENCE)
    assert (status["state"], status["file_open"] is not None) == ("expired", True)
    assert [(r["number"], r["amount"], r["balance"], r["balance_by"], r["paid_amount"])
            for r in status["remaining"]] == [(0, "50000.00", True, 1, "200000.00")]  # fmt: skip
    text = plain(status_text(status, Words("fr")))
    assert "versement      50 000,00 €  solde fixé par l'avenant n° 1" in text, text

    raised.event("forgo_payment", "2026-01-15", reason=REASON)

    status = views.status(raised.app, REFERENCE)
    assert (status["remaining"], status["file_open"]) == ([], None)
    assert status["retention"] is not None and status["retention"]["closed_on"] == "2026-01-15"
    told, _ = partners_and_service(raised.deliver("2026-01-15T11:00:00Z"), "Renonciation")
    assert told.says("son dossier est clos le jour de cette renonciation"), told.text_read
