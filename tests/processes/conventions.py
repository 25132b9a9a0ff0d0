"""Conventions prepared through the service layer, dated relative to the real clock, so that
what they plan falls due before, or while, the service processes run."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from states.calendar import at_paris_time, civil_date
from states.convention import Convention
from states.deadlines import DeadlineKind
from states.reminders import TEMPLATES, PlannedReminder
from workflow.bootstrap import App, utc_now
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event

METROPOLE = "martial.alvarez@example.org"
CRPV = "mustapha.berra@example.org"


def open_app(database_url: str) -> App:
    """convflow's service layer on the test database, on the real clock (as the processes)."""
    # Events are recorded days after their date here: their emails are the subject.
    settings = {"CONVFLOW_DATABASE_URL": database_url, "CONVFLOW_LATE_RECORD_DAYS": "3650",
                "CONVFLOW_CHAIN_HEADS_DAILY": "no"}  # fmt: skip
    return App.create(load_settings(settings))


def today() -> date:
    """Today in Paris."""
    return civil_date(utc_now())


def days(offset: int) -> date:
    """Today in Paris plus `offset` days."""
    return today() + timedelta(days=offset)


def load(app: App, template: Convention, reference: str, end_date: date) -> None:
    """Import a copy of `template` under another reference and term, in draft."""
    convention = replace(
        template, reference=reference, end_date=end_date,
        signatories=[replace(s) for s in template.signatories],
    )  # fmt: skip
    import_convention(app, ImportConvention(convention, "tests"), utc_now())


def record(
    app: App,
    reference: str,
    event: str,
    on: date | None = None,
    *,
    recorded_at: datetime | None = None,
    **inputs: str,
) -> None:
    """Record a person's event, dated `on` (default: today, or the letter's date), now or at
    the instant `recorded_at`."""
    record_event(app, RecordEvent(reference, event, "tests", on, inputs), recorded_at or utc_now())


def as_it_happened(day: date) -> datetime:
    """Noon in Paris on `day`: when an event of that day was recorded, on the day itself."""
    return at_paris_time(day, 12)


def submit(app: App, reference: str, on: date | None = None) -> None:
    """Send the convention for signature (an email to both signatories)."""
    record(app, reference, "submit", on)


def bring_into_force(app: App, reference: str, submitted: date, on_the_day: bool = False) -> None:
    """Submitted on `submitted`, signed the next day and the day after: then in force.
    Recorded now, after the fact, or `on_the_day` each happened."""
    signed = [(METROPOLE, submitted + timedelta(days=1)), (CRPV, submitted + timedelta(days=2))]
    when = as_it_happened if on_the_day else lambda day: None
    record(app, reference, "submit", submitted, recorded_at=when(submitted))
    for signatory, day in signed:
        record(app, reference, "sign", day, recorded_at=when(day), signatory=signatory)


def plan_reminder(app: App, reference: str, kind: DeadlineKind, label: str, at: datetime) -> None:
    """Plan one more reminder of the convention's pending `kind` deadline, at `at`.

    The public path plans reminders at CONVFLOW_REMINDER_HOUR o'clock; a test that needs one a
    few seconds ahead plans it itself, through the reminder repository, as the handlers do.
    """
    with app.uow() as uow:
        uow.conventions.get(reference)
        convention_id = uow.conventions.id_of(reference)
        deadline = next(
            row for row in uow.deadlines.for_convention(convention_id)
            if row.kind == kind and row.status == "pending"
        )  # fmt: skip
        reminder = PlannedReminder(kind, TEMPLATES[kind], label, 0, at)
        uow.reminders.plan(convention_id, deadline.id, [reminder], utc_now())
        uow.commit()


def outbox(app: App) -> list[dict[str, Any]]:
    """Every email in the outbox, oldest first."""
    return list(reversed(views.outbox(app, None, 10_000)))


def claim_instants(app: App) -> list[datetime]:
    """When each email currently claimed by a dispatcher was claimed."""
    with app.uow(read_only=True) as uow:
        rows = uow.outbox.listing("sending", 10_000)
    return [row.claimed_at for row in rows]


def sent_kinds(app: App, message_ids: Counter[str]) -> Counter[tuple[str | None, str]]:
    """(convention, email kind) of each Message-ID the server received, as often as received."""
    by_id = {row["message_id"]: (row["reference"], row["kind"]) for row in outbox(app)}
    kinds: Counter[tuple[str | None, str]] = Counter()
    for mid, times in message_ids.items():
        kinds[by_id[mid]] += times
    return kinds
