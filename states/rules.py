"""What each event means under the convention's clauses: its guards and its effects.

A rule checks everything first and raises :class:`GuardRejected` or :class:`InvalidInput`
before touching the convention; only then does it record what the event says (a signature,
a letter, a payment) and which deadlines open or close. The state itself is moved by the
machine in :mod:`states.lifecycle`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from states.award import AwardDecision, check_signature, prefect_referral, third_party_challenge
from states.committee import MAX_CADENCE, Meeting, next_meeting
from states.convention import (
    OWING_AFTER_END,
    PAYING_STATES,
    Convention,
    Dispute,
    Party,
    Signatory,
    TerminationNotice,
)
from states.deadlines import (
    AWARD_WINDOWS,
    ComputedDeadline,
    DeadlineClosure,
    DeadlineKind,
    DeadlineStatus,
    LegalSettings,
    LetterNotNotified,
    RegisteredLetter,
    dispute_window,
    expiry,
    instalment_target,
    payment_target,
    signature_target,
    termination_notice,
)
from states.errors import CourtNotYetOpen, GuardRejected, InvalidInput
from states.financial_report import financial_report
from states.inputs import (
    check_text,
    is_digits,
    letter_inputs,
    parse_amount,
    parse_day,
    parse_letter,
    parse_whole,
)
from states.open_data import publication
from states.payments import (
    SINGLE_PAYMENT,
    Instalment,
    InstalmentProgress,
    balance_forgone,
    mark_forgone,
    mark_paid,
    mark_report,
    paid_parts,
    progress_of,
)


@dataclass
class Effects:
    """What a rule decided: deadlines opened and closed, and the inputs kept in history."""

    history_inputs: dict[str, str]
    opened: tuple[ComputedDeadline, ...] = ()
    closures: tuple[DeadlineClosure, ...] = ()
    signed: Signatory | None = None
    after: list[Callable[[Convention], None]] = field(default_factory=list)

    def finish(self, convention: Convention) -> None:
        """Apply what must wait for the state change (e.g. forgetting a settled dispute)."""
        for step in self.after:
            step(convention)


Rule = Callable[[Convention, date, Mapping[str, str], LegalSettings], Effects]


def _closure(
    kind: DeadlineKind | None,
    status: DeadlineStatus,
    *from_statuses: DeadlineStatus,
    met_on: date | None = None,
) -> DeadlineClosure:
    return DeadlineClosure(kind, status, tuple(from_statuses) or ("pending",), met_on)


def _refuse(convention: Convention, trigger: str, code: str, **params: Any) -> GuardRejected:
    return GuardRejected(convention.reference, trigger, code, **params)


def _party(convention: Convention, trigger: str, key: str) -> Party:
    party = convention.party(key)
    if party is None:
        keys = [p.key for p in convention.parties]
        raise _refuse(convention, trigger, "unknown_party", party=key, parties=keys)
    return party


def _letter(
    convention: Convention, trigger: str, inputs: Mapping[str, str], on: date
) -> RegisteredLetter:
    letter = parse_letter(inputs)
    for name, day in (("received", letter.received), ("presented", letter.presented),
                      ("dispatched", letter.dispatched)):  # fmt: skip
        if day is not None and day > on:
            raise InvalidInput(name, "letter_after_event", date=day, on=on)
    start = letter.received or letter.presented
    if convention.effective_date and start and start < convention.effective_date:
        raise _refuse(
            convention, trigger, "letter_before_effect", letter_date=start,
            effective_date=convention.effective_date,
        )  # fmt: skip
    return letter


AWARD_DATES = (("published", "published_on"), ("notified", "notified_on"),
               ("transmitted", "received_by_prefect_on"))  # fmt: skip
"""The award decision's formalities: the event's input, and the decision's field."""


