"""The convention as the domain sees it: parties, signatories, terms, clauses and its progress.

Plain classes, no ORM base: `storage` maps them to rows, `lifecycle.fire` changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from states.award import AwardDecision
from states.committee import Committee
from states.deadlines import RegisteredLetter
from states.financial_report import FinancialReport
from states.jurisdiction import PartiesNature, is_public, parties_nature
from states.payments import (
    SINGLE_PAYMENT,
    Instalment,
    InstalmentProgress,
    outstanding,
    progress_of,
    schedule_of,
    unpaid,
)


@dataclass(frozen=True)
class ReminderOffsets:
    """When reminders go out, in days before (or after, for signature) each deadline."""

    expiry: tuple[int, ...] = (90, 60, 30, 7)
    termination: tuple[int, ...] = (30, 7)
    dispute_window: tuple[int, ...] = (7, 1)
    court_possible: bool = True
    signature_every_days: int = 7
    payment: tuple[int, ...] = (0,)
    publication: tuple[int, ...] = (30, 7)
    """Before the open data are due (rule 19): to the Métropole's signatories."""
    financial_report: tuple[int, ...] = (30, 7)
    """Before the financial report is due (rule 20): to the beneficiary's signatories."""
    committee: tuple[int, ...] = (30, 7)
    """Before the committee's next meeting is due (rule 23), to convene it: to the Métropole's
    signatories."""


@dataclass(frozen=True)
class Articles:
    """Where each clause sits in the convention, so explanations can cite it."""

    payment: str = "article 2"
    term: str = "article 4"
    amendment: str = "article 5"
    dispute: str = "article 6"
    termination: str = "article 7"
    committee: str = "article 3"


@dataclass(frozen=True)
class Clauses:
    """The clause parameters of a convention: its periods, targets and reminder offsets."""

    dispute_window_days: int = 30
    termination_notice_months: int = 6
    payment_target_days: int = 30
    signature_target_days: int = 7
    instalments: tuple[Instalment, ...] = ()
    """The payment schedule (article 2); none declared: one payment of the whole amount."""
    reminders: ReminderOffsets = field(default_factory=ReminderOffsets)
    articles: Articles = field(default_factory=Articles)

    def with_changes(self, **changes: object) -> Clauses:
        """A copy of these clauses with some parameters changed (by an amendment)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Party:
    """A party to the convention, known by a short key (e.g. `metropole`, `crpv`), and how
    the open data identify it: its SIRET, or an association's RNA number."""

    key: str
    name: str
    siret: str | None = None
    rna: str | None = None


@dataclass
class Signatory:
    """A person who signs for a party; `signed_on` is set by the `sign` event."""

    party: str
    name: str
    title: str
    email: str
    signed_on: date | None = None


@dataclass(frozen=True)
class Dispute:
    """A dispute under article 6: who sent the letter, its dates, and where to return."""

    party: str
    letter: RegisteredLetter
    opened_on: date
    return_state: str
    window_end: date
    earliest_court_date: date
    in_court: bool = False
    """The court is seized (`go_to_court`): the dispute is in litigation. Read after the
    convention's end, when the state no longer says it (states.lifecycle.DISPUTE_AFTER_END)."""


@dataclass(frozen=True)
class TerminationNotice:
    """A termination under article 7: who sent the letter and when the convention ends."""

    party: str
    letter: RegisteredLetter
    given_on: date
    notice_end: date
    effective_end: date
    months: int | None = None
    """The notice period of the clause the letter was given under (rule 26 of
    docs/LEGAL-DEADLINES.md: an amendment's new period does not reach a notice already running);
    None for a notice recorded before it was kept, then the clause in force at the time."""


PAYING_STATES = ("payment", "execution", "termination")
"""Where instalments are paid, and an instalment's report received (article 2): during a
termination notice too, the convention executed normally until its end
(states.lifecycle.PAYMENT_DURING_NOTICE)."""
UNNOTIFIABLE_STATES = ("termination", "expired", "terminated", "cancelled")
"""Where a convention can no longer be notified: its notice running, or ended (the notification
is taken in `notification` alone; a dispute returns there)."""
OWING_AFTER_END = ("expired", "terminated")
"""The ends of a convention that was in force, where an instalment still unpaid stays due (rule
25: what was earned during the term stays due after it): it is paid, its report received, or
forgone there, the state staying the end's (states.lifecycle.PAYMENT_AFTER_END)."""
AUTOMATIC_ENDS = ("expire", "terminate")
"""The events the service records when a convention ends (states.lifecycle.AUTOMATIC_EVENTS):
its term reached, a termination's notice run out; dated on the end's day, whenever the pass
that records them comes."""


@dataclass(frozen=True)
class RecordedLine:
    """A line of a convention's history as a refusal names it: the line a new event may not
    be dated before (:meth:`Convention.dated_from`)."""

    on: date
    event: str | None
    """Its event (`pay`; `sign` for an amendment's), None when not known."""
    amendment: int | None = None
    """The number of the amendment whose line it is; None for the convention's own."""
    terms_changed: bool = False
    """The line brought the amendment into force: the convention's terms changed on its date."""


