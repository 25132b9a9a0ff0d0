"""The lifecycle of a convention as data, read by one shared `transitions` machine.

`TRANSITIONS` is the whole lifecycle; the machine, the allowed events in error messages and the
mermaid diagram are all read from it. :func:`fire` is the only way a convention changes state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, cast

from transitions import EventData, Machine, MachineError

from states import rules
from states.convention import Convention, Signatory
from states.deadlines import ComputedDeadline, DeadlineClosure, LegalSettings
from states.errors import (
    AutomaticEventRefused,
    CourtNotYetOpen,
    GuardRejected,
    InvalidTransition,
    UnknownEvent,
)
from states.inputs import check_actor, check_keys, letter_date

STATES = (
    "draft",
    "signature",
    "notification",
    "payment",
    "execution",
    "dispute",
    "litigation",
    "termination",
    "expired",
    "terminated",
    "cancelled",
)
IN_FORCE = ("notification", "payment", "execution", "dispute", "litigation", "termination")
END_STATES = ("expired", "terminated", "cancelled")
DISPUTABLE = ("notification", "payment", "execution", "termination")
ENDED_IN_FORCE = ("expired", "terminated")
"""The ends of a convention that was in force: its term, or a termination. What was owed under
it may still be settled there (a dispute, the financial report, the open data)."""
DISPUTE_AFTER_END = ("settle", "go_to_court", "close_litigation")
"""The events of a dispute still open when the convention ended (rule 24): the clause settling
disputes survives the end of the contract (Code civil art. 1230, by analogy), so the dispute is
settled, brought to court once its amicable window has passed, and its court case closed, on the
ended convention; its state stays the end's. Which of them is open is the dispute's own record
(`Convention.dispute`, kept by the end, and its `in_court`): :func:`dispute_events`."""

PAYMENT_AFTER_END = ("pay", "report_received", "forgo_payment")
"""The events of an instalment still unpaid when the convention ended (rule 25: what was earned
during the term stays due after it): paid, its report received (the balance is paid on the
report of the activity, which comes after the term), or forgone by the Métropole
(`forgo_payment`), on the ended convention, whose state stays the end's. Possible only while an
instalment is unpaid (`allowed_for`): the rule records the payment before the machine moves, so
the guard is the allowed events', as the payments in execution are."""

PAYMENT_DURING_NOTICE = ("pay", "report_received", "forgo_payment")
"""The events of an instalment during a termination notice: until the notice's end the
convention is executed normally (the in-force and notice emails say so), so an instalment due
then is paid, its report received, or forgone, on the convention whose state stays
`termination` (a payment there does not bring it back to execution: the notice still ends it).
Possible only while an instalment is unpaid, or its report awaited (`allowed_for`), as in
execution. Not in `dispute` or `litigation`: a dispute there may be about the payment itself,
and its settlement returns to the state it came from, the payments resuming there."""

NEVER_DUE_EVENTS = ("pay", "forgo_payment")
"""The events of a payment owed, refused (`never_notified`) once the convention can no longer be
notified and never was (`Convention.never_notified`): ended, or its termination notice
running, before the notification of the award. Article 2 makes the payment due after the
notification: nothing was ever due, so nothing is paid nor forgone (and nothing is offered)."""

AFTER_TERM_WHILE_HELD = (*PAYMENT_AFTER_END, *DISPUTE_AFTER_END)
"""The events recorded dated after the term while an extension in signature holds the expiry
(rule 27, `held_until` of :func:`fire`): those the ended convention would take (rules 24 and 25:
an instalment paid, its report received or forgone, a dispute settled or brought to court), so
that a payment made during the days is recorded when it is made, whichever way the avenant
goes. The others (a notice, a dispute opened, the notification) make no sense after the term:
refused with `dated_after_term_expiry_held`, and not among the allowed events meanwhile
(:func:`allowed_for`); the financial report and the open data's publication are taken after the
end in any case (AFTER_END)."""

