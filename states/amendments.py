"""Amendments (avenants): their own small lifecycle, what they may change, and what follows.

Article 5: any change needs another written amendment signed by both parties. An amendment
runs draft → signature → in_force (or abandoned) beside its convention while the convention
is in force; its last signature changes the convention's terms, and the deadlines that depend
on them are recomputed in the same transaction. Rule 13 of docs/LEGAL-DEADLINES.md: signed after
the term, it would be a new convention, so it is refused; one still in draft or signature when
the convention ends lapses with it (`lapse`, recorded by the service: « caduc », not abandoned
by anyone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from transitions import Machine

from states.calendar import end_of_day, french_date
from states.committee import next_meeting
from states.convention import Convention, Signatory, TerminationNotice
from states.deadlines import (
    ComputedDeadline,
    DeadlineClosure,
    DeadlineKind,
    LegalSettings,
    amendment_signature_target,
    balance_target,
    closed_by_end,
    expiry,
    instalment_target,
    payment_target,
    termination_notice,
    with_source,
)
from states.due import moot_kinds
from states.errors import GuardRejected, InvalidInput, InvalidTransition, UnknownEvent
from states.inputs import (
    AMENDMENT_INPUTS,
    LARGEST_AMOUNT,
    check_actor,
    check_keys,
    parse_amount,
    parse_day,
    parse_flag,
)
from states.lifecycle import IN_FORCE, check_not_before
from states.open_data import publication_update
from states.payments import (
    SINGLE_PAYMENT,
    Instalment,
    InstalmentProgress,
    balance_forgone,
    mark_balance_by,
    progress_of,
)

AMENDMENT_STATES = ("draft", "signature", "in_force", "abandoned", "lapsed")
AMENDMENT_EVENTS = ("submit", "sign", "abandon")
"""The events a person records on an amendment."""
SERVICE_AMENDMENT_EVENTS = ("lapse",)
"""The events only the service records: the convention ended before the last signature."""

TERMS = ("end_date", "amount")
CLAUSES = (
    "dispute_window_days",
    "termination_notice_months",
    "payment_target_days",
    "signature_target_days",
)
OFFSETS = (
    "reminders.expiry",
    "reminders.termination",
    "reminders.dispute_window",
    "reminders.payment",
)
REMINDER_SCALARS = ("reminders.signature_every_days", "reminders.court_possible")
FIELDS = (*TERMS, *CLAUSES, *OFFSETS, *REMINDER_SCALARS)
"""What an amendment may change, besides `signatory.<party>` (the party's whole list of
representatives, replaced)."""

REPRESENTATIVES = "signatory.<party>"
"""How refusals name the changes of a party's representatives among the FIELDS."""
INSTALMENT_AMOUNTS = "instalment.<n>.amount"
"""How refusals name the new amount of one instalment of a schedule (`instalment.2.amount`):
the convention's amount then becomes the sum of its schedule."""
AMENDABLE = (*FIELDS, REPRESENTATIVES, INSTALMENT_AMOUNTS)
_INSTALMENT_KEY = re.compile(r"^instalment\.([1-9][0-9]{0,2})\.amount$")
"""An instalment's number as written once (`instalment.2.amount`, never `instalment.02`)."""
MAX_OFFSETS = 12


@dataclass
class Amendment:
    """An amendment to one convention: what it proposes, who signed it, what it changed."""

    number: int
    state: str = "draft"
    changes: dict[str, str] = field(default_factory=dict)
    created_on: date | None = None
    submitted_on: date | None = None
    effective_date: date | None = None
    signatures: dict[str, date] = field(default_factory=dict)
    applied: dict[str, dict[str, str]] = field(default_factory=dict)
    last_event_on: date | None = None

    @property
    def title(self) -> str:
        """How the amendment is named in French: 'avenant n°1'."""
        return f"avenant n°\u00a0{self.number}"


def _complete(event: Any) -> bool:
    amendment, convention = event.model, event.kwargs["convention"]
    return all(s.email.lower() in amendment.signatures for s in convention.signatories)


MACHINE = Machine(
    model=None,
    states=list(AMENDMENT_STATES),
    transitions=[
        {"trigger": "submit", "source": "draft", "dest": "signature"},
        {"trigger": "sign", "source": "signature", "dest": "in_force", "conditions": [_complete]},
        {"trigger": "sign", "source": "signature", "dest": None},
        {"trigger": "abandon", "source": ["draft", "signature"], "dest": "abandoned"},
        {"trigger": "lapse", "source": ["draft", "signature"], "dest": "lapsed"},
    ],
    initial="draft",
    model_attribute="state",
    auto_transitions=False,
    send_event=True,
)


