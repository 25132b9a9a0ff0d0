"""What was earned during the term stays due after it (docs/LEGAL-DEADLINES.md, rule 25).

AMP-EXEMPLE-2027 (examples/) pays its 45 000 € in two instalments: 27 000 € after the
notification of the award, then the balance, 18 000 €, « à la réception du document "bilan
d'activité 2027" »: a report of the year's activity, which only comes after the term (Friday
31 December 2027). The convention expires at its term, and still: the report is received and
the balance paid on the expired convention; its payment target, its reminder and its lateness
outlive the end, read from a real SMTP server (aiosmtpd) as the partners read them; or the
Métropole forgoes it. On SQLite and PostgreSQL, on the fixed clock of the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage

import pytest

from states.errors import ConvflowError
from storage.queries import ConventionFilter, PageRequest
from tests.conftest import ROOT, FixedClock
from tests.integration.mail import parsed
from tests.integration.steps import at, load
from tests.integration.test_what_is_due import plain, received, subject, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.files.convention_file import read_convention_file
from workflow.usecases import listing, views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.due import run_due
from workflow.wording.refusals import say
from workflow.wording.words import Words

EXAMPLE = "AMP-EXEMPLE-2027"
EXAMPLE_FILE = ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml"
NADIA = "nadia.benali@example.org"
MARTIAL = "martial.alvarez@example.org"
ADMIN = "service.politique-ville@example.org"
BALANCE = "versement n° 2 : 18 000,00 €, à la réception du document « bilan d’activité 2027 »"


def record(app: App, event: str, on: str, **inputs: str) -> None:
    """Record a person's event on the example convention, on `on`, at 10:00 UTC that day."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(f"{on}T10:00:00Z")
    record_event(app, RecordEvent(EXAMPLE, event, "alice", date.fromisoformat(on), inputs),
                 app.clock())  # fmt: skip


def refused(app: App, event: str, on: str, **inputs: str) -> tuple[str, dict[str, object]]:
    """The refusal of an event: its code and parameters (the reference left out)."""
    with pytest.raises(ConvflowError) as caught:
        record(app, event, on, **inputs)
    params = {k: v for k, v in caught.value.params.items() if k not in ("reference", "event")}
    return caught.value.code, params


def pass_at(app: App, server: RunningServer, instant: str) -> list[EmailMessage]:
    """Run the due pass at `instant`, deliver; the partners' emails it sent."""
    since = len(server.handler.accepted)
    app.clock.now = at(instant)  # type: ignore[attr-defined]
    run_due(app, app.clock(), server.sender())
    return received(server, since)


def state(app: App) -> str:
    return str(views.status(app, EXAMPLE)["state"])


def balance_deadline(app: App) -> tuple[str, str] | None:
    """The status and due day of the balance's payment deadline, if it is open."""
    found = [(d["status"], d["due_date"]) for d in views.status(app, EXAMPLE)["deadlines"]
             if d["kind"] == "payment" and d.get("instalment") == 2]  # fmt: skip
    return found[0] if found else None


def overdue(app: App) -> list[tuple[str, int]]:
    return [(o["kind"], o["instalment"]) for o in listing.overdue_obligations(app)]


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """Administrators, to get the service's copy (the partners' emails leave it out)."""
    return {**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}