PERSON_EVENTS = (
    "submit",
    "sign",
    "cancel",
    "notify",
    "pay",
    "report_received",
    "open_dispute",
    "settle",
    "go_to_court",
    "close_litigation",
    "give_notice",
    "forgo_payment",
)
AUTOMATIC_EVENTS = ("expire", "terminate")
EVENTS = PERSON_EVENTS + AUTOMATIC_EVENTS
HISTORY_EVENTS = (*PERSON_EVENTS, "publish")
"""What a convention file's `[[history]]` may record: a person's events, and the publication of
the open data (rule 19), so that a convention loaded with its past has its publication too."""


def _signatures_complete(event: EventData) -> bool:
    convention = cast(Convention, event.model)
    return not convention.missing_signatures()


def _returns_to(state: str) -> Any:
    def condition(event: EventData) -> bool:
        convention = cast(Convention, event.model)
        return convention.dispute is not None and convention.dispute.return_state == state

    condition.__name__ = f"came_from_{state}"
    return condition


def _notice_running(event: EventData) -> bool:
    convention = cast(Convention, event.model)
    return convention.notice is not None


def _nothing_left_to_pay(event: EventData) -> bool:
    convention = cast(Convention, event.model)
    return not convention.unpaid_instalments()


def dispute_events(convention: Convention) -> tuple[str, ...]:
    """The events of DISPUTE_AFTER_END the open dispute of an ended convention allows: settled
    or brought to court while amicable (the court not before its window has passed: the rule
    says so when it is asked), its court case closed once in court; none without a dispute."""
    dispute = convention.dispute
    if convention.state not in ENDED_IN_FORCE or dispute is None:
        return ()
    return ("close_litigation",) if dispute.in_court else ("settle", "go_to_court")


def _dispute_allows(event: EventData) -> bool:
    convention = cast(Convention, event.model)
    return event.event.name in dispute_events(convention)


TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "submit", "source": "draft", "dest": "signature"},
    {
        "trigger": "sign",
        "source": "signature",
        "dest": "notification",
        "conditions": [_signatures_complete],
    },
    {"trigger": "sign", "source": "signature", "dest": None},  # more signatures awaited
    {"trigger": "cancel", "source": ["draft", "signature"], "dest": "cancelled"},
    {"trigger": "notify", "source": "notification", "dest": "payment"},
    {"trigger": "pay", "source": "payment", "dest": "execution"},
    # Paid in instalments: the later ones are paid in execution, and a report an instalment
    # waits for may come before or after the first payment. Whether one is still unpaid (or
    # awaits its report) is the rule's check and `allowed_for`'s: a condition here would be
    # read after the rule has recorded the payment.
    {"trigger": "pay", "source": "execution", "dest": None},
    # During a termination notice the convention is executed normally until its end
    # (PAYMENT_DURING_NOTICE): an instalment is paid there, its report received, or forgone,
    # and the state stays `termination` (the notice still ends it).
    {"trigger": "pay", "source": "termination", "dest": None},
    # The financial report (rule 20) may come in any state after the signature, the end
    # included; an instalment's report in payment, execution or during a notice, and after the
    # end while it is unpaid (rule 25; the rule checks which).
    {"trigger": "report_received", "source": [*IN_FORCE, "expired", "terminated"], "dest": None},
    # The Métropole will not pay an instalment still unpaid (rule 25): wherever it is paid.
    # Forgoing the last one owed in payment moves the convention as paying it would: nothing
    # is awaited any more, it is executed (the rule has recorded the renunciation before the
    # machine reads the condition); while another is owed it stays awaiting it.
    {
        "trigger": "forgo_payment",
        "source": "payment",
        "dest": "execution",
        "conditions": [_nothing_left_to_pay],
    },
    {"trigger": "forgo_payment", "source": ["payment", "execution", "termination"], "dest": None},
    {"trigger": "open_dispute", "source": list(DISPUTABLE), "dest": "dispute"},
    *(
        {
            "trigger": "settle",
            "source": "dispute",
            "dest": state,
            "conditions": [_returns_to(state)],
        }
        for state in DISPUTABLE
    ),
    {"trigger": "go_to_court", "source": "dispute", "dest": "litigation"},
    *(
        {
            "trigger": "close_litigation",
            "source": "litigation",
            "dest": state,
            "conditions": [_returns_to(state)],
        }
        for state in DISPUTABLE
    ),
    {
        "trigger": "give_notice",
        "source": ["notification", "payment", "execution"],
        "dest": "termination",
    },
    # A dispute open at the end survives it (rule 24): settled, brought to court, its case
    # closed on the ended convention, which stays ended.
    *(
        {
            "trigger": trigger,
            "source": list(ENDED_IN_FORCE),
            "dest": None,
            "conditions": [_dispute_allows],
        }
        for trigger in DISPUTE_AFTER_END
    ),
    # An instalment unpaid at the end stays due (rule 25): paid or forgone on the ended
    # convention, which stays ended (its report: the row above); only while one is unpaid.
    *(
        {"trigger": trigger, "source": list(ENDED_IN_FORCE), "dest": None}
        for trigger in PAYMENT_AFTER_END
        if trigger != "report_received"
    ),
    {"trigger": "expire", "source": list(IN_FORCE), "dest": "expired"},
    {
        "trigger": "terminate",
        "source": ["termination", "dispute", "litigation"],
        "dest": "terminated",
        "conditions": [_notice_running],
    },
]

