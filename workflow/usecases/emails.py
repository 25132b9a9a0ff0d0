"""Emails decided by the workflow: who receives them, what they say, and their outbox row.

An email is decided inside the transaction of the event (or deadline, or reminder) that
causes it and written to the outbox with its recipients, a stable Message-ID derived from its
idempotency key, and its facts as plain JSON, frozen as they were when it was decided: the
convention (its state, parties, who had signed, its terms), the deadline, the event and its
inputs, the amendment. The dispatcher renders it later from those facts alone, so an email
delivered after a delay still says what was true when it was decided; only what is relative to
the moment it is read ("dans 3 jours") is worked out at delivery.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import quote

from notifications.addresses import mail_domain
from states.amendments import Amendment, AmendmentOutcome, current_value, kept_notice_months
from states.calendar import civil_date
from states.committee import committee_words
from states.convention import Articles, Convention
from states.deadlines import (
    ComputedDeadline,
    LegalSettings,
    counted_from,
    for_partners,
    termination_notice,
)
from states.due import ANNOUNCEMENTS, hold_last_day
from states.financial_report import exercise
from states.inputs import parse_flag
from states.ledger import ledger
from states.lifecycle import ENDED_IN_FORCE, Outcome
from states.open_data import amount_at_signature
from states.payments import SINGLE_PAYMENT, progress_of
from states.retention import open_because
from storage.outbox import Email
from storage.uow import UnitOfWork
from workflow.settings import Settings
from workflow.usecases.schedule import instalment_views, remaining_payments
from workflow.wording import labels
from workflow.wording.values import input_text, term_text

EVENT_NOTICES = {
    "submit": "signature_requested",
    "notify": "award_notified",
    "pay": "payment_recorded",
    "forgo_payment": "payment_forgone",
    "report_received": "report_received",
    "open_dispute": "dispute_opened",
    "settle": "dispute_settled",
    "go_to_court": "litigation_opened",
    "close_litigation": "litigation_closed",
    "give_notice": "notice_given",
    "expire": "convention_expired",
    "terminate": "convention_terminated",
    "cancel": "convention_cancelled",
}
"""The email each event sends (the last signature sends `convention_in_force`; the financial
report of rule 20, `report_received report=financial`, sends `financial_report_received`)."""

DEADLINE_NOTICES = ANNOUNCEMENTS
"""The email announcing a deadline that passed with no automatic event (the due policy's)."""

_SIGNATURE_KINDS = ("signature_requested", "reminder_signature")
_GRANTOR_KINDS = ("reminder_publication", "publication_missed", "reminder_committee")
_BENEFICIARY_KINDS = ("reminder_financial_report", "financial_report_missed", "payment_forgone")
# The local part as RFC 5322 allows it (atext): « o'brien@… » is one address, not « brien@… ».
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
Audience = Literal["partners", "service"]
"""Who an email speaks to: the signatories, or the Métropole's service (its internal note)."""


def recorded_late(settings: Settings, on: date, now: datetime) -> bool:
    """True when an event dated `on` is recorded after the fact: more than the late-record
    horizon (CONVFLOW_LATE_RECORD_DAYS) before today, in Paris. Telling the partners today of
    what happened weeks ago would read as news: the administrators are told instead."""
    return (civil_date(now) - on).days > int(settings.late_record_days)


def notice_for(outcome: Outcome) -> str | None:
    """The email kind a recorded event sends, if any."""
    if outcome.trigger == "sign":
        return "convention_in_force" if outcome.to_state == "notification" else None
    if outcome.trigger == "report_received" and outcome.inputs.get("report") == "financial":
        return "financial_report_received"
    return EVENT_NOTICES.get(outcome.trigger)


@lru_cache(maxsize=8)
def _domain(mail_from: str) -> str:
    return mail_domain(mail_from)


def message_id(key: str, mail_from: str, salt: str = "") -> str:
    """A Message-ID that is the same for every attempt at the same email, and (with this
    database's salt) different from every other database's."""
    digest = hashlib.sha256(f"{salt}:{key}".encode() if salt else key.encode())
    return f"<{digest.hexdigest()[:32]}@{_domain(mail_from)}>"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


_ARTICLE_FIELDS = tuple(f.name for f in fields(Articles))


def _articles(articles: Articles) -> dict[str, Any]:
    # What asdict() gives for its flat fields of text, without its recursive deep copy (a
    # tenth of an email's snapshot, for every recorded event that sends one).
    return {name: getattr(articles, name) for name in _ARTICLE_FIELDS}


def convention_snapshot(convention: Convention) -> dict[str, Any]:
    """The convention as emails describe it, as JSON; `balance` only while an amendment has
    raised a single payment already made (what is left, and what was paid before it), so
    the payment's reminder and lateness speak of the balance, not of the whole amount;
    `payments_recap` once the Métropole has forgone some of it (paid, forgone, left to pay:
    states.ledger), so the amount is never read as all owed."""
    snapshot = {
        "reference": convention.reference,
        "title": convention.title,
        "object": convention.object,
        "amount": str(convention.amount),
        "end_date": _iso(convention.end_date),
        "effective_date": _iso(convention.effective_date),
        "state": convention.state,
        "state_label": labels.state(convention.state),
        "place": convention.place,
        "clauses": {
            "dispute_window_days": convention.clauses.dispute_window_days,
            "termination_notice_months": convention.clauses.termination_notice_months,
            "payment_target_days": convention.clauses.payment_target_days,
            "articles": _articles(convention.clauses.articles),
        },
        "instalments": [dict(view) for view in instalment_views(convention)],
        "financial_report": financial_report_snapshot(convention),
        "committee": committee_snapshot(convention),
        "parties_nature": convention.parties_nature(),
        "parties": [
            {
                "key": party.key,
                "name": party.name,
                "signatories": [
                    {
                        "name": s.name,
                        "title": s.title,
                        "email": s.email,
                        "signed_on": _iso(s.signed_on),
                        # designated by an amendment after the convention took effect: it
                        # is signed for this party, by the one this person replaced (as
                        # `status` says it), not waiting for a signature
                        "appointed_after_signature": s.signed_on is None
                        and convention.effective_date is not None,
                    }
                    for s in convention.signatories
                    if s.party == party.key
                ],
            }
            for party in convention.parties
        ],
    }
    balance = _balance(convention)
    if balance is not None:
        snapshot["balance"] = balance
    figures = ledger(convention)
    if figures.forgone:  # the amount alone would read as owed: what was paid, forgone, left
        snapshot["payments_recap"] = {"paid_amount": str(figures.paid),
                                      "forgone_amount": str(figures.forgone),
                                      "left_amount": str(figures.left)}  # fmt: skip
    if convention.state in ENDED_IN_FORCE:
        snapshot.update(_after_end(convention))
    notice = convention.notice
    if convention.state == "termination" and notice and notice.effective_end < convention.end_date:
        # a notice running, ending before the term: the day the termination takes effect (a
        # payment recorded meanwhile says the convention runs until then, not until its term)
        snapshot["terminates_on"] = _iso(notice.effective_end)
    elif convention.state == "termination" and notice:
        # a notice the term overrides (it would end on the term's day or after): the state says
        # « en cours de résiliation », the emails say the convention runs to its term and
        # the termination will have no effect; who gave it and when it would have ended
        party = convention.party(notice.party)
        snapshot["notice_overridden"] = {
            "party": party.name if party is not None else notice.party,
            "notice_end": _iso(notice.notice_end),
        }
    return snapshot


def _after_end(convention: Convention) -> dict[str, Any]:
    """What emails say of an ended convention (expired, terminated): the day it ended, the
    instalments still to pay, which stay due (rule 25: each one's amount and condition), and the
    dispute still open then, which outlives it (rule 24: its window, its court date, whether the
    court is seized); the keys absent for a convention in force, and when nothing is left."""
    said: dict[str, Any] = {"ended_on": _iso(convention.ends_on())}
    remaining = remaining_payments(convention)
    if remaining:  # rule 25: what was earned during the term stays due after it
        said["remaining_payments"] = remaining
    dispute = convention.dispute
    if dispute is not None:
        letter = dispute.letter
        said["open_dispute"] = {
            "notified_on": _iso(letter.received or letter.presented or dispute.opened_on),
            "window_end": _iso(dispute.window_end),
            "earliest_court_date": _iso(dispute.earliest_court_date),
            "in_court": dispute.in_court,
        }
    return said


def _balance(convention: Convention) -> dict[str, str] | None:
    """The balance an amendment raising the amount left to pay on a single payment already
    made, as emails state it: its amount and what was paid before it; None when none is due."""
    balance = convention.balance_due()
    if not balance:
        return None
    return {"amount": str(balance), "paid_before": str(convention.amount - balance)}


def committee_snapshot(convention: Convention) -> dict[str, Any]:
    """The convention's committee as emails name it (states.committee.committee_words): its
    name and article, and the phrases a sentence takes (« un Comité technique », « de la
    Commission de suivi », the pronoun « le » or « la »); `model`: the model convention's
    Comité technique, whose role the emails tell. Frozen with the rest: an email queued before
    the committee was renamed names it as it was then called."""
    words = committee_words(convention.committee.name, convention.clauses.articles.committee)
    return {
        "name": words.name,
        "article": words.article,
        "noun": words.noun,
        "a": words.a(),
        "the": words.the(),
        "of": words.of(),
        "the_short": words.the(short=True),
        "of_short": words.of(short=True),
        "pronoun": words.pronoun,
        "model": words.model,
    }


def financial_report_snapshot(convention: Convention) -> dict[str, Any] | None:
    """What emails say of the financial report owed (rule 20): why, and for which exercise."""
    report = convention.financial_report
    if not report.required:
        return None
    return {"basis": report.basis, "exercise": exercise(report)}


def deadline_snapshot(
    kind: str,
    due_date: date,
    expires_at: datetime,
    explanation: str,
    earliest_court_date: date | None,
    days_before: int | None = None,
    instalment: int = 0,
    signed_on: date | None = None,
    amendment: int = 0,
    amount_changed: bool = False,
) -> dict[str, Any]:
    """A deadline as emails describe it, as JSON (`instalment`: for a payment, which one;
    0 for the single payment), its explanation as the partners read it (no setting). A
    publication of the open data also says the signature it counts from (`signed_on`) and
    whether it is the legal one (`amendment` 0) or the update after amendment n°`amendment`,
    the Métropole's own practice (rule 19), and whether that amendment changed the amount
    (`amount_changed`)."""
    snapshot = {
        "instalment": instalment,
        "kind": kind,
        "kind_label": labels.deadline(kind),
        "due_date": _iso(due_date),
        "expires_at": _iso(expires_at),
        # the settings it was computed with are the service's: `convflow status` says them
        "explanation": for_partners(explanation),
        "earliest_court_date": _iso(earliest_court_date),
        "days_before": days_before,
    }
    if kind == "publication":
        snapshot.update(
            signed_on=_iso(signed_on), amendment=amendment, amount_changed=amount_changed,
            explanation=amount_at_signature(for_partners(explanation)),
        )  # fmt: skip
    return snapshot


def computed_snapshot(deadline: ComputedDeadline) -> dict[str, Any]:
    """A just-computed deadline as emails describe it; a termination also says whether the
    notice or the term comes first (`ends_by`) and when the notice alone would end."""
    snapshot = deadline_snapshot(
        deadline.kind,
        deadline.due_date,
        deadline.expires_at,
        deadline.explanation,
        deadline.earliest_court_date,
        instalment=deadline.instalment,
        signed_on=deadline.trigger_date,
        amendment=deadline.amendment,
        amount_changed=deadline.amount_changed,
    )
    if deadline.ends_by is not None:
        snapshot.update(ends_by=deadline.ends_by, notice_end=_iso(deadline.notice_end))
    return snapshot


def amendment_snapshot(amendment: Amendment, convention: Convention) -> dict[str, Any]:
    """An amendment as emails describe it: its number, what it changes (from the terms it
    replaced once in force, from the convention's current terms before), when it took effect."""
    changes = []
    # the total an instalment's new amount changed (states.amendments.changed_terms), after it
    derived = {key: values["after"] for key, values in amendment.applied.items()
               if key not in amendment.changes}  # fmt: skip
    for key, value in {**amendment.changes, **derived}.items():
        applied = amendment.applied.get(key)
        before = applied["before"] if applied else current_value(convention, key)
        after = applied["after"] if applied else value
        changes.append({
            "field": key,
            "label": labels.term(key),
            "before": term_text(key, before),
            "after": term_text(key, after),
        })  # fmt: skip
    return {
        "number": amendment.number,
        "changes": changes,
        "effective_date": _iso(amendment.effective_date),
    }


PERIODS = ("termination_notice_months", "payment_target_days", "dispute_window_days")
"""The clause periods an amendment may change that a step already running may have started
under (rule 26 of docs/LEGAL-DEADLINES.md)."""


def running_snapshot(
    amendment: Amendment,
    convention: Convention,
    legal: LegalSettings,
    ended_on_before: date | None,
    payments: Sequence[Any] = (),
) -> dict[str, Any]:
    """What an amendment in force did, or left, to what was running (rule 26), as its email
    states it, frozen with it: whether it moved the term (`term_changed`); the convention's
    last day before and after it (`ended_before`, `ends_on`); the termination notice running,
    with the months it keeps and whether it now ends the convention (`notice`); and, for each
    period it changed, the steps already running that keep theirs (`periods`: `payments`,
    the payment targets still pending, as stored rows; `dispute`, its amicable window)."""
    changed = set(amendment.changes)
    said: dict[str, Any] = {
        "term_changed": "end_date" in changed,
        "ends_on": _iso(convention.ends_on()),
        "ended_before": _iso(ended_on_before),
    }
    notice = convention.notice
    if notice is not None and changed & {"end_date", "termination_notice_months"}:
        months = kept_notice_months(notice, amendment, convention.clauses.termination_notice_months)
        computed = termination_notice(notice.letter, months, legal, term=convention.end_date)
        party = convention.party(notice.party)
        electronic = {"electronic": "yes" if notice.letter.electronic else "no"}
        said["notice"] = {
            "party": party.name if party is not None else notice.party,
            "letter": letter_snapshot(computed, legal, electronic),
            "months": months,
            "notice_end": _iso(computed.notice_end),
            "ends_by": computed.ends_by,
        }
    periods = []
    for key in PERIODS:
        applied = amendment.applied.get(key)
        if applied is None:
            continue
        period: dict[str, Any] = {"field": key, "before": int(applied["before"]),
                                  "after": int(applied["after"])}  # fmt: skip
        if key == "payment_target_days":
            period["payments"] = [
                {"instalment": row.instalment, "trigger_date": _iso(row.trigger_date),
                 "due_date": _iso(row.due_date)}
                for row in payments
            ]  # fmt: skip
        if key == "dispute_window_days" and convention.dispute is not None:
            period["dispute"] = {"window_end": _iso(convention.dispute.window_end)}
        periods.append(period)
    said["periods"] = periods
    return said


def balance_snapshot(convention: Convention, target: ComputedDeadline) -> dict[str, Any] | None:
    """The balance an amendment in force leaves to pay on a single payment already made, as
    emails state it: the convention's (`convention_snapshot`), and the day `target`, its
    payment deadline, falls; None when the amendment leaves no balance (a new payment target
    before the payment opens a payment deadline too)."""
    balance = _balance(convention) if not target.instalment else _instalment_balance(
        convention, target.instalment)  # fmt: skip
    if balance is None:
        return None
    return {**balance, "due_date": _iso(target.due_date)}


def _instalment_balance(convention: Convention, number: int) -> dict[str, Any] | None:
    """The balance an amendment raising instalment `number` left to pay once it was paid: its
    amount, what was paid on it before, the instalment's new amount and its number."""
    instalment = next((i for i in convention.clauses.instalments if i.number == number), None)
    if instalment is None or progress_of(convention.payments, number).paid_on is None:
        return None  # not paid yet: its target says its new amount, no balance
    if not (balance := convention.still_due(instalment)):
        return None
    return {"amount": str(balance), "paid_before": str(instalment.amount - balance),
            "instalment": number, "instalment_amount": str(instalment.amount)}  # fmt: skip


def letter_snapshot(
    deadline: ComputedDeadline, settings: LegalSettings, inputs: Mapping[str, str]
) -> dict[str, Any] | None:
    """The registered letter an event carries, as emails state it: the fact its deadline
    counts from (`counted_from`: receipt, dispatch or presentation) and that fact's date
    (`on`), whether it was never collected, whether it was electronic; None when the deadline
    is not counted from a letter. The day the event was recorded may be later: it is not the
    letter's."""
    basis = counted_from(deadline, settings)
    if basis is None:
        return None
    return {
        "counted_from": basis,
        "on": _iso(deadline.trigger_date),
        "uncollected": "uncollected" in deadline.flags,
        "electronic": parse_flag(inputs.get("electronic", "no"), "electronic"),
    }


def event_snapshot(
    outcome: Outcome | AmendmentOutcome,
    convention: Convention,
    letter: dict[str, Any] | None = None,
    recorded_on: date | None = None,
) -> dict[str, Any]:
    """A recorded event as emails describe it; its inputs as people read them, in French (the
    financial report of rule 20 by its own name: the event's is that of an instalment's);
    with the registered letter it carries (`letter_snapshot`), if any, and the day (Paris) it
    was recorded (`recorded_on`), which emails name apart when it is not the event's date."""
    if isinstance(outcome, AmendmentOutcome):
        label = labels.amendment_event(outcome.trigger)
    elif isinstance(outcome, Outcome) and notice_for(outcome) == "financial_report_received":
        label = labels.email("financial_report_received")
    else:
        label = labels.event(outcome.trigger)
    snapshot = {
        "name": outcome.trigger,
        "label": label,
        "occurred_on": _iso(outcome.on),
        "actor": outcome.actor,
        "inputs": {
            labels.input_name(key): _signer_text(outcome, key, value)
            or input_text(key, value, convention)
            for key, value in outcome.inputs.items()
            if value  # an optional input given blank says nothing: no empty line in an email
        },
    }
    if letter is not None:
        snapshot["letter"] = letter
    if recorded_on is not None:
        snapshot["recorded_on"] = _iso(recorded_on)
    if outcome.inputs.get("mandate"):  # the payment's mandate, which its email asks to check
        snapshot["mandate"] = outcome.inputs["mandate"]
    balance = paid_balance(outcome, convention)
    if balance is not None:
        snapshot["balance"] = balance
    if isinstance(outcome, Outcome) and outcome.trigger == "forgo_payment":
        snapshot["forgone"] = forgone_snapshot(outcome, convention)
    return snapshot


def expiry_held_snapshot(
    convention: Convention, amendment: Amendment, until: datetime
) -> dict[str, Any]:
    """The expiry held at the term while an extension is in signature (rule 27), as the email
    of an event recorded during the hold says it (`expiry_held` of its event): the term
    (`term_on`), the last day a signature dated on or before it can still be recorded
    (`last_day`), the extension (its number, the term it would set) and whose signature it
    waits for, by name. Frozen with the event: what was true when it was recorded."""
    return {
        "term_on": _iso(convention.end_date),
        "last_day": _iso(hold_last_day(until)),
        "amendment": amendment.number,
        "extends_to": amendment.changes["end_date"],
        "missing": [s.name for s in convention.signatories
                    if s.email.lower() not in amendment.signatures],
    }  # fmt: skip


def _signer_text(outcome: Outcome | AmendmentOutcome, key: str, value: str) -> str | None:
    """Who signed, by name and title as they signed (`outcome.signed`): a representative an
    avenant replaces may sign it last, and is no longer among the convention's signatories."""
    signed = outcome.signed
    if key != "signatory" or signed is None or signed.email.lower() != value.lower():
        return None
    return f"{signed.name}, {signed.title} ({signed.email})"


def forgone_snapshot(outcome: Outcome, convention: Convention) -> dict[str, Any]:
    """An instalment the Métropole forgoes (rule 25), as its email states it: its number (0:
    the single payment), its amount, the reason as recorded, and whether the convention's file
    is closed by it (ended, nothing else open: no instalment to pay, no report owed, no dispute);
    once the payment was made in part, that it is the balance an amendment left (`balance`), the
    amendment that fixed it (`balance_by`, None when not known) and what was paid before it."""
    number = int(outcome.inputs.get("instalment", SINGLE_PAYMENT))
    said: dict[str, Any] = {
        "number": number,
        "amount": outcome.inputs["amount"],
        "reason": outcome.inputs["reason"],
        "file_closed": convention.state in ENDED_IN_FORCE and not open_because(convention),
    }
    if outcome.inputs.get("balance") == "yes":  # the balance an amendment left, given up
        progress = progress_of(convention.paid_so_far(), number)
        said["balance"] = True
        said["balance_by"] = progress.balance_by
        said["paid_before"] = str(progress.paid_amount or Decimal("0"))
    return said


def paid_balance(
    outcome: Outcome | AmendmentOutcome, convention: Convention
) -> dict[str, Any] | None:
    """For the payment of a single payment's balance (what an amendment raising the amount
    added once it was paid): that balance and what was paid before it; None for any other
    event, a whole single payment or an instalment."""
    if not isinstance(outcome, Outcome) or outcome.trigger != "pay":
        return None
    if convention.clauses.instalments:
        return _paid_instalment_balance(outcome, convention)
    if convention.paid_amount is None:
        return None
    amount = Decimal(outcome.inputs["amount"])
    if amount == convention.paid_amount:
        return None
    return {"amount": str(amount), "paid_before": str(convention.paid_amount - amount)}


def _paid_instalment_balance(outcome: Outcome, convention: Convention) -> dict[str, Any] | None:
    """For the payment of an instalment's balance (what an amendment raising it added once it
    was paid): that balance, what was paid on it before, its number, and the amount it was
    raised to (all paid now); None otherwise."""
    number = int(outcome.inputs.get("instalment", SINGLE_PAYMENT))
    paid = progress_of(convention.payments, number).paid_amount
    amount = Decimal(outcome.inputs["amount"])
    if paid is None or amount == paid:
        return None
    return {"amount": str(amount), "paid_before": str(paid - amount), "instalment": number,
            "instalment_amount": str(paid)}  # fmt: skip


class Mailer:
    """Queues emails in the unit of work's outbox, addressed per the settings."""

    def __init__(self, settings: Settings, salt: str = "") -> None:
        self.settings = settings
        self.salt = salt  # this database's, read by App.create (storage.installation)

    @property
    def reply_to(self) -> str | None:
        """Where a partner's answer goes: the service's contact, when it holds an address."""
        contact = self.settings.service_contact or ""
        found = _ADDRESS.search(contact)
        return found.group(0) if found else None

    def recipients(self, convention: Convention, kind: str) -> list[str]:
        """Who the email is for: the signatories (those still to sign, for signatures)."""
        people = convention.signatories
        if kind in _SIGNATURE_KINDS and convention.missing_signatures():
            people = convention.missing_signatures()
        if kind in _GRANTOR_KINDS:  # the Métropole's own obligation: not the beneficiary's
            people = [s for s in people if s.party == convention.grantor().key]
        # the beneficiary's obligation, or what the Métropole decided of its subsidy (rule 25):
        # not the Métropole's signatories
        if kind in _BENEFICIARY_KINDS:
            people = [s for s in people if s.party != convention.grantor().key]
        return sorted({s.email for s in people})

    def queue(
        self,
        uow: UnitOfWork,
        convention: Convention,
        convention_id: int,
        kind: str,
        key: str,
        now: datetime,
        *,
        deadline: dict[str, Any] | None = None,
        event: dict[str, Any] | None = None,
        amendment: dict[str, Any] | None = None,
        to: Sequence[str] | None = None,
        withheld: bool = False,
        not_before: datetime | None = None,
    ) -> list[str]:
        """Queue an email about a convention to its signatories (unless `to` says otherwise)
        and its copy to the administrators, with the service's internal note; their
        Message-IDs (none when withheld: it is never sent).

        `withheld`: the event was recorded after the fact (or imported with its history):
        the partners are not told; the administrators hear of it in the next summary.
        `not_before`: both wait in the outbox until then (the end of a convention, applied
        at midnight, told at the reminder hour).
        """
        recipients = sorted(to) if to else self.recipients(convention, kind)
        emails = self.emails(convention, convention_id, kind, key, recipients, deadline=deadline,
                             event=event, amendment=amendment)  # fmt: skip
        if withheld:
            uow.outbox.queue(replace(emails[0], status="late"), now)
            return []
        if not_before is not None:
            emails = [replace(email, not_before=not_before) for email in emails]
        uow.outbox.queue_many(emails, now)
        return [email.message_id for email in emails]

    def emails(
        self,
        convention: Convention,
        convention_id: int,
        kind: str,
        key: str,
        recipients: list[str],
        **facts: Any,
    ) -> list[Email]:
        """The partners' email and, when administrators are set, the service's copy of it."""
        partners = self.email(convention, convention_id, kind, key, recipients, **facts)
        admins = list(self.settings.admin_emails)
        if not admins or not self.settings.admin_copies:
            return [partners]
        copy = self.email(convention, convention_id, kind, f"{key}:service", admins,
                          audience="service", **facts)  # fmt: skip
        return [partners, copy]

    def email(
        self,
        convention: Convention,
        convention_id: int,
        kind: str,
        key: str,
        recipients: list[str],
        *,
        deadline: dict[str, Any] | None = None,
        event: dict[str, Any] | None = None,
        amendment: dict[str, Any] | None = None,
        reminder_id: int | None = None,
        audience: Audience = "partners",
    ) -> Email:
        """An email about a convention, ready to queue, its facts frozen as they are now."""
        reference = convention.reference
        if deadline is not None and deadline["kind"] == "committee":  # its name, frozen too
            label = labels.for_committee("deadline", "committee", convention.committee.name)
            deadline = {**deadline, "kind_label": label}
        context = {
            "kind": kind,
            "audience": audience,
            "reply_to": self.reply_to,
            "reference": reference,
            "convention": convention_snapshot(convention),
            "deadline": deadline,
            "event": event,
            "amendment": amendment,
            "failure": None,
            "links": self.links(reference),
            "reminder_id": reminder_id,
        }
        return Email(
            convention_id,
            kind,
            message_id(key, self.settings.mail_from, self.salt),
            key,
            self.settings.mail_from,
            recipients,
            [],
            context,
        )

    def queue_alert(
        self,
        uow: UnitOfWork,
        failed: Mapping[str, Any],
        error: str,
        now: datetime,
        recipients: list[str] | None = None,
        delivered_to: list[str] | None = None,
        key: str | None = None,
    ) -> int | None:
        """Alert the administrators that an email could not be delivered; its id (None: nobody
        to tell). `recipients`: those it could not be delivered to, when not all its To
        (the mail server took it for some: `delivered_to`, named too); `key`: what makes the
        alert once (by default, once per email)."""
        if failed["kind"] == "delivery_failed":
            return None  # never alert about an alert: that could loop
        failure = {
            "subject": failed["subject"] or labels.email(failed["kind"]),
            "recipients": list(failed["recipients"]) if recipients is None else recipients,
            "error": error,
            "attempts": failed["attempts"] + 1,
            "delivered_to": delivered_to or [],
        }
        links = failed["context"].get("links") or self.links(None)
        return self._alert(uow, "delivery_failed", key or f"alert:{failed['id']}",
                           failed["convention_id"], failed["context"].get("reference"),
                           failure, links, now)  # fmt: skip

    def queue_processing_alert(
        self, uow: UnitOfWork, reference: str, convention_id: int, error: str, now: datetime
    ) -> bool:
        """Alert the administrators that what was due for a convention could not be processed,
        once a day per convention; False when nobody is to be told or they already were."""
        day = civil_date(now)
        key = f"processing_failed:{reference}:{day.isoformat()}"
        failure = {"error": error, "noticed_on": day.isoformat()}
        queued = self._alert(uow, "processing_failed", key, convention_id, reference, failure,
                             self.links(reference), now)  # fmt: skip
        return queued is not None

    def _alert(
        self,
        uow: UnitOfWork,
        kind: str,
        key: str,
        convention_id: int | None,
        reference: str | None,
        failure: dict[str, Any],
        links: dict[str, Any],
        now: datetime,
    ) -> int | None:
        """Queue an alert to the administrators, once for its key (another service may be
        queueing it at this very moment); its id, None when none is set or it was queued
        already."""
        admins = list(self.settings.admin_emails)
        if not admins:
            return None
        context = {"kind": kind, "audience": "service", "reply_to": None, "reference": reference,
                   "deadline": None, "event": None, "amendment": None, "failure": failure,
                   "links": links}  # fmt: skip
        alert = Email(convention_id, kind, message_id(key, self.settings.mail_from, self.salt),
                      key, self.settings.mail_from, admins, [], context)  # fmt: skip
        return uow.outbox.queue_once(alert, now)

    def links(self, reference: str | None) -> dict[str, Any]:
        """Where to look: the command, and the dashboard when its address is set."""
        base = self.settings.dashboard_url
        return {
            "contact": self.settings.service_contact,
            "status_command": f"convflow status {reference}" if reference else "convflow outbox",
            # a slash of the reference written %2F: the address names it whole (http.addresses)
            "dashboard_url": f"{base.rstrip('/')}/conventions/{quote(reference, safe='')}"
            if base and reference
            else base,
        }


_DATES = (
    "end_date",
    "effective_date",
    "due_date",
    "earliest_court_date",
    "occurred_on",
    "recorded_on",  # the day an event was recorded, when emails name it apart from its date
    "signed_on",
    "paid_on",
    "report_received_on",
    "submitted_on",
    "noticed_on",
    "notice_end",
    "on",
    "day",  # the daily summary of chain heads
    "ended_on",  # an ended convention's last day, and the dispute it left open (rule 24)
    "notified_on",
    "window_end",
    "ends_on",  # an amendment in force: the convention's last day after it, and before it
    "ended_before",
    "trigger_date",
    "waited_until",  # the last day the expiry was held for an extension's signature (rule 27)
    "terminates_on",  # a running notice's end, before the term
    "forgone_on",  # an instalment the Métropole forgoes (rule 25), in the schedule
    "term_on",  # the expiry held at the term (rule 27): the term, the hold's last day, the
    "last_day",  # new term of the extension in signature (expiry_held_snapshot)
    "extends_to",
    "held_to",  # the last day an extension's signature dated on the term is still recorded
)


def rehydrate(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A stored snapshot with its dates, instants and amounts typed again, for the templates."""
    return {key: _typed(key, value) for key, value in snapshot.items()}


def _typed(key: str, value: Any) -> Any:
    if key == "inputs":  # an event's inputs: already as people read them (event_snapshot)
        return value
    if isinstance(value, Mapping):
        return rehydrate(value)
    if isinstance(value, list):
        return [_typed(key, item) for item in value]
    if value is None or not isinstance(value, str):
        return value
    if key in _DATES:
        return date.fromisoformat(value)
    if key == "expires_at":
        return datetime.fromisoformat(value)
    if key in (
        "amount",
        "paid_before",
        "instalment_amount",
        "paid_amount",
        "balance_due",
        "forgone_amount",
        "left_amount",
    ):
        return Decimal(value)
    return value


__all__: Sequence[str] = [
    "DEADLINE_NOTICES",
    "EVENT_NOTICES",
    "Mailer",
    "amendment_snapshot",
    "balance_snapshot",
    "committee_snapshot",
    "computed_snapshot",
    "convention_snapshot",
    "deadline_snapshot",
    "event_snapshot",
    "expiry_held_snapshot",
    "forgone_snapshot",
    "letter_snapshot",
    "message_id",
    "notice_for",
    "paid_balance",
    "rehydrate",
    "running_snapshot",
]
