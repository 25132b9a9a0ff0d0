"""Amendments (avenants): the reference convention changed while in force, deadlines following."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected, InvalidInput
from tests.conftest import FixedClock
from tests.integration.mail import Mail, delivered, message_ids
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_execution,
    bring_into_force,
    deadlines,
    load,
    record,
    state,
)
from tests.integration.test_service_year import Driver
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.due import run_due


@pytest.fixture
def in_execution(app: App, reference_convention: Convention) -> App:
    load(app, reference_convention)
    bring_into_execution(app)
    return app


def amend(app: App, on: str, **changes: str) -> int:
    """Draft an amendment, as `convflow amend` does; return its number."""
    command = DraftAmendment(REFERENCE, changes, "alice", date.fromisoformat(on))
    return draft_amendment(app, command, app.clock()).number


def amendment(app: App, number: int, event: str, on: str, **inputs: str) -> str:
    """Record an amendment's event; return its new state."""
    command = RecordAmendmentEvent(
        REFERENCE, number, event, "alice", date.fromisoformat(on), inputs
    )
    return record_amendment_event(app, command, app.clock()).to_state


def sign_both(app: App, number: int, first: str, last: str) -> str:
    amendment(app, number, "submit", first)
    amendment(app, number, "sign", first, signatory=CRPV)
    return amendment(app, number, "sign", last, signatory=METROPOLE)


def test_an_extension_moves_the_term_and_the_expiry_deadline(in_execution: App) -> None:
    number = amend(in_execution, "2025-11-03", end_date="2026-12-31")
    assert number == 1
    assert sign_both(in_execution, 1, "2025-11-04", "2025-11-12") == "in_force"
    status = views.status(in_execution, REFERENCE)
    assert status["end_date"] == "2026-12-31"
    assert status["terms"]["end_date"] == {
        "value": "2026-12-31", "set_by": "avenant n°\u00a01", "since": "2025-11-12",
        "original": "2025-12-31",
    }  # fmt: skip
    expiries = [d for d in status["deadlines"] if d["kind"] == "expiry"]
    assert [(d["due_date"], d["status"]) for d in expiries] == [
        ("2025-12-31", "superseded"),
        ("2026-12-31", "pending"),
    ]
    assert (
        "avenant n°\u00a01, en vigueur le mercredi 12 novembre 2025" in expiries[1]["explanation"]
    )
    planned = [(r["label"], r["planned_at"]) for r in views.reminders(in_execution, REFERENCE)
               if r["status"] == "planned"]  # fmt: skip
    assert planned == [  # J-60: Sunday 1 November 2026 (All Saints'), so Friday 30 October
        ("J-90", "2026-10-02T07:00:00Z"), ("J-60", "2026-10-30T08:00:00Z"),
        ("J-30", "2026-12-01T08:00:00Z"), ("J-7", "2026-12-24T08:00:00Z"),
    ]  # fmt: skip


def test_history_shows_the_amendment_among_the_conventions_events(in_execution: App) -> None:
    amend(in_execution, "2025-11-03", amount="250000.00")
    sign_both(in_execution, 1, "2025-11-04", "2025-11-12")
    rows = views.history(in_execution, REFERENCE)
    tail = [(r["event"], r["amendment"], r["to_state"]) for r in rows[-4:]]
    assert tail == [
        ("amend", 1, "draft"), ("submit", 1, "signature"), ("sign", 1, "signature"),
        ("sign", 1, "in_force"),
    ]  # fmt: skip
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    applied = views.amendments(in_execution, REFERENCE)[0]["applied"]
    assert applied == [
        {"field": "amount", "label": "montant", "before": "200000.00", "after": "250000.00"}
    ]