# One machine for every convention (docs/LIBRARY-PITFALLS.md: a machine per object costs memory and
# add_model grows quadratically); events are fired with machine.events[name].trigger(obj).
MACHINE = Machine(
    model=None,
    states=list(STATES),
    transitions=TRANSITIONS,
    initial="draft",
    model_attribute="state",
    auto_transitions=False,
    send_event=True,
)


@lru_cache(maxsize=64)
def _triggers(state: str) -> frozenset[str]:
    """The triggers MACHINE has from `state`: read once a state (the machine never changes,
    and `get_triggers` walks every event's transitions, twice for each recorded event)."""
    return frozenset(MACHINE.get_triggers(state))


@lru_cache(maxsize=64)
def _allowed_events(state: str) -> tuple[str, ...]:
    triggers = _triggers(state)
    return tuple(name for name in PERSON_EVENTS if name in triggers)


def allowed_events(state: str) -> list[str]:
    """The events a person may record in `state`, in lifecycle order."""
    return list(_allowed_events(state))


def allowed_for(convention: Convention, *, held: bool = False) -> list[str]:
    """The events a person may record on `convention` now: those of its state, less a payment
    when every instalment is paid and a report when none may be received now (an instalment's
    only while payments are made (a notice running too) and after the end, the financial report
    once signed); `held`: the term has passed and an extension in signature holds the expiry
    (rule 27), only those recorded after the term then (AFTER_TERM_WHILE_HELD, and the
    financial report)."""
    allowed = allowed_events(convention.state)
    if held:
        allowed = [n for n in allowed if n in AFTER_TERM_WHILE_HELD or n == "report_received"]
    # Each question asked only when its event is among the state's (pure questions, the
    # schedule walked each time: fire() asks for every recorded event).
    if convention.state in ENDED_IN_FORCE:
        open_ones = dispute_events(convention)
        allowed = [n for n in allowed if n not in DISPUTE_AFTER_END or n in open_ones]
    if ("pay" in allowed or "forgo_payment" in allowed) and not convention.unpaid_instalments():
        allowed = [name for name in allowed if name not in ("pay", "forgo_payment")]
    if (
        "report_received" in allowed
        and convention.report_to_receive() is None
        and not convention.awaiting_financial_report()
    ):
        allowed = [name for name in allowed if name != "report_received"]
    return allowed


def automatic_events(state: str) -> list[str]:
    """The events the service may fire in `state`."""
    triggers = _triggers(state)
    return [name for name in AUTOMATIC_EVENTS if name in triggers]


@dataclass(frozen=True)
class Outcome:
    """What one fired event did: the history row to write and the deadlines it moves."""

    reference: str
    trigger: str
    from_state: str
    to_state: str
    on: date
    actor: str
    inputs: dict[str, str]
    opened: tuple[ComputedDeadline, ...] = ()
    closures: tuple[DeadlineClosure, ...] = ()
    signed: Signatory | None = None


