"""What is due: given a convention's agenda and an instant, what the service does, and when next.

The one policy behind `convflow run-due`, the service's wake-ups and `convflow simulate`. Like
an APScheduler trigger it answers "given now, what falls due, and when next?" and does no I/O:
the convention, its stored deadlines and reminders (an :class:`Agenda`) and `now` come in,
decisions come out. The service writes them to its tables; `simulate` applies them in memory.

A pass at `now` does, for each convention:

1. **Deadlines** (:func:`deadlines_due`): those whose instant has come are marked passed, in
   the order they fell, unless the convention's end comes first; then the end is applied
   (`expire` at the term, `terminate` at the end of a notice, whichever comes first), which
   closes every other deadline and cancels every reminder (but those of the deadlines that
   outlive the convention: :func:`cancelled_by_end`). While an extension is in signature at
   the term, the expiry is held (:func:`expiry_held_until`, :class:`ExpiryHeld`): it falls
   again when the grace has run, and is then recorded dated at the term. A passed dispute
   window, a publication of the open data not recorded in time, a payment not recorded by its
   internal target and a financial report not received by its date are announced
   (:data:`ANNOUNCEMENTS`),
   once, except when it was already past when it became known (the event recorded after the
   fact told it) or, for the window, when its court-possible reminder goes out the same day
   (one email per convention and reason per day: that reminder says both).
2. **Announcements** (:func:`announcements_due`): the deadline passes on time (at 24:00 on its
   last day), but the email that says so waits for the reminder hour of the next morning
   (:func:`announcement_at`): no partner is written to at midnight (nor of the end itself:
   :meth:`ConventionEnds.told_at`, the outbox holding its email until then). Between the
   two, an event that closes deadlines of its kind (the payment recorded late, the dispute
   settled) drops it, as it cancels their reminders: its own email says what became of it. A
   pass made after that hour (the service was down) sends it at once, with the deadline,
   before the end.
3. **Reminders** (:func:`reminders_due`), deadline by deadline: a reminder whose instant had
   passed before its deadline was even known is skipped, as is one whose deadline can no
   longer fall (:func:`moot_kinds`) and one before a deadline that has passed (its outcome is
   announced instead, or for a signature target, which nothing announces, said by the weekly
   relances that follow it; its day over, it has passed, the expiry's hold notwithstanding); of the
   others the latest goes out, the earlier ones coalesce into it, and it says the days really
   left on the day it goes. While a signature is missing, the next weekly reminder is planned
   (on a working day: :mod:`states.reminders`).
4. **Next** (:func:`next_due`): the earliest instant of a pending deadline, an announcement
   waiting or a planned reminder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal, NamedTuple

from states.calendar import HolidayCalendar, at_paris_time, civil_date, end_of_day
from states.convention import Convention
from states.deadlines import (  # END_KINDS and closed_by_end: this module's names too
    END_KINDS,
    INFORMATION_KINDS,
    OUTLIVING_KINDS,
    DeadlineClosure,
    DeadlineKind,
    DeadlineStatus,
    closed_by_end,
)
from states.lifecycle import IN_FORCE
from states.reminders import COURT_TEMPLATE, WEEKLY_KINDS, PlannedReminder, next_signature_reminder

if TYPE_CHECKING:  # amendments apply terms with `moot_kinds`: imported for typing only
    from states.amendments import Amendment

WAITING_DEADLINE: DeadlineStatus = "pending"
"""A deadline still to fall: the status the service looks for."""
WAITING_REMINDER = "planned"
"""A reminder still to go out: the status the service looks for."""

ANNOUNCEMENTS: dict[DeadlineKind, str] = {
    "dispute_window": "amicable_window_closed",
    "publication": "publication_missed",
    "payment": "payment_overdue",
    "financial_report": "financial_report_missed",
}
"""The email announcing a deadline that passed with no automatic event: the close of the
amicable window; the open data not published in time (rule 19: the Métropole's own
obligation, which no one else would notice); a payment (or an instalment) not recorded by the
service's internal target (the beneficiary's money is late; the target's reminder went out on
its day, nothing after it); the beneficiary's financial report not received by its date (rule
20; it outlives the convention, so it may be announced after the end).