def allowed_amendment_events(state: str) -> list[str]:
    """The events a person may record on an amendment in `state`."""
    triggers = set(MACHINE.get_triggers(state))
    return [name for name in AMENDMENT_EVENTS if name in triggers]


def _offsets(text: str, key: str) -> str:
    try:
        days = sorted(
            {int(part) for part in text.replace(";", ",").split(",") if part.strip()}, reverse=True
        )
    except ValueError:
        raise InvalidInput(key, "not_a_list_of_days", value=text) from None
    if not 1 <= len(days) <= MAX_OFFSETS or any(not 0 <= d <= 730 for d in days):
        raise InvalidInput(key, "offsets_out_of_range", most=MAX_OFFSETS, low=0, high=730)
    return ",".join(str(d) for d in days)


def _whole(text: str, key: str, low: int, high: int) -> str:
    try:
        number = int(text)
    except ValueError:
        raise InvalidInput(key, "not_a_whole_number", value=text) from None
    if not low <= number <= high:
        raise InvalidInput(key, "number_out_of_range", value=number, low=low, high=high)
    return str(number)


def _representatives(text: str, key: str) -> str:
    people = []
    for item in text.split(";"):
        parts = [part.strip() for part in item.split("|")]
        if len(parts) != 3 or not all(parts) or "@" not in parts[2]:
            raise InvalidInput(key, "not_a_representative", value=item)
        people.append("|".join(parts))
    return ";".join(people)


def parse_changes(convention: Convention, inputs: Mapping[str, str]) -> dict[str, str]:
    """The changes an amendment proposes, checked and normalised; refuse what cannot be."""
    if not inputs:
        raise InvalidInput("changes", "no_change", terms=AMENDABLE)
    changes: dict[str, str] = {}
    for key, raw in inputs.items():
        key, text = key.strip(), str(raw).strip()
        changes[key] = _parse_one(convention, key, text)
        if changes[key] == current_value(convention, key):
            raise InvalidInput(key, "unchanged_term", value=changes[key])
    _check_one_signatory_per_email(convention, changes)
    _check_new_total(convention, changes)
    return changes


def _check_new_total(convention: Convention, changes: Mapping[str, str]) -> None:
    """Refuse new instalment amounts whose sum, the new total, is beyond what convflow keeps
    (each amount is within bounds on its own, their sum may not be)."""
    new_amounts = instalment_changes(convention, changes)
    if not new_amounts:
        return
    total = sum((dict(new_amounts).get(i, i.amount) for i in convention.clauses.instalments),
                Decimal("0"))  # fmt: skip
    if total > LARGEST_AMOUNT:
        key = instalment_key(new_amounts[-1][0].number)
        raise InvalidInput(key, "amount_too_large", most=str(LARGEST_AMOUNT))


def _check_one_signatory_per_email(convention: Convention, changes: Mapping[str, str]) -> None:
    """Refuse new representatives who would sign twice: one person, one signature."""
    appointed = {k.removeprefix("signatory."): v for k, v in changes.items()
                 if k.startswith("signatory.")}  # fmt: skip
    if not appointed:
        return
    signs_for = {s.email.lower(): s.party for s in convention.signatories
                 if s.party not in appointed}  # fmt: skip
    for party, text in appointed.items():
        for item in text.split(";"):
            email = item.split("|")[2].lower()
            if email in signs_for:
                raise InvalidInput(
                    f"signatory.{party}", "signs_twice", email=email, party=signs_for[email]
                )
            signs_for[email] = party


def _parse_one(convention: Convention, key: str, text: str) -> str:
    if key == "end_date":
        end = parse_day(text, key)
        if convention.effective_date and end < convention.effective_date:
            raise InvalidInput(
                key, "term_before_effect", end_date=end, effective_date=convention.effective_date
            )
        return end.isoformat()
    if key == "amount":
        if convention.clauses.instalments:
            # Which instalment takes the difference is for the amendment to say
            # (`instalment.<n>.amount`): a new total alone is refused, not spread by guess.
            raise InvalidInput(
                key, "amount_of_a_schedule", instalments=len(convention.clauses.instalments),
                term=instalment_key(convention.clauses.instalments[-1].number),
            )  # fmt: skip
        problem = forgone_payment_problem(convention)
        if problem is not None:
            raise InvalidInput(key, problem[0], **problem[1])
        amount = parse_amount(text, key)
        paid = convention.paid_amount or Decimal("0")
        if amount < paid:  # what was paid is paid: a lower amount would owe money back
            raise InvalidInput(key, "amount_below_paid", amount=amount, paid=paid)
        return str(amount)
    if key in ("dispute_window_days", "payment_target_days", "signature_target_days"):
        return _whole(text, key, 1, 365)
    if key == "termination_notice_months":
        return _whole(text, key, 1, 120)
    if key in OFFSETS:
        return _offsets(text, key)
    if key == "reminders.signature_every_days":
        return _whole(text, key, 1, 90)
    if key == "reminders.court_possible":
        return "yes" if parse_flag(text, key) else "no"
    if key.startswith("instalment."):
        return _parse_instalment(convention, key, text)
    if key.startswith("signatory."):
        party = key.removeprefix("signatory.")
        if convention.party(party) is None:
            keys = [p.key for p in convention.parties]
            raise InvalidInput(key, "unknown_party", party=party, parties=keys)
        return _representatives(text, key)
    raise InvalidInput(key, "not_amendable", terms=AMENDABLE)


