"""The tester's walk, on SQLite and PostgreSQL: the reference convention, paid its 200 000,00 €
in one payment on 1 April 2025 (execution), then avenant n° 1 raising the amount to 250 000,00 €,
in force at its last signature on Saturday 3 May 2025. The 50 000,00 € difference is a balance
due by Monday 2 June 2025: shown by the status, paid with `pay amount=50000.00` in execution,
recorded as a further part of the single payment; the history still verifies, and the partners
read the balance and its date in the amendment_in_force email the SMTP server received."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected, InvalidInput
from tests.conftest import FixedClock
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_execution,
    bring_into_force,
    load,
    record,
)
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
from workflow.usecases.dossier import dossier
from workflow.usecases.due import run_due
from workflow.usecases.verification import verify_history


def amend(app: App, on: str, **changes: str) -> int:
    command = DraftAmendment(REFERENCE, changes, "alice", date.fromisoformat(on))
    return draft_amendment(app, command, app.clock()).number


def amendment(app: App, event: str, on: str, **inputs: str) -> str:
    command = RecordAmendmentEvent(REFERENCE, 1, event, "alice", date.fromisoformat(on), inputs)
    return record_amendment_event(app, command, app.clock()).to_state


@pytest.fixture
def raised(app: App, reference_convention: Convention) -> App:
    """Paid on 1 April 2025; avenant n° 1 (250 000,00 €) drafted on 28 April, in force on
    Saturday 3 May 2025."""
    return raise_by_avenant(app, reference_convention)


def raise_by_avenant(app: App, reference_convention: Convention) -> App:
    """The walk of `raised`, on the app's clock as it stands."""
    load(app, reference_convention)
    bring_into_execution(app)
    amend(app, "2025-04-28", amount="250000.00")
    amendment(app, "submit", "2025-04-29")
    amendment(app, "sign", "2025-04-30", signatory=CRPV)
    assert amendment(app, "sign", "2025-05-03", signatory=METROPOLE) == "in_force"
    return app


def test_the_balance_is_due_shown_and_paid(raised: App) -> None:
    status = views.status(raised, REFERENCE)
    assert (status["state"], status["amount"], status["paid_amount"]) == (
        "execution", "250000.00", "200000.00",
    )  # fmt: skip
    assert status["balance_due"] == "50000.00"
    assert "pay" in status["allowed_events"]
    payments = [d for d in status["deadlines"] if d["kind"] == "payment"]
    assert [(d["due_date"], d["status"]) for d in payments] == [
        ("2025-04-19", "met"), ("2025-06-02", "pending"),
    ]  # fmt: skip
    explanation = plain(payments[1]["explanation"])
    assert "le solde de 50 000,00 € reste à verser après l'avenant" in explanation
    assert "avenant n° 1, en vigueur le samedi 3 mai 2025" in explanation

    before = views.history(raised, REFERENCE)
    # the balance is said the avenant's, not the article 2's payment (finance tester, M1)
    balance = r"balance_differs .*amount=40000.00, due=50000.00, by_amendment=1"
    with pytest.raises(GuardRejected, match=balance):
        record(raised, "pay", "2025-05-05", amount="40000.00")
    assert views.history(raised, REFERENCE) == before

    record(raised, "pay", "2025-05-05", amount="50000.00")
    status = views.status(raised, REFERENCE)
    assert (status["state"], status["paid_amount"], status["balance_due"]) == (
        "execution", "250000.00", None,
    )  # fmt: skip
    assert status["paid_on"] == "2025-04-01"  # the first payment's, as before
    assert "pay" not in status["allowed_events"]
    payments = [d for d in status["deadlines"] if d["kind"] == "payment"]
    assert [d["status"] for d in payments] == ["met", "met"]
    last = views.history(raised, REFERENCE)[-1]
    assert (last["event"], last["from_state"], last["to_state"], last["inputs"]) == (
        "pay", "execution", "execution", {"amount": "50000.00"},
    )  # fmt: skip


