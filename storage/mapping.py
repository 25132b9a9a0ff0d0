"""Between rows and domain objects: the JSON shapes of clauses, letters, disputes and notices."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from states.amendments import Amendment
from states.award import AwardDecision
from states.committee import Committee, Meeting
from states.convention import (
    Articles,
    Clauses,
    Convention,
    Dispute,
    Party,
    ReminderOffsets,
    Signatory,
    TerminationNotice,
)
from states.deadlines import ComputedDeadline, RegisteredLetter
from states.due import DeadlineEntry, ReminderEntry
from states.errors import ConvflowError
from states.financial_report import FinancialReport
from states.payments import Instalment, InstalmentProgress, PaidPart


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def clauses_to_json(clauses: Clauses) -> dict[str, Any]:
    """Clauses as a JSON object (tuples become lists); a single payment keeps no schedule."""
    data = asdict(clauses)
    del data["instalments"]
    if clauses.instalments:
        data["instalments"] = [instalment_to_json(i) for i in clauses.instalments]
    return data


def instalment_to_json(instalment: Instalment) -> dict[str, Any]:
    """One instalment of a payment schedule as a JSON object (the amount as text)."""
    data: dict[str, Any] = {
        "number": instalment.number,
        "amount": str(instalment.amount),
        "trigger": instalment.trigger,
    }
    if instalment.on is not None:
        data["on"] = instalment.on.isoformat()
    if instalment.report is not None:
        data["report"] = instalment.report
    return data


def instalment_from_json(data: dict[str, Any]) -> Instalment:
    """One instalment back from its JSON object."""
    return Instalment(
        number=int(data["number"]),
        amount=Decimal(data["amount"]),
        trigger=data["trigger"],
        on=_day(data.get("on")),
        report=data.get("report"),
    )


def payments_to_json(payments: tuple[InstalmentProgress, ...]) -> list[dict[str, Any]] | None:
    """Each instalment's progress as JSON (None while nothing is recorded)."""
    if not payments:
        return None
    return [
        {
            "number": p.number,
            "report_received_on": _iso(p.report_received_on),
            "paid_on": _iso(p.paid_on),
            "paid_amount": str(p.paid_amount) if p.paid_amount is not None else None,
            # only once forgone (rule 25): the progress stored before it is written as it was
            **({"forgone_on": _iso(p.forgone_on)} if p.forgone_on is not None else {}),
            **({"forgone_amount": str(p.forgone_amount)} if p.forgone_amount is not None else {}),
            # each part once paid in several (a balance an amendment left), each on its day
            **(
                {"parts": [{"on": _iso(part.on), "amount": str(part.amount)} for part in p.parts]}
                if len(p.parts) > 1
                else {}
            ),
            **({"balance_by": p.balance_by} if p.balance_by is not None else {}),
        }
        for p in payments
    ]


def payments_from_stored(
    value: str | list[dict[str, Any]] | None,
) -> tuple[InstalmentProgress, ...]:
    """Each instalment's progress back from the stored column (JSON text or a list)."""
    if not value:
        return ()
    items = json.loads(value) if isinstance(value, str) else value
    return tuple(
        InstalmentProgress(
            number=int(item["number"]),
            report_received_on=_day(item.get("report_received_on")),
            paid_on=_day(item.get("paid_on")),
            paid_amount=Decimal(item["paid_amount"]) if item.get("paid_amount") else None,
            forgone_on=_day(item.get("forgone_on")),
            parts=tuple(
                PaidPart(date.fromisoformat(part["on"]), Decimal(part["amount"]))
                for part in item.get("parts") or ()
            ),
            forgone_amount=(
                Decimal(item["forgone_amount"]) if item.get("forgone_amount") else None
            ),
            balance_by=int(item["balance_by"]) if item.get("balance_by") is not None else None,
        )
        for item in items
    )