@pytest.fixture
def expired_with_its_balance(
    app: App, clock: FixedClock, smtp_server: RunningServer
) -> Iterator[tuple[App, list[EmailMessage]]]:
    """The example convention in force on 8 January 2027, notified on 15 January, its first
    instalment paid on 1 February; the pass of 1 January 2028 applies its term. The expiry's
    emails to the partners."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory=NADIA)
    record(app, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, "notify", "2027-01-15")
    record(app, "pay", "2027-02-01", amount="27000.00")
    pass_at(app, smtp_server, "2027-02-01T12:00:00Z")
    expiry = [m for m in pass_at(app, smtp_server, "2028-01-01T12:00:00Z")
              if "arrivée à son terme" in subject(m)]  # fmt: skip
    yield app, expiry


def test_the_expiry_email_says_the_balance_stays_due_and_what_the_partner_sends(
    expired_with_its_balance: tuple[App, list[EmailMessage]],
) -> None:
    app, expiry = expired_with_its_balance
    assert state(app) == "expired"
    assert {str(m["To"]) for m in expiry} == {f"{MARTIAL}, {NADIA}"}
    text = text_of(expiry[0])
    assert "Ce qui a été acquis pendant la convention reste dû après sa fin" in text
    assert f"- {BALANCE}, pas encore reçu." in text
    assert ("Transmettez au service le document « bilan d’activité 2027 » : sa réception "
            "déclenche le versement n° 2, de 18 000,00 €.") in text  # fmt: skip
    assert "Aucune action n’est attendue des signataires" not in text


def test_the_balance_is_received_reminded_late_and_paid_on_the_expired_convention(
    expired_with_its_balance: tuple[App, list[EmailMessage]], smtp_server: RunningServer
) -> None:
    app, _ = expired_with_its_balance
    view = views.status(app, EXAMPLE)
    assert view["allowed_events"] == ["pay", "report_received", "forgo_payment"]
    assert [(r["number"], r["amount"], r["report_received_on"]) for r in view["remaining"]] == [
        (2, "18000.00", None)
    ]
    said = plain(status_text(view, Words("fr")))
    assert "reste à verser" in said and "pas encore reçu" in said
    assert "possibles : aucun" not in said

    record(app, "report_received", "2028-03-15", instalment="2")
    assert state(app) == "expired"
    assert balance_deadline(app) == ("pending", "2028-04-14")  # 30 days after the report

    reminder = [m for m in pass_at(app, smtp_server, "2028-04-14T12:00:00Z")
                if "Rappel : versement de 18 000,00 €" in subject(m)]  # fmt: skip
    assert [subject(m) for m in reminder] == [
        "[AMP-EXEMPLE-2027] Rappel : versement de 18 000,00 € non enregistré (versement n° 2 "
        "sur 2, objectif interne : 14 avril 2028)"
    ]
    text = text_of(reminder[0])
    assert "Le versement n° 2, de 18 000,00 €, est dû à la réception du document" in text
    assert ("La convention a pris fin : elle est arrivée à son terme le vendredi 31 décembre "
            "2027 à 24 h (article 4). Ce versement, acquis pendant sa durée, reste dû après sa "
            "fin.") in text  # fmt: skip

    late = [
        m for m in pass_at(app, smtp_server, "2028-04-15T12:00:00Z") if "en retard" in subject(m)
    ]
    assert [subject(m) for m in late] == [
        "[AMP-EXEMPLE-2027] Versement de 18 000,00 € en retard (versement n° 2 sur 2, objectif "
        "interne : 14 avril 2028)"
    ]
    assert overdue(app) == [("payment", 2)]

    record(app, "pay", "2028-04-20", amount="18000.00", instalment="2")
    view = views.status(app, EXAMPLE)
    assert (view["state"], view["allowed_events"], view["remaining"]) == ("expired", [], [])
    assert [(p["instalment"], p["amount"], p["on"]) for p in view["payments_made"]] == [
        (1, "27000.00", "2027-02-01"), (2, "18000.00", "2028-04-20"),
    ]  # fmt: skip
    assert overdue(app) == []
    assert balance_deadline(app) == ("passed", "2028-04-14")  # paid late: the record shows it
    paid = [m for m in pass_at(app, smtp_server, "2028-04-20T12:00:00Z")
            if "Versement de 18 000,00 € enregistré" in subject(m)]  # fmt: skip
    assert "Ce versement, acquis pendant sa durée, restait dû après sa fin." in text_of(paid[0])
    assert "poursuit son exécution" not in text_of(paid[0])


def test_the_metropole_forgoes_the_balance_whose_report_never_came(
    expired_with_its_balance: tuple[App, list[EmailMessage]],
) -> None:
    app, _ = expired_with_its_balance
    record(app, "forgo_payment", "2028-07-03", instalment="2",
           reason="bilan d'activité jamais transmis malgré deux relances")  # fmt: skip

    view = views.status(app, EXAMPLE)
    assert (view["state"], view["allowed_events"], view["remaining"]) == ("expired", [], [])
    assert view["instalments"][1]["forgone_on"] == "2028-07-03"
    assert "renonciation le lundi 3 juillet 2028" in plain(status_text(view, Words("fr")))
    assert overdue(app) == []
    assert refused(app, "pay", "2028-07-04", amount="18000.00", instalment="2") == (
        "instalment_forgone", {"instalment": 2, "forgone_on": "2028-07-03"},
    )  # fmt: skip
    assert refused(app, "report_received", "2028-07-04", instalment="2") == (
        "instalment_forgone", {"instalment": 2, "forgone_on": "2028-07-03"},
    )  # fmt: skip
    with pytest.raises(ConvflowError) as caught:
        record(app, "pay", "2028-07-04", amount="18000.00", instalment="2")
    assert ("la Métropole a renoncé au versement n° 2 le 3 juillet 2028 : rien n'est "
            "plus dû à ce titre") in plain(say(caught.value, Words("fr")).sentence)  # fmt: skip


def test_the_association_is_told_the_balance_is_forgone_and_why(
    expired_with_its_balance: tuple[App, list[EmailMessage]], smtp_server: RunningServer
) -> None:
    """Nadia Benali, the association's president, last heard from convflow on 1 January that
    the Métropole still owed 18 000 €; the Métropole forgoes it on 15 March 2028. She is told
    which instalment, its amount, the day, the reason as recorded and what it means, and that
    this is not the Métropole's decision itself (before: no email at all)."""
    app, _ = expired_with_its_balance
    since = len(smtp_server.handler.accepted)
    record(app, "forgo_payment", "2028-03-15", instalment="2",
           reason="bilan d'activité 2027 jamais transmis malgré deux relances")  # fmt: skip
    pass_at(app, smtp_server, "2028-03-15T10:05:00Z")

    sent = [parsed(item) for item in smtp_server.handler.accepted[since:]]
    [told] = [m for m in sent if not str(m["X-Convflow-Key"]).endswith(":service")]
    assert str(told["To"]) == NADIA  # the beneficiary's signatory, not the Métropole's
    assert subject(told) == (
        "[AMP-EXEMPLE-2027] Renonciation de la Métropole au versement n° 2 sur 2 (18 000,00 €)"
    )
    text = text_of(told)
    assert ("La Métropole a enregistré le mercredi 15 mars 2028 sa renonciation au versement "
            "n° 2 sur 2 de sa participation prévue à l’article 2 de la convention "
            "AMP-EXEMPLE-2027") in text  # fmt: skip
    assert "soit 18 000,00 €, prévu à la réception du document « bilan d’activité 2027 »." in text
    assert "Motif enregistré : « bilan d’activité 2027 jamais transmis malgré deux relances »" in (
        text)  # fmt: skip
    assert "Par décision de la Métropole, ce versement ne sera pas effectué ;" in text
    assert ("La convention a pris fin : elle est arrivée à son terme le vendredi 31 décembre "
            "2027 à 24 h (article 4). Plus rien n’étant attendu à son titre, son dossier est "
            "clos le jour de cette renonciation.") in text  # fmt: skip
    assert ("Il ne remplace pas la décision de la Métropole de ne pas effectuer ce versement, "
            "qui vous est notifiée par ailleurs avec ses motifs") in text  # fmt: skip
    assert "Aucune action n’est attendue au titre de ce versement." in text
    assert "Transmettez au service le document" not in text
    [copy] = [m for m in sent if str(m["X-Convflow-Key"]).endswith(":service")]
    assert str(copy["To"]) == ADMIN
    assert "convflow ne notifie pas la décision de ne pas verser" in text_of(copy)


