"""A payment made before the term, entered after the service applied the expiry (tester M3).

The reference convention is notified on 20 March 2025 and not paid yet when its term, 31
December 2025, comes: the service's pass of 1 January 2026 records its expiry, dated 31
December. On 12 January the finance department enters the payment of 200 000,00 € made on 15
December 2025: `convflow event AMP-CRPV-PACA-2025 pay amount=200000.00 --on 2025-12-15` records
it at that date (it was refused as dated before the expiry), the convention staying `expired`
and owing nothing; `convflow history` marks the line as recorded late, dated before the expiry
recorded earlier, and `convflow verify` still finds the history and the row in agreement. A
payment dated before the notification, in the future, or within a dispute still open at the end
is refused, saying why. A database at revision 0027 gets the line before the end from the
history when migrated. On SQLite and PostgreSQL, on the fixed clock of the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from notifications import MemorySender
from states.convention import Convention
from states.errors import ConvflowError
from states.recording_order import dated_before
from storage.engine import make_engine
from storage.migrate import run
from storage.tables import convention_table
from tests.conftest import FixedClock
from tests.e2e.conftest import Convflow
from tests.integration import steps
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.due import run_due
from workflow.usecases.verification import verify_history

REF = steps.REFERENCE
ENTERED = "2026-01-12T10:00:00Z"  # the finance department enters the payment


def expire(app: App) -> None:
    """The service's pass of 1 January 2026, 08:00 UTC: the term of 31 December has come."""
    app.clock.now = steps.at("2026-01-01T08:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock(), MemorySender())
    assert steps.state(app) == "expired"
    app.clock.now = steps.at(ENTERED)  # type: ignore[attr-defined]


@pytest.fixture
def notified(app: App, clock: FixedClock, reference_convention: Convention) -> App:
    """The reference convention in force from 10 March 2025, notified on 20 March, not paid."""
    clock.now = steps.at("2025-03-21T09:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    steps.record(app, "notify", "2025-03-20")
    return app


@pytest.fixture
def convflow(
    notified: App, settings_env: dict[str, str], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Convflow]:
    """The command line on the same database, at the test clock's instant."""
    from workflow.cli import context as cli_context

    monkeypatch.setattr(cli_context, "utc_now", lambda: clock.now)
    yield Convflow({**settings_env, "CONVFLOW_ACTOR": "alice"})


def refused(app: App, event: str, on: str, **inputs: str) -> tuple[str, dict[str, Any]]:
    """The refusal of `event` dated `on` (its code and parameters); the history unchanged."""
    before = views.history(app, REF)
    with pytest.raises(ConvflowError) as caught:
        steps.record(app, event, on, **inputs)
    assert views.history(app, REF) == before
    params = {k: v for k, v in caught.value.params.items() if k not in ("reference", "amendment")}
    return caught.value.code, params


def test_a_payment_made_before_the_expiry_is_recorded_at_its_date_after_it(
    notified: App, convflow: Convflow
) -> None:
    expire(notified)

    said = convflow.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-12-15")
    assert "15 décembre 2025" in said.replace("\xa0", " "), said

    view = views.status(notified, REF)
    assert (view["state"], view["paid_on"], view["paid_amount"]) == (
        "expired", "2025-12-15", "200000.00",
    )  # fmt: skip
    assert view["remaining"] == [] and view["balance_due"] is None
    assert [(p["on"], p["amount"]) for p in view["payments_made"]] == [("2025-12-15", "200000.00")]
    assert not {"pay", "forgo_payment"} & set(view["allowed_events"])
    # recorded after the expiry, dated before it: the history says so
    rows = views.history(notified, REF)
    expiry, payment = rows[-2], rows[-1]
    assert (expiry["event"], expiry["date"]) == ("expire", "2025-12-31")
    assert (payment["event"], payment["date"], payment["from_state"], payment["to_state"]) == (
        "pay", "2025-12-15", "expired", "expired",
    )  # fmt: skip
    assert dated_before(rows) == {payment["seq"]: expiry}
    line = convflow.json("history", REF)[-1]
    assert (line["event"], line["dated_before"], line["dated_before_seq"]) == (
        "pay", "2025-12-31", expiry["seq"],
    )  # fmt: skip
    text = convflow.ok("history", REF).replace("\xa0", " ").replace("\u202f", " ")
    assert (
        f"* n° {payment['seq']} — saisi après coup : daté avant la ligne n° {expiry['seq']} "
        "du mercredi 31 décembre 2025, saisie plus tôt."
    ) in text, text
    report = verify_history(notified, REF)
    assert (report["breaks"], report["differences"]) == ([], [])
    assert convflow("verify", REF).exit_code == 0


def test_its_renunciation_is_recorded_at_its_date_too(notified: App) -> None:
    expire(notified)

    steps.record(notified, "forgo_payment", "2025-12-15", reason="subvention réduite")

    view = views.status(notified, REF)
    assert (view["state"], view["forgone_on"], view["remaining"]) == (
        "expired", "2025-12-15", [],
    )  # fmt: skip
    report = verify_history(notified, REF)
    assert (report["breaks"], report["differences"]) == ([], [])


def test_before_the_notification_or_in_the_future_it_is_refused(
    notified: App, convflow: Convflow
) -> None:
    expire(notified)

    assert refused(notified, "pay", "2025-03-19", amount="200000.00") == (
        "dated_before_last_event", {
            "event": "pay", "on": "2025-03-19", "last_event_on": "2025-03-20",
            "last_event": "notify", "last_amendment": None, "terms_changed": False,
            "before_end": True,
        },
    )  # fmt: skip
    assert refused(notified, "pay", "2026-01-13", amount="200000.00") == (
        "dated_in_future", {"event": "pay", "on": "2026-01-13", "today": "2026-01-12"},
    )  # fmt: skip
    error = convflow.refusal("event", REF, "pay", "amount=200000.00", "--on", "2025-03-19")
    message = error["message"].replace("\xa0", " ").replace("\u202f", " ")
    assert "antérieure au dernier événement de la convention avant sa fin" in message, message
    assert steps.state(notified) == "expired"
    assert views.status(notified, REF)["paid_on"] is None


def test_within_a_dispute_still_open_at_the_end_it_is_refused(notified: App) -> None:
    notified.clock.now = steps.at("2025-12-02T09:00:00Z")  # type: ignore[attr-defined]
    steps.record(notified, "open_dispute", "2025-12-01", party="crpv", received="2025-12-01")
    expire(notified)

    assert refused(notified, "pay", "2025-12-15", amount="200000.00") == (
        "dated_during_dispute",
        {"event": "pay", "on": "2025-12-15", "opened_on": "2025-12-01", "end": "2025-12-31"},
    )
    code, params = refused(notified, "forgo_payment", "2025-11-30", reason="x")
    assert (code, params["last_event"], params["last_event_on"]) == (
        "dated_before_last_event", "open_dispute", "2025-12-01",
    )  # fmt: skip


def test_a_database_at_0027_gets_the_line_before_the_end_from_its_history(
    notified: App, database_url: str, settings_env: dict[str, str],
    reference_convention: Convention,
) -> None:  # fmt: skip
    """Down to 0027 (the two columns go), then up: the expired convention's last event before
    its end (the notification) is read back from its history; a convention still in force (its
    term in 2026) gets none. The payment of 15 December is then recorded at its date."""
    steps.load(notified, replace(reference_convention, reference="AMP-CRPV-PACA-2026",
                                 end_date=date(2026, 12, 31)))  # fmt: skip
    expire(notified)
    notified.close()
    engine = make_engine(database_url)
    c = convention_table.c
    try:
        run(engine, "downgrade", "0027")
        run(engine, "upgrade", "head")
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    c.reference, c.own_event, c.own_event_before_end_on, c.own_event_before_end
                ).order_by(c.reference)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [
        (REF, "expire", date(2025, 3, 20), "notify"),
        ("AMP-CRPV-PACA-2026", None, None, None),
    ]
    again = App.create(load_settings(settings_env))
    again.clock = notified.clock
    try:
        assert steps.record(again, "pay", "2025-12-15", amount="200000.00").on == date(2025, 12, 15)
    finally:
        again.close()