def test_the_history_and_the_dossier_stay_consistent(raised: App) -> None:
    record(raised, "pay", "2025-05-05", amount="50000.00")

    assert verify_history(raised, REFERENCE)["breaks"] == []
    archive = zipfile.ZipFile(io.BytesIO(dossier(raised, REFERENCE, raised.clock())))
    rows = archive.read("historique.csv").decode("utf-8-sig").splitlines()
    pays = [row.split(";") for row in rows if ";Versement;" in row]
    assert [(row[1], row[3], row[4], row[7]) for row in pays] == [
        ("2025-04-01", "notifiée, en attente de versement", "en exécution", "amount=200000.00"),
        ("2025-05-05", "en exécution", "en exécution", "amount=50000.00"),
    ]


def test_each_payment_is_read_with_its_own_day_and_amount(raised: App) -> None:
    # paid_on stays the first payment's day and paid_amount the total: what reads them must
    # not put the total on the first payment's day, as if it were the only payment.
    from workflow.cli.present import status_text
    from workflow.wording.words import Words

    record(raised, "pay", "2025-05-05", amount="50000.00")

    status = views.status(raised, REFERENCE)
    assert status["payments_made"] == [
        {"on": "2025-04-01", "amount": "200000.00", "instalment": 0, "balance": False},
        {"on": "2025-05-05", "amount": "50000.00", "instalment": 0, "balance": True},
    ]
    text = plain(status_text(status, Words("fr")))
    [line] = [line for line in text.splitlines() if line.strip().startswith("montant")]
    assert line.split(None, 1)[1] == (
        "250 000,00 €  — versé 200 000,00 € le mardi 1er avril 2025, puis le solde de "
        "50 000,00 € le lundi 5 mai 2025"
    ), line
    english = status_text(status, Words("en"))
    assert "paid 200000.00 on 2025-04-01, then the balance of 50000.00 on 2025-05-05" in english

    archive = zipfile.ZipFile(io.BytesIO(dossier(raised, REFERENCE, raised.clock())))
    state = json.loads(archive.read("etat.json"))
    assert [(p["on"], p["amount"]) for p in state["payments_made"]] == [
        ("2025-04-01", "200000.00"), ("2025-05-05", "50000.00"),
    ]  # fmt: skip


def test_while_the_balance_is_due_the_status_says_the_one_payment_and_the_balance(
    raised: App,
) -> None:
    from workflow.cli.present import status_text
    from workflow.wording.words import Words

    text = plain(status_text(views.status(raised, REFERENCE), Words("fr")))

    assert (
        "250 000,00 €  — versé 200 000,00 € le mardi 1er avril 2025 ; solde à verser après "
        "l'avenant : 50 000,00 €"
    ) in text


def test_a_lower_amount_than_paid_is_refused_and_nothing_written(raised: App) -> None:
    record(raised, "pay", "2025-05-05", amount="50000.00")
    before = views.history(raised, REFERENCE)

    with pytest.raises(InvalidInput, match=r"amount_below_paid .*amount=240000.00, paid=250000.00"):
        amend(raised, "2025-05-06", amount="240000.00")

    assert views.history(raised, REFERENCE) == before
    assert len(views.amendments(raised, REFERENCE)) == 1


def test_the_partners_read_the_balance_and_its_date(
    raised: App, smtp_server: RunningServer
) -> None:
    # The walk is recorded on the test clock (25 November 2026), late records told all the same
    # (tests/conftest.py): the due pass delivers every email, the amendment's among them.
    run_due(raised, raised.clock(), smtp_server.sender())

    [email] = [m for m in received(smtp_server) if "Avenant n° 1 en vigueur" in subject(m)]
    assert set(str(email["To"]).replace(" ", "").split(",")) == {METROPOLE, CRPV}
    text = text_of(email)
    assert "200 000,00 € → 250 000,00 €" in text
    assert (
        "est portée à 250 000,00 € alors que 200 000,00 € ont déjà été versés : le solde de "
        "50 000,00 € reste à verser, au plus tard le lundi 2 juin 2025"
    ) in text
    assert "La Métropole verse le solde de 50 000,00 € au plus tard le lundi 2 juin 2025" in text
    assert "Aucune action n’est attendue" not in text


