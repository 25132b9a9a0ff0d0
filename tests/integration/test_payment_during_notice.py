"""During a termination notice the convention is executed normally until its end.

AMP-EXEMPLE-2027 (examples/) pays its 45 000 € in two instalments: 27 000 € after the
notification, then the balance, 18 000 €, on the report « bilan d'activité 2027 ». The
association gives notice on 15 September 2027; until the notice's end the in-force and notice
emails say the convention « s'exécute normalement ». The report comes on 1 October and the
balance is paid on 20 October, during the notice: both are recorded (before: refused, only
`open_dispute` was possible), the partners read the payment's email from a real SMTP server
(aiosmtpd), the state stays `termination`, and the convention still ends at the notice's end.
On SQLite and PostgreSQL, on the fixed clock of the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from tests.conftest import FixedClock
from tests.integration.steps import at, load
from tests.integration.test_balance_after_end import (
    EXAMPLE,
    EXAMPLE_FILE,
    MARTIAL,
    NADIA,
    balance_deadline,
    pass_at,
    record,
    refused,
    state,
)
from tests.integration.test_what_is_due import received, subject, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases import views


@pytest.fixture
def notice_running(
    app: App, clock: FixedClock, smtp_server: RunningServer
) -> Iterator[tuple[App, list[EmailMessage]]]:
    """The example convention in force on 8 January 2027, notified on 15 January, its first
    instalment paid on 1 February; the association's notice received on 15 September. The
    notice's emails to the partners."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory=NADIA)
    record(app, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, "notify", "2027-01-15")
    record(app, "pay", "2027-02-01", amount="27000.00")
    pass_at(app, smtp_server, "2027-02-01T12:00:00Z")
    record(app, "give_notice", "2027-09-15", party="association", received="2027-09-15")
    yield app, pass_at(app, smtp_server, "2027-09-15T12:00:00Z")


def test_the_balance_is_received_and_paid_during_the_notice(
    notice_running: tuple[App, list[EmailMessage]], smtp_server: RunningServer
) -> None:
    app, notice = notice_running
    assert state(app) == "termination"
    assert any("Jusqu’à la prise d’effet, la convention s’exécute normalement." in text_of(m)
               for m in notice)  # fmt: skip
    view = views.status(app, EXAMPLE)
    assert view["allowed_events"] == ["pay", "report_received", "open_dispute", "forgo_payment"]

    record(app, "report_received", "2027-10-01", instalment="2")
    assert state(app) == "termination"
    assert balance_deadline(app) == ("pending", "2027-10-31")  # 30 days after the report

    record(app, "pay", "2027-10-20", amount="18000.00", instalment="2")
    view = views.status(app, EXAMPLE)
    assert (view["state"], view["allowed_events"], view["remaining"]) == (
        "termination", ["open_dispute"], [],
    )  # fmt: skip
    assert [(p["instalment"], p["amount"], p["on"]) for p in view["payments_made"]] == [
        (1, "27000.00", "2027-02-01"), (2, "18000.00", "2027-10-20"),
    ]  # fmt: skip
    assert balance_deadline(app) == ("met", "2027-10-31")
    paid = [m for m in pass_at(app, smtp_server, "2027-10-20T12:00:00Z")
            if "Versement de 18 000,00 € enregistré" in subject(m)]  # fmt: skip
    assert paid and {str(m["To"]) for m in paid} >= {f"{MARTIAL}, {NADIA}"}
    text = text_of(paid[0])
    assert "soit 18 000,00 €, a été effectué le mercredi 20 octobre 2027" in text
    assert ("La convention poursuit son exécution jusqu’à la prise d’effet de sa résiliation, le "
            "mercredi 15 décembre 2027 à 24 h (article 7).") in text  # fmt: skip
    assert "jusqu’à son terme" not in text  # before: the term, 31 December, after the notice

    assert refused(app, "pay", "2027-10-21", amount="1.00")[0] == "all_instalments_paid"
    pass_at(app, smtp_server, "2027-12-15T12:00:00Z")
    assert state(app) == "termination"
    pass_at(app, smtp_server, "2027-12-16T12:00:00Z")  # the notice ended on the 15th at 24 h
    assert state(app) == "terminated"


def test_the_metropole_forgoes_the_balance_during_the_notice(
    notice_running: tuple[App, list[EmailMessage]], smtp_server: RunningServer
) -> None:
    app, _ = notice_running
    since = len(smtp_server.handler.accepted)
    record(app, "forgo_payment", "2027-10-05", instalment="2",
           reason="activité arrêtée avec la résiliation")  # fmt: skip
    view = views.status(app, EXAMPLE)
    assert (view["state"], view["allowed_events"], view["remaining"]) == (
        "termination", ["open_dispute"], [],
    )  # fmt: skip
    assert view["instalments"][1]["forgone_on"] == "2027-10-05"
    pass_at(app, smtp_server, "2027-10-05T12:00:00Z")
    told = [m for m in received(smtp_server, since) if "Renonciation" in subject(m)]
    assert [str(m["To"]) for m in told] == [NADIA]
    assert ("La convention poursuit son exécution jusqu’à la prise d’effet de sa résiliation, le "
            "mercredi 15 décembre 2027 à 24 h (article 7).") in text_of(told[0])  # fmt: skip


def test_the_forgone_instalment_is_told_in_execution_too(
    app: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """Forgone before any notice, the email's schedule says which instalment was forgone and
    when (before: the email failed to render, the stored day read as text, and was not sent)."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory=NADIA)
    record(app, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, "notify", "2027-01-15")
    record(app, "pay", "2027-02-01", amount="27000.00")
    pass_at(app, smtp_server, "2027-02-01T12:00:00Z")
    record(app, "forgo_payment", "2027-03-01", instalment="2", reason="subvention réduite")
    assert state(app) == "execution"
    told = [m for m in pass_at(app, smtp_server, "2027-03-01T12:00:00Z")
            if "Renonciation" in subject(m)]  # fmt: skip
    assert [str(m["To"]) for m in told] == [NADIA]
    text = text_of(told[0])
    assert "(non versé : renonciation le lundi 1er mars 2027)" in text
    assert ("La convention poursuit son exécution jusqu’à son terme, le vendredi 31 décembre "
            "2027 à 24 h (article 4).") in text  # fmt: skip