def instalment_key(number: int) -> str:
    """The term an amendment changes to set the amount of instalment `number`."""
    return f"instalment.{number}.amount"


def instalment_number(key: str) -> int | None:
    """The instalment `instalment.<n>.amount` names (None for any other term)."""
    found = _INSTALMENT_KEY.match(key)
    return int(found.group(1)) if found else None


def _parse_instalment(convention: Convention, key: str, text: str) -> str:
    """A new amount for one instalment of the schedule (article 2; Code civil 1193: the parties
    change it by their agreement). The instalment must exist and not be forgone; what was paid
    on it is paid: the new amount is never below it (raised, the difference is a balance)."""
    schedule = convention.clauses.instalments
    number = instalment_number(key)
    if number is None or not schedule:
        raise InvalidInput(key, "not_amendable", terms=AMENDABLE)
    instalment = next((i for i in schedule if i.number == number), None)
    if instalment is None:
        numbers = [i.number for i in schedule]
        raise InvalidInput(key, "unknown_instalment", instalment=number, instalments=numbers)
    amount = parse_amount(text, key)
    _check_instalment_amount(convention, key, instalment, amount)
    return str(amount)


def _check_instalment_amount(
    convention: Convention, key: str, instalment: Instalment, amount: Decimal
) -> None:
    """Refuse at the draft a new amount of `instalment` that `instalment_problem` refuses."""
    problem = instalment_problem(convention, instalment, amount)
    if problem is not None:
        raise InvalidInput(key, problem[0], **problem[1])


def instalment_problem(
    convention: Convention, instalment: Instalment, amount: Decimal
) -> tuple[str, dict[str, Any]] | None:
    """Why `amount` cannot become the amount of `instalment` (a code and its parameters), if
    it cannot: the Métropole forwent it (rule 25: nothing is owed on it), or it is below what
    was paid on it (what was paid is paid). Asked at the draft, and again at the last
    signature: the instalment may have been paid or forgone since."""
    progress = progress_of(convention.paid_so_far(), instalment.number)
    if progress.forgone_on is not None:
        return "amend_forgone_instalment", {
            "instalment": instalment.number, "forgone_on": progress.forgone_on,
        }  # fmt: skip
    paid = paid_on_instalment(progress)
    if amount < paid:
        return "instalment_below_paid", {
            "instalment": instalment.number, "amount": amount, "paid": paid,
        }  # fmt: skip
    return None


def forgone_payment_problem(convention: Convention) -> tuple[str, dict[str, Any]] | None:
    """Why an amendment cannot change the amount of a convention paid in one payment, if it
    cannot: the Métropole forwent that payment, or the balance an amendment left on it (rule
    25). What was forgone is recorded with its amount; a new amount would rewrite it (the
    instalment's case: `instalment_problem`). Asked at the draft, and again at the last
    signature: the payment may have been forgone since."""
    progress = progress_of(convention.paid_so_far(), SINGLE_PAYMENT)
    if progress.forgone_on is None:
        return None
    if balance_forgone(progress):
        return "amend_forgone_balance", {
            "amount": progress.forgone_amount or Decimal("0"), "forgone_on": progress.forgone_on,
        }  # fmt: skip
    return "amend_forgone_payment", {"forgone_on": progress.forgone_on}


def paid_on_instalment(progress: InstalmentProgress) -> Decimal:
    """What was paid on one instalment so far (0 before its payment)."""
    if progress.paid_on is None:
        return Decimal("0")
    return progress.paid_amount or Decimal("0")


def current_value(convention: Convention, key: str) -> str:
    """The convention's current value of a changeable term, as text."""
    clauses = convention.clauses
    if key == "end_date":
        return convention.end_date.isoformat()
    if key == "amount":
        return str(convention.amount)
    if key in CLAUSES:
        return str(getattr(clauses, key))
    number = instalment_number(key)
    if number is not None:
        found = next((i for i in clauses.instalments if i.number == number), None)
        return str(found.amount) if found else ""
    name = key.removeprefix("reminders.")
    if key in OFFSETS:
        return ",".join(str(d) for d in getattr(clauses.reminders, name))
    if key in REMINDER_SCALARS:
        value = getattr(clauses.reminders, name)
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)
    party = key.removeprefix("signatory.")
    return ";".join(
        f"{s.name}|{s.title}|{s.email}" for s in convention.signatories if s.party == party
    )


