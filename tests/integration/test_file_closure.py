"""The file of a convention still in dispute after its end is not closed (rule 21 after rule
24): the reference convention, expired at its term on Wednesday 31 December 2025 while the
GIP's dispute of Monday 15 December 2025 is open (amicable window to Wednesday 14 January 2026,
court from Thursday 15 January). Its status says why the file is open, an erasure is refused
naming it; settled, or its court case closed, the ten years run from that day. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import pytest

from states.convention import Convention
from states.errors import GuardRejected
from tests.integration import steps
from tests.integration.test_erasure import erase, move, stored_text
from tests.unit.builders import refusal
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.usecases import views
from workflow.usecases.due import run_due
from workflow.wording.words import Words


@pytest.fixture
def ended_in_dispute(app: App, reference_convention: Convention) -> App:
    """Paid on 1 April 2025; the GIP's letter of dispute received on Monday 15 December 2025;
    expired by the service at its term, the dispute still open."""
    move(app, "2025-04-01T16:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    move(app, "2025-12-15T15:00:00Z")
    steps.record(app, "open_dispute", "2025-12-15", party="crpv", received="2025-12-15")
    move(app, "2026-01-01T00:30:00Z")
    run_due(app, app.clock())
    assert steps.state(app) == "expired"
    return app


def test_the_file_stays_open_while_the_dispute_is_and_no_erasure_is_possible(
    ended_in_dispute: App,
):
    app = ended_in_dispute
    status = views.status(app, steps.REFERENCE)

    assert status["retention"] is None  # not « Dossier clos le mercredi 31 décembre 2025 »
    assert status["file_open"] is not None and status["file_open"]["because"] == ["dispute"]
    assert (
        "période amiable jusqu'au mercredi 14 janvier 2026 inclus"
        in (status["file_open"]["explanation"])
    )
    text = status_text(status, Words("fr"))  # what `convflow status` prints
    assert "Dossier clos" not in text and "conservé jusqu'au" not in text
    assert re.search(r"\n  clôture du dossier +pas encore\n", text)
    assert "    La durée de conservation courra de la clôture du dossier, la plus" in text

    move(app, "2036-01-02T09:00:00Z")  # ten years and a day after the end
    before = stored_text(app)
    with pytest.raises(GuardRejected) as refused:
        erase(app)
    assert refusal(refused.value) == (
        "erasure_during_dispute", {"event": "erase_personal_data", "opened_on": "2025-12-15"},
    )  # fmt: skip
    assert stored_text(app) == before


def test_settled_after_the_term_the_ten_years_run_from_the_settlement(ended_in_dispute: App):
    app = ended_in_dispute
    move(app, "2026-01-10T10:00:00Z")
    steps.record(app, "settle", "2026-01-10")

    status = views.status(app, steps.REFERENCE)
    assert status["file_open"] is None
    kept = status["retention"]
    assert kept is not None
    assert (kept["closed_on"], kept["kept_until"], kept["erasable_from"]) == (
        "2026-01-10", "2036-01-10", "2036-01-11",
    )  # fmt: skip
    assert kept["explanation"].startswith(
        "Dossier clos le samedi 10 janvier 2026, jour de la fin du litige (la plus tardive de sa "
        "fin, de son dernier versement ou de la renonciation à celui-ci, de la réception du "
        "compte rendu financier s'il est dû et de la fin du litige)."
    )

    move(app, "2036-01-02T09:00:00Z")  # ten years after the end, not after the settlement
    with pytest.raises(GuardRejected) as early:
        erase(app)
    assert refusal(early.value) == ("erasure_too_early", {
        "event": "erase_personal_data", "kept_until": "2036-01-10", "erasable_from": "2036-01-11",
    })  # fmt: skip

    move(app, "2036-01-11T09:00:00Z")
    assert erase(app)["erased_on"] == "2036-01-11"


def test_in_court_the_file_stays_open_until_the_case_is_closed(ended_in_dispute: App):
    app = ended_in_dispute
    move(app, "2026-01-15T10:00:00Z")
    steps.record(app, "go_to_court", "2026-01-15")

    status = views.status(app, steps.REFERENCE)
    assert status["retention"] is None
    assert status["file_open"] is not None and status["file_open"]["because"] == ["litigation"]
    with pytest.raises(GuardRejected) as refused:
        erase(app)
    assert refusal(refused.value)[0] == "erasure_during_litigation"

    move(app, "2026-07-01T10:00:00Z")
    steps.record(app, "close_litigation", "2026-06-30")
    kept = views.status(app, steps.REFERENCE)["retention"]
    assert kept is not None
    assert (kept["closed_on"], kept["kept_until"]) == ("2026-06-30", "2036-06-30")
