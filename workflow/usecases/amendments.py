"""Amendment use cases: draft one, drive it through signature, and let the convention follow.

Every step locks the convention's row, bumps its version and writes one history line (marked
with the amendment's number), so amendment events sit among the convention's own, in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from states.amendments import (
    Amendment,
    AmendmentOutcome,
    check_draft_date,
    check_new_term,
    fire_amendment,
    parse_changes,
)
from states.calendar import civil_date, end_of_day
from states.convention import Convention, Signatory
from states.errors import ConvflowError, GuardRejected
from states.lifecycle import IN_FORCE
from states.terms import TERMS, recorded_terms
from states.visible import visible
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.usecases.conventions import move_deadlines
from workflow.usecases.emails import (
    amendment_snapshot,
    balance_snapshot,
    computed_snapshot,
    event_snapshot,
    recorded_late,
    running_snapshot,
)
from workflow.wording import labels
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

CLOSED_BY_AMENDMENT = gettext_noop(
    'moot: the deadline was closed by the event "{event}" of amendment no. {amendment}'
)
"""Why the planned reminders of a deadline an amendment closed were cancelled."""

NOTICES = {"submit": "amendment_submitted"}
"""The email an amendment event sends (coming into force sends `amendment_in_force`)."""


class UnknownAmendment(ConvflowError, LookupError):
    """No amendment has this number on this convention."""

    def __init__(self, reference: str, number: int) -> None:
        super().__init__("unknown_amendment", reference=reference, amendment=number)


@dataclass(frozen=True)
class DraftAmendment:
    """Draft an amendment proposing `changes` (field=value) to a convention in force."""

    reference: str
    changes: Mapping[str, str]
    actor: str
    on: date | None = None
    source: str = ""


@dataclass(frozen=True)
class RecordAmendmentEvent:
    """Record `submit`, `sign` or `abandon` on amendment n°`number`."""

    reference: str
    number: int
    event: str
    actor: str
    on: date | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AmendmentRecorded:
    """An amendment was drafted or moved; `applied` is filled when it came into force."""

    reference: str
    number: int
    event: str
    from_state: str | None
    to_state: str
    on: date
    applied: Mapping[str, Mapping[str, str]]


def draft_amendment(app: App, command: DraftAmendment, now: datetime) -> AmendmentRecorded:
    """Draft the next amendment of a convention in force; refuse invalid changes."""
    on = command.on or civil_date(now)
    with app.uow() as uow:
        convention = uow.conventions.get(command.reference, for_update=True)
        convention_id = uow.conventions.id_of(command.reference)
        _check_amendable(convention, uow, convention_id)
        check_draft_date(convention, on, civil_date(now))
        changes = parse_changes(convention, command.changes)
        check_new_term(changes, on)
        amendment = Amendment(
            uow.amendments.next_number(convention_id),
            changes=changes,
            created_on=on,
            last_event_on=on,
        )
        uow.amendments.add(convention_id, amendment, now)
        seq = uow.conventions.save(convention, now)
        inputs = {**changes, **({"file": visible(command.source)} if command.source else {})}
        uow.conventions.append_event(
            convention_id,
            seq,
            "amend",
            None,
            "draft",
            on,
            command.actor,
            inputs,
            now,
            amendment=amendment.number,
        )
        uow.commit()
    return AmendmentRecorded(command.reference, amendment.number, "amend", None, "draft", on, {})


def _check_amendable(convention: Convention, uow: UnitOfWork, convention_id: int) -> None:
    if convention.state not in IN_FORCE:
        raise GuardRejected(
            convention.reference, "amend", "convention_not_in_force", state=convention.state
        )
    pending = uow.amendments.open_one(convention_id)
    if pending is not None:
        raise GuardRejected(
            convention.reference, "amend", "amendment_pending", pending=pending.number,
            state=pending.state,
        )  # fmt: skip


def record_amendment_event(
    app: App, command: RecordAmendmentEvent, now: datetime
) -> AmendmentRecorded:
    """Record an amendment's event; its last signature changes the convention, all at once."""
    today = civil_date(now)
    with app.uow() as uow:
        convention = uow.conventions.get(command.reference, for_update=True)
        convention_id = uow.conventions.id_of(command.reference)
        amendment = uow.amendments.get(convention_id, command.number)
        if amendment is None:
            raise UnknownAmendment(command.reference, command.number)
        outcome = fire_amendment(
            convention,
            amendment,
            command.event,
            on=command.on or today,
            actor=command.actor,
            today=today,
            legal=app.legal,
            inputs=command.inputs,
        )
        persist_amendment_outcome(app, uow, convention, convention_id, amendment, outcome, now)
        term_end = end_of_day(convention.end_date)
        if outcome.to_state == "abandoned" and convention.state in IN_FORCE and now >= term_end:
            # The extension that held the expiry (rule 27) abandoned: nothing waits any more,
            # the next pass records the expiry, dated at the term.
            uow.deadlines.release(convention_id, "expiry", term_end)
        uow.commit()
    return AmendmentRecorded(
        command.reference,
        amendment.number,
        outcome.trigger,
        outcome.from_state,
        outcome.to_state,
        outcome.on,
        amendment.applied,
    )