@dataclass(frozen=True)
class AmendmentOutcome:
    """What one event on an amendment did, to the amendment and to its convention."""

    number: int
    trigger: str
    from_state: str
    to_state: str
    on: date
    actor: str
    inputs: dict[str, str]
    opened: tuple[ComputedDeadline, ...] = ()
    closures: tuple[DeadlineClosure, ...] = ()
    signed: Signatory | None = None
    representatives_replaced: tuple[str, ...] = ()
    ended_on_before: date | None = None
    """In force: the last day of the convention before the amendment (its term, or a running
    notice's end), which the in-force email compares with the one after it."""
    outgoing: tuple[Signatory, ...] = ()
    """The representatives the amendment replaced: they signed it, and hear it is in force."""


def _check(
    convention: Convention, amendment: Amendment, trigger: str, on: date, today: date
) -> None:
    reference, number = convention.reference, amendment.number
    if amendment.state == "lapsed":
        _refuse_lapsed(convention, amendment, trigger, on)
    if trigger in SERVICE_AMENDMENT_EVENTS and convention.state in IN_FORCE:
        raise UnknownEvent(trigger, AMENDMENT_EVENTS)  # the service's, once the convention ended
    if trigger not in MACHINE.get_triggers(amendment.state):
        raise InvalidTransition(
            reference,
            trigger,
            amendment.state,
            allowed_amendment_events(amendment.state),
            amendment=amendment.number,
        )
    if trigger not in ("abandon", "lapse") and convention.state not in IN_FORCE:
        raise GuardRejected(
            reference, trigger, "convention_not_in_force", amendment=number,
            state=convention.state,
        )  # fmt: skip
    if on > today:
        raise GuardRejected(
            reference, trigger, "dated_in_future", amendment=number, on=on, today=today
        )
    # The history stays in date order: not before this amendment's last event, nor before
    # the convention's (its own events and its other amendments'), nor before its effect.
    # But for the last signature of an extension dated on or before the term and received
    # during the expiry's hold (rule 27): the payments recorded meanwhile, dated after the term
    # (states.lifecycle.AFTER_TERM_WHILE_HELD), do not make it too early.
    last = convention.last_event_on
    if trigger == "sign" and last is not None and on <= convention.end_date < last:
        last = None
    known = [
        d
        for d in (
            amendment.last_event_on,
            amendment.created_on,
            convention.effective_date,
            last,
        )
        if d is not None
    ]
    if known and on < max(known):
        raise GuardRejected(
            reference, trigger, "amendment_dated_too_early", amendment=number, on=on,
            earliest=max(known),
        )  # fmt: skip


def _refuse_lapsed(convention: Convention, amendment: Amendment, trigger: str, on: date) -> None:
    """An amendment lapsed with its convention: nothing more can be recorded on it, and the
    refusal says why. A last signature dated on or before the term (valid under rule 13) that
    reaches convflow after the service recorded the end is said as such, with what to do:
    convflow cannot yet withdraw a recorded expiry."""
    ended_on = convention.ends_on()
    missing = [s.email for s in convention.signatories
               if s.email.lower() not in amendment.signatures]  # fmt: skip
    if trigger == "sign" and on <= ended_on:
        raise GuardRejected(
            convention.reference, trigger, "amendment_lapsed_signed_before_end",
            amendment=amendment.number, on=on, ended_on=ended_on, missing=missing,
        )  # fmt: skip
    raise GuardRejected(
        convention.reference, trigger, "amendment_lapsed", amendment=amendment.number,
        ended_on=ended_on,
    )  # fmt: skip


def check_draft_date(convention: Convention, on: date, today: date) -> None:
    """An amendment is drafted on a day already come, not before the last recorded event."""
    if on > today:
        raise GuardRejected(convention.reference, "amend", "dated_in_future", on=on, today=today)
    # After every line recorded, the amendments' included: an amendment's events are dated in
    # the order of all (see `_check`).
    check_not_before(convention, "amend", on, amendments_too=True)
    convention.last_event_on = on


def check_new_term(changes: Mapping[str, str], on: date) -> None:
    """A new term already past on `on` (the draft's day, the submission's) is refused now:
    the avenant could only take effect after it, at its last signature."""
    new_end = changes.get("end_date")
    if new_end and date.fromisoformat(new_end) < on:
        raise InvalidInput("end_date", "amendment_term_already_past", new_end=new_end, on=on)