def test_an_extension_signed_after_the_term_is_refused(
    in_execution: App, clock: FixedClock
) -> None:
    amend(in_execution, "2025-12-15", end_date="2026-12-31")
    amendment(in_execution, 1, "submit", "2025-12-16")
    amendment(in_execution, 1, "sign", "2025-12-20", signatory=CRPV)
    with pytest.raises(GuardRejected, match=r"amendment_signed_after_term .*term=2025-12-31"):
        amendment(in_execution, 1, "sign", "2026-01-05", signatory=METROPOLE)
    assert views.status(in_execution, REFERENCE)["end_date"] == "2025-12-31"
    assert views.amendments(in_execution, REFERENCE)[0]["state"] == "signature"
    # the service holds the expiry for the 7 days a signature dated on the term may take to
    # arrive (rule 27), then applies the term, and the amendment lapses with the convention
    run_due(in_execution, at("2026-01-01T00:00:00+01:00"))
    assert state(in_execution) == "execution"
    run_due(in_execution, at("2026-01-08T00:00:00+01:00"))
    assert state(in_execution) == "expired"
    assert views.amendments(in_execution, REFERENCE)[0]["state"] == "lapsed"
    with pytest.raises(GuardRejected, match=r"convention_not_in_force .*state=expired"):
        amend(in_execution, "2026-01-06", end_date="2026-12-31")


def test_a_termination_notice_wins_over_the_extended_term(in_execution: App) -> None:
    record(in_execution, "give_notice", party="crpv", received="2025-09-15")
    assert deadlines(in_execution)["termination"]["details"]["ends_by"] == "expiry"
    amend(in_execution, "2025-10-01", end_date="2026-12-31")
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    notice = deadlines(in_execution)["termination"]
    assert (notice["due_date"], notice["details"]["ends_by"]) == ("2026-03-15", "termination")
    assert "avenant n°\u00a01" in notice["explanation"]
    report = run_due(in_execution, at("2026-01-01T00:00:00+01:00"))
    assert report.actions == []  # the 2025 term no longer ends it
    report = run_due(in_execution, at("2026-03-16T00:00:00+01:00"))
    assert [a.action for a in report.actions] == ["terminate"]
    assert state(in_execution) == "terminated"


def test_two_amendments_in_force_apply_in_order(in_execution: App) -> None:
    amend(in_execution, "2025-10-01", end_date="2026-06-30", amount="250000.00")
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    amend(in_execution, "2026-01-05", end_date="2026-12-31")
    sign_both(in_execution, 2, "2026-01-06", "2026-01-07")
    terms = views.status(in_execution, REFERENCE)["terms"]
    assert (terms["end_date"]["value"], terms["end_date"]["set_by"]) == (
        "2026-12-31", "avenant n°\u00a02",
    )  # fmt: skip
    assert (terms["amount"]["value"], terms["amount"]["set_by"]) == (
        "250000.00",
        "avenant n°\u00a01",
    )
    applied = views.amendments(in_execution, REFERENCE)[1]["applied"]
    assert applied[0]["before"] == "2026-06-30"  # n°2 starts from what n°1 set


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2025-01-01"}, r"term_before_effect \(field=end_date"),
        ({"amount": "-5"}, r"amount_not_positive \(field=amount\)"),  # as zero is (L2)
        ({"colour": "blue"}, r"not_amendable \(field=colour"),
        ({}, r"no_change \(field=changes"),
        ({"signatory.mairie": "A|B|a@example.org"}, r"unknown_party .*party=mairie"),
        ({"reminders.expiry": "90,abc"}, r"not_a_list_of_days \(field=reminders.expiry"),
        ({"amount": "200 000,00"}, r"unchanged_term \(field=amount, value=200000.00\)"),
        (
            {"signatory.crpv": "A|Dir|a@example.org;B|Adj|A@example.org"},
            r"signs_twice .*email=a@example.org, party=crpv",
        ),
        (
            {"signatory.metropole": "C|Dir|c@example.org", "signatory.crpv": "D|Dir|c@example.org"},
            r"signs_twice \(field=signatory.crpv, email=c@example.org, party=metropole\)",
        ),
    ],
)
def test_invalid_changes_are_refused_and_change_nothing(
    in_execution: App, changes: dict[str, str], message: str
) -> None:
    before = views.history(in_execution, REFERENCE)
    with pytest.raises(InvalidInput, match=message):
        amend(in_execution, "2025-11-03", **changes)
    assert views.history(in_execution, REFERENCE) == before
    assert views.amendments(in_execution, REFERENCE) == []


