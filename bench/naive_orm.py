"""The same command path written the straightforward way: SQLModel ORM, a Session and a
`transitions` Machine built per object, on the same tables, writing the same rows.

Each event loads the convention row, its parties, signatories and signatures through the ORM,
builds the domain object and a Machine for it, applies the same rules (convflow's own, so the
work is equal), then writes the state, the history line, the signature, the deadlines closed
and opened, the reminders cancelled and planned, and the email, as ORM objects, and commits.
What differs from convflow's path is only how: ORM units of work and a machine per object.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select
from transitions import Machine

from states import reminders, rules
from states.convention import Convention, Party, Signatory
from states.deadlines import LegalSettings
from states.lifecycle import STATES, TRANSITIONS, Outcome
from storage.mapping import (
    clauses_from_json,
    deadline_details,
    dispute_from_json,
    dispute_to_json,
    notice_from_json,
    notice_to_json,
)
from storage.tables import (
    ConventionRow,
    DeadlineRow,
    EventRow,
    OutboxRow,
    PartyRow,
    ReminderRow,
    SignatoryRow,
    SignatureRow,
    reminder_table,
)
from workflow.usecases.emails import computed_snapshot, message_id, notice_for

LEGAL = LegalSettings()


def _load(session: Session, reference: str) -> tuple[ConventionRow, Convention, dict[str, int]]:
    row = session.exec(select(ConventionRow).where(ConventionRow.reference == reference)).one()
    parties = session.exec(
        select(PartyRow).where(PartyRow.convention_id == row.id).order_by(PartyRow.position)  # type: ignore[arg-type]
    ).all()
    people = session.exec(select(SignatoryRow).where(SignatoryRow.convention_id == row.id)).all()
    signed = {
        s.signatory_id: s.signed_on
        for s in session.exec(select(SignatureRow).where(SignatureRow.convention_id == row.id))
    }
    convention = Convention(
        reference=row.reference,
        title=row.title,
        object=row.object,
        place=row.place,
        amount=row.amount,
        end_date=row.end_date,
        clauses=clauses_from_json(row.clauses),
        parties=[Party(p.key, p.name) for p in parties],
        signatories=[
            Signatory(s.party_key, s.name, s.title, s.email, signed.get(s.id or 0)) for s in people
        ],
        state=row.state,
        version=row.version,
        submitted_on=row.submitted_on,
        effective_date=row.effective_date,
        notified_on=row.notified_on,
        paid_on=row.paid_on,
        paid_amount=row.paid_amount,
        dispute=dispute_from_json(row.dispute),
        notice=notice_from_json(row.notice),
        last_event_on=row.last_event_on,
    )
    return row, convention, {s.email.lower(): s.id or 0 for s in people}


def record(
    engine: Engine, reference: str, trigger: str, on: date, inputs: dict[str, str], now: datetime
) -> None:
    """One event, one Session, one Machine for this object, one commit."""
    with Session(engine) as session:
        row, convention, signatory_ids = _load(session, reference)
        Machine(
            model=convention,
            states=list(STATES),
            transitions=TRANSITIONS,
            initial=convention.state,
            model_attribute="state",
            auto_transitions=False,
            send_event=True,
        )
        from_state = convention.state
        effects = rules.RULES[trigger](convention, on, inputs, LEGAL)
        getattr(convention, trigger)()
        effects.finish(convention)
        convention.last_event_on = on
        row.state, row.version = convention.state, row.version + 1
        row.submitted_on, row.effective_date = convention.submitted_on, convention.effective_date
        row.notified_on, row.paid_on = convention.notified_on, convention.paid_on
        row.paid_amount, row.last_event_on = convention.paid_amount, convention.last_event_on
        row.dispute, row.notice = (
            dispute_to_json(convention.dispute),
            notice_to_json(convention.notice),
        )
        row.updated_at = now
        cid = row.id or 0
        session.add(
            EventRow(
                convention_id=cid,
                seq=row.version,
                name=trigger,
                from_state=from_state,
                to_state=convention.state,
                occurred_on=on,
                recorded_at=now,
                actor="bench",
                inputs=effects.history_inputs,
            )
        )
        if effects.signed is not None:
            session.add(
                SignatureRow(
                    convention_id=cid,
                    event_seq=row.version,
                    signatory_id=signatory_ids[effects.signed.email.lower()],
                    signed_on=on,
                    recorded_at=now,
                )
            )
        for closure in effects.closures:
            pending = col(DeadlineRow.status).in_(closure.from_statuses)
            query = select(DeadlineRow).where(DeadlineRow.convention_id == cid, pending)
            if closure.kind:
                query = query.where(DeadlineRow.kind == closure.kind)
            for deadline in session.exec(query):
                deadline.status, deadline.resolved_at = closure.status, now
            cancel = update(reminder_table).where(
                reminder_table.c.convention_id == cid, reminder_table.c.status == "planned"
            )
            if closure.kind:
                cancel = cancel.where(reminder_table.c.kind == closure.kind)
            session.execute(cancel.values(status="cancelled", resolved_at=now))
        for computed in effects.opened:
            deadline = DeadlineRow(
                convention_id=cid,
                opened_by_seq=row.version,
                kind=computed.kind,
                status="pending",
                trigger_date=computed.trigger_date,
                raw_end=computed.raw_end,
                due_date=computed.due_date,
                expires_at=computed.expires_at,
                explanation=computed.explanation,
                details=deadline_details(computed),
                created_at=now,
            )
            session.add(deadline)
            session.flush()
            offsets = convention.clauses.reminders
            for planned in reminders.plan(computed, offsets, 9, LEGAL.calendar, opened_at=now):
                session.add(
                    ReminderRow(
                        convention_id=cid,
                        deadline_id=deadline.id or 0,
                        kind=planned.kind,
                        template=planned.template,
                        label=planned.label,
                        days_before=planned.days_before,
                        planned_at=planned.planned_at,
                        status="planned",
                        created_at=now,
                    )
                )
        _email(session, convention, cid, trigger, from_state, on, effects, row.version, now)
        session.commit()


def _email(
    session: Session,
    convention: Convention,
    cid: int,
    trigger: str,
    from_state: str,
    on: date,
    effects: rules.Effects,
    seq: int,
    now: datetime,
) -> None:
    outcome = Outcome(
        convention.reference,
        trigger,
        from_state,
        convention.state,
        on,
        "bench",
        effects.history_inputs,
        effects.opened,
        effects.closures,
        effects.signed,
    )
    kind = notice_for(outcome)
    if kind is None:
        return
    key = f"event:{cid}:{seq}"
    context = {
        "kind": kind,
        "reference": convention.reference,
        "deadline": computed_snapshot(effects.opened[0]) if effects.opened else None,
        "event": {"name": trigger, "occurred_on": on.isoformat(), "inputs": effects.history_inputs},
    }
    session.add(
        OutboxRow(
            convention_id=cid,
            kind=kind,
            message_id=message_id(key, "b@x.org"),
            idempotency_key=key,
            sender="b@x.org",
            recipients=sorted(s.email for s in convention.signatories),
            cc=[],
            context=json.loads(json.dumps(context, default=str)),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
