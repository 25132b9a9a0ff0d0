"""Steps of the reference convention's life, as an administrator records them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from states.convention import Convention
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.commands import EventRecorded, ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event

REFERENCE = "AMP-CRPV-PACA-2025"
METROPOLE = "martial.alvarez@example.org"
CRPV = "mustapha.berra@example.org"


def load(app: App, convention: Convention) -> None:
    """Import the convention, as `convflow import` does."""
    import_convention(app, ImportConvention(convention, "alice", "reference.toml"), app.clock())


def record(app: App, event: str, on: str | None = None, **inputs: str) -> EventRecorded:
    """Record a person's event on the reference convention."""
    day = date.fromisoformat(on) if on else None
    command = RecordEvent(REFERENCE, event, "alice", day, inputs)
    return record_event(app, command, app.clock())


def bring_into_force(app: App) -> None:
    """Submitted on 3 March 2025, signed by both parties, in force from 10 March 2025."""
    record(app, "submit", "2025-03-03")
    record(app, "sign", "2025-03-05", signatory=METROPOLE)
    record(app, "sign", "2025-03-10", signatory=CRPV)


def bring_into_execution(app: App) -> None:
    """In force, notified on 20 March 2025 and paid on 1 April 2025."""
    bring_into_force(app)
    record(app, "notify", "2025-03-20")
    record(app, "pay", "2025-04-01", amount="200000.00")


def state(app: App) -> str:
    """The convention's current state."""
    return str(views.status(app, REFERENCE)["state"])


def deadlines(app: App) -> dict[str, dict[str, Any]]:
    """The convention's deadlines by kind (the latest of each kind)."""
    return {d["kind"]: d for d in views.status(app, REFERENCE)["deadlines"]}


def at(text: str) -> datetime:
    """An instant from ISO text."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def amend_and_sign(app: App, changes: dict[str, str]) -> None:
    """Amendment n°1 drafted on 2 June 2025 with `changes`, submitted, signed by both parties
    on 5 June 2025: in force."""
    from workflow.usecases.amendments import (
        DraftAmendment,
        RecordAmendmentEvent,
        draft_amendment,
        record_amendment_event,
    )

    drafted = DraftAmendment(REFERENCE, changes, "alice", date(2025, 6, 2))
    number = draft_amendment(app, drafted, app.clock()).number
    for event, inputs in (("submit", {}), ("sign", {"signatory": CRPV}),
                          ("sign", {"signatory": METROPOLE})):  # fmt: skip
        command = RecordAmendmentEvent(REFERENCE, number, event, "alice", date(2025, 6, 5), inputs)
        record_amendment_event(app, command, app.clock())