def test_one_amendment_at_a_time(in_execution: App) -> None:
    amend(in_execution, "2025-11-03", amount="210000.00")
    with pytest.raises(GuardRejected, match=r"amendment_pending .*pending=1, state=draft"):
        amend(in_execution, "2025-11-04", amount="220000.00")
    amendment(in_execution, 1, "abandon", "2025-11-05", reason="erreur de montant")
    assert amend(in_execution, "2025-11-06", amount="220000.00") == 2


def test_a_new_representative_signs_the_next_amendment(in_execution: App) -> None:
    amend(in_execution, "2025-10-01", **{"signatory.metropole":
                                         "Jeanne Martin|Vice-Présidente déléguée|"
                                         "jeanne.martin@example.org"})  # fmt: skip
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    status = views.status(in_execution, REFERENCE)
    assert [(s["party"], s["email"]) for s in status["signatories"]] == [
        ("metropole", "jeanne.martin@example.org"), ("crpv", CRPV),
    ]  # fmt: skip
    # The convention's own signature is kept with the representative who gave it.
    assert [(s["email"], s["signed_on"], s["replaced_by"])
            for s in status["former_signatories"]] == [(METROPOLE, "2025-03-05", 1)]  # fmt: skip
    amend(in_execution, "2025-10-10", amount="210000.00")
    amendment(in_execution, 2, "submit", "2025-10-10")
    with pytest.raises(
        GuardRejected, match=r"not_a_signatory .*signatory=martial\.alvarez@example\.org"
    ):
        amendment(in_execution, 2, "sign", "2025-10-11", signatory=METROPOLE)
    amendment(in_execution, 2, "sign", "2025-10-11", signatory="jeanne.martin@example.org")
    assert amendment(in_execution, 2, "sign", "2025-10-12", signatory=CRPV) == "in_force"