def award_to_json(award: AwardDecision | None) -> dict[str, Any] | None:
    """The award decision as JSON (None while none is recorded)."""
    if award is None:
        return None
    return {
        "reference": award.reference,
        "adopted_on": award.adopted_on.isoformat(),
        "published_on": _iso(award.published_on),
        "notified_on": _iso(award.notified_on),
        "received_by_prefect_on": _iso(award.received_by_prefect_on),
    }


def award_from_stored(value: str | dict[str, Any] | None) -> AwardDecision | None:
    """The award decision back from the stored column (JSON text or a dict)."""
    if not value:
        return None
    data = json.loads(value) if isinstance(value, str) else value
    adopted = _day(data["adopted_on"])
    assert adopted is not None
    return AwardDecision(
        reference=data["reference"],
        adopted_on=adopted,
        published_on=_day(data.get("published_on")),
        notified_on=_day(data.get("notified_on")),
        received_by_prefect_on=_day(data.get("received_by_prefect_on")),
    )


def financial_report_to_json(report: FinancialReport) -> dict[str, Any] | None:
    """The financial report's setting and receipt as JSON (None when none is required)."""
    if not report.required:
        return None
    return {
        "basis": report.basis, "year": report.year, "year_end": list(report.year_end),
        "private_beneficiary": report.private_beneficiary, "earmarked": report.earmarked,
        "received_on": _iso(report.received_on),
    }  # fmt: skip


def financial_report_from_stored(value: str | dict[str, Any] | None) -> FinancialReport:
    """The financial report back from the stored column (JSON text or a dict)."""
    if not value:
        return FinancialReport()
    data = json.loads(value) if isinstance(value, str) else value
    month, day = data["year_end"]
    return FinancialReport(
        basis=data["basis"], year=data["year"], year_end=(month, day),
        private_beneficiary=data["private_beneficiary"], earmarked=data["earmarked"],
        received_on=_day(data.get("received_on")),
    )  # fmt: skip


def committee_to_json(committee: Committee) -> dict[str, Any] | None:
    """The steering committee's record as JSON (None while it has no name, cadence nor
    meeting); its name only when the convention gives one."""
    if committee.cadence_months is None and not committee.meetings and committee.name is None:
        return None
    named = {"name": committee.name} if committee.name is not None else {}
    return {
        **named,
        "cadence_months": committee.cadence_months,
        "meetings": [
            {"held_on": m.held_on.isoformat(), "attendees": m.attendees,
             "decisions": m.decisions, "minutes": m.minutes}
            for m in committee.meetings
        ],
    }  # fmt: skip


def committee_from_stored(value: str | dict[str, Any] | None) -> Committee:
    """The steering committee's record back from the stored column (JSON text or a dict)."""
    if not value:
        return Committee()
    data = json.loads(value) if isinstance(value, str) else value
    meetings = tuple(
        Meeting(date.fromisoformat(m["held_on"]), m["attendees"], m["decisions"],
                m.get("minutes", ""))
        for m in data.get("meetings", [])
    )  # fmt: skip
    return Committee(data.get("cadence_months"), meetings, data.get("name"))


def clauses_from_stored(value: str | dict[str, Any]) -> Clauses:
    """Clauses from the stored column: JSON text (SQLite) or already a dict (PostgreSQL)."""
    if isinstance(value, str):
        return _clauses_from_text(value)
    return _clauses_from_text(json.dumps(value, sort_keys=True))


@lru_cache(maxsize=256)
def _clauses_from_text(text: str) -> Clauses:
    # Clauses are immutable: conventions with the same text can share one object.
    return clauses_from_json(json.loads(text))


def clauses_from_json(data: dict[str, Any]) -> Clauses:
    """Clauses back from their JSON object; missing keys take the defaults."""
    reminders: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in data.get("reminders", {}).items()
    }
    offsets = ReminderOffsets(**reminders)
    scalars = {k: v for k, v in data.items() if k not in ("reminders", "articles", "instalments")}
    instalments = tuple(instalment_from_json(i) for i in data.get("instalments", ()))
    return Clauses(
        **scalars,
        instalments=instalments,
        reminders=offsets,
        articles=Articles(**data.get("articles", {})),
    )