def fire_amendment(
    convention: Convention,
    amendment: Amendment,
    trigger: str,
    *,
    on: date,
    actor: str,
    today: date,
    legal: LegalSettings,
    inputs: Mapping[str, str] | None = None,
) -> AmendmentOutcome:
    """Record `trigger` on an amendment; at its last signature, apply it to the convention."""
    _check(convention, amendment, trigger, on, today)
    inputs = check_keys(trigger, inputs or {}, AMENDMENT_INPUTS)
    check_actor(actor)
    from_state = amendment.state
    handler = {"submit": _submit, "sign": _sign, "abandon": _abandon, "lapse": _lapse}[trigger]
    outcome = handler(convention, amendment, on, actor, inputs, legal)
    moved = MACHINE.events[trigger].trigger(amendment, convention=convention)
    assert moved, "every rule leaves a passing condition"
    amendment.last_event_on = on
    convention.last_event_on = max(on, convention.last_event_on or on)
    if amendment.state == "in_force":
        # the convention's terms change on this date: its events are dated on or after it
        convention.terms_changed_on, convention.terms_changed_by = on, amendment.number
        outcome = _apply(convention, amendment, on, outcome, legal)
    return replace(outcome, from_state=from_state, to_state=amendment.state)


def _base(
    amendment: Amendment, trigger: str, on: date, actor: str, inputs: dict[str, str]
) -> AmendmentOutcome:
    return AmendmentOutcome(
        amendment.number, trigger, amendment.state, amendment.state, on, actor, inputs
    )


def _submit(
    convention: Convention,
    amendment: Amendment,
    on: date,
    actor: str,
    inputs: dict[str, str],
    legal: LegalSettings,
) -> AmendmentOutcome:
    new_end = amendment.changes.get("end_date")
    if new_end and date.fromisoformat(new_end) < on:
        raise GuardRejected(
            convention.reference, "submit", "amendment_term_already_past",
            amendment=amendment.number, new_end=new_end, on=on,
        )  # fmt: skip
    amendment.submitted_on = on
    days = convention.clauses.signature_target_days
    target = amendment_signature_target(
        on, days, amendment.number, convention.clauses.articles.amendment, convention.ends_on()
    )
    return replace(_base(amendment, "submit", on, actor, inputs), opened=(target,))


def _abandon(
    convention: Convention,
    amendment: Amendment,
    on: date,
    actor: str,
    inputs: dict[str, str],
    legal: LegalSettings,
) -> AmendmentOutcome:
    closure = DeadlineClosure("amendment_signature", "cancelled")
    return replace(_base(amendment, "abandon", on, actor, inputs), closures=(closure,))


def _lapse(
    convention: Convention,
    amendment: Amendment,
    on: date,
    actor: str,
    inputs: dict[str, str],
    legal: LegalSettings,
) -> AmendmentOutcome:
    """The convention ended (expired, terminated) before the last signature: the amendment
    lapses with it; the history says how it ended and on which day."""
    closure = DeadlineClosure("amendment_signature", "cancelled")
    # the key the convention's own end records: `end_date` (expire), `effective_end` (terminate)
    key = "end_date" if convention.state == "expired" else "effective_end"
    ended = {key: convention.ends_on().isoformat()}
    return replace(_base(amendment, "lapse", on, actor, ended), closures=(closure,))


def _sign(
    convention: Convention,
    amendment: Amendment,
    on: date,
    actor: str,
    inputs: dict[str, str],
    legal: LegalSettings,
) -> AmendmentOutcome:
    reference, number = convention.reference, amendment.number
    email = inputs["signatory"]
    signatory = convention.signatory(email)
    if signatory is None:
        known = [s.email for s in convention.signatories]
        raise GuardRejected(
            reference, "sign", "not_a_signatory", amendment=number, signatory=email,
            signatories=known,
        )  # fmt: skip
    if signatory.email.lower() in amendment.signatures:
        signed = amendment.signatures[signatory.email.lower()]
        raise GuardRejected(
            reference, "sign", "already_signed", amendment=number, signatory=signatory.email,
            signed_on=signed,
        )  # fmt: skip
    term = convention.ends_on()
    if on > term:  # rule 13 of docs/LEGAL-DEADLINES.md
        raise GuardRejected(
            reference, "sign", "amendment_signed_after_term", amendment=number, on=on, term=term
        )
    missing = {s.email.lower() for s in convention.signatories} - set(amendment.signatures)
    new_end = amendment.changes.get("end_date")
    if missing == {signatory.email.lower()} and new_end and date.fromisoformat(new_end) < on:
        raise GuardRejected(
            reference, "sign", "amendment_term_over", amendment=number, new_end=new_end, on=on
        )
    if missing == {signatory.email.lower()}:
        _check_amount_still_above_paid(convention, amendment)
    amendment.signatures[signatory.email.lower()] = on
    history = {"signatory": signatory.email, "party": signatory.party}
    return replace(
        _base(amendment, "sign", on, actor, history), signed=replace(signatory, signed_on=on)
    )