@pytest.fixture
def mail_app(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    application = App.create(load_settings(settings_env))
    application.clock = clock
    yield application
    application.close()


def test_across_two_years_with_the_service_running(
    mail_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    app = mail_app
    life = Driver(app, smtp_server.sender(), clock)
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    life.run_until("2025-11-03T10:00:00Z")  # J-90 (2 Oct) and J-60 (1 Nov) of 2025 went out
    amend(app, "2025-11-03", end_date="2026-12-31")
    amendment(app, 1, "submit", "2025-11-03")
    amendment(app, 1, "sign", "2025-11-03", signatory=CRPV)
    life.run_until("2025-11-12T10:00:00Z")  # the Métropole's signature is reminded on the 10th
    amendment(app, 1, "sign", "2025-11-12", signatory=METROPOLE)
    life.run_until("2026-02-01T00:00:00Z")
    assert state(app) == "execution"  # the 2025 expiry never fired
    life.run_until("2027-02-01T00:00:00Z")
    assert state(app) == "expired"
    expired = [h for h in views.history(app, REFERENCE) if h["event"] == "expire"]
    assert [h["date"] for h in expired] == ["2026-12-31"]

    assert set(message_ids(smtp_server.handler.accepted).values()) == {1}
    kinds = Counter(email["kind"] for email in views.outbox(app))
    assert kinds["reminder_expiry"] == 6  # J-90, J-60 of 2025; J-90 .. J-7 of 2026
    assert kinds["amendment_submitted"] == 1
    assert kinds["reminder_amendment_signature"] == 1
    assert kinds["amendment_in_force"] == 1
    assert kinds["convention_expired"] == 1
    reminder = next(e for e in views.outbox(app) if e["kind"] == "reminder_amendment_signature")
    assert reminder["recipients"] == [METROPOLE]
    sent = [(r["label"], r["planned_at"][:10]) for r in views.reminders(app, REFERENCE)
            if r["kind"] == "expiry" and r["status"] == "sent"]  # fmt: skip
    assert sent == [  # each J-60 on All Saints' Day (a Saturday, a Sunday): the Friday before
        ("J-90", "2025-10-02"), ("J-60", "2025-10-31"), ("J-90", "2026-10-02"),
        ("J-60", "2026-10-30"), ("J-30", "2026-12-01"), ("J-7", "2026-12-24"),
    ]  # fmt: skip


def test_the_same_representative_reappointed_under_a_new_title(in_execution: App) -> None:
    amend(in_execution, "2025-10-01", **{"signatory.metropole":
                                         f"Martial Alvarez|Président|{METROPOLE}"})  # fmt: skip
    assert sign_both(in_execution, 1, "2025-10-02", "2025-10-06") == "in_force"
    signatories = views.status(in_execution, REFERENCE)["signatories"]
    metropole = [(s["email"], s["title"]) for s in signatories if s["party"] == "metropole"]
    assert metropole == [(METROPOLE, "Président")]
    amend(in_execution, "2025-10-10", amount="210000.00")
    amendment(in_execution, 2, "submit", "2025-10-10")
    amendment(in_execution, 2, "sign", "2025-10-11", signatory=METROPOLE)
    assert amendment(in_execution, 2, "sign", "2025-10-12", signatory=CRPV) == "in_force"


def test_one_person_cannot_represent_both_parties(in_execution: App) -> None:
    before = _unread(views.status(in_execution, REFERENCE))
    with pytest.raises(InvalidInput, match=r"signs_twice \(field=signatory\.metropole.*party=crpv"):
        amend(in_execution, "2025-10-01", **{"signatory.metropole": f"X|Directeur|{CRPV}"})
    assert _unread(views.status(in_execution, REFERENCE)) == before


def _unread(status: views.StatusView) -> dict[str, object]:
    """A status without the instant it was read at (`read_at`, to the second), which two
    readings of an unchanged convention do not share when a second passes between them."""
    return {key: value for key, value in status.items() if key != "read_at"}


def test_the_request_to_sign_an_amendment_shows_each_term_before_and_after(
    in_execution: App, smtp_server: RunningServer
) -> None:
    amend(in_execution, "2025-11-03", end_date="2026-06-30", amount="250000.00")
    amendment(in_execution, 1, "submit", "2025-11-04")
    received = delivered(in_execution, smtp_server, in_execution.clock())
    [email] = [e for e in received if "avenant" in e.subject.lower()]
    assert email.subject == "[AMP-CRPV-PACA-2025] Avenant n°\xa01 transmis pour signature"
    assert set(email.envelope) == set(email.to + email.cc) == {METROPOLE, CRPV}
    # the plain text says each change as « before → after »; the HTML part, in a table's row
    assert "- terme de la convention\xa0: 31 décembre 2025 → 30 juin 2026\n" in email.text, (
        email.text
    )
    assert "- montant\xa0: 200\u202f000,00\xa0€ → 250\u202f000,00\xa0€\n" in email.text
    assert "terme de la convention 31 décembre 2025 30 juin 2026" in email.html_read
    assert "montant 200 000,00 € 250 000,00 €" in email.html_read
    assert email.says("Avenant soumis à signature")  # un avenant: masculine
    assert email.says(
        "Pour prolonger la convention, il doit être signé avant son terme actuel, le mercredi "
        "31 décembre 2025 à 24 h (article 4)."
    ), email.text


def test_the_history_stays_in_date_order_across_the_convention_and_its_amendments(
    in_execution: App,
) -> None:
    amend(in_execution, "2025-10-01", amount="210000.00")
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    with pytest.raises(GuardRejected, match=r"dated_before_last_event .*last_event_on=2025-10-06"):
        record(in_execution, "open_dispute", "2025-10-03", party="crpv", received="2025-10-03")
    with pytest.raises(GuardRejected, match=r"dated_before_last_event .*last_event_on=2025-10-06"):
        amend(in_execution, "2025-10-05", end_date="2026-06-30")
    with pytest.raises(GuardRejected, match="dated_in_future"):
        amend(in_execution, "2027-01-04", end_date="2027-06-30")
    dates = [row["date"] for row in views.history(in_execution, REFERENCE)[1:]]
    assert dates == sorted(dates)


def in_force_email(app: App, server: RunningServer) -> Mail:
    """The « Avenant n° 1 en vigueur » email as the partners read it, received by the SMTP
    server: its subject, who it went to, its two parts (whose sentences the tests read with
    `says`, in both parts, and `mentions`, in either)."""
    received = delivered(app, server, app.clock())
    found = [e for e in received if "Avenant n°\u00a01 en vigueur" in e.subject]
    assert len(found) == 1, [e.subject for e in received]
    [email] = found
    assert email.subject.startswith(f"[{REFERENCE}] Avenant n°\u00a01 en vigueur"), email.subject
    assert set(email.envelope) == set(email.to + email.cc) == {METROPOLE, CRPV}, email
    return email


def test_an_extension_past_a_running_notice_tells_the_partners_the_notice_now_ends_it(
    in_execution: App, smtp_server: RunningServer
) -> None:
    # F4: the notice (received 15 September 2025, 6 months: 15 March 2026) was without effect,
    # the term (31 December 2025) coming first; the extension to 30 June 2026 lets it end the
    # convention on 15 March 2026, which the only email of the amendment must say.
    record(in_execution, "give_notice", party="crpv", received="2025-09-15")
    amend(in_execution, "2025-10-01", end_date="2026-06-30")
    assert sign_both(in_execution, 1, "2025-10-02", "2025-10-06") == "in_force"
    assert deadlines(in_execution)["termination"]["due_date"] == "2026-03-15"
    email = in_force_email(in_execution, smtp_server)
    assert email.says("elle trouve désormais son terme le mardi 30 juin 2026 à 24 h"), email.text
    assert email.says(
        "garde le préavis de 6 mois sous lequel elle a été donnée (article 7) : il prend fin "
        "avant le terme, et la convention prend fin le dimanche 15 mars 2026 à 24 h, et non plus "
        "le mercredi 31 décembre 2025 à 24 h."
    ), email.text
    assert email.says("reçue le lundi 15 septembre 2025"), email.text
    assert not email.mentions("Aucune action n’est attendue"), email.text
    assert email.says("Jusqu’à la prise d’effet de la résiliation, le dimanche 15 mars 2026"), (
        email.text
    )


def test_a_new_notice_period_leaves_the_notice_already_running_as_it_was_given(
    in_execution: App, smtp_server: RunningServer
) -> None:
    # F8 (rule 26): received on 16 June 2025 under the 6-month clause, the notice ends the
    # convention on 16 December 2025; an amendment to 12 months in force on 6 October does
    # not reach it, and its email says so, without « désormais » for a term it left alone.
    record(in_execution, "give_notice", party="crpv", received="2025-06-16")
    amend(in_execution, "2025-10-01", termination_notice_months="12")
    assert sign_both(in_execution, 1, "2025-10-02", "2025-10-06") == "in_force"
    notice = deadlines(in_execution)["termination"]
    assert (notice["due_date"], notice["details"]["ends_by"]) == ("2025-12-16", "termination")
    assert "avenant" not in notice["explanation"]
    email = in_force_email(in_execution, smtp_server)
    assert email.says("Son terme reste fixé au mercredi 31 décembre 2025 à 24 h (article 4)."), (
        email.text
    )
    assert not email.mentions("désormais"), email.text
    assert email.says(
        "garde le préavis de 6 mois sous lequel elle a été donnée (article 7) : il prend fin "
        "avant le terme, et la convention prend fin le mardi 16 décembre 2025 à 24 h."
    ), email.text
    assert email.says(
        "Le nouveau préavis de 12 mois s’applique aux résiliations notifiées après l’entrée en "
        "vigueur de l’avenant, le lundi 6 octobre 2025 ; celle qui court déjà garde le sien "
        "(6 mois)."
    ), email.text
    assert run_due(in_execution, at("2025-12-17T00:00:00+01:00")).actions
    assert state(in_execution) == "terminated"
    assert views.status(in_execution, REFERENCE)["notice"]["effective_end"] == "2025-12-16"


def test_the_term_an_amendment_did_not_set_is_not_said_to_be_set_by_it(
    in_execution: App,
) -> None:
    # F8 (3): the notice (15 September 2025 + 6 months) falls after the term, which ends the
    # convention; an amendment replanning its reminders names itself as their source, not as
    # the term's, which article 4 still sets.
    record(in_execution, "give_notice", party="crpv", received="2025-09-15")
    amend(in_execution, "2025-10-01", **{"reminders.termination": "30,7,1"})
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    notice = deadlines(in_execution)["termination"]
    assert (notice["due_date"], notice["details"]["ends_by"]) == ("2025-12-31", "expiry")
    assert "Terme (article 4)\u00a0: la convention arrive à son terme" in notice["explanation"]
    assert "(article 4, avenant" not in notice["explanation"]
    assert (
        "Source\u00a0: avenant n°\u00a01, en vigueur le lundi 6 octobre 2025"
        in (notice["explanation"])
    )


def test_a_new_payment_target_leaves_the_running_one_and_says_so(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    # F9 (rule 26): notified on 20 March 2025, the payment's target runs to 19 April (30 days);
    # an amendment to 60 days in force on 26 March applies to the targets starting after it.
    load(app, reference_convention)
    bring_into_force(app)
    record(app, "notify", "2025-03-20")
    amend(app, "2025-03-24", payment_target_days="60")
    assert sign_both(app, 1, "2025-03-25", "2025-03-26") == "in_force"
    assert deadlines(app)["payment"]["due_date"] == "2025-04-19"
    email = in_force_email(app, smtp_server)
    assert not email.mentions("recalculées") and not email.mentions("désormais"), email.text
    assert email.says(
        "Le nouvel objectif de versement de 60 jours s’applique aux versements dont le délai "
        "commence (notification, réception du document attendu) après l’entrée en vigueur de "
        "l’avenant, le mercredi 26 mars 2025 ; l’objectif du versement, qui court depuis le "
        "jeudi 20 mars 2025, garde son délai de 30 jours : il reste fixé au samedi 19 avril "
        "2025."
    ), email.text


def test_a_new_dispute_window_leaves_the_dispute_already_open_as_it_was_notified(
    in_execution: App, smtp_server: RunningServer
) -> None:
    # Rule 26, the third period: the dispute notified on 1 October 2025 keeps its 30 days.
    record(in_execution, "open_dispute", "2025-10-01", party="crpv", received="2025-10-01")
    window = deadlines(in_execution)["dispute_window"]["due_date"]
    amend(in_execution, "2025-10-02", dispute_window_days="45")
    assert sign_both(in_execution, 1, "2025-10-03", "2025-10-06") == "in_force"
    assert deadlines(in_execution)["dispute_window"]["due_date"] == window
    email = in_force_email(in_execution, smtp_server)
    assert email.says(
        "Le nouveau délai de règlement amiable de 45 jours s’applique aux différends notifiés "
        "après l’entrée en vigueur de l’avenant, le lundi 6 octobre 2025 ; le différend en cours "
        "garde son délai de 30 jours : règlement amiable jusqu’au"
    ), email.text


def test_a_new_representative_is_not_said_to_be_waiting_for_a_signature(
    in_execution: App, smtp_server: RunningServer
) -> None:
    """The convention was signed for the party by the one the avenant replaced: every later
    email says the new representative was designated after it, as `status` does, and the
    outgoing representative, who signed the avenant, hears it is in force."""
    amend(in_execution, "2025-10-01", **{"signatory.metropole":
                                         "Jeanne Martin|Vice-Présidente déléguée|"
                                         "jeanne.martin@example.org"})  # fmt: skip
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    received = delivered(in_execution, smtp_server, in_execution.clock())
    # One email, maybe in parts (Jeanne Martin at once; Martial Alvarez once the request to
    # sign, sent before in the same pass, has reached him): the same message each time.
    parts = [e for e in received if "Avenant n°\xa01 en vigueur" in e.subject]
    in_force = parts[0]
    assert {(e.key, e.to, e.text) for e in parts} == {(in_force.key, in_force.to, in_force.text)}
    assert METROPOLE in in_force.to and "jeanne.martin@example.org" in in_force.to
    envelope = [address for e in parts for address in e.envelope]
    assert sorted(envelope) == sorted(set(envelope))  # nobody twice
    assert {METROPOLE, "jeanne.martin@example.org"} <= set(envelope)
    amend(in_execution, "2025-10-10", amount="210000.00")
    amendment(in_execution, 2, "submit", "2025-10-10")
    [submitted] = delivered(in_execution, smtp_server, in_execution.clock())
    assert "jeanne.martin@example.org" in submitted.envelope
    assert "Avenant n°\xa02 transmis" in submitted.subject
    for email in (in_force, submitted):
        assert email.says("Jeanne Martin, Vice-Présidente déléguée"), email.text
        assert email.says("désignation par un avenant, postérieure à la signature de la convention")
        assert not email.mentions("n’a pas encore signé")