def record_award(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """Record the award decision (or complete it): its reference, adoption and formalities.
    The windows it opens are information (rules 16, 17); earlier ones are superseded."""
    check_text(inputs["decision"], "decision", 100)
    adopted = parse_day(inputs["adopted"], "adopted")
    if adopted > on:
        raise InvalidInput("adopted", "award_date_after_event", date=adopted, on=on)
    days: dict[str, date] = {}
    for key, name in AWARD_DATES:
        if inputs.get(key):
            formality = parse_day(inputs[key], key)
            if formality < adopted:
                raise InvalidInput(key, "award_date_before_adoption", date=formality,
                                   adopted=adopted)  # fmt: skip
            if formality > on:
                raise InvalidInput(key, "award_date_after_event", date=formality, on=on)
            days[name] = formality
    decision = AwardDecision(inputs["decision"].strip(), adopted, **days)
    convention.award = decision
    windows = (prefect_referral(decision, settings.calendar),
               third_party_challenge(decision, settings.calendar))  # fmt: skip
    closures = tuple(_closure(kind, "superseded", "pending", "passed") for kind in AWARD_WINDOWS)
    history = {**inputs, "decision": decision.reference}
    enforceable = decision.enforceable_on()
    if enforceable is not None:
        history["enforceable"] = enforceable.isoformat()
    return Effects(history, opened=tuple(w for w in windows if w is not None),
                   closures=closures)  # fmt: skip


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def publish(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The essential data are published (rule 19), at `url`: the publication deadline is met
    (or stays passed when this comes after it, so that the record shows the delay)."""
    effective = convention.effective_date
    if effective is not None and on < effective:
        raise _refuse(convention, "publish", "publication_before_signature", on=on,
                      effective_date=effective)  # fmt: skip
    url = check_text(inputs["url"], "url", 500)
    if not _URL.match(url):
        raise InvalidInput("url", "not_a_web_address", value=url[:100])
    closure = _closure("publication", "met", "pending", "passed", met_on=on)
    return Effects({**inputs, "url": url}, closures=(closure,))


def _next_meeting(convention: Convention) -> tuple[ComputedDeadline, ...]:
    found = next_meeting(convention.committee, convention.effective_date, convention.ends_on(),
                         convention.clauses.articles.committee)  # fmt: skip
    return (found,) if found is not None else ()


def committee_meeting(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The steering committee of article 3 met on `on` (rule 23): not before the convention's
    signature, once a day. The minutes are kept with the meeting, their SHA-256 in the history;
    the due meeting is met and, with a cadence, the next one is due."""
    effective = convention.effective_date
    if effective is not None and on < effective:
        raise _refuse(convention, "committee_meeting", "committee_before_signature", on=on,
                      effective_date=effective)  # fmt: skip
    if any(m.held_on == on for m in convention.committee.meetings):
        raise _refuse(convention, "committee_meeting", "committee_meeting_already_recorded", on=on)
    minutes = inputs.get("minutes", "")
    meeting = Meeting(on, inputs["attendees"], inputs["decisions"], minutes)
    convention.committee = convention.committee.with_meeting(meeting)
    history = {key: value for key, value in inputs.items() if key != "minutes"}
    if minutes:
        history["minutes_sha256"] = hashlib.sha256(minutes.encode()).hexdigest()
    closure = _closure("committee", "met", "pending", "passed", met_on=on)
    return Effects(history, opened=_next_meeting(convention), closures=(closure,))


def parse_cadence(text: str) -> int | None:
    """A committee's cadence as typed: months from 1 to MAX_CADENCE, or 0 (or `off`) for none."""
    value = text.strip().lower()
    if value in ("0", "off", "none", "aucune"):
        return None
    if not is_digits(value) or not 1 <= int(value) <= MAX_CADENCE:
        raise InvalidInput("months", "committee_cadence_out_of_range", value=text[:20],
                           most=MAX_CADENCE)  # fmt: skip
    return int(value)


def committee_cadence(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The service sets how often the committee meets (rule 23), or stops the cadence: the
    due meeting is recomputed (superseded, and the new one opened when there is one)."""
    months = parse_cadence(inputs["months"])
    convention.committee = convention.committee.with_cadence(months)
    closure = _closure("committee", "superseded", "pending", "passed")
    history = {**inputs, "months": str(months or 0)}
    return Effects(history, opened=_next_meeting(convention), closures=(closure,))


def submit(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """Send the convention for signature; the signature target starts."""
    convention.submitted_on = on
    target = signature_target(on, convention.clauses.signature_target_days)
    return Effects(dict(inputs), opened=(target,))


def sign(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """One signatory signs; the last signature brings the convention into force (article 4)."""
    signatory = convention.signatory(inputs["signatory"])
    if signatory is None:
        known = [s.email for s in convention.signatories]
        raise _refuse(
            convention, "sign", "not_a_signatory", signatory=inputs["signatory"], signatories=known
        )
    if signatory.signed_on is not None:
        raise _refuse(
            convention, "sign", "already_signed", signatory=signatory.email,
            signed_on=signatory.signed_on,
        )  # fmt: skip
    if convention.submitted_on is not None and on < convention.submitted_on:
        raise _refuse(
            convention, "sign", "signed_before_submission", submitted_on=convention.submitted_on
        )
    history = {"signatory": signatory.email, "party": signatory.party}
    if signatory.party == convention.grantor().key:
        verdict = check_signature(convention.award, on, settings.award_before_enforceable)
        if verdict.refused is not None:
            raise _refuse(convention, "sign", verdict.refused, **(verdict.params or {}))
        if verdict.flag is not None:
            history["award_check"] = verdict.flag
    signatory.signed_on = on
    if convention.missing_signatures():
        return Effects(history, signed=signatory)
    convention.effective_date = on
    articles = convention.clauses.articles
    published = publication(on, convention.amount, settings.open_data_threshold)
    report = financial_report(convention.financial_report, settings)
    return Effects(
        history,
        opened=(
            expiry(convention.end_date, articles.term),
            *((published,) if published is not None else ()),
            *((report,) if report is not None else ()),
            *_next_meeting(convention),
        ),
        closures=(_closure("signature", "met", "pending", "passed", met_on=on),),
        signed=signatory,
    )


def cancel(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """Abandon a convention that never came into force."""
    return Effects(dict(inputs), closures=(_closure(None, "cancelled", "pending", "passed"),))


def notify(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The award is notified; payment is due after it (article 2): the single payment, or
    each instalment due on the notification or on a date."""
    if convention.effective_date and on < convention.effective_date:
        raise _refuse(
            convention, "notify", "before_effect", effective_date=convention.effective_date
        )
    convention.notified_on = on
    clauses = convention.clauses
    if not clauses.instalments:
        target = payment_target(on, clauses.payment_target_days, clauses.articles.payment)
        return Effects(dict(inputs), opened=(target,))
    count = len(clauses.instalments)
    opened = tuple(
        instalment_target(i, count, on, clauses.payment_target_days, clauses.articles.payment)
        for i in clauses.instalments
        if i.trigger in ("notification", "date")
    )
    return Effects(dict(inputs), opened=opened)


def _instalment(convention: Convention, trigger: str, inputs: Mapping[str, str]) -> Instalment:
    """The instalment an event names (`instalment=N`), or by default the first one unpaid."""
    schedule = convention.schedule()
    if "instalment" not in inputs:
        remaining = convention.unpaid_instalments()
        if not remaining:
            raise _refuse(convention, trigger, "all_instalments_paid")
        return remaining[0]
    number = _typed_number(convention, inputs["instalment"])
    # numbered from 1: the single payment's 0 is never typed
    found = next((i for i in schedule if i.number == number >= 1), None)
    if found is None and not convention.clauses.instalments:  # paid in one payment: no number
        raise _refuse(convention, trigger, "instalment_of_single_payment", instalment=number)
    if found is None:
        numbers = [i.number for i in schedule if i.number >= 1]
        raise _refuse(convention, trigger, "unknown_instalment", instalment=number,
                      instalments=numbers)  # fmt: skip
    return found


def _typed_number(convention: Convention, text: str) -> int:
    """The instalment number typed (`instalment=N`): a whole number, and, on a schedule, one
    from 1 (never said back as « versement n° -1 »). On a convention paid in one payment any
    number is refused as not applying (`instalment_of_single_payment`)."""
    number = parse_whole(text, "instalment")
    if number < 1 and convention.clauses.instalments:
        raise InvalidInput("instalment", "number_too_small", least=1)
    return number


def pay(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """A payment of article 2: the single payment, or one instalment, for exactly its amount
    (or, for a single payment already made, the balance an amendment raising the amount added:
    recorded as a further part of the same payment). The first payment puts the convention in
    execution; the others keep it there. The amount typed is judged first: a refusal of the
    payment itself (its report not received, already paid) is for an amount that could be."""
    amount = parse_amount(inputs["amount"])
    instalment = _instalment(convention, "pay", inputs)
    progress = progress_of(convention.paid_so_far(), instalment.number)
    _refuse_forgone(convention, "pay", progress)
    due = convention.still_due(instalment)
    if not due:
        raise _already_paid(convention, "pay", progress)
    if instalment.trigger == "report" and progress.report_received_on is None:
        raise _refuse(convention, "pay", "report_not_received", instalment=instalment.number,
                      report=instalment.report or "")  # fmt: skip
    if amount != due:  # the whole amount, or the balance an amendment added once it was paid
        raise _amount_differs(convention, progress, amount, due, named="instalment" in inputs)
    convention.payments = mark_paid(convention.paid_so_far(), instalment.number, on, amount)
    convention.paid_on = convention.paid_on or on
    convention.paid_amount = (convention.paid_amount or Decimal("0")) + amount
    history = {**inputs, "amount": str(amount)}
    if instalment.number != SINGLE_PAYMENT:
        history["instalment"] = str(instalment.number)
    number = None if instalment.number == SINGLE_PAYMENT else instalment.number
    closure = DeadlineClosure("payment", "met", ("pending", "passed"), on, number)
    return Effects(history, closures=(closure,))


def _amount_differs(
    convention: Convention, progress: InstalmentProgress, amount: Decimal, due: Decimal,
    *, named: bool,
) -> GuardRejected:  # fmt: skip
    """Why `amount` is not what `pay` takes now on the payment `progress` is about (`due`): the
    amount of another unpaid instalment, when none was named (`instalment=` to add); the
    balance an amendment fixed, named; the instalment's amount, said with its number (the first
    unpaid one, when none was named); the single payment's, under its article."""
    number, article = progress.number, convention.clauses.articles.payment
    others = [i.number for i in convention.unpaid_instalments()
              if i.number != number and convention.still_due(i) == amount]  # fmt: skip
    if convention.clauses.instalments and not named and others:
        return _refuse(convention, "pay", "amount_of_another_instalment", amount=amount, due=due,
                       instalment=number, other=others[0])  # fmt: skip
    if progress.paid_on is not None and progress.balance_by is not None:
        if number == SINGLE_PAYMENT:
            return _refuse(convention, "pay", "balance_differs", amount=amount, due=due,
                           by_amendment=progress.balance_by)  # fmt: skip
        return _refuse(convention, "pay", "instalment_balance_differs", amount=amount, due=due,
                       instalment=number, by_amendment=progress.balance_by)  # fmt: skip
    if number == SINGLE_PAYMENT:
        return _refuse(convention, "pay", "amount_differs", amount=amount, due=due,
                       article=article)  # fmt: skip
    code = "instalment_amount_differs" if named else "first_unpaid_amount_differs"
    return _refuse(convention, "pay", code, amount=amount, due=due, instalment=number,
                   article=article)  # fmt: skip


def _already_paid(
    convention: Convention, trigger: str, progress: InstalmentProgress
) -> GuardRejected:
    """The refusal of a payment (or its renunciation) already recorded in full: its day, and its
    balance's once an amendment's balance completed it; the single payment without a number."""
    parts = paid_parts(progress)
    first = parts[0].on if parts else progress.paid_on
    if progress.number == SINGLE_PAYMENT:
        if len(parts) > 1:
            return _refuse(convention, trigger, "balance_already_paid", paid_on=first,
                           balance_paid_on=parts[-1].on)  # fmt: skip
        return _refuse(convention, trigger, "payment_already_paid", paid_on=first)
    if len(parts) > 1:
        return _refuse(convention, trigger, "instalment_balance_already_paid",
                       instalment=progress.number, paid_on=first,
                       balance_paid_on=parts[-1].on)  # fmt: skip
    return _refuse(convention, trigger, "instalment_already_paid", instalment=progress.number,
                   paid_on=first)  # fmt: skip


def _forgone(convention: Convention, trigger: str, progress: InstalmentProgress) -> GuardRejected:
    """The refusal of an event on a payment the Métropole has forgone (rule 25): the single
    payment without a number; the balance it gave up once the payment was made in part."""
    forgone_on = progress.forgone_on
    if balance_forgone(progress):
        amount = progress.forgone_amount or Decimal("0")
        if progress.number == SINGLE_PAYMENT:
            return _refuse(convention, trigger, "balance_forgone", amount=amount,
                           forgone_on=forgone_on)  # fmt: skip
        return _refuse(convention, trigger, "instalment_balance_forgone",
                       instalment=progress.number, amount=amount,
                       forgone_on=forgone_on)  # fmt: skip
    if progress.number == SINGLE_PAYMENT:
        return _refuse(convention, trigger, "payment_forgone", forgone_on=forgone_on)
    return _refuse(convention, trigger, "instalment_forgone", instalment=progress.number,
                   forgone_on=forgone_on)  # fmt: skip


def _refuse_forgone(convention: Convention, trigger: str, progress: InstalmentProgress) -> None:
    """Refuse an event on an instalment the Métropole has forgone: nothing is owed on it."""
    if progress.forgone_on is not None:
        raise _forgone(convention, trigger, progress)


def forgone_instead(
    convention: Convention, trigger: str, inputs: Mapping[str, str]
) -> GuardRejected | None:
    """Why `pay`, `report_received` or `forgo_payment`, possible in the convention's state, is
    not possible now when the instalment it is about was forgone (rule 25): the instalment named,
    or, none named, the first forgone one it would have been about (`pay`: not paid;
    `report_received`: its report not received). None when no forgone instalment is the reason:
    the refusal then says what is possible. The single payment, forgone, is said without a
    number (`pay` and `forgo_payment`: no report is awaited for it, and a number typed for it is
    the state's refusal). `forgo_payment` again (a retry, a race lost) names the instalment it
    forgoes (the rule asks for it): so a script tells "already forgone" from "not now"."""
    if trigger not in ("pay", "report_received", "forgo_payment"):
        return None
    if not convention.clauses.instalments:
        single = progress_of(convention.paid_so_far(), SINGLE_PAYMENT)
        typed_number = bool(inputs.get("instalment", "").strip())  # blank: as not given
        if trigger == "report_received" or typed_number or single.forgone_on is None:
            return None
        return _forgone(convention, trigger, single)
    if inputs.get("report", "").strip() == "financial":
        return None
    typed = inputs.get("instalment", "").strip()
    if trigger == "forgo_payment" and not typed:
        return None
    progress = convention.paid_so_far()
    if typed:  # a bad number: the state's refusal stands, the rule says it once possible
        number = int(typed) if typed.isascii() and typed.isdigit() else None
        found = [p for p in progress if p.number == number and p.forgone_on is not None]
    else:
        on_report = {i.number for i in convention.clauses.instalments if i.trigger == "report"}
        found = [
            p for p in progress
            if p.forgone_on is not None and p.paid_on is None
            and (trigger == "pay" or (p.number in on_report and p.report_received_on is None))
        ]  # fmt: skip
    if not found:
        return None
    return _forgone(convention, trigger, found[0])


def done_instead(
    convention: Convention, trigger: str, inputs: Mapping[str, str]
) -> GuardRejected | None:
    """Why `pay`, `forgo_payment` or `report_received`, possible in the convention's state, is
    not possible now when what it is about is already recorded (a retry, a duplicate): the
    payment already made, with its day (the single payment without a number, its balance's day
    too), every instalment paid, the financial report already received; or when no report is
    to be received at all. None otherwise: the refusal then says what is possible."""
    if trigger == "report_received":
        report = convention.financial_report
        if (
            report.required and report.received_on is not None
            and convention.report_to_receive() is None
            and inputs.get("report", "financial").strip() == "financial"
            and not inputs.get("instalment", "").strip()
        ):  # fmt: skip
            return _refuse(convention, trigger, "financial_report_already_received",
                           received_on=report.received_on)  # fmt: skip
        if convention.report_to_receive() is None and not convention.awaiting_financial_report():
            # Nothing to receive: said as such, not as an event the state does not take (the
            # finance tester read « pas possible » with no reason).
            named, typed = inputs.get("report", "").strip(), inputs.get("instalment", "").strip()
            financial = (
                named == "financial" if named else not (typed or convention.clauses.instalments)
            )
            return _refuse(
                convention,
                trigger,
                "no_financial_report_owed" if financial else "no_report_awaited",
            )
        return None
    if trigger not in ("pay", "forgo_payment"):
        return None
    typed = inputs.get("instalment", "").strip()
    if not convention.clauses.instalments:
        single = progress_of(convention.paid_so_far(), SINGLE_PAYMENT)
        if typed or single.paid_on is None or single.forgone_on is not None:
            return None
        return _already_paid(convention, trigger, single)
    if not typed:
        return _refuse(convention, trigger, "all_instalments_paid")
    number = int(typed) if is_digits(typed) else None
    progress = progress_of(convention.paid_so_far(), number) if number else None
    if progress is None or progress.paid_on is None or progress.forgone_on is not None:
        return None  # a bad number: the state's refusal stands
    return _already_paid(convention, trigger, progress)


def forgo_payment(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The Métropole records that it will not pay an instalment still unpaid (rule 25): the
    beneficiary never sent the report it is paid on, or the subsidy was reduced. Nothing is
    owed on it any more: its payment deadline, if open, is cancelled with its reminders (one
    already passed stays passed, the record shows it, and this line ends what it owed). The
    state does not change, but in payment for the last one owed: the machine then moves the
    convention to execution, as paying it would (states.lifecycle). A payment already made
    that an amendment raised since (the single payment or an instalment) is forgone as it is
    paid: its balance, the amount given up; what was paid stays paid."""
    if convention.clauses.instalments and "instalment" not in inputs:
        numbers = [i.number for i in convention.unpaid_instalments()]
        raise _refuse(convention, "forgo_payment", "forgo_which_instalment", instalments=numbers)
    instalment = _instalment(convention, "forgo_payment", inputs)
    progress = progress_of(convention.paid_so_far(), instalment.number)
    _refuse_forgone(convention, "forgo_payment", progress)
    due = convention.still_due(instalment)
    if not due:
        raise _already_paid(convention, "forgo_payment", progress)
    convention.payments = mark_forgone(convention.paid_so_far(), instalment.number, on, due)
    number = None if instalment.number == SINGLE_PAYMENT else instalment.number
    closure = DeadlineClosure("payment", "cancelled", ("pending",), None, number)
    history = {**inputs}
    if instalment.number != SINGLE_PAYMENT:
        history["instalment"] = str(instalment.number)
    history["amount"] = str(due)  # what is given up: the whole, or the balance left
    if progress.paid_on is not None:  # paid in part: the balance an amendment left
        history["balance"] = "yes"
    return Effects(history, closures=(closure,))


REPORTS = ("financial", "instalment")
"""What `report_received` may name with `report=`: the financial report of rule 20, or the
report an instalment is paid on (article 2)."""


def report_received(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """A report from the beneficiary is received: the financial report (rule 20), or the
    report an instalment waits for, whose payment is then due `payment_target_days` after
    (article 2). `report=` says which when both are awaited."""
    if "instalment" in inputs:  # a bad number is said whichever report is named
        _typed_number(convention, inputs["instalment"])
    if _which_report(convention, inputs) == "financial":
        return _financial_report_received(convention, on, inputs)
    if convention.state not in PAYING_STATES and convention.state not in OWING_AFTER_END:
        raise _refuse(convention, "report_received", "no_report_awaited")
    if "instalment" in inputs:
        instalment = _instalment(convention, "report_received", inputs)
        _refuse_forgone(convention, "report_received",
                        progress_of(convention.payments, instalment.number))  # fmt: skip
    else:
        awaited = convention.awaiting_report()
        if awaited is None:
            raise _refuse(convention, "report_received", "no_report_awaited")
        instalment = awaited
    progress = progress_of(convention.payments, instalment.number)
    if instalment.trigger != "report":
        raise _refuse(convention, "report_received", "instalment_not_on_report",
                      instalment=instalment.number)  # fmt: skip
    if progress.report_received_on is not None:
        raise _refuse(
            convention, "report_received", "report_already_received",
            instalment=instalment.number, received_on=progress.report_received_on,
        )  # fmt: skip
    convention.payments = mark_report(convention.payments, instalment.number, on)
    clauses = convention.clauses
    target = instalment_target(instalment, len(clauses.instalments), on,
                               clauses.payment_target_days, clauses.articles.payment)  # fmt: skip
    return Effects({**inputs, "instalment": str(instalment.number)}, opened=(target,))


def _which_report(convention: Convention, inputs: Mapping[str, str]) -> str:
    """The report received: the one `report=` (or `instalment=`) names, else the only one
    awaited; refused when both are awaited and the record does not say which."""
    named = inputs.get("report")
    if named is not None and named not in REPORTS:
        raise InvalidInput("report", "unknown_report", report=named[:40], reports=list(REPORTS))
    if named is not None:
        return named
    if "instalment" in inputs:
        return "instalment"
    instalment = convention.report_to_receive()
    financial = convention.awaiting_financial_report()
    if instalment is not None and financial:
        raise _refuse(convention, "report_received", "which_report",
                      instalment=instalment.number)  # fmt: skip
    return "financial" if financial else "instalment"


def _financial_report_received(
    convention: Convention, on: date, inputs: Mapping[str, str]
) -> Effects:
    """The financial report of rule 20 is received: its deadline is met (or stays passed when
    it comes after it: the record shows the delay)."""
    report = convention.financial_report
    if not report.required or convention.effective_date is None:
        raise _refuse(convention, "report_received", "no_financial_report_owed")
    if report.received_on is not None:
        raise _refuse(convention, "report_received", "financial_report_already_received",
                      received_on=report.received_on)  # fmt: skip
    convention.financial_report = report.received(on)
    closure = _closure("financial_report", "met", "pending", "passed", met_on=on)
    return Effects({**inputs, "report": "financial"}, closures=(closure,))


def open_dispute(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """A party's registered letter opens the amicable window of article 6."""
    party = _party(convention, "open_dispute", inputs["party"])
    letter = _letter(convention, "open_dispute", inputs, on)
    clauses = convention.clauses
    try:
        window = dispute_window(letter, clauses.dispute_window_days, settings,
                               clauses.articles.dispute, convention.parties_nature())  # fmt: skip
    except LetterNotNotified:  # never collected, and the setting says it notifies nothing
        raise _refuse(
            convention, "open_dispute", "dispute_not_notified", article=clauses.articles.dispute
        ) from None
    assert window.earliest_court_date is not None
    convention.dispute = Dispute(
        party=party.key,
        letter=letter,
        opened_on=on,
        return_state=convention.state,
        window_end=window.due_date,
        earliest_court_date=window.earliest_court_date,
    )
    history = {"party": party.key, **letter_inputs(letter)}
    if inputs.get("subject"):
        history["subject"] = inputs["subject"]
    return Effects(history, opened=(window,))


def _forget_dispute(convention: Convention) -> None:
    convention.dispute = None


def _into_court(convention: Convention) -> None:
    if convention.dispute is not None:
        convention.dispute = replace(convention.dispute, in_court=True)


def settle(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The parties agree: the convention returns to the state the dispute came from (or, ended
    since the dispute opened, stays ended: rule 24); the amicable window and its reminders are
    cancelled."""
    return Effects(
        dict(inputs),
        closures=(_closure("dispute_window", "cancelled"),),
        after=[_forget_dispute],
    )


def go_to_court(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """A party seizes the court, no earlier than the day after the amicable window, before
    the convention's end or after it (rule 24)."""
    assert convention.dispute is not None
    if on < convention.dispute.earliest_court_date:
        raise CourtNotYetOpen(convention.reference, convention.dispute.earliest_court_date)
    return Effects(
        dict(inputs), closures=(_closure("dispute_window", "passed"),), after=[_into_court]
    )


def close_litigation(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The court case is over: the convention returns to where the dispute came from (or,
    ended since, stays ended: rule 24)."""
    return Effects(dict(inputs), after=[_forget_dispute])


def give_notice(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """A party's registered letter terminates the convention after the notice of article 7."""
    party = _party(convention, "give_notice", inputs["party"])
    letter = _letter(convention, "give_notice", inputs, on)
    clauses = convention.clauses
    try:
        computed = termination_notice(
            letter,
            clauses.termination_notice_months,
            settings,
            term=convention.end_date,
            article=clauses.articles.termination,
            term_source=clauses.articles.term,
        )
    except LetterNotNotified:
        raise _refuse(
            convention, "give_notice", "termination_not_notified",
            article=clauses.articles.termination,
        ) from None  # fmt: skip
    assert computed.notice_end is not None and computed.effective_end is not None
    if on > computed.effective_end:
        raise _refuse(
            convention, "give_notice", "termination_recorded_late",
            effective_end=computed.effective_end, on=on, letter_date=computed.trigger_date,
        )  # fmt: skip
    convention.notice = TerminationNotice(
        party=party.key,
        letter=letter,
        given_on=on,
        notice_end=computed.notice_end,
        effective_end=computed.effective_end,
        months=clauses.termination_notice_months,
    )
    return Effects({"party": party.key, **letter_inputs(letter)}, opened=(computed,))


def expire(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The term is reached: the convention ends, every open deadline with it but those that
    outlive it (OUTLIVING_KINDS); a dispute still open stays open (rule 24)."""
    _keep_dispute(convention)
    return Effects(
        {"end_date": convention.end_date.isoformat()},
        closures=(_closure("expiry", "applied"), _closure(None, "cancelled")),
    )


def _keep_dispute(convention: Convention) -> None:
    """A dispute open at the end survives it (rule 24): kept, and said in court when it was
    in litigation (the ended state no longer says it; a dispute recorded before `in_court`
    was kept has it from the state)."""
    dispute = convention.dispute
    if dispute is not None and convention.state == "litigation" and not dispute.in_court:
        convention.dispute = replace(dispute, in_court=True)


def terminate(
    convention: Convention, on: date, inputs: Mapping[str, str], settings: LegalSettings
) -> Effects:
    """The notice has run: the termination takes effect; a dispute still open stays open
    (rule 24)."""
    # `terminate` is allowed in dispute and litigation too, where no notice may be running.
    if convention.notice is None:
        raise _refuse(convention, "terminate", "no_notice_running")
    _keep_dispute(convention)
    return Effects(
        {"effective_end": convention.notice.effective_end.isoformat()},
        closures=(_closure("termination", "applied"), _closure(None, "cancelled")),
    )


SIDE_RULES: dict[str, Rule] = {
    "record_award": record_award,
    "publish": publish,
    "committee_meeting": committee_meeting,
    "committee_cadence": committee_cadence,
}
"""The rules of the records taken beside the lifecycle (states.lifecycle.SIDE_RECORDS)."""

RULES: dict[str, Rule] = {
    "submit": submit,
    "sign": sign,
    "cancel": cancel,
    "notify": notify,
    "pay": pay,
    "report_received": report_received,
    "forgo_payment": forgo_payment,
    "open_dispute": open_dispute,
    "settle": settle,
    "go_to_court": go_to_court,
    "close_litigation": close_litigation,
    "give_notice": give_notice,
    "expire": expire,
    "terminate": terminate,
}