@dataclass
class Convention:
    """A partnership convention and everything its lifecycle has recorded so far.

    `amount`, `end_date` and `clauses` are the consolidated terms: the original ones with every
    amendment in force applied. `paid_on` is the first payment's date (the convention is in
    execution from it), `paid_amount` the total paid so far, `payments` each instalment's
    progress.
    """

    reference: str
    title: str
    object: str
    place: str
    amount: Decimal
    end_date: date
    clauses: Clauses
    parties: list[Party]
    signatories: list[Signatory]
    state: str = "draft"
    version: int = 0
    submitted_on: date | None = None
    effective_date: date | None = None
    notified_on: date | None = None
    paid_on: date | None = None
    paid_amount: Decimal | None = None
    payments: tuple[InstalmentProgress, ...] = ()
    dispute: Dispute | None = None
    notice: TerminationNotice | None = None
    last_event_on: date | None = None
    """The date of the last event recorded on the convention or on one of its amendments
    (the retention's reference for a convention never signed, the amendments' order)."""
    own_event_on: date | None = None
    """The date of the convention's own last event, its amendments' left out: a convention's
    event is dated on or after it. None when not known (recorded before it was kept, or
    nothing recorded yet): `last_event_on` stands for it."""
    own_event: str | None = None
    """The event of that line (`pay`, `open_dispute`...), to name it in a refusal; None when
    not known."""
    own_event_before_end_on: date | None = None
    """While the convention's own last event is its automatic end (AUTOMATIC_ENDS), the date of
    its own last event before it: a payment made before the end, or its renunciation, recorded
    after the service applied the end, is dated on or after it (states.lifecycle.
    DATED_BEFORE_AUTOMATIC_END). None otherwise, or when not known."""
    own_event_before_end: str | None = None
    """The event of that line, to name it in a refusal; None when not known."""
    terms_changed_on: date | None = None
    """The date the convention's terms last changed: the last signature of the last amendment
    that came into force. A convention's event is dated on or after it too (its checks read
    the terms in force on its date)."""
    terms_changed_by: int | None = None
    """The number of that amendment."""
    award: AwardDecision | None = None
    """The délibération that awards the subsidy, once recorded (rules 15 to 18)."""
    open_data_object: str | None = None
    """The object as the open data publish it (256 characters at most), when article 1 is
    longer (rule 19)."""
    financial_report: FinancialReport = field(default_factory=FinancialReport)
    """Whether the beneficiary owes a financial report, for which year, and its receipt
    (rule 20)."""
    committee: Committee = field(default_factory=Committee)
    """The steering committee's meetings and the cadence the service set (rule 23)."""

    def grantor(self) -> Party:
        """The party that grants the subsidy: the first one (the Métropole), as convention
        files list it."""
        return self.parties[0]

    def parties_nature(self) -> PartiesNature:
        """Whether every party is a public person, one a private person, or it is not known
        (states.jurisdiction): what may be said of the competent court."""
        grantor = self.grantor().key
        return parties_nature(is_public(p.siret, p.rna) for p in self.parties if p.key != grantor)

    def party(self, key: str) -> Party | None:
        """The party with this key, or None."""
        return next((p for p in self.parties if p.key == key), None)

    def signatory(self, email: str) -> Signatory | None:
        """The signatory with this email (case-insensitive), or None."""
        wanted = email.strip().lower()
        return next((s for s in self.signatories if s.email.lower() == wanted), None)

    def missing_signatures(self) -> list[Signatory]:
        """The signatories who have not signed yet."""
        return [s for s in self.signatories if s.signed_on is None]

    def schedule(self) -> tuple[Instalment, ...]:
        """The instalments to pay: the declared ones, or the single payment of the amount."""
        return schedule_of(self.amount, self.clauses.instalments)

    def paid_so_far(self) -> tuple[InstalmentProgress, ...]:
        """Each instalment's progress; a single payment recorded before its progress was kept
        (`paid_on` and `paid_amount` only, storage revision 0011) read from those two."""
        if self.clauses.instalments or self.paid_on is None:
            return self.payments
        if progress_of(self.payments, SINGLE_PAYMENT).paid_on is not None:
            return self.payments
        single = InstalmentProgress(SINGLE_PAYMENT, paid_on=self.paid_on,
                                    paid_amount=self.paid_amount)  # fmt: skip
        return (*self.payments, single)

    def never_notified(self) -> bool:
        """Whether the convention can no longer be notified and never was: ended (expired,
        terminated, cancelled), or its termination notice running, before the notification of
        the award. Its payment never became due (article 2: it is due after the notification),
        so nothing is owed on it, after the end either (rule 25 keeps what was due)."""
        if self.notified_on is not None or self.paid_on is not None:
            return False
        return self.state in UNNOTIFIABLE_STATES or self.notice is not None

    def unpaid_instalments(self) -> list[Instalment]:
        """The instalments not paid in full yet, in order: none once the convention can no
        longer be notified and never was (:meth:`never_notified`), nothing having become due."""
        if self.never_notified():
            return []
        return unpaid(self.schedule(), self.paid_so_far())

    def still_due(self, instalment: Instalment) -> Decimal:
        """What remains to pay on `instalment` (see `states.payments.outstanding`)."""
        return outstanding(instalment, progress_of(self.paid_so_far(), instalment.number))

    def balance_due(self) -> Decimal:
        """The balance of a single payment already made: what an amendment in force raising the
        amount added to it, not paid yet (0 when none, once the Métropole gave it up, and before
        the payment is made: the raised amount is then simply the single payment's)."""
        if self.clauses.instalments or self.paid_on is None:
            return Decimal("0")
        # `still_due` of the single payment, read without building the schedule and the
        # progress (every email's snapshot asks): a payment recorded before its progress was
        # kept has only `paid_amount`; one paid with no amount recorded leaves nothing due.
        entry = progress_of(self.payments, SINGLE_PAYMENT)
        if entry.forgone_on is not None:  # the Métropole gave the balance up (rule 25)
            return Decimal("0")
        paid = entry.paid_amount if entry.paid_on is not None else self.paid_amount
        if paid is None:
            return Decimal("0")
        return max(self.amount - paid, Decimal("0"))

    def awaiting_report(self) -> Instalment | None:
        """The first unpaid instalment still waiting for the report it is paid on, if any."""
        for instalment in self.unpaid_instalments():
            progress = progress_of(self.payments, instalment.number)
            if instalment.trigger == "report" and progress.report_received_on is None:
                return instalment
        return None

    def report_to_receive(self) -> Instalment | None:
        """The instalment whose report may be recorded now: the one awaiting its report, while
        payments are made (payment, execution) and after the end while it is unpaid (rule 25:
        the balance is paid on the report of the activity, which comes after the term); None
        in any other state."""
        if self.state in PAYING_STATES or self.state in OWING_AFTER_END:
            return self.awaiting_report()
        return None

    def awaiting_financial_report(self) -> bool:
        """Whether the beneficiary's financial report is owed and not received yet: once the
        convention is signed, whatever its state after (the report often falls after the term)."""
        report = self.financial_report
        return report.required and report.received_on is None and self.effective_date is not None

    def end_recorded_last(self) -> date | None:
        """The day of the convention's automatic end (AUTOMATIC_ENDS) while it is its own last
        event and the line before it is known (`own_event_before_end_on`); else None."""
        if self.own_event in AUTOMATIC_ENDS and self.own_event_before_end_on is not None:
            return self.own_event_on
        return None

    def dated_from(
        self, *, amendments_too: bool = False, before_end: bool = False
    ) -> RecordedLine | None:
        """The line a new event of the convention may not be dated before: its own last event,
        or the entry into force of its last amendment in force, whichever is later (the events
        of an amendment that changed nothing, a draft, a submission, a signature still awaiting
        others, do not count: an event dated before them is checked against the same state and
        terms); with `amendments_too`, any line recorded, an amendment's included; with
        `before_end`, while the automatic end is its own last event (:meth:`end_recorded_last`),
        its own last event before that end instead of the end. None when nothing was recorded
        yet."""
        lines: list[RecordedLine] = []
        if self.terms_changed_on is not None:
            lines.append(RecordedLine(self.terms_changed_on, "sign", self.terms_changed_by, True))
        if before_end and self.own_event_before_end_on is not None and self.end_recorded_last():
            lines.append(RecordedLine(self.own_event_before_end_on, self.own_event_before_end))
        elif self.own_event_on is not None:
            lines.append(RecordedLine(self.own_event_on, self.own_event))
        elif self.last_event_on is not None:  # not known apart (stored before it was kept)
            lines.append(RecordedLine(self.last_event_on, None))
        if amendments_too and self.last_event_on is not None:
            lines.append(RecordedLine(self.last_event_on, None))
        latest: RecordedLine | None = None
        for line in lines:  # at one date, the first listed: the one named best
            if latest is None or line.on > latest.on:
                latest = line
        return latest

    def recorded_own(self, trigger: str, on: date) -> None:
        """A convention's own event dated `on` is recorded: it is its last (unless one dated
        later was recorded before it: an event dated in any order, or one dated before the
        automatic end recorded after it), and the last of all. The automatic end keeps the line
        it follows (`own_event_before_end_on`), which an event dated before the end and recorded
        after it becomes; any other last event forgets it."""
        known = self.own_event_on if self.own_event_on is not None else self.last_event_on
        if known is None or on >= known:
            if trigger in AUTOMATIC_ENDS:
                self.own_event_before_end_on, self.own_event_before_end = known, self.own_event
            else:
                self.own_event_before_end_on = self.own_event_before_end = None
            self.own_event_on, self.own_event = on, trigger
        else:
            self.own_event_on = known
            before = self.own_event_before_end_on
            if self.end_recorded_last() is not None and before is not None and on >= before:
                self.own_event_before_end_on, self.own_event_before_end = on, trigger
        self.last_event_on = max(on, self.last_event_on or on)

    def ends_on(self) -> date:
        """The last day the convention is in force: its term, or a termination's end."""
        if self.notice is not None:
            return min(self.notice.effective_end, self.end_date)
        return self.end_date