def letter_to_json(letter: RegisteredLetter) -> dict[str, Any]:
    """A registered letter as a JSON object."""
    return {
        "dispatched": _iso(letter.dispatched),
        "presented": _iso(letter.presented),
        "received": _iso(letter.received),
        "uncollected": letter.uncollected,
        "electronic": letter.electronic,
    }


def letter_from_json(data: dict[str, Any]) -> RegisteredLetter:
    """A registered letter back from its JSON object."""
    return RegisteredLetter(
        dispatched=_day(data.get("dispatched")),
        presented=_day(data.get("presented")),
        received=_day(data.get("received")),
        uncollected=bool(data.get("uncollected")),
        electronic=bool(data.get("electronic")),
    )


def dispute_to_json(dispute: Dispute | None) -> dict[str, Any] | None:
    """The open dispute as a JSON object."""
    if dispute is None:
        return None
    return {
        "party": dispute.party,
        "letter": letter_to_json(dispute.letter),
        "opened_on": dispute.opened_on.isoformat(),
        "return_state": dispute.return_state,
        "window_end": dispute.window_end.isoformat(),
        "earliest_court_date": dispute.earliest_court_date.isoformat(),
        # said only once in court: a dispute's JSON before it (and before this was kept) unchanged
        **({"in_court": True} if dispute.in_court else {}),
    }


def dispute_from_json(data: dict[str, Any] | None) -> Dispute | None:
    """The open dispute back from its JSON object."""
    if not data:
        return None
    return Dispute(
        party=data["party"],
        letter=letter_from_json(data["letter"]),
        opened_on=date.fromisoformat(data["opened_on"]),
        return_state=data["return_state"],
        window_end=date.fromisoformat(data["window_end"]),
        earliest_court_date=date.fromisoformat(data["earliest_court_date"]),
        in_court=bool(data.get("in_court", False)),
    )


def notice_to_json(notice: TerminationNotice | None) -> dict[str, Any] | None:
    """The running termination notice as a JSON object."""
    if notice is None:
        return None
    return {
        "party": notice.party,
        "letter": letter_to_json(notice.letter),
        "given_on": notice.given_on.isoformat(),
        "notice_end": notice.notice_end.isoformat(),
        "effective_end": notice.effective_end.isoformat(),
        "months": notice.months,
    }


def notice_from_json(data: dict[str, Any] | None) -> TerminationNotice | None:
    """The running termination notice back from its JSON object."""
    if not data:
        return None
    return TerminationNotice(
        party=data["party"],
        letter=letter_from_json(data["letter"]),
        given_on=date.fromisoformat(data["given_on"]),
        notice_end=date.fromisoformat(data["notice_end"]),
        effective_end=date.fromisoformat(data["effective_end"]),
        months=data.get("months"),
    )


def deadline_details(deadline: ComputedDeadline) -> dict[str, Any]:
    """What a deadline adds to its dates, kept as JSON beside its row."""
    details: dict[str, Any] = {"flags": list(deadline.flags)}
    if deadline.earliest_court_date:
        details["earliest_court_date"] = deadline.earliest_court_date.isoformat()
    if deadline.notice_end:
        details["notice_end"] = deadline.notice_end.isoformat()
    if deadline.effective_end:
        details["effective_end"] = deadline.effective_end.isoformat()
    if deadline.ends_by:
        details["ends_by"] = deadline.ends_by
    if deadline.amendment:
        details["amendment"] = deadline.amendment
    if deadline.amount_changed:
        details["amount_changed"] = True
    return details


def deadline_entry(row: Any) -> DeadlineEntry:
    """A stored deadline row as the due policy sees it."""
    return DeadlineEntry(
        row.id, row.kind, row.status, row.due_date, row.expires_at, row.created_at, row.announce_at
    )


def reminder_entry(row: Any) -> ReminderEntry:
    """A stored reminder row as the due policy sees it."""
    return ReminderEntry(
        row.id,
        row.deadline_id,
        row.kind,
        row.template,
        row.label,
        row.days_before,
        row.planned_at,
        row.created_at,
    )