def test_the_payment_of_the_balance_is_told_as_the_balance(
    raised: App, smtp_server: RunningServer
) -> None:
    record(raised, "pay", "2025-05-05", amount="50000.00")
    run_due(raised, raised.clock(), smtp_server.sender())

    [email] = [m for m in received(smtp_server) if "Versement du solde" in subject(m)]
    assert subject(email) == "[AMP-CRPV-PACA-2025] Versement du solde de 50 000,00 € enregistré"
    text = text_of(email)
    assert "soit 50 000,00 €, a été effectué le lundi 5 mai 2025" in text
    assert "Avec les 200 000,00 € déjà versés, la participation, portée à 250 000,00 € par " in (
        text
    )
    assert "soit 250 000,00 €, a été effectué" not in text


def test_the_balance_late_is_reminded_and_announced_as_the_balance(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    # Recorded live this time: the avenant in force on Saturday 3 May 2025 is recorded on the
    # 4th, so its balance deadline (Monday 2 June) is known before it falls. On the target day
    # the reminder, the day after the announcement, each speak of the 50 000,00 € balance,
    # not of a first payment that was made.
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at("2025-05-04T10:00:00Z")
    raised_live = raise_by_avenant(app, reference_convention)

    clock.now = at("2025-06-02T08:00:00Z")  # 10:00 in Paris, after the reminder hour
    run_due(raised_live, raised_live.clock(), smtp_server.sender())
    clock.now = at("2025-06-03T07:00:00Z")  # 09:00 in Paris: the target's announcement
    run_due(raised_live, raised_live.clock(), smtp_server.sender())

    by_subject = {subject(m): text_of(m) for m in received(smtp_server)}
    reminder = by_subject[
        "[AMP-CRPV-PACA-2025] Rappel : solde de 50 000,00 € non enregistré (objectif interne : "
        "2 juin 2025)"
    ]
    assert "portée à 250 000,00 € par avenant, a été versée à hauteur de 200 000,00 €" in (reminder)
    assert "Le versement du solde de 50 000,00 € n’est pas enregistré à ce jour" in reminder
    assert "Aucun versement n’est enregistré" not in reminder
    late = by_subject[
        "[AMP-CRPV-PACA-2025] Solde de 50 000,00 € en retard (objectif interne : 2 juin 2025)"
    ]
    assert "fixait le versement du solde de 50 000,00 € au plus tard le lundi 2 juin 2025" in late
    assert "soit 250 000,00 €, est versée en une seule fois" not in late


def test_a_new_payment_target_before_the_payment_speaks_of_no_balance(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    # Notified, not paid: an avenant moving the payment target leaves no balance; the partners
    # are not told of a « solde de 0,00 € ». The target already running keeps its 30 days
    # (rule 26 of docs/LEGAL-DEADLINES.md).
    load(app, reference_convention)
    bring_into_force(app)
    record(app, "notify", "2025-03-20")
    amend(app, "2025-03-24", payment_target_days="45")
    amendment(app, "submit", "2025-03-25")
    amendment(app, "sign", "2025-03-25", signatory=CRPV)
    assert amendment(app, "sign", "2025-03-26", signatory=METROPOLE) == "in_force"
    run_due(app, app.clock(), smtp_server.sender())

    [email] = [m for m in received(smtp_server) if "Avenant n° 1 en vigueur" in subject(m)]
    text = text_of(email)
    assert "solde" not in text, text
    assert "Aucune action n’est attendue" in text, text
    assert "il reste fixé au samedi 19 avril 2025" in text  # 30 days after the notification
    assert "le dimanche 4 mai 2025" not in text  # not 45: the new target is for later ones
