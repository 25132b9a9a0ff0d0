"""A dispute letter logged late, after an avenant's signature dated later (tester's finding).

The Métropole's convention officer records, on the reference convention in execution, the
Métropole's signature of avenant n° 1 dated 10 June 2025 (the association has not signed it:
not in force), then the association's dispute letter received on 2 June. The letter is
recorded at its receipt date, the amicable window of article 6 runs from it (30 days: to 2 July,
court from 3 July), and the history, read in the order it was recorded, still proves itself.
Had the avenant come into force on 10 June, the letter is refused, naming that signature.
"""

from __future__ import annotations

from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    bring_into_execution,
    deadlines,
    load,
    record,
    state,
)
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.verification import verify_history
from workflow.wording.refusals import problem_text
from workflow.wording.words import Words


def avenant_signed_by_the_metropole(app: App, *, crpv_first: bool = False) -> str:
    """Avenant n° 1 (amount raised) drafted and submitted on 5 June 2025, signed by the
    Métropole on 10 June (by the CRPV on 6 June before it when `crpv_first`); its state."""
    on = date(2025, 6, 5)
    draft_amendment(app, DraftAmendment(REFERENCE, {"amount": "210000.00"}, "alice", on),
                    app.clock())  # fmt: skip
    steps = [("submit", "2025-06-05", {}), ("sign", "2025-06-10", {"signatory": METROPOLE})]
    if crpv_first:
        steps.insert(1, ("sign", "2025-06-06", {"signatory": CRPV}))
    to_state = ""
    for event, day, inputs in steps:
        command = RecordAmendmentEvent(REFERENCE, 1, event, "alice", date.fromisoformat(day),
                                       inputs)  # fmt: skip
        to_state = record_amendment_event(app, command, app.clock()).to_state
    return to_state


@pytest.fixture
def in_execution(app: App, reference_convention: Convention) -> App:
    load(app, reference_convention)
    bring_into_execution(app)
    return app


def test_a_letter_logged_late_is_recorded_at_its_receipt_before_the_avenant_s_signature(
    in_execution: App,
) -> None:
    assert avenant_signed_by_the_metropole(in_execution) == "signature"

    recorded = record(in_execution, "open_dispute", "2025-06-02", party="crpv",
                      received="2025-06-02")  # fmt: skip

    assert recorded.to_state == state(in_execution) == "dispute"
    window = deadlines(in_execution)["dispute_window"]
    assert (window["trigger_date"], window["due_date"]) == ("2025-06-02", "2025-07-02")
    lines = [(row["event"], row["date"], row["amendment"])
             for row in views.history(in_execution, REFERENCE)][-4:]  # fmt: skip
    assert lines == [  # in the order recorded: the letter below the signature dated after it
        ("amend", "2025-06-05", 1),
        ("submit", "2025-06-05", 1),
        ("sign", "2025-06-10", 1),
        ("open_dispute", "2025-06-02", None),
    ]
    report = verify_history(in_execution, REFERENCE)
    assert report["breaks"] == [] and report["differences"] == []
    # the avenant goes on after the letter: its next line dated on or after its last
    command = RecordAmendmentEvent(REFERENCE, 1, "sign", "alice", date(2025, 6, 12),
                                   {"signatory": CRPV})  # fmt: skip
    assert record_amendment_event(in_execution, command, in_execution.clock()).to_state == (
        "in_force"
    )


def test_a_letter_dated_before_the_avenant_s_entry_into_force_is_refused_naming_it(
    in_execution: App,
) -> None:
    assert avenant_signed_by_the_metropole(in_execution, crpv_first=True) == "in_force"

    with pytest.raises(GuardRejected) as refused:
        record(in_execution, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")

    error = refused.value
    assert error.code == "dated_before_last_event"
    assert {
        k: error.params[k]
        for k in ("last_event_on", "last_event", "last_amendment", "terms_changed")
    } == {
        "last_event_on": "2025-06-10",
        "last_event": "sign",
        "last_amendment": 1,
        "terms_changed": True,
    }
    said = problem_text(Words("fr"), error.code, error.params)
    assert said.startswith(
        "la date indiquée (2 juin 2025) est antérieure à la signature de l'avenant n°\xa01 "
        "(10 juin 2025), déjà enregistrée, qui a fait entrer l'avenant en vigueur"
    ), said
    assert state(in_execution) == "execution"
    assert "dispute_window" not in deadlines(in_execution)


def test_a_convention_recorded_before_migration_0024_gets_its_lines_from_its_history(
    in_execution: App, database_url: str, settings_env: dict[str, str]
) -> None:
    """Down to 0023 (the four columns go), then up: the convention's own last event and its
    avenant's entry into force are read back from its history and amendments; the letter is
    then refused naming the avenant, as it would have been before the migration."""
    from sqlalchemy import select

    from storage.engine import make_engine
    from storage.migrate import run
    from storage.tables import convention_table
    from workflow.settings import load_settings

    avenant_signed_by_the_metropole(in_execution, crpv_first=True)
    in_execution.close()
    engine = make_engine(database_url)
    try:
        run(engine, "downgrade", "0023")
        run(engine, "upgrade", "head")
        c = convention_table.c
        with engine.connect() as connection:
            row = connection.execute(
                select(
                    c.own_event_on,
                    c.own_event,
                    c.terms_changed_on,
                    c.terms_changed_by,
                    c.last_event_on,
                )
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == (date(2025, 4, 1), "pay", date(2025, 6, 10), 1, date(2025, 6, 10))
    again = App.create(load_settings(settings_env))
    again.clock = in_execution.clock
    try:
        with pytest.raises(GuardRejected, match="last_event=sign, last_amendment=1"):
            record(again, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    finally:
        again.close()
