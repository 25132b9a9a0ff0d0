"""What was paid and forgone, said with the amount (finance tester's L7), on both backends.

AMP-EXEMPLE-2027 (examples/): n° 1 paid 27 000,00 € on Monday 1 February 2027; avenant n° 1,
in force on Monday 15 March, raises n° 1 to 30 000,00 € and n° 2 to 21 000,00 €; the
3 000,00 € balance of n° 1 paid on 20 March; n° 2 forgone on 1 April (the report never came).
The balance's email says what the instalment was raised to; the renunciation's email and
`status` no longer leave « Montant : 51 000,00 € » alone, as if all of it were owed.
"""

from __future__ import annotations

from tests.integration.mail import Mail, delivered
from tests.integration.test_instalment_amendment import avenant
from tests.integration.test_instalment_emails import EXAMPLE, record
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.usecases import views
from workflow.wording.words import Words

pytest_plugins = ["tests.integration.test_instalment_emails"]


def _partners(mails: list[Mail], subject: str) -> Mail:
    [found] = [m for m in mails if subject in m.subject_plain and not m.for_service]
    return found


def test_the_balance_the_forgone_instalment_and_the_status_say_the_figures(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    avenant(app, **{"instalment.1.amount": "30000.00", "instalment.2.amount": "21000.00"})
    delivered(app, smtp_server, app.clock())
    record(app, "pay", "2027-03-20", amount="3000.00", instalment="1")
    balance = _partners(delivered(app, smtp_server, app.clock()), "solde")
    assert balance.says("Avec les 27 000,00 € déjà versés à ce titre, ce versement, porté à "
                        "30 000,00 € par avenant, est versé en totalité.")  # fmt: skip

    record(app, "forgo_payment", "2027-04-01", instalment="2", reason="bilan non remis")
    forgone = _partners(delivered(app, smtp_server, app.clock()), "enonciation")
    assert forgone.text_read.count(
        "Montant (art. 2) : 51 000,00 € TTC (versé 30 000,00 €, renoncé 21 000,00 €)"
    ) == 1, forgone.text_read  # fmt: skip
    assert "51 000,00 € TTC (versé 30 000,00 €, renoncé 21 000,00 €)" in forgone.html_read

    view = views.status(app, EXAMPLE)
    assert (view["paid_amount"], view["forgone_amount"]) == ("30000.00", "21000.00")
    said = status_text(view, Words("fr")).replace("\u202f", " ").replace("\xa0", " ")
    assert "la Métropole a renoncé à 21 000,00 €" in said


def test_nothing_forgone_the_amount_stands_alone(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    paid = _partners(delivered(app, smtp_server, app.clock()), "Versement de")

    assert "Montant (art. 2) : 45 000,00 € TTC Prise d’effet" in paid.text_read
    assert "renoncé" not in paid.text_read
    assert views.status(app, EXAMPLE)["forgone_amount"] is None