Not announced: a missing signature (`signature`, `amendment_signature`), whose weekly
reminders go on after its target, to those who have not signed, each saying since when; the
deadlines given as information (INFORMATION_KINDS), after which nothing is due; the term and
the notice, whose events (`expire`, `terminate`) send their own emails."""

Outcome = Literal["send", "coalesced", "skipped"]
Reason = Literal[
    "coalesced",  # a later reminder of the same deadline goes out instead
    "known_late",  # its instant had passed when its deadline became known
    "moot",  # its deadline can no longer fall (the termination takes effect first)
    "deadline_passed",  # before a deadline that has passed: the outcome is announced
    "with_court_reminder",  # a passed window: the court reminder of that day says it
    # before a signature target that has passed: nothing announces it (ANNOUNCEMENTS); the
    # weekly relances that follow it say it, while a signature is missing
    "signature_target_passed",
    # before a deadline given as information (INFORMATION_KINDS: the committee's next meeting)
    # that has passed: nothing announces it either
    "information_passed",
]


def _passed_reason(kind: DeadlineKind) -> Reason:
    """Why a reminder before a deadline that has passed is not sent: what tells of it instead
    (its announcement, the end's own email), or that nothing does (a signature target, whose
    weekly relances follow; a date given as information)."""
    if kind in WEEKLY_KINDS:
        return "signature_target_passed"
    if kind in INFORMATION_KINDS:
        return "information_passed"
    return "deadline_passed"


class DeadlineEntry(NamedTuple):
    """A stored deadline as the policy sees it; `known_at` is when it was opened;
    `announce_at`, once it has passed, when the email announcing it is due, while it waits.

    A named tuple, not a frozen dataclass: the reminder pass builds one per due row, a
    thousand at a time, and a tuple is built several times faster."""

    id: int
    kind: DeadlineKind
    status: DeadlineStatus
    due_date: date
    expires_at: datetime
    known_at: datetime
    announce_at: datetime | None = None


class ReminderEntry(NamedTuple):
    """A planned reminder as the policy sees it; `known_at` is when it was planned.

    A named tuple, not a frozen dataclass: the reminder pass builds one per due row, a
    thousand at a time, and a tuple is built several times faster."""

    id: int
    deadline_id: int
    kind: DeadlineKind
    template: str
    label: str
    days_before: int
    planned_at: datetime
    known_at: datetime


@dataclass(frozen=True)
class Agenda:
    """A convention and what it waits for: its deadlines and planned reminders, and the
    amendment being drafted or signed, if any."""

    convention: Convention
    deadlines: tuple[DeadlineEntry, ...]
    reminders: tuple[ReminderEntry, ...]
    amendment: Amendment | None = None


@dataclass(frozen=True)
class DeadlinePassed:
    """A deadline that fell with no automatic event; `announce` is the email that will say so
    (at :func:`announcement_at`), or None, and `reason` why not when there is one to send."""

    deadline: DeadlineEntry
    announce: str | None
    reason: Reason | None = None


@dataclass(frozen=True)
class ConventionEnds:
    """The automatic event that ends the convention (`expire` or `terminate`), its day, and
    the deadline it applies."""

    event: Literal["expire", "terminate"]
    on: date
    kind: DeadlineKind
    held_until: datetime | None = None
    """The expiry held while an extension was in signature (:func:`expiry_held_until`): the
    instant it fell again, once the grace had run; None when it fell at the term."""

    @property
    def at(self) -> datetime:
        """24:00 in Paris on its day: the instant the convention ends."""
        return end_of_day(self.on)

    def told_at(self, hour: int) -> datetime:
        """When the email saying so may go: at the reminder `hour` of the morning after it
        fell, as an announcement (:func:`announcement_at`), the end itself applied at 24:00
        (a held expiry: when the grace has run, its day staying the term)."""
        return announcement_at(self.held_until or self.at, hour)


EXTENSION_GRACE_DAYS = 7
"""The calendar days after the term the expiry waits, by default, while an extension is in
signature (`CONVFLOW_EXTENSION_GRACE_DAYS`; rule 27 of docs/LEGAL-DEADLINES.md)."""
HELD_REASON = "extension_in_signature"
"""Why a pass holds the expiry (what `run-due` and `simulate` say of it)."""


@dataclass(frozen=True)
class ExpiryHeld:
    """The term has come while an extension is in signature: the expiry (`deadline`, still
    pending) is not recorded before `until` (:func:`expiry_held_until`); the pass moves the
    instant it falls at to `until`, its day staying the term. So it does with every deadline
    due that the expiry would close (`deadlines`, the expiry among them: those falling at or
    after the term, a notice ending during the wait, the extension's own signature target),
    which would otherwise fall, or be announced, before it is known whether the convention
    went on."""

    deadline: DeadlineEntry | None
    """The expiry, when it is among the deadlines this pass holds (the first pass after the
    term); None at a later pass, which holds only what fell since."""
    until: datetime
    deadlines: tuple[DeadlineEntry, ...] = ()


@dataclass(frozen=True)
class DeadlinesDue:
    """What the deadline step of a pass does to one convention."""

    passed: tuple[DeadlinePassed, ...] = ()
    end: ConventionEnds | None = None
    held: ExpiryHeld | None = None


class ReminderDecision(NamedTuple):
    """What becomes of one due reminder; a reminder that goes out says `days_left` (from the
    day it goes to its deadline's day; negative after it)."""

    reminder: ReminderEntry
    outcome: Outcome
    reason: Reason | None = None
    days_left: int | None = None


@dataclass(frozen=True)
class RemindersDue:
    """What the reminder step of a pass does with the due reminders of one deadline."""

    decisions: tuple[ReminderDecision, ...]
    following: PlannedReminder | None = None


def expiry_held_until(
    convention: Convention, amendment: Amendment | None, grace_days: int
) -> datetime | None:
    """Until when the expiry at the term waits, or None: an extension (an amendment whose new
    term is later) in signature, submitted and not yet signed by all, may still have been signed
    by every party on or before the term (rule 13: then it extended the convention), the last
    paper reaching the Métropole after a weekend or a holiday. The expiry is recorded only once
    `grace_days` calendar days after the term have run (24:00 in Paris on the last one), and
    then dated at the term (docs/LEGAL-DEADLINES.md, rule 27); 0: no hold.

    Nothing is held when the convention ends otherwise (a notice ending before the term), nor
    for an amendment still in draft (no one can have signed it) or that does not extend the
    term."""
    if grace_days <= 0 or amendment is None or amendment.state != "signature":
        return None
    if convention.state not in IN_FORCE or _terminates_first(convention):
        return None
    new_end = amendment.changes.get("end_date")
    if new_end is None or date.fromisoformat(new_end) <= convention.end_date:
        return None
    return end_of_day(convention.end_date + timedelta(days=grace_days))


def expiry_held_at(
    convention: Convention, amendment: Amendment | None, grace_days: int, now: datetime
) -> datetime | None:
    """The instant the hold ends (:func:`expiry_held_until`) when, at `now`, the term has come
    and the expiry is held; None before the term, once the hold has run, or when nothing holds
    it (what `status` says in `expiry_held`, and what the events recorded then go by)."""
    until = expiry_held_until(convention, amendment, grace_days)
    if until is None or not end_of_day(convention.end_date) <= now < until:
        return None
    return until


def hold_last_day(until: datetime) -> date:
    """The last day of a hold ending at `until` (24:00 in Paris on that day)."""
    return civil_date(until) - timedelta(days=1)


def _terminates_first(convention: Convention) -> bool:
    notice = convention.notice
    return notice is not None and notice.effective_end < convention.end_date


def notice_overridden(convention: Convention) -> bool:
    """Whether the convention is under a termination notice its term overrides: the notice
    would end on the term's day or after it, so it will have no effect and the convention
    expires at its term (rule 10); its state still says `termination` (what the emails say
    « en exécution jusqu'à son terme (résiliation notifiée, sans effet) »). A term moved after
    the notice's end lets the notice end the convention (rule 26): then it is not."""
    return convention.state == "termination" and notice_without_effect(convention)


def notice_without_effect(convention: Convention) -> bool:
    """Whether a termination notice was given that the term overrides, whatever the state now
    (a dispute opened during the notice leaves it running): :func:`notice_overridden` once the
    convention is back in `termination`."""
    return convention.notice is not None and not _terminates_first(convention)


def convention_end(
    convention: Convention, now: datetime, held_until: datetime | None = None
) -> ConventionEnds | None:
    """The automatic event due at `now`: the end that comes first.

    A termination whose notice ends before the term terminates; when the term comes first (or
    the same day) the convention expires at its term (docs/LEGAL-DEADLINES.md, rule 10), at
    the pass made once `held_until` has come when an extension in signature holds it
    (:func:`expiry_held_until`), still dated at the term.
    """
    if convention.state not in IN_FORCE:
        return None
    notice = convention.notice
    if notice is not None and notice.effective_end < convention.end_date:
        if now >= end_of_day(notice.effective_end):
            return ConventionEnds("terminate", notice.effective_end, "termination")
        return None
    if now >= end_of_day(convention.end_date) and (held_until is None or now >= held_until):
        return ConventionEnds("expire", convention.end_date, "expiry", held_until)
    return None


def moot_kinds(convention: Convention) -> frozenset[DeadlineKind]:
    """Deadlines that can no longer fall: the term, while a notice ends the convention before
    it. Their reminders (and the amendment the expiry reminders offer) would say what will
    not happen; they are cancelled in the transaction that makes them moot."""
    notice = convention.notice
    if notice is not None and notice.effective_end < convention.end_date:
        return frozenset({"expiry"})
    return frozenset()


def deadlines_due(agenda: Agenda, now: datetime, grace_days: int) -> DeadlinesDue:
    """The deadline step of a pass at `now`: deadlines passed, and the end if it has come; or
    the expiry held while an extension is in signature, for `grace_days` after the term
    (:func:`expiry_held_until`: the agenda's amendment)."""
    due = sorted(
        (d for d in agenda.deadlines if d.status == WAITING_DEADLINE and d.expires_at <= now),
        key=lambda d: (d.expires_at, d.id),
    )
    if not due:
        return DeadlinesDue()
    convention = agenda.convention
    held_until = expiry_held_until(convention, agenda.amendment, grace_days)
    end = convention_end(convention, now, held_until)
    held = None
    term = end_of_day(convention.end_date)
    if end is None and held_until is not None and now >= term:
        waiting = tuple(d for d in due if closed_by_end(d.kind, d.expires_at, term))
        expiry = next((d for d in waiting if d.kind == "expiry"), None)
        held = ExpiryHeld(expiry, held_until, waiting) if waiting else None
    passed = tuple(
        _passed(deadline, agenda.reminders)
        for deadline in due
        if (end is None or not closed_by_end(deadline.kind, deadline.expires_at, end.at))
        and (held is None or deadline not in held.deadlines)
    )
    return DeadlinesDue(passed, end, held)


def _passed(deadline: DeadlineEntry, reminders: Iterable[ReminderEntry]) -> DeadlinePassed:
    announce = ANNOUNCEMENTS.get(deadline.kind)
    if announce is None:
        return DeadlinePassed(deadline, None)
    if deadline.expires_at < deadline.known_at:
        return DeadlinePassed(deadline, None, "known_late")
    day = civil_date(deadline.expires_at)
    for reminder in reminders:
        if (
            reminder.deadline_id == deadline.id
            and reminder.template == COURT_TEMPLATE
            and civil_date(reminder.planned_at) == day
            and not _known_late(reminder)
        ):
            return DeadlinePassed(deadline, None, "with_court_reminder")
    return DeadlinePassed(deadline, announce)


def _known_late(reminder: ReminderEntry) -> bool:
    return reminder.planned_at < reminder.known_at


def announcement_at(expires_at: datetime, hour: int) -> datetime:
    """When the email announcing a deadline passed at `expires_at` is due: the first instant
    at the reminder `hour` (Paris) from it, 09:00 the morning after its last day by default.

    The deadline itself passes at `expires_at` (24:00 on its last day, CPC 642): what that
    changes is applied then; only the email waits, so that no one is written to at midnight.
    """
    at = at_paris_time(civil_date(expires_at), hour)
    return at if at >= expires_at else at_paris_time(civil_date(expires_at) + timedelta(1), hour)


class AnnouncementDue(NamedTuple):
    """A passed deadline whose announcement is due: the email to queue."""

    deadline: DeadlineEntry
    announce: str


def announcements_due(deadlines: Iterable[DeadlineEntry], now: datetime) -> list[AnnouncementDue]:
    """The announcements a pass at `now` sends: of the passed deadlines, those whose
    announcement waits and is due, in the order they fell."""
    due = [
        d
        for d in deadlines
        if d.status == "passed" and d.announce_at is not None and d.announce_at <= now
    ]
    return [
        AnnouncementDue(d, ANNOUNCEMENTS[d.kind])
        for d in sorted(due, key=lambda d: (d.expires_at, d.id))
        if d.kind in ANNOUNCEMENTS
    ]


def reminders_due(
    agenda: Agenda,
    deadline: DeadlineEntry,
    due: Sequence[ReminderEntry],
    now: datetime,
    hour: int,
    calendar: HolidayCalendar,
) -> RemindersDue:
    """The reminder step of a pass at `now`, for the due reminders of one deadline; the next
    weekly one is planned at `hour` (Paris) on a working day of `calendar`."""
    decisions = reminder_decisions(agenda, deadline, due, now)
    following = _following(agenda, deadline, due, now, hour, calendar)
    return RemindersDue(decisions, following)


def reminder_decisions(
    agenda: Agenda, deadline: DeadlineEntry, due: Sequence[ReminderEntry], now: datetime
) -> tuple[ReminderDecision, ...]:
    """What a pass at `now` does with the due reminders of one deadline (the decisions of
    :func:`reminders_due`, without planning the next weekly one): what `status` and
    `reminders` read before the pass (states.reading) and what the pass does are this."""
    convention = agenda.convention
    moot = deadline.kind in moot_kinds(convention)
    # Its day, not only the instant it falls at: a deadline the expiry's hold moved past its
    # day (ExpiryHeld: the term, and what the end would close) has passed for its reminders
    # once its day is over, whether the pass held it before or after them; a reminder that the
    # term is coming never goes after the term.
    passed = min(deadline.expires_at, end_of_day(deadline.due_date)) <= now
    decisions: list[ReminderDecision] = []
    live: list[ReminderEntry] = []
    for reminder in sorted(due, key=lambda r: (r.planned_at, r.id)):
        if _known_late(reminder):
            decisions.append(ReminderDecision(reminder, "skipped", "known_late"))
        elif moot:
            decisions.append(ReminderDecision(reminder, "skipped", "moot"))
        elif reminder.days_before >= 0 and passed:
            # only the deadlines of ANNOUNCEMENTS (and the end's, by its own email) are told
            # once passed: a signature target is not, its weekly relances go on instead
            reason = _passed_reason(deadline.kind)
            decisions.append(ReminderDecision(reminder, "skipped", reason))
        else:
            live.append(reminder)
    decisions += [ReminderDecision(r, "coalesced", "coalesced") for r in live[:-1]]
    if live:
        days_left = (deadline.due_date - civil_date(now)).days
        decisions.append(ReminderDecision(live[-1], "send", days_left=days_left))
    return tuple(decisions)


def cancelled_by_end(kind: DeadlineKind) -> bool:
    """Whether the convention's end (`expire`, `terminate`) cancels the reminders of a `kind`
    deadline still planned: every kind's but those of the deadlines that outlive it
    (OUTLIVING_KINDS: the open data's publication, the financial report), which go on."""
    return kind not in OUTLIVING_KINDS


def still_to_sign(agenda: Agenda, kind: DeadlineKind) -> list[str]:
    """Who has still to sign what a signature deadline is about: the convention, or the
    amendment being signed (empty when nothing waits for a signature any more)."""
    convention = agenda.convention
    if kind == "signature":
        if convention.state != "signature":
            return []
        return [s.email for s in convention.missing_signatures()]
    amendment = agenda.amendment
    if kind != "amendment_signature" or amendment is None or amendment.state != "signature":
        return []
    if convention.state not in IN_FORCE:
        return []
    return [s.email for s in convention.signatories if s.email.lower() not in amendment.signatures]


def _following(
    agenda: Agenda,
    deadline: DeadlineEntry,
    due: Sequence[ReminderEntry],
    now: datetime,
    hour: int,
    calendar: HolidayCalendar,
) -> PlannedReminder | None:
    """A signature still missing: the next weekly reminder, the first still ahead, before
    the term."""
    if deadline.kind not in WEEKLY_KINDS or not due or not still_to_sign(agenda, deadline.kind):
        return None
    convention = agenda.convention
    last = max(due, key=lambda r: (r.planned_at, r.id))
    every = convention.clauses.reminders.signature_every_days
    following = next_signature_reminder(
        last.label, deadline.due_date, every, now, hour, calendar, kind=deadline.kind
    )
    return following if following.planned_at < end_of_day(convention.end_date) else None


def next_due(
    deadlines: Iterable[DeadlineEntry | datetime | None],
    reminders: Iterable[ReminderEntry | datetime | None],
) -> datetime | None:
    """When something is next due: the earliest instant of a pending deadline, of the
    announcement a passed one waits for, or of a planned reminder. Given entries, only waiting
    ones count; given instants (the earliest of each table, as the service reads them from the
    database), they are taken as they are."""
    instants = [_waits_until(d) if isinstance(d, DeadlineEntry) else d for d in deadlines]
    instants += [r.planned_at if isinstance(r, ReminderEntry) else r for r in reminders]
    return min((i for i in instants if i is not None), default=None)


def _waits_until(deadline: DeadlineEntry) -> datetime | None:
    """When a deadline next asks for a pass: its fall while pending, its announcement while
    that waits."""
    if deadline.status == WAITING_DEADLINE:
        return deadline.expires_at
    return deadline.announce_at


def close(
    deadlines: Iterable[DeadlineEntry], closures: Iterable[DeadlineClosure]
) -> tuple[DeadlineEntry, ...]:
    """Deadlines after an event's closures, as the deadline repository applies them: each
    closure moves the deadlines of its kind (every kind but OUTLIVING_KINDS when None) in its
    from-statuses to its status; one met (`met_on`) after its day stays or becomes passed. An
    announcement still waiting for a deadline of its kind is dropped, as its reminders are
    cancelled: the event's own email says what became of it."""
    closed = list(deadlines)
    for closure in closures:
        for index, deadline in enumerate(closed):
            if closure.kind not in (None, deadline.kind):
                continue
            if closure.kind is None and deadline.kind in OUTLIVING_KINDS:
                continue
            if deadline.announce_at is not None:
                deadline = closed[index] = deadline._replace(announce_at=None)
            status = closure.status
            if closure.met_on is not None and deadline.due_date < closure.met_on:
                if deadline.status != WAITING_DEADLINE:
                    continue
                status = "passed"
            elif deadline.status not in closure.from_statuses:
                continue
            closed[index] = deadline._replace(status=status)
    return tuple(closed)


__all__ = [
    "ANNOUNCEMENTS",
    "END_KINDS",
    "EXTENSION_GRACE_DAYS",
    "HELD_REASON",
    "WAITING_DEADLINE",
    "WAITING_REMINDER",
    "Agenda",
    "AnnouncementDue",
    "ConventionEnds",
    "DeadlineEntry",
    "DeadlinePassed",
    "DeadlinesDue",
    "ExpiryHeld",
    "Outcome",
    "Reason",
    "ReminderDecision",
    "ReminderEntry",
    "RemindersDue",
    "announcement_at",
    "announcements_due",
    "cancelled_by_end",
    "close",
    "closed_by_end",
    "convention_end",
    "deadlines_due",
    "expiry_held_at",
    "expiry_held_until",
    "hold_last_day",
    "moot_kinds",
    "next_due",
    "notice_overridden",
    "reminder_decisions",
    "reminders_due",
    "still_to_sign",
]