def _check_amount_still_above_paid(convention: Convention, amendment: Amendment) -> None:
    """At the last signature, an amount drafted before a payment may have fallen below what
    has been paid since: refused, as it is at the draft."""
    new_amount = amendment.changes.get("amount")
    forgone = forgone_payment_problem(convention) if new_amount is not None else None
    if forgone is not None:
        raise GuardRejected(convention.reference, "sign", forgone[0],
                            amendment=amendment.number, **forgone[1])  # fmt: skip
    paid = convention.paid_amount or Decimal("0")
    if new_amount is not None and Decimal(new_amount) < paid:
        raise GuardRejected(
            convention.reference, "sign", "amount_below_paid", amendment=amendment.number,
            amount=new_amount, paid=paid,
        )  # fmt: skip
    for instalment, amount in instalment_changes(convention, amendment.changes):
        problem = instalment_problem(convention, instalment, amount)
        if problem is not None:
            raise GuardRejected(convention.reference, "sign", problem[0],
                                amendment=amendment.number, **problem[1])  # fmt: skip


def instalment_changes(
    convention: Convention, changes: Mapping[str, str]
) -> list[tuple[Instalment, Decimal]]:
    """The instalments of the schedule `changes` give a new amount, each with that amount."""
    found = []
    for instalment in convention.clauses.instalments:
        text = changes.get(instalment_key(instalment.number))
        if text is not None:
            found.append((instalment, Decimal(text)))
    return found


def _apply(
    convention: Convention,
    amendment: Amendment,
    on: date,
    outcome: AmendmentOutcome,
    legal: LegalSettings,
) -> AmendmentOutcome:
    """The last signature: the convention's terms change and its deadlines follow."""
    amendment.effective_date = on
    touched = changed_terms(amendment.changes)
    before = {key: current_value(convention, key) for key in touched}
    moot_before = moot_kinds(convention)
    was = deepcopy(convention)
    _set_terms(convention, amendment.changes)
    _mark_balances(convention, amendment)
    amendment.applied = {
        key: {"before": before[key], "after": current_value(convention, key)} for key in touched
    }
    replaced = tuple(
        k.removeprefix("signatory.") for k in amendment.changes if k.startswith("signatory.")
    )
    outgoing = tuple(s for s in was.signatories if s.party in replaced)
    closures, opened = follow_terms(convention, amendment, legal, moot_before)
    update = publication_update(was, convention, amendment.title, on, legal, amendment.number)
    if update is not None:
        opened = (*opened, update)
    return replace(
        outcome,
        opened=outcome.opened + opened,
        closures=(DeadlineClosure("amendment_signature", "met", met_on=on), *closures),
        representatives_replaced=replaced,
        ended_on_before=was.ends_on(),
        outgoing=outgoing,
    )


def _mark_balances(convention: Convention, amendment: Amendment) -> None:
    """Each payment already made that `amendment`, now in force, raised (the single payment's
    amount, or an instalment's) keeps that the balance it left is this amendment's (« solde
    fixé par l'avenant n° 1 »): its payment, its refusals and its emails name it."""
    numbers = [i.number for i, _ in instalment_changes(convention, amendment.changes)]
    if "amount" in amendment.changes and not convention.clauses.instalments:
        numbers.append(SINGLE_PAYMENT)
    for number in numbers:
        made = _paid_and_balance(convention, number)
        if made is not None and made[1] > 0:
            convention.payments = mark_balance_by(convention.paid_so_far(), number,
                                                  amendment.number)  # fmt: skip


def changed_terms(changes: Mapping[str, str]) -> list[str]:
    """The terms `changes` change: each one it names, then the convention's `amount` when it
    names an instalment's (the amount is the sum of the schedule), as `applied` records them."""
    keys = list(changes)
    if any(instalment_number(key) is not None for key in keys) and "amount" not in keys:
        keys.append("amount")
    return keys