def persist_amendment_outcome(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    amendment: Amendment,
    outcome: AmendmentOutcome,
    now: datetime,
) -> None:
    """Write what an amendment event decided, in its transaction."""
    seq = uow.conventions.save(convention, now)
    inputs: dict[str, Any] = dict(outcome.inputs)
    if outcome.to_state == "in_force":  # the convention's terms changed: recorded as they stand
        inputs[TERMS] = recorded_terms(convention)
    uow.conventions.append_event(
        convention_id,
        seq,
        outcome.trigger,
        outcome.from_state,
        outcome.to_state,
        outcome.on,
        outcome.actor,
        inputs,
        now,
        amendment=amendment.number,
    )
    if outcome.signed is not None:
        uow.conventions.record_signature(convention, outcome.signed, seq, now, amendment.number)
    if outcome.representatives_replaced:
        uow.conventions.replace_representatives(
            convention, outcome.representatives_replaced, amendment.number
        )
    uow.amendments.save(convention_id, amendment, now)
    move_deadlines(
        app,
        uow,
        convention,
        convention_id,
        seq,
        outcome.closures,
        outcome.opened,
        Words("fr")(
            CLOSED_BY_AMENDMENT,
            event=labels.amendment_event(outcome.trigger),
            amendment=amendment.number,
        ),
        now,
    )
    _tell(app, uow, convention, convention_id, amendment, outcome, seq, now)


def _tell(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    amendment: Amendment,
    outcome: AmendmentOutcome,
    seq: int,
    now: datetime,
) -> None:
    kind = "amendment_in_force" if outcome.to_state == "in_force" else NOTICES.get(outcome.trigger)
    if kind is None:
        return
    # A payment deadline (the balance a raised amount leaves to pay, or a new payment target)
    # is what the partners must hear of first.
    payment = next((d for d in outcome.opened if d.kind == "payment"), None)
    # Then a notice that now ends the convention before its term: the end the partners must
    # plan for, not the term it cuts short (rule 10).
    ending = next(
        (d for d in outcome.opened if d.kind == "termination" and d.ends_by == "termination"), None
    )
    # Never the open data's update an avenant calls for (rule 19): the Métropole's own
    # practice, which the partners have nothing to do with; its reminders go to its signatories.
    other = next((d for d in outcome.opened if d.kind != "publication"), None)
    deadline = payment or ending or other
    snapshot = amendment_snapshot(amendment, convention)
    if kind == "amendment_in_force":  # what it did, or left, to what runs (rule 26)
        since = amendment.effective_date or civil_date(now)
        running = [row for row in uow.deadlines.for_convention(convention_id)
                   if row.kind == "payment" and row.status == "pending"
                   and (row.opened_by_seq < seq or row.trigger_date < since)]  # fmt: skip
        snapshot["running"] = running_snapshot(
            amendment, convention, app.legal, outcome.ended_on_before, running
        )
    if payment is not None and kind == "amendment_in_force":
        balance = balance_snapshot(convention, payment)
        if balance is not None:
            snapshot["balance"] = balance
    to = [s.email for s in convention.signatories]
    # A representative the amendment replaced signed it: they hear it came into force too.
    to += [s.email for s in _outgoing_only(convention, outcome)]
    app.mailer.queue(
        uow,
        convention,
        convention_id,
        kind,
        f"event:{convention_id}:{seq}",
        now,
        deadline=computed_snapshot(deadline) if deadline else None,
        event=event_snapshot(outcome, convention, recorded_on=civil_date(now)),
        amendment=snapshot,
        to=to,
        withheld=recorded_late(app.settings, outcome.on, now)
        and not _moves_end(convention, outcome),
    )


def _moves_end(convention: Convention, outcome: AmendmentOutcome) -> bool:
    """The amendment came into force and changed the convention's last day: its email is
    never withheld as recorded late (README « No noise after the fact »). The partners plan for
    the end they were told (the expiry reminders, or the grace's wait of rule 27: a last
    signature dated on the term reaching the service after the new year); the new one is news
    whenever it is recorded."""
    before = outcome.ended_on_before
    return outcome.to_state == "in_force" and before is not None and before != convention.ends_on()


def _outgoing_only(convention: Convention, outcome: AmendmentOutcome) -> list[Signatory]:
    """The representatives an amendment replaced who no longer sign for any party (not the
    same person reappointed under a new title)."""
    staying = {s.email.lower() for s in convention.signatories}
    return [s for s in outcome.outgoing if s.email.lower() not in staying]


def lapse_open_amendment(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    amendment: Amendment | None,
    now: datetime,
    actor: str,
) -> None:
    """When a convention ends, an amendment still being drafted or signed lapses with it
    (`lapse`: « caduc »); the email of the end names it (`lapsed_amendment`)."""
    if amendment is None:
        return
    on = max(d for d in (convention.last_event_on, amendment.last_event_on) if d)
    outcome = fire_amendment(
        convention, amendment, "lapse", on=on, actor=actor, today=on, legal=app.legal
    )
    persist_amendment_outcome(app, uow, convention, convention_id, amendment, outcome, now)
