"""An extension (avenant) still waiting for a signature when the convention reaches its term,
on SQLite and PostgreSQL: the legal officer's walk (notes of 7 December 2026, F1 to F5), on the
reference convention (term Wednesday 31 December 2025).

Avenant n° 1 (term → 30 June 2026) is drafted and submitted on Saturday 27 December 2025, the
CRPV signs it on the 29th, the Métropole has not signed when the service records the expiry at
00:01 on 1 January 2026. The partners read, in the emails the SMTP server received: the
signature target brought back to the term it must beat (F3), the expiry naming the avenant as
caduc (F1); the avenant reads « caduc », not abandoned (F2); and a last signature dated 31
December, entered after the expiry, is refused saying exactly why and what to do (F5).
"""

from __future__ import annotations

from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected
from tests.conftest import FixedClock
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_execution,
    load,
    record,
    state,
)
from tests.integration.test_what_is_due import received, subject, text_of
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
from workflow.wording.dashboard import FRENCH
from workflow.wording.refusals import say


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """No wait after the term (`CONVFLOW_EXTENSION_GRACE_DAYS=0`): the expiry, the lapse and
    the end's email at the first pass after the term, as before the wait existed. The wait
    itself: tests/integration/test_extension_grace.py."""
    return {**settings_env, "CONVFLOW_EXTENSION_GRACE_DAYS": "0"}


def amend(app: App, on: str, **changes: str) -> int:
    command = DraftAmendment(REFERENCE, changes, "alice", date.fromisoformat(on))
    return draft_amendment(app, command, app.clock()).number


def amendment(app: App, event: str, on: str, **inputs: str) -> str:
    command = RecordAmendmentEvent(REFERENCE, 1, event, "alice", date.fromisoformat(on), inputs)
    return record_amendment_event(app, command, app.clock()).to_state