def _set_terms(convention: Convention, changes: Mapping[str, str]) -> None:
    clauses, offsets = convention.clauses, convention.clauses.reminders
    clause_changes: dict[str, Any] = {}
    offset_changes: dict[str, Any] = {}
    new_amounts = dict(instalment_changes(convention, changes))
    if new_amounts:
        schedule = tuple(replace(i, amount=new_amounts.get(i, i.amount))
                         for i in clauses.instalments)  # fmt: skip
        clause_changes["instalments"] = schedule
        convention.amount = sum((i.amount for i in schedule), Decimal("0"))
    for key, text in changes.items():
        if instalment_number(key) is not None:  # set with the schedule, above
            continue
        if key == "end_date":
            convention.end_date = date.fromisoformat(text)
        elif key == "amount":
            convention.amount = Decimal(text)
        elif key in CLAUSES:
            clause_changes[key] = int(text)
        elif key in OFFSETS:
            offset_changes[key.removeprefix("reminders.")] = tuple(int(d) for d in text.split(","))
        elif key == "reminders.signature_every_days":
            offset_changes["signature_every_days"] = int(text)
        elif key == "reminders.court_possible":
            offset_changes["court_possible"] = text == "yes"
        else:
            _replace_representatives(convention, key.removeprefix("signatory."), text)
    if offset_changes:
        clause_changes["reminders"] = replace(offsets, **offset_changes)
    if clause_changes:
        convention.clauses = replace(clauses, **clause_changes)


def consolidated(convention: Convention, amendment: Amendment) -> Convention:
    """The convention as it would read once `amendment` is in force (a copy: nothing stored
    changes), for the draft that states its consolidated terms."""
    after = deepcopy(convention)
    _set_terms(after, amendment.changes)
    return after


def _replace_representatives(convention: Convention, party: str, text: str) -> None:
    others = [s for s in convention.signatories if s.party != party]
    new = []
    for item in text.split(";"):
        name, title, email = item.split("|")
        new.append(Signatory(party, name, title, email))
    convention.signatories = others + new


def _follow_committee(
    convention: Convention, amendment: Amendment, source: str
) -> tuple[list[DeadlineClosure], list[ComputedDeadline]]:
    """A new term and the committee's next meeting (rule 23): one the new term's end closes
    is superseded; one the old term's end closed (states.deadlines.closed_by_end: on its last
    day or after) and the new one does not is opened, in place of any still pending (one
    opened on the old term's own day before that day was read as closed)."""
    if convention.committee.cadence_months is None:
        return [], []
    found = next_meeting(convention.committee, convention.effective_date, convention.ends_on(),
                         convention.clauses.articles.committee)  # fmt: skip
    if found is None:
        return [DeadlineClosure("committee", "superseded")], []
    old_end = date.fromisoformat(amendment.applied["end_date"]["before"])
    if closed_by_end("committee", found.expires_at, end_of_day(old_end)):
        return [DeadlineClosure("committee", "superseded")], [with_source(found, source)]
    return [], []


def _follow_balance(
    convention: Convention, amendment: Amendment, source: str, number: int = SINGLE_PAYMENT
) -> tuple[list[DeadlineClosure], list[ComputedDeadline]]:
    """A new amount once its payment was made (the single payment, or instalment `number`): a
    balance target not met yet is superseded, and the balance now due, if any, is targeted
    `payment_target_days` after the amendment takes effect. Before the payment, the payment is
    simply the new amount."""
    made = _paid_and_balance(convention, number)
    if made is None:
        return [], []
    paid, balance = made
    closures = [DeadlineClosure("payment", "superseded", instalment=number or None)]
    if not balance:
        return closures, []
    clauses = convention.clauses
    target = balance_target(
        amendment.effective_date or date.min, clauses.payment_target_days, balance, paid,
        amendment.title, clauses.articles.payment, instalment=number,
    )  # fmt: skip
    return closures, [with_source(target, source)]


def _paid_and_balance(convention: Convention, number: int) -> tuple[Decimal, Decimal] | None:
    """What was paid on payment `number` (0: the single payment) and what remains due on it
    (the balance an amendment raising it left); None before it is paid."""
    if number == SINGLE_PAYMENT:
        if convention.clauses.instalments or convention.paid_on is None:
            return None
        return convention.paid_amount or Decimal("0"), convention.balance_due()
    progress = progress_of(convention.paid_so_far(), number)
    instalment = next((i for i in convention.clauses.instalments if i.number == number), None)
    if progress.paid_on is None or instalment is None:
        return None
    return progress.paid_amount or Decimal("0"), convention.still_due(instalment)


def _follow_instalment(
    convention: Convention, amendment: Amendment, source: str, instalment: Instalment
) -> tuple[list[DeadlineClosure], list[ComputedDeadline]]:
    """A new amount of one instalment: paid, its balance (`_follow_balance`); due already (its
    notification, date or report came) and its target not passed when the amendment takes
    effect, that target says the new amount (same start and days, rule 26); not due yet, it
    is due with the new amount when its trigger comes."""
    progress = progress_of(convention.paid_so_far(), instalment.number)
    if progress.paid_on is not None:
        return _follow_balance(convention, amendment, source, instalment.number)
    started = (progress.report_received_on if instalment.trigger == "report"
               else convention.notified_on)  # fmt: skip
    if started is None:
        return [], []
    clauses = convention.clauses
    days = kept_period(amendment, "payment_target_days", clauses.payment_target_days)
    target = instalment_target(instalment, len(clauses.instalments), started, days,
                               clauses.articles.payment)  # fmt: skip
    if target.due_date < (amendment.effective_date or date.min):
        return [], []  # passed: it stays as it was recorded, the payment owes the new amount
    closure = DeadlineClosure("payment", "superseded", instalment=instalment.number)
    return [closure], [with_source(target, source)]