def reminder_deadline_entry(row: Any) -> DeadlineEntry:
    """The deadline of a due reminder row (`ReminderRepository.due_for` joins it)."""
    return DeadlineEntry(
        row.deadline_id,
        row.deadline_kind,
        row.deadline_status,
        row.due_date,
        row.expires_at,
        row.deadline_created_at,
    )


_T = TypeVar("_T")


class StoredValueUnreadable(ConvflowError, ValueError):
    """A column of a convention's row holds what convflow never writes (a superuser's edit: a
    payments JSON that is no list, a part without its amount): it cannot be read back.
    `convflow verify` reports it; any other command refuses with its code."""

    def __init__(self, reference: str, column: str, value: Any) -> None:
        self.reference, self.column = reference, column
        self.value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        super().__init__("stored_value_unreadable", reference=reference, column=column,
                         value=self.value)  # fmt: skip


def _readable(row: dict[str, Any], column: str, read: Callable[[Any], _T]) -> _T:
    """A column of a convention's row read back, or StoredValueUnreadable."""
    try:
        return read(row[column])
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as error:
        raise StoredValueUnreadable(row["reference"], column, row[column]) from error


def convention_from_rows(rows: Sequence[dict[str, Any]]) -> Convention:
    """A convention from the rows of its load (storage.statements.LOAD), one per party and
    signatory, its values already read back (storage.convert)."""
    first = rows[0]
    parties: list[Party] = []
    signatories: list[Signatory] = []
    for row in rows:
        if not parties or parties[-1].key != row["party_key_"]:
            parties.append(Party(row["party_key_"], row["party_name_"], row["party_siret_"],
                                 row["party_rna_"]))  # fmt: skip
        if row["signatory_id_"] is not None:
            signatories.append(
                Signatory(
                    party=row["party_key_"],
                    name=row["signatory_name_"],
                    title=row["signatory_title_"],
                    email=row["signatory_email_"],
                    signed_on=row["signatory_signed_on_"],
                )
            )
    return Convention(
        reference=first["reference"],
        title=first["title"],
        object=first["object"],
        place=first["place"],
        amount=first["amount"],
        end_date=first["end_date"],
        clauses=clauses_from_stored(first["clauses"]),
        parties=parties,
        signatories=signatories,
        state=first["state"],
        version=first["version"],
        submitted_on=first["submitted_on"],
        effective_date=first["effective_date"],
        notified_on=first["notified_on"],
        paid_on=first["paid_on"],
        paid_amount=first["paid_amount"],
        payments=_readable(first, "payments", payments_from_stored),
        dispute=dispute_from_json(first["dispute"]),
        notice=notice_from_json(first["notice"]),
        last_event_on=first["last_event_on"],
        own_event_on=first["own_event_on"],
        own_event=first["own_event"],
        own_event_before_end_on=first["own_event_before_end_on"],
        own_event_before_end=first["own_event_before_end"],
        terms_changed_on=first["terms_changed_on"],
        terms_changed_by=first["terms_changed_by"],
        award=award_from_stored(first["award"]),
        open_data_object=open_data_object(first["open_data"]),
        financial_report=financial_report_from_stored(first["financial_report"]),
        committee=committee_from_stored(first["committee"]),
    )


def open_data_object(value: str | dict[str, Any] | None) -> str | None:
    """The object a convention publishes in open data, if it was given one."""
    if not value:
        return None
    data = json.loads(value) if isinstance(value, str) else value
    return data.get("object")


def amendment_from_row(row: Any) -> Amendment:
    """An amendment from its stored row (any row with its columns as attributes)."""
    return Amendment(
        number=row.number,
        state=row.state,
        changes=dict(row.changes),
        created_on=row.created_on,
        submitted_on=row.submitted_on,
        effective_date=row.effective_date,
        signatures={email: date.fromisoformat(day) for email, day in row.signatures.items()},
        applied=dict(row.applied),
        last_event_on=row.last_event_on,
    )
