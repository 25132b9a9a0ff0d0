"""The reference convention's award decision (délibération), recorded through the service
layer on SQLite and PostgreSQL: when the Métropole may sign, and the two windows it opens."""

from __future__ import annotations

from datetime import date

import pytest

from states.convention import Convention
from states.errors import ConvflowError, GuardRejected, InvalidInput
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side

REFERENCE = steps.REFERENCE


def award(app: App, on: str, **days: str) -> None:
    inputs = {"decision": "DEL-BUR-2025-042", "adopted": "2025-02-13", **days}
    record_side(app, RecordEvent(REFERENCE, "record_award", "alice", date.fromisoformat(on),
                                  inputs), app.clock())  # fmt: skip


def history_events(app: App) -> list[tuple[str, dict[str, str]]]:
    return [(row["event"], row["inputs"]) for row in views.history(app, REFERENCE)]


@pytest.fixture
def loaded(app: App, reference_convention: Convention) -> App:
    steps.load(app, reference_convention)
    return app


def test_an_enforceable_decision_lets_the_metropole_sign_and_shows_both_windows(loaded: App):
    award(loaded, "2025-02-20", published="2025-02-17", transmitted="2025-02-18")

    status = views.status(loaded, REFERENCE)
    assert status["state"] == "draft"
    assert status["award"]["enforceable_on"] == "2025-02-18"
    windows = steps.deadlines(loaded)
    assert windows["prefect_referral"]["due_date"] == "2025-04-22"  # Easter Monday, then 22
    assert windows["third_party_challenge"]["due_date"] == "2025-04-18"
    steps.bring_into_force(loaded)
    assert steps.state(loaded) == "notification"
    assert history_events(loaded)[1] == ("record_award", {
        "decision": "DEL-BUR-2025-042", "adopted": "2025-02-13", "published": "2025-02-17",
        "transmitted": "2025-02-18", "enforceable": "2025-02-18",
    })  # fmt: skip


def test_the_metropole_cannot_sign_before_the_decision_is_enforceable(loaded: App):
    award(loaded, "2025-03-01", published="2025-02-17")  # not yet received by the prefect
    steps.record(loaded, "submit", "2025-03-03")

    with pytest.raises(GuardRejected) as refused:
        steps.record(loaded, "sign", "2025-03-05", signatory=steps.METROPOLE)

    assert refused.value.code == "award_not_enforceable"
    steps.record(loaded, "sign", "2025-03-05", signatory=steps.CRPV)  # the GIP may
    award(loaded, "2025-03-07", published="2025-02-17", transmitted="2025-03-06")
    with pytest.raises(GuardRejected) as again:
        steps.record(loaded, "sign", "2025-03-05", signatory=steps.METROPOLE)
    assert again.value.code == "dated_before_last_event"
    steps.record(loaded, "sign", "2025-03-07", signatory=steps.METROPOLE)
    assert steps.state(loaded) == "notification"
    # the windows of the first recording are superseded by those of the second
    kinds = [(d["kind"], d["status"]) for d in views.status(loaded, REFERENCE)["deadlines"]
             if d["kind"] == "prefect_referral"]  # fmt: skip
    assert kinds == [("prefect_referral", "pending")]


def test_the_same_day_as_enforceable_is_accepted_and_flagged(loaded: App):
    award(loaded, "2025-02-18", published="2025-02-17", transmitted="2025-02-18")
    steps.record(loaded, "submit", "2025-02-18")

    steps.record(loaded, "sign", "2025-02-18", signatory=steps.METROPOLE)

    assert history_events(loaded)[-1][1]["award_check"] == "même jour"


@pytest.mark.parametrize(
    ("days", "code", "field"),
    [
        ({"published": "2025-02-10"}, "award_date_before_adoption", "published"),
        ({"transmitted": "2025-03-02"}, "award_date_after_event", "transmitted"),
        ({"adopted": "13/02/2025"}, "not_a_date", "adopted"),
    ],
)
def test_a_wrong_date_is_refused_by_name_and_changes_nothing(
    loaded: App, days: dict[str, str], code: str, field: str
):
    with pytest.raises(InvalidInput) as refused:
        award(loaded, "2025-03-01", **days)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert views.status(loaded, REFERENCE)["award"] is None
    assert len(views.history(loaded, REFERENCE)) == 1


def test_no_award_is_recorded_once_the_convention_has_ended(loaded: App):
    steps.bring_into_execution(loaded)
    steps.record(loaded, "give_notice", "2025-05-05", party="metropole", received="2025-05-05")

    with pytest.raises(ConvflowError) as refused:
        award(loaded, "2025-05-06")

    assert refused.value.code == "award_not_now"


def test_an_expired_convention_shows_until_when_its_file_is_kept(loaded: App):
    from workflow.usecases.due import run_due

    steps.bring_into_execution(loaded)
    run_due(loaded, steps.at("2026-01-01T00:00:00+01:00"))

    kept = views.status(loaded, REFERENCE)["retention"]

    assert (kept["closed_on"], kept["kept_until"], kept["erasable_from"]) == (
        "2025-12-31", "2035-12-31", "2036-01-01",
    )  # fmt: skip


def test_editing_the_draft_keeps_its_award_decision(loaded: App, reference_convention: Convention):
    from dataclasses import replace
    from decimal import Decimal

    from workflow.usecases.conventions import edit_draft

    award(loaded, "2025-02-20", published="2025-02-17", transmitted="2025-02-18")

    edit_draft(loaded, replace(reference_convention, amount=Decimal("180000.00")), "alice",
               ["amount"], loaded.clock())  # fmt: skip

    status = views.status(loaded, REFERENCE)
    assert (status["amount"], status["award"]["enforceable_on"]) == ("180000.00", "2025-02-18")
