"""Forgoing what was left to pay moves the convention as paying it would (rule 25, A2).

The reference convention (200 000 € in one payment) is notified on 20 March 2025: `payment`,
« en attente de versement ». The Métropole forgoes the payment on 15 April 2025. Before, the
convention stayed « en attente de versement » for good (paying it moves it to `execution`) and
its status said nothing of the payment forgone. The email the beneficiary's signatory gets,
read from a real SMTP server (aiosmtpd), and the history agree. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import partial

import pytest

from states.convention import Convention
from states.errors import InvalidInput
from states.payments import Instalment
from tests.concurrency import at_once
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.steps import REFERENCE, at
from tests.integration.test_what_is_due import plain, received, subject, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.usecases import views
from workflow.usecases.due import run_due
from workflow.wording.words import Words

REASON = "subvention réduite par délibération du 10 avril 2025"


def _notified(app: App, clock: FixedClock, convention: Convention) -> None:
    """Loaded, in force, notified on 20 March 2025 (each recorded that day, their emails due
    then: the convention's emails go in the order recorded, and the clock does not go back);
    today is 15 April 2025."""
    clock.now = at("2025-03-20T10:00:00Z")
    steps.load(app, convention)
    steps.bring_into_force(app)
    steps.record(app, "notify", "2025-03-20")
    clock.now = at("2025-04-15T10:00:00Z")


def test_forgoing_the_single_payment_puts_the_convention_in_execution_and_says_so(
    app: App, clock: FixedClock, smtp_server: RunningServer, reference_convention: Convention
) -> None:
    _notified(app, clock, reference_convention)
    assert steps.state(app) == "payment"

    steps.record(app, "forgo_payment", "2025-04-15", reason=REASON)

    view = views.status(app, REFERENCE)
    assert view["state"] == "execution"  # as `pay` would have
    assert (view["forgone_on"], view["paid_on"], view["remaining"]) == ("2025-04-15", None, [])
    assert [(r["event"], r["from_state"], r["to_state"]) for r in views.history(app, REFERENCE)][
        -1
    ] == ("forgo_payment", "payment", "execution")
    payment = steps.deadlines(app)["payment"]
    assert payment["status"] == "cancelled"
    assert "forgo_payment" not in view["allowed_events"] and "pay" not in view["allowed_events"]
    said = plain(status_text(view, Words("fr")))
    assert "en exécution" in said
    assert "la Métropole a renoncé au versement le mardi 15 avril 2025" in said
    assert "en attente de versement" not in said

    run_due(app, app.clock(), smtp_server.sender())
    [told] = [m for m in received(smtp_server) if "Renonciation" in subject(m)]
    text = text_of(told)
    assert f"Motif enregistré : « {REASON} »" in text
    assert "La convention poursuit son exécution jusqu’à son terme" in text
    assert "en attente de versement" not in text


def test_forgoing_one_instalment_of_two_leaves_it_awaiting_the_other_then_not(
    app: App, clock: FixedClock, reference_convention: Convention
) -> None:
    halves = (Instalment(1, Decimal("120000.00")), Instalment(2, Decimal("80000.00")))
    reference_convention.clauses = replace(reference_convention.clauses, instalments=halves)
    _notified(app, clock, reference_convention)

    steps.record(app, "forgo_payment", "2025-04-15", instalment="1", reason=REASON)
    assert steps.state(app) == "payment"
    steps.record(app, "forgo_payment", "2025-04-15", instalment="2", reason=REASON)

    view = views.status(app, REFERENCE)
    assert (view["state"], view["remaining"], view["forgone_on"]) == ("execution", [], None)
    assert [i["forgone_on"] for i in view["instalments"]] == ["2025-04-15", "2025-04-15"]


@pytest.mark.parametrize(
    ("reason", "code"),
    [("\u202e\u200b", "control_characters"), ("\u200b\u2060", "required_input"),
     ("\u00a0\u202f", "required_input"), ("motif \u2066caché\u2069", "control_characters")],
)  # fmt: skip
def test_a_reason_that_shows_nothing_is_refused_and_nobody_is_emailed(
    app: App,
    clock: FixedClock,
    smtp_server: RunningServer,
    reference_convention: Convention,
    reason: str,
    code: str,
) -> None:
    """Before (A4): recorded, and the beneficiary read « Motif enregistré : « ‮​ » »."""
    _notified(app, clock, reference_convention)
    run_due(app, app.clock(), smtp_server.sender())
    since, lines = len(smtp_server.handler.accepted), len(views.history(app, REFERENCE))

    with pytest.raises(InvalidInput) as refused:
        steps.record(app, "forgo_payment", "2025-04-15", reason=reason)

    assert (refused.value.code, refused.value.field) == (code, "reason")
    run_due(app, app.clock(), smtp_server.sender())
    assert received(smtp_server, since) == []
    assert len(views.history(app, REFERENCE)) == lines and steps.state(app) == "payment"


def test_forgoing_at_once_one_is_recorded_the_others_are_told_it_was_forgone(
    app: App, clock: FixedClock, reference_convention: Convention
) -> None:
    """Four administrators forgo the payment at the same moment (A5: before, the losers got
    `invalid_transition`, which a script reads as "wrong state", not "already done")."""
    _notified(app, clock, reference_convention)
    works = [partial(steps.record, app, "forgo_payment", "2025-04-15", reason=REASON)] * 4

    results = at_once(*works)

    refusals = [r for r in results if isinstance(r, BaseException)]
    assert len(refusals) == 3, results
    assert {(getattr(r, "code", repr(r)), r.params.get("forgone_on")) for r in refusals} == {
        ("payment_forgone", "2025-04-15")
    }
    forgone = [r for r in views.history(app, REFERENCE) if r["event"] == "forgo_payment"]
    assert len(forgone) == 1 and steps.state(app) == "execution"