def follow_terms(
    convention: Convention,
    amendment: Amendment,
    legal: LegalSettings,
    moot_before: frozenset[DeadlineKind] = frozenset(),
) -> tuple[tuple[DeadlineClosure, ...], tuple[ComputedDeadline, ...]]:
    """The deadlines an amendment in force recomputes: superseded ones, and their successors.

    The term is opened again when the amendment makes it fall once more (a notice that ended
    before it now ends after it), so that its reminders, cancelled as moot, are planned again.
    """
    changed = set(amendment.changes)
    source = f"{amendment.title}, en vigueur le {french_date(amendment.effective_date or date.min)}"
    clauses, articles = convention.clauses, convention.clauses.articles
    closures: list[DeadlineClosure] = []
    opened: list[ComputedDeadline] = []
    if changed & {"end_date", "reminders.expiry"}:
        closures.append(DeadlineClosure("expiry", "superseded"))
        opened.append(expiry(convention.end_date, articles.term, source=source))
    notice = convention.notice
    # Rule 26 of docs/LEGAL-DEADLINES.md: a new notice period does not reach a notice already
    # running, which keeps the months of the clause it was given under; a new term is set
    # against the notice's own end (rule 10), which may then come first.
    if notice is not None and changed & {"end_date", "reminders.termination"}:
        months = kept_notice_months(notice, amendment, clauses.termination_notice_months)
        recomputed = termination_notice(
            notice.letter,
            months,
            legal,
            term=convention.end_date,
            article=articles.termination,
            term_source=(
                f"{articles.term}, {amendment.title}" if "end_date" in changed else articles.term
            ),
        )
        assert recomputed.notice_end and recomputed.effective_end
        convention.notice = TerminationNotice(
            notice.party,
            notice.letter,
            notice.given_on,
            recomputed.notice_end,
            recomputed.effective_end,
            months,
        )
        closures.append(DeadlineClosure("termination", "superseded"))
        opened.append(with_source(recomputed, source))
        if "expiry" in moot_before - moot_kinds(convention) and not changed & {
            "end_date",
            "reminders.expiry",
        }:
            closures.append(DeadlineClosure("expiry", "superseded"))
            opened.append(expiry(convention.end_date, articles.term, source=source))
    if "end_date" in changed:
        closures_, opened_ = _follow_committee(convention, amendment, source)
        closures += closures_
        opened += opened_
    if "amount" in changed:
        closures_, opened_ = _follow_balance(convention, amendment, source)
        closures += closures_
        opened += opened_
    for instalment, _ in instalment_changes(convention, amendment.changes):
        closures_, opened_ = _follow_instalment(convention, amendment, source, instalment)
        closures += closures_
        opened += opened_
    if (
        convention.state == "payment" and convention.notified_on and "reminders.payment" in changed
    ):  # its reminders replanned; the target itself keeps its days (rule 26)
        closures.append(DeadlineClosure("payment", "superseded"))
        days = kept_period(amendment, "payment_target_days", clauses.payment_target_days)
        target = payment_target(convention.notified_on, days, articles.payment)
        opened.append(with_source(target, source))
    return tuple(closures), tuple(opened)


def kept_period(amendment: Amendment, key: str, current: int) -> int:
    """The period `key` a step already running when `amendment` took effect keeps (rule 26 of
    docs/LEGAL-DEADLINES.md): the one the amendment replaced, or the current one it left."""
    applied = amendment.applied.get(key)
    return int(applied["before"]) if applied else current


def period_for_step(amendments: Iterable[Amendment], key: str, started: date, current: int) -> int:
    """The period `key` of a step started on `started` (a payment target from its trigger):
    the one in force that day (rule 26), which an amendment taking effect after it did not
    reach; `current` when none did."""
    later = sorted(
        (a for a in amendments if a.state == "in_force" and key in a.applied
         and a.effective_date is not None and a.effective_date > started),
        key=lambda a: (a.effective_date or date.min, a.number),
    )  # fmt: skip
    return int(later[0].applied[key]["before"]) if later else current


def kept_notice_months(notice: TerminationNotice, amendment: Amendment, current: int) -> int:
    """The months of the clause a running termination notice was given under (rule 26): kept
    with the notice; for one recorded before they were, the months `amendment` replaced."""
    if notice.months is not None:
        return notice.months
    return kept_period(amendment, "termination_notice_months", current)
