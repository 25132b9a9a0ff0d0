"""What « Avenant en vigueur » tells the beneficiary of a schedule (finance tester's M5).

AMP-EXEMPLE-2027 (examples/), above the open data's threshold (23 000 €, rule 19): n° 1 paid
27 000,00 € on Monday 1 February 2027; avenant n° 1, in force on Monday 15 March, raises n° 2
(the « bilan d'activité 2027 », not received yet) from 18 000,00 to 21 000,00 €. The email
says what is still expected of the beneficiary (the document that triggers n° 2, as the
earlier emails say it) and where each instalment stands; the Métropole's update of its open
data, which the avenant calls for, is not explained to the partners as « their » date.
"""

from __future__ import annotations

import pytest

from tests.integration.mail import delivered
from tests.integration.test_instalment_amendment import avenant
from tests.integration.test_instalment_emails import record
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App

pytest_plugins = ["tests.integration.test_instalment_emails"]


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The open data's default threshold: the example's 45 000 € are published."""
    return {**settings_env, "CONVFLOW_OPEN_DATA_THRESHOLD": "23000"}


def test_the_avenant_in_force_says_the_document_still_expected_and_the_schedule(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    delivered(app, smtp_server, app.clock())
    assert avenant(app, **{"instalment.2.amount": "21000.00"}) == "in_force"

    mails = delivered(app, smtp_server, app.clock())
    [partners] = [m for m in mails if "en vigueur" in m.subject_plain and not m.for_service]

    for sentence in (
        "Le bénéficiaire transmet au service le document « bilan d’activité 2027 » : sa "
        "réception déclenche le versement n° 2, de 21 000,00 € (article 2).",
        "La participation, de 48 000,00 €, est versée en 2 fois ; où en est chaque versement "
        "après l’avenant :",
        # each instalment (« - versement n° 1 », the HTML's list « Versement n° 1 »)
        "ersement n° 1 : 27 000,00 €, à la suite de la notification d’attribution (versé le "
        "lundi 1er février 2027)",
        "ersement n° 2 : 21 000,00 €, à la réception du document « bilan d’activité 2027 »",
    ):
        assert partners.says(sentence), (sentence, partners.text_read)
    assert not partners.mentions("Aucune action n’est attendue")
    # the open data's update is the Métropole's: no « how this date is computed » about it
    assert not partners.mentions("COMMENT CETTE DATE EST CALCULÉE")
    assert not partners.mentions("données essentielles")
