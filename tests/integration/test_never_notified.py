"""A convention that ended without the notification of the award owes nothing (article 2).

The reference convention pays its 200 000 € « en un seul versement après la notification »:
signed, never notified, its payment never became due. Once it can no longer be notified (its
term applied by the service, a termination notice given, a cancellation), nothing is owed:
`remaining` is empty, `pay` and `forgo_payment` are neither offered nor taken (`never_notified`,
each refusal changing nothing), no payment reminder nor overdue item, and its file does not
stay open for a payment (finance tester, M2: `remaining` 200 000 € after the expiry, and a `pay`
recorded on it). On SQLite and PostgreSQL, on the fixed clock of the tests.
"""

from __future__ import annotations

from datetime import date

import pytest

from notifications import MemorySender
from states.errors import ConvflowError
from states.retention import open_because
from tests.integration import steps
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.usecases import listing, views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.due import run_due
from workflow.wording.words import Words

REF = steps.REFERENCE


def _pass(app: App, instant: str) -> None:
    app.clock.now = steps.at(instant)  # type: ignore[attr-defined]
    run_due(app, app.clock(), MemorySender())


def _refusal(app: App, event: str, on: str, **inputs: str) -> tuple[str, dict[str, object]]:
    """The refusal of `event` (code, parameters), the history checked unchanged."""
    before = views.history(app, REF)
    with pytest.raises(ConvflowError) as caught:
        record_event(app, RecordEvent(REF, event, "alice", date.fromisoformat(on), inputs),
                     app.clock())  # fmt: skip
    assert views.history(app, REF) == before
    return caught.value.code, dict(caught.value.params)


def _owes_nothing(app: App) -> None:
    view = views.status(app, REF)
    assert view["remaining"] == []
    assert not {"pay", "forgo_payment"} & set(view["allowed_events"])
    assert [d for d in view["deadlines"] if d["kind"] == "payment"] == []
    assert "reste à verser" not in status_text(view, Words("fr"))
    assert [
        o for o in listing.overdue_obligations(app, app.clock()) if o["kind"] == "payment"
    ] == []
    upcoming = listing.upcoming_deadlines(app, app.clock(), 3650)
    assert [d for d in upcoming["items"] if d["reference"] == REF and d["kind"] == "payment"] == []
    for event, inputs in (("pay", {"amount": "200000.00"}), ("forgo_payment", {"reason": "x"})):
        code, params = _refusal(app, event, "2026-01-04", **inputs)
        assert (code, params["event"]) == ("never_notified", event)


@pytest.fixture
def signed(loaded: App) -> App:
    """In force from 10 March 2025, never notified; read on 2 January 2026."""
    steps.bring_into_force(loaded)
    return loaded


@pytest.fixture
def loaded(app: App, reference_convention: object) -> App:
    steps.load(app, reference_convention)  # type: ignore[arg-type]
    return app


def test_expired_without_notification_owes_nothing(signed: App) -> None:
    before = _refusal(signed, "pay", "2025-06-01", amount="200000.00")
    assert before[0] == "invalid_transition"  # before the end: notify first
    _pass(signed, "2026-01-01T08:00:00Z")
    assert steps.state(signed) == "expired"
    signed.clock.now = steps.at("2026-01-04T10:00:00Z")  # type: ignore[attr-defined]
    _owes_nothing(signed)
    with signed.uow(read_only=True) as uow:
        convention = uow.conventions.get(REF)
    assert "instalment_unpaid" not in open_because(convention)


def test_notice_given_before_notification_owes_nothing_during_it_and_after(signed: App) -> None:
    """Before: `pay` was taken during the notice of a convention never notified."""
    steps.record(signed, "give_notice", "2025-05-02", party="crpv", received="2025-05-02")
    assert steps.state(signed) == "termination"
    signed.clock.now = steps.at("2025-06-02T10:00:00Z")  # type: ignore[attr-defined]
    code, params = _refusal(signed, "pay", "2025-06-02", amount="200000.00")
    assert (code, params["state"]) == ("never_notified", "termination")
    assert views.status(signed, REF)["remaining"] == []
    _pass(signed, "2025-11-03T08:00:00Z")
    assert steps.state(signed) == "terminated"
    signed.clock.now = steps.at("2026-01-04T10:00:00Z")  # type: ignore[attr-defined]
    _owes_nothing(signed)


def test_cancelled_owes_nothing(loaded: App) -> None:
    steps.record(loaded, "submit", "2025-03-03")
    steps.record(loaded, "cancel", "2025-03-04", reason="abandon")
    loaded.clock.now = steps.at("2026-01-04T10:00:00Z")  # type: ignore[attr-defined]
    _owes_nothing(loaded)


def test_notified_then_expired_still_owes_its_payment(signed: App) -> None:
    """Rule 25 unchanged: notified, unpaid at the end, the payment stays due and is recorded."""
    steps.record(signed, "notify", "2025-03-20")
    _pass(signed, "2026-01-01T08:00:00Z")
    view = views.status(signed, REF)
    assert (view["state"], [r["amount"] for r in view["remaining"]]) == ("expired", ["200000.00"])
    assert "pay" in view["allowed_events"]
    signed.clock.now = steps.at("2026-01-04T10:00:00Z")  # type: ignore[attr-defined]
    steps.record(signed, "pay", "2026-01-04", amount="200000.00")
    assert views.status(signed, REF)["remaining"] == []