@pytest.fixture
def submitted(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> App:
    """In execution since April 2025; avenant n° 1 (→ 30 June 2026) submitted on Saturday
    27 December 2025 and signed by the CRPV on Monday the 29th, each recorded that day."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-12-27T10:00:00Z")
    amend(app, "2025-12-27", end_date="2026-06-30")
    amendment(app, "submit", "2025-12-27")
    run_due(app, clock.now, smtp_server.sender())
    clock.now = at("2025-12-29T10:00:00Z")
    amendment(app, "sign", "2025-12-29", signatory=CRPV)
    return app


def expire(app: App, clock: FixedClock, server: RunningServer) -> None:
    """The service's pass at 00:01 (Paris) on 1 January 2026, and at the reminder hour."""
    for instant in ("2025-12-31T23:01:00Z", "2026-01-01T08:01:00Z"):
        clock.now = at(instant)
        run_due(app, clock.now, server.sender())


def test_the_signature_target_of_an_extension_is_its_current_term(
    submitted: App, smtp_server: RunningServer
) -> None:
    """F3: 7 days from 27 December would be Saturday 3 January 2026, after the term the
    extension must beat: the target is the term, and the email says why."""
    [target] = [d for d in views.status(submitted, REFERENCE)["deadlines"]
                if d["kind"] == "amendment_signature"]  # fmt: skip
    assert (target["due_date"], target["status"]) == ("2025-12-31", "pending")
    [email] = [m for m in received(smtp_server) if "transmis pour signature" in subject(m)]
    text = text_of(email)
    assert (
        "Objectif interne : toutes les signatures avant le terme actuel de la convention, le "
        "mercredi 31 décembre 2025 à 24 h (heure de Paris) : le délai habituel de 7 jours "
        "calendaires mènerait au samedi 3 janvier 2026, après ce terme, quand "
        "l’avenant ne pourrait plus être signé" in text
    )
    assert "3 janvier 2026 à 24 h" not in text
    assert "il doit être signé avant son terme actuel, le mercredi 31 décembre 2025" in text
    # as the emails of the wait say it: a signature dated on the term's day still counts
    assert (
        "s'il prolonge la convention, cette signature doit être datée au plus tard du jour du "
        "terme" in target["explanation"].replace("\xa0", " ")
    ), target["explanation"]
    assert "doit intervenir avant le terme" not in target["explanation"]


def test_an_extension_submitted_well_before_the_term_keeps_its_seven_days(
    app: App, clock: FixedClock, reference_convention: Convention
) -> None:
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-11-04T10:00:00Z")
    amend(app, "2025-11-04", end_date="2026-06-30")
    amendment(app, "submit", "2025-11-04")
    [target] = [d for d in views.status(app, REFERENCE)["deadlines"]
                if d["kind"] == "amendment_signature"]  # fmt: skip
    assert target["due_date"] == "2025-11-11"
    assert "sous 7 jours calendaires, soit au plus tard le mardi 11 novembre 2025" in (
        target["explanation"].replace("\xa0", " ")
    )


def test_the_expiry_email_names_the_extension_that_lapsed_with_it(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """F1: the partners read that avenant n° 1, half signed, is caduc."""
    since = len(smtp_server.handler.accepted)
    expire(submitted, clock, smtp_server)
    assert state(submitted) == "expired"
    [email] = [m for m in received(smtp_server, since) if "arrivée à son terme" in subject(m)]
    assert sorted(str(email["To"]).split(", ")) == sorted([CRPV, METROPOLE])
    text = text_of(email)
    # no extension came into force: the one that lapsed, named next, was one
    assert "(article 4), sans avenant de prolongation entré en vigueur. Elle ne produit" in text
    assert (
        "L’avenant n° 1 (prolongation au 30 juin 2026), qui n’a pas reçu toutes ses signatures "
        "avant le terme, est caduc : il ne produira aucun effet et ne peut plus être signé. S’il "
        "a pourtant été signé par toutes les parties au plus tard le mercredi 31 décembre 2025, "
        "signalez-le sans attendre au service." in text
    )
    html = email.get_body(preferencelist=("html",))
    assert html is not None
    assert "prolongation au 30 juin 2026" in str(html.get_content()).replace("\xa0", " ")
    assert "sans avenant de prolongation entré en vigueur." in str(html.get_content())


def test_the_expiry_email_without_an_open_avenant_says_nothing_of_one(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    expire(app, clock, smtp_server)
    [email] = [m for m in received(smtp_server) if "arrivée à son terme" in subject(m)]
    assert "avenant n°" not in text_of(email).lower()
    assert "(article 4), sans avenant de prolongation. Elle ne produit" in text_of(email)


def test_the_lapsed_avenant_reads_caduc_not_abandoned(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """F2: its own state, its own history line (how the convention ended, on which day), and
    a refusal that says why."""
    expire(submitted, clock, smtp_server)
    [row] = views.amendments(submitted, REFERENCE)
    assert (row["state"], row["lapsed_on"], row["allowed_events"]) == (
        "lapsed", "2025-12-31", [],
    )  # fmt: skip
    assert FRENCH.label("amendment_state", row["state"]) == "caduc"
    last = views.history(submitted, REFERENCE)[-1]
    assert (last["event"], last["amendment"], last["from_state"], last["to_state"]) == (
        "lapse", 1, "signature", "lapsed",
    )  # fmt: skip
    assert last["inputs"] == {"end_date": "2025-12-31"}
    assert last["actor"] == "convflow (service)"
    clock.now = at("2026-01-05T10:00:00Z")
    with pytest.raises(GuardRejected) as refused:
        amendment(submitted, "sign", "2026-01-05", signatory=METROPOLE)
    assert refused.value.code == "amendment_lapsed"
    assert say(refused.value, FRENCH).sentence.replace("\xa0", " ") == (
        "« Enregistrer une signature de l'avenant n° 1 » refusé : l'avenant est caduc : la "
        "convention a pris fin le 31 décembre 2025 avant sa dernière signature, et plus rien ne "
        "peut y être enregistré ; poursuivre le partenariat demande une nouvelle convention."
    )


def test_a_last_signature_dated_on_the_term_entered_after_the_expiry_says_what_to_do(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """F5: the Métropole signed on 31 December (valid, rule 13); the paper reaches the clerk on
    Friday 2 January 2026, after the service's pass of 00:01. convflow cannot yet withdraw the
    expiry: the refusal says so, and what the Métropole must do; nothing is written."""
    expire(submitted, clock, smtp_server)
    rows = len(views.history(submitted, REFERENCE))
    clock.now = at("2026-01-02T09:00:00Z")
    with pytest.raises(GuardRejected) as refused:
        amendment(submitted, "sign", "2025-12-31", signatory=METROPOLE)
    assert refused.value.code == "amendment_lapsed_signed_before_end"
    said = say(refused.value, FRENCH).sentence.replace("\xa0", " ")
    assert said.startswith(
        "« Enregistrer une signature de l'avenant n° 1 » refusé : l'avenant est caduc : la "
        "convention a pris fin le 31 décembre 2025 sans que sa dernière signature soit "
        "enregistrée, et une signature datée du 31 décembre 2025, au plus tard à cette fin, ne "
        "peut plus l'être une fois la fin enregistrée : convflow ne sait pas encore revenir sur "
        f"une fin de convention (signature manquante : {METROPOLE}). Si toutes les parties "
        "ont bien signé au plus tard le 31 décembre 2025, l'avenant a pris effet et la "
        "convention continue en droit : gardez l'original signé et ses dates, prévenez sans "
        "attendre le service juridique et l'administrateur de convflow"
    )
    assert len(views.history(submitted, REFERENCE)) == rows
    assert state(submitted) == "expired"


def test_the_same_signature_typed_before_the_pass_brings_the_extension_into_force(
    submitted: App, clock: FixedClock
) -> None:
    """What F5 compares with: recorded before 00:01, the signature of 31 December is valid."""
    clock.now = at("2025-12-31T22:50:00Z")
    assert amendment(submitted, "sign", "2025-12-31", signatory=METROPOLE) == "in_force"
    clock.now = at("2025-12-31T23:01:00Z")
    run_due(submitted, clock.now)
    assert state(submitted) == "execution"
    assert views.status(submitted, REFERENCE)["end_date"] == "2026-06-30"


def test_an_avenant_pending_when_a_termination_takes_effect_lapses_too(
    app: App, clock: FixedClock, reference_convention: Convention
) -> None:
    """The CRPV's notice received on 15 April 2025 ends the convention before its term; an
    avenant (amount 250 000,00 €) drafted on 1 September and never signed lapses with it, its
    history line saying the day the termination took effect."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-04-16T09:00:00Z")
    record(app, "give_notice", "2025-04-15", party="crpv", received="2025-04-15")
    clock.now = at("2025-09-01T09:00:00Z")
    amend(app, "2025-09-01", amount="250000.00")
    run_due(app, at("2025-12-01T09:00:00Z"))
    assert state(app) == "terminated"
    history = views.history(app, REFERENCE)
    [terminate] = [h for h in history if h["event"] == "terminate"]
    ended_on = terminate["inputs"]["effective_end"]
    [row] = views.amendments(app, REFERENCE)
    assert (row["state"], row["lapsed_on"]) == ("lapsed", ended_on)
    assert (history[-1]["event"], history[-1]["from_state"], history[-1]["inputs"]) == (
        "lapse", "draft", {"effective_end": ended_on},
    )  # fmt: skip


def test_the_termination_email_names_the_avenant_in_signature_that_lapsed_with_it(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    """The CRPV's notice received on 15 April 2025 ends the convention on 15 October; avenant
    n° 1 (amount → 250 000,00 €), submitted on 1 September and signed by the CRPV alone on the
    2nd, lapses with it. The partners read it in the termination's email, as the expiry's says
    it (before: the termination's email did not name it, while the avenant was caduc)."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-04-16T09:00:00Z")
    record(app, "give_notice", "2025-04-15", party="crpv", received="2025-04-15")
    clock.now = at("2025-09-01T09:00:00Z")
    amend(app, "2025-09-01", amount="250000.00")
    amendment(app, "submit", "2025-09-01")
    clock.now = at("2025-09-02T09:00:00Z")
    amendment(app, "sign", "2025-09-02", signatory=CRPV)
    run_due(app, clock.now, smtp_server.sender())
    since = len(smtp_server.handler.accepted)
    for instant in ("2025-10-15T22:01:00Z", "2025-10-16T07:01:00Z"):  # 00:01, 09:01 in Paris
        clock.now = at(instant)
        run_due(app, clock.now, smtp_server.sender())
    assert state(app) == "terminated"
    [row] = views.amendments(app, REFERENCE)
    assert (row["state"], row["lapsed_on"]) == ("lapsed", "2025-10-15")
    [email] = [m for m in received(smtp_server, since) if "résiliation" in subject(m).lower()]
    assert sorted(str(email["To"]).split(", ")) == sorted([CRPV, METROPOLE])
    text = text_of(email)
    assert (
        "L’avenant n° 1 (montant : 200 000,00 € → 250 000,00 €), "
        "qui n’a pas reçu toutes ses signatures avant la prise d’effet de la résiliation, est "
        "caduc : il "
        "ne produira aucun effet et ne peut plus être signé. S’il a pourtant été signé par "
        "toutes les parties au plus tard le mercredi 15 octobre 2025, signalez-le sans attendre "
        "au service." in text
    ), text
    html = email.get_body(preferencelist=("html",))
    assert html is not None
    assert "L’avenant n° 1 (montant" in str(html.get_content()).replace("\xa0", " ")