def fire(
    convention: Convention,
    trigger: str,
    *,
    on: date,
    actor: str,
    settings: LegalSettings,
    today: date,
    inputs: Mapping[str, str] | None = None,
    by_service: bool = False,
    held_until: date | None = None,
) -> Outcome:
    """Record `trigger` on `convention`, dated `on`; raise and change nothing when refused.
    `held_until`: the last day of the expiry's hold when, as it is recorded, the term has
    passed and an extension in signature holds the expiry (rule 27, states.due.expiry_held_at):
    the events of AFTER_TERM_WHILE_HELD are then taken dated after the term, the others
    refused (`dated_after_term_expiry_held`)."""
    if trigger not in EVENTS:
        raise UnknownEvent(trigger, EVENTS)
    if trigger in AUTOMATIC_EVENTS and not by_service:
        raise AutomaticEventRefused(convention.reference, trigger)
    if trigger in NEVER_DUE_EVENTS and convention.never_notified():
        # Article 2: the payment is due after the notification, which can no longer come.
        raise GuardRejected(
            convention.reference, trigger, "never_notified", state=convention.state,
            notice_overridden=_notice_overridden(convention),
        )  # fmt: skip
    allowed = allowed_for(convention)
    if trigger not in _triggers(convention.state) or (
        trigger in PERSON_EVENTS and trigger not in allowed
    ):
        # possible in this state but for a forgone instalment (rule 25), or for what it records
        # being recorded already (a payment made, a report received): say so
        instead = None
        if trigger in _triggers(convention.state):
            instead = rules.forgone_instead(convention, trigger, inputs or {})
            instead = instead or rules.done_instead(convention, trigger, inputs or {})
        if instead is not None:
            raise instead
        raise InvalidTransition(
            convention.reference, trigger, convention.state, allowed,
            notice_overridden=_notice_overridden(convention),
        )  # fmt: skip
    cleaned = _checked(convention, trigger, on, actor, inputs or {}, None if by_service else today,
                       held_until=held_until)  # fmt: skip
    try:
        effects = rules.RULES[trigger](convention, on, cleaned, settings)
    except CourtNotYetOpen as refused:
        if convention.state not in ENDED_IN_FORCE:
            raise
        # After the end the state no longer says a dispute is open: the refusal says it, and
        # what may be recorded meanwhile (rule 24).
        others = [name for name in allowed if name != trigger]
        raise CourtNotYetOpen(
            convention.reference, refused.earliest, state=convention.state, allowed=others
        ) from None
    from_state = convention.state
    try:
        moved = MACHINE.events[trigger].trigger(convention)
    except MachineError:  # pragma: no cover - allowed triggers were checked above
        raise InvalidTransition(
            convention.reference, trigger, from_state, allowed_events(from_state)
        ) from None
    if not moved:  # pragma: no cover - every rule leaves a passing condition
        raise GuardRejected(convention.reference, trigger, "conditions_not_met")
    effects.finish(convention)
    return _outcome(convention, trigger, from_state, on, actor, effects)


def _notice_overridden(convention: Convention) -> bool:
    """Whether the convention is in `termination` under a notice its term overrides: a refusal
    naming its state says it as the pages and the command line do (I9)."""
    from states.due import notice_overridden  # states.due imports this module

    return notice_overridden(convention)


def _checked(
    convention: Convention, trigger: str, on: date, actor: str, inputs: Mapping[str, str],
    today: date | None, *, ordered: bool = True, held_until: date | None = None,
) -> dict[str, str]:  # fmt: skip
    """The inputs, keys checked; the actor's name and (unless the service records it, `today`
    None) the date checked too (`held_until`: the expiry's hold, :func:`fire`)."""
    cleaned = check_keys(trigger, inputs)
    check_actor(actor)
    if today is not None:
        _check_date(convention, trigger, on, today, ordered=ordered, held_until=held_until)
    return cleaned