def test_a_forgone_balance_whose_target_had_passed_is_no_longer_overdue(
    expired_with_its_balance: tuple[App, list[EmailMessage]], smtp_server: RunningServer
) -> None:
    app, _ = expired_with_its_balance
    record(app, "report_received", "2028-03-15", instalment="2")
    pass_at(app, smtp_server, "2028-04-16T12:00:00Z")
    assert overdue(app) == [("payment", 2)]

    record(app, "forgo_payment", "2028-05-02", instalment="2", reason="subvention réduite")

    assert overdue(app) == []
    assert balance_deadline(app) == ("passed", "2028-04-14")  # the delay stays on record


def test_refusals_on_the_ended_convention_say_why(
    expired_with_its_balance: tuple[App, list[EmailMessage]],
) -> None:
    app, _ = expired_with_its_balance
    assert refused(app, "forgo_payment", "2028-02-01", instalment="7", reason="x") == (
        "unknown_instalment", {"instalment": 7, "instalments": [1, 2]},
    )  # fmt: skip
    assert refused(app, "forgo_payment", "2028-02-01", instalment="1", reason="x") == (
        "instalment_already_paid", {"instalment": 1, "paid_on": "2027-02-01"},
    )  # fmt: skip
    assert refused(app, "forgo_payment", "2028-02-01", reason="x") == (
        "forgo_which_instalment", {"instalments": [2]},
    )  # fmt: skip
    assert refused(app, "pay", "2028-02-01", amount="18000.00", instalment="2") == (
        "report_not_received", {"instalment": 2, "report": "bilan d'activité 2027"},
    )  # fmt: skip
    record(app, "report_received", "2028-03-15", instalment="2")
    record(app, "pay", "2028-03-30", amount="18000.00", instalment="2")
    # all paid: said so, not the state's « possibles : aucun » (finance tester, L1)
    assert refused(app, "pay", "2028-04-01", amount="18000.00") == ("all_instalments_paid", {})
    assert refused(app, "forgo_payment", "2028-04-01", instalment="2", reason="x") == (
        "instalment_already_paid", {"instalment": 2, "paid_on": "2028-03-30"},
    )  # fmt: skip


def test_a_payment_target_after_the_term_keeps_the_convention_in_the_list_of_what_is_due(
    app: App, clock: FixedClock
) -> None:
    """Notified on 10 December 2027, the first instalment's target (Sunday 9 January 2028)
    falls after the term: read on 2 January 2028, the term come and not yet applied, the list
    of conventions due within 30 days still shows it (the end no longer closes it)."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory=NADIA)
    record(app, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, "notify", "2027-12-10")
    now = at("2028-01-02T10:00:00Z")

    page = listing.search_conventions(app, ConventionFilter(due_within_days=30), PageRequest(), now)

    assert [item["reference"] for item in page["items"]] == [EXAMPLE]
    deadlines = views.status(app, EXAMPLE, now)["deadlines"]
    assert [(d["kind"], d["closed_by_end"]) for d in deadlines if d["kind"] == "payment"] == [
        ("payment", False)
    ]