def _outcome(
    convention: Convention, trigger: str, from_state: str, on: date, actor: str,
    effects: rules.Effects,
) -> Outcome:  # fmt: skip
    """What a recorded event did, its date now the convention's last."""
    convention.recorded_own(trigger, on)
    return Outcome(
        reference=convention.reference,
        trigger=trigger,
        from_state=from_state,
        to_state=convention.state,
        on=on,
        actor=actor,
        inputs=effects.history_inputs,
        opened=effects.opened,
        closures=effects.closures,
        signed=effects.signed,
    )


AWARD_STATES = ("draft", "signature", "notification", "payment", "execution")
"""Where the award decision may be recorded or completed: from the draft until the convention
is executed (rules 15 to 18). It is a record beside the lifecycle, not one of its events."""


SIDE_RECORDS: dict[str, tuple[tuple[str, ...], str]] = {
    "record_award": (AWARD_STATES, "award_not_now"),
    "publish": ((*IN_FORCE, "expired", "terminated"), "publication_not_now"),
    "committee_meeting": (IN_FORCE, "committee_not_now"),
    "committee_cadence": (("draft", "signature", *IN_FORCE), "committee_cadence_not_now"),
}
"""Records beside the lifecycle: the states they are taken in, and the refusal otherwise.
They change no state, and are not among a state's allowed events: the award decision (rules
15 to 18), the publication of the open data (rule 19), and the steering committee's meetings
and cadence (rule 23). The publication is owed whether or not the convention has ended: it is
recorded after its end too (late, the deadline stays passed to show it)."""


DATED_IN_ANY_ORDER = ("committee_meeting", "publish")
"""Side records dated when they happened whatever was recorded since: a committee's meeting is
often recorded once its minutes are approved, after a payment or a letter (rule 23); the open
data's publication is the portal's, learnt of after other events (rule 19)."""

AFTER_END = ("cancel", "publish")
"""Events dated after the convention's end: its cancellation, the open data's publication (the
obligation stands after the end). The financial report's receipt too, while one is awaited, the
events of a dispute open at the end (`dispute_events`, rule 24), and those of an instalment
still unpaid on the ended convention (PAYMENT_AFTER_END, rule 25)."""


def record_side(
    convention: Convention,
    trigger: str,
    *,
    on: date,
    actor: str,
    settings: LegalSettings,
    today: date,
    inputs: Mapping[str, str],
) -> Outcome:
    """Take one of the SIDE_RECORDS on `convention` (its state does not change); raise and
    change nothing when refused."""
    states, refusal = SIDE_RECORDS[trigger]
    if convention.state not in states:
        raise GuardRejected(
            convention.reference, trigger, refusal, state=convention.state,
            notice_overridden=_notice_overridden(convention),
        )  # fmt: skip
    cleaned = _checked(convention, trigger, on, actor, inputs, today,
                       ordered=trigger not in DATED_IN_ANY_ORDER)  # fmt: skip
    effects = rules.SIDE_RULES[trigger](convention, on, cleaned, settings)
    return _outcome(convention, trigger, convention.state, on, actor, effects)


ORDERED_WITH_AMENDMENTS = ("give_notice",)
"""The convention's events dated on or after every line recorded, its amendments' included.
The others may be dated before an amendment's events that changed nothing (a draft, a
submission, a signature awaiting others: :meth:`Convention.dated_from`): a letter logged late
is recorded at its own date. Not a termination's notice: it moves the convention's end, which
the amendment's later events were checked against (rule 13: none is signed after the end)."""


DATED_BEFORE_AUTOMATIC_END = ("pay", "forgo_payment")
"""The events dated before the convention's automatic end (its expiry at the term, a
termination taking effect: AUTOMATIC_ENDS), recorded after the service applied it: a payment
made on 15 December, entered by the finance department in January after the expiry of 31
December, is the convention's payment of 15 December (finance tester, M3). While the end is
the convention's own last event, they are dated on or after its last event before the end
(`Convention.own_event_before_end_on`: the notification at the earliest), never within a
dispute still open at the end (`dated_during_dispute`: no payment is recorded during a
dispute), never in the future; the state stays the end's (rules 25 and 27 take them after
it)."""


def check_not_before(
    convention: Convention, trigger: str, on: date, *, amendments_too: bool = False
) -> None:
    """Refuse an event of the convention dated before the line it must follow (its own last
    event, or the entry into force of an amendment: see :meth:`Convention.dated_from`; for
    DATED_BEFORE_AUTOMATIC_END dated before the automatic end recorded last, the last event
    before that end), that line named in the refusal."""
    end = convention.end_recorded_last() if trigger in DATED_BEFORE_AUTOMATIC_END else None
    before_end = end is not None and on < end
    line = convention.dated_from(amendments_too=amendments_too, before_end=before_end)
    if line is not None and on < line.on:
        raise GuardRejected(
            convention.reference, trigger, "dated_before_last_event", on=on,
            last_event_on=line.on, last_event=line.event, last_amendment=line.amendment,
            terms_changed=line.terms_changed, before_end=before_end and not line.terms_changed,
        )  # fmt: skip
    dispute = convention.dispute
    if before_end and dispute is not None:
        # open at the end (rule 24), opened before the line above: `on` falls within it
        raise GuardRejected(
            convention.reference, trigger, "dated_during_dispute", on=on,
            opened_on=dispute.opened_on, end=end,
        )  # fmt: skip


def _check_date(
    convention: Convention, trigger: str, on: date, today: date, *, ordered: bool = True,
    held_until: date | None = None,
) -> None:  # fmt: skip
    """A person's event cannot be dated in the future, out of order (unless it may be dated
    in any order), or after the end (but while the expiry is held until `held_until`, those
    the ended convention would take: AFTER_TERM_WHILE_HELD)."""
    reference = convention.reference
    if on > today:
        raise GuardRejected(reference, trigger, "dated_in_future", on=on, today=today)
    if ordered:
        check_not_before(convention, trigger, on, amendments_too=trigger in ORDERED_WITH_AMENDMENTS)
    # The financial report is owed after the financial year, often after the end (rule 20);
    # a dispute open at the end is settled or brought to court after it (rule 24); an
    # instalment unpaid at the end is paid, its report received, or forgone after it (rule 25).
    after_end_allowed = (
        trigger in AFTER_END
        or (trigger == "report_received" and convention.awaiting_financial_report())
        or trigger in dispute_events(convention)
        or (
            trigger in PAYMENT_AFTER_END
            and convention.state in ENDED_IN_FORCE
            and bool(convention.unpaid_instalments())
        )
    )
    if after_end_allowed or on <= convention.ends_on():
        return
    if held_until is not None:
        # The term passed, an extension in signature (rule 27): the convention may go on, or
        # have ended at its term; what the ended convention would take is recorded now.
        if trigger in AFTER_TERM_WHILE_HELD:
            return
        raise GuardRejected(
            reference, trigger, "dated_after_term_expiry_held", on=on,
            end=convention.ends_on(), until=held_until,
        )  # fmt: skip
    raise GuardRejected(reference, trigger, "dated_after_end", on=on, end=convention.ends_on())


def default_event_date(trigger: str, inputs: Mapping[str, str], today: date) -> date:
    """The date an event is recorded at when none is given: a letter's, else today."""
    if trigger in ("open_dispute", "give_notice"):
        return letter_date(inputs) or today
    return today


def edges() -> list[tuple[str, str, str]]:
    """Every (source, destination, event) the transitions table allows, once, in its order:
    the lifecycle as data, for the README's mermaid text and the dashboard's drawing."""
    found: dict[tuple[str, str, str], None] = {}
    for row in TRANSITIONS:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        for source in sources:
            found[(source, row["dest"] or source, row["trigger"])] = None
    return list(found)


def mermaid_diagram(highlight: str | None = None) -> str:
    """The lifecycle as a mermaid state diagram, drawn from `TRANSITIONS`."""
    lines = ["stateDiagram-v2", "    direction LR", "    [*] --> draft"]
    lines += [f"    {source} --> {dest}: {trigger}" for source, dest, trigger in edges()]
    lines += [f"    {state} --> [*]" for state in END_STATES]
    if highlight in STATES:
        lines += [
            "    classDef current fill:#003c71,color:#fff,stroke:#003c71,stroke-width:2px",
            f"    class {highlight} current",
        ]
    return "\n".join(lines) + "\n"
