"""What administrators list: conventions with filters and pages, deadlines to come, failed emails.

The rows come from `storage.queries`; the shapes here are a public contract (the HTTP API and
the CSV exports): keys may be added, never renamed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypedDict

from states.amendments import Amendment
from states.calendar import HolidayCalendar, end_of_day, start_of_day
from states.committee import committee_words
from states.convention import Convention
from states.due import END_KINDS, expiry_held_until, notice_overridden
from states.ledger import Ledger, ledger
from states.lifecycle import IN_FORCE
from states.overdue import OWED_KINDS, Line, Passed, still_owed
from states.reading import (
    EndUnrecorded,
    closed_at_pass,
    end_from_deadlines,
    held_by_extension,
    passed_unrecorded,
)
from states.reminders import first_reminder_day
from storage.mapping import clauses_from_stored, committee_from_stored
from storage.queries import (
    LIST,
    LOOKUP,
    MAX_PER_PAGE,
    PROBE,
    SCAN_FROM,
    SORTS,
    ConventionFilter,
    PageRequest,
    page_ids,
    strategy,
)
from storage.tables import AnyRow
from workflow.bootstrap import App
from workflow.usecases.iso import day, instant
from workflow.usecases.views import ExpiryHeldView, expiry_held_view
from workflow.wording import labels
from workflow.wording.reading import without_effect

__all__ = [
    "LIST",
    "LOOKUP",
    "MAX_PER_PAGE",
    "PROBE",
    "SCAN_FROM",
    "SORTS",
    "CalendarDeadline",
    "ConventionFilter",
    "ConventionPage",
    "ConventionSummary",
    "DeadlineItem",
    "EndView",
    "FailedEmail",
    "FailedEmails",
    "Overdue",
    "OverdueItem",
    "PageRequest",
    "PartyRef",
    "UpcomingDeadlines",
    "all_conventions",
    "calendar_deadlines",
    "conventions_by_batch",
    "counts_by_state",
    "failed_emails",
    "ledgers",
    "overdue_obligations",
    "page_ids",
    "search_conventions",
    "strategy",
    "upcoming_deadlines",
]


class PartyRef(TypedDict):
    """A party as lists name it."""

    key: str
    name: str


class Overdue(TypedDict):
    """An obligation overdue: a deadline passed that still waits for something
    (states.overdue): what, which instalment (0: none or the single payment), due when;
    `passed_unrecorded`: passed at the instant of reading, not yet recorded by the service
    (states.reading)."""

    kind: str
    instalment: int
    due_date: str | None
    passed_unrecorded: bool


class EndView(TypedDict):
    """A convention's end, come at the instant of reading and not yet applied by the service:
    the event the next pass records, the deadline it applies, its day, the state it leads to
    (states.reading)."""

    event: str
    kind: str
    on: str
    state: str


class OverdueItem(Overdue):
    """An obligation overdue, with its convention."""

    reference: str
    title: str
    state: str
    notice_overridden: bool
    """Its convention is in `termination` under a notice its term overrides
    (states.due.notice_overridden): its state is said as the emails say it."""


class ConventionSummary(TypedDict):
    """One convention in a list: its state, term, amount, next deadline, and the obligations
    overdue (`overdue`, oldest first: the next deadline names only what is to come), all judged
    at the instant of reading; `end_unrecorded`, its end come and not yet applied (None: none)."""

    reference: str
    title: str
    state: str
    effective_date: str | None
    end_date: str | None
    amount: str
    next_deadline_at: str | None
    next_deadline_kind: str | None
    next_deadline_due: str | None
    parties: list[PartyRef]
    overdue: list[Overdue]
    end_unrecorded: EndView | None
    committee_name: str | None
    """When its next deadline is its committee's next meeting, the name the convention gives
    the committee (None: none, the model's Comité technique; or another next deadline): the
    lists name that meeting with it (workflow.wording.labels.for_committee)."""
    next_deadline_label: str | None
    """Its next deadline as the lists name it, in French: its kind's label, or the committee's
    next meeting named as the convention names its committee."""
    expiry_held: ExpiryHeldView | None
    """Its term passed while an extension is in signature: the expiry the service holds, and
    until when (rule 27), as `status` says it (`expiry_held`, the same keys); None otherwise."""
    notice_overridden: bool
    """In `termination` under a notice its term overrides (states.due.notice_overridden): the
    notice will have no effect, the convention runs to its term, as its emails say."""


class ConventionPage(TypedDict):
    """One page of a filtered, sorted list, and how many match in all."""

    items: list[ConventionSummary]
    total: int
    page: int
    per_page: int
    pages: int
    sort: str
    order: str


class DeadlineItem(TypedDict):
    """A pending deadline of some convention, as the overview's timeline shows it."""

    reference: str
    title: str
    state: str
    kind: str
    due_date: str | None
    expires_at: str | None
    status: str
    passed_unrecorded: bool
    """Its instant has passed at the instant of reading, not yet recorded by the service."""
    held_by_extension: bool
    """Its day has passed while an extension in signature holds the expiry (rule 27), as
    `status` says it (states.reading.held_by_extension): passed, recorded when the wait ends."""
    closed_by_end: bool
    """Its convention's end, come at the instant of reading and not yet applied, closes it at
    the next pass: cancelled, not to come, whenever its day (states.reading.closed_at_pass)."""
    committee_name: str | None
    """On the committee's next meeting (kind `committee`), the name its convention gives the
    committee (None: none, the model's; or another kind)."""
    label: str
    """What the lists call it, in French: its kind's label, or the committee's next meeting
    named as its convention names the committee (« prochaine réunion de la Commission de
    suivi »)."""
    notice_overridden: bool
    """Its convention is in `termination` under a notice its term overrides
    (states.due.notice_overridden): its state is said as the emails say it."""
    without_effect: bool
    """A termination notice's deadline the term overrides (rule 10): its day is the term's,
    on which the convention expires; the termination never takes effect
    (workflow.wording.reading.without_effect). Its `kind` and `label` stay."""
    instalment: int
    """The instalment a payment deadline is about (0: none, or the single payment)."""


class UpcomingDeadlines(TypedDict):
    """The deadlines due within `days`, overdue ones first, and how many in all."""

    items: list[DeadlineItem]
    total: int
    days: int


class CalendarDeadline(TypedDict):
    """A deadline as a calendar feed needs it (dates and instants as values, not text)."""

    reference: str
    title: str
    kind: str
    status: str
    due_date: date
    expires_at: datetime
    explanation: str
    opened_by_seq: int | None
    created_at: datetime
    resolved_at: datetime | None
    # The VALARM: days before the due day its first reminder goes out (0: on the day), the
    # working day before a day off counted (states.reminders.first_reminder_day).
    first_reminder_days: int | None
    # What its summary calls it: the committee's meeting or next meeting named as its
    # convention names the committee (labels.for_committee); None: its kind's label.
    label: str | None
    # A termination notice's deadline the term overrides (rule 10): the convention expires at
    # its term, the termination never takes effect (workflow.wording.reading.without_effect).
    without_effect: bool


class FailedEmail(TypedDict):
    """An email the outbox gave up on."""

    id: int
    reference: str | None
    kind: str
    subject: str
    recipients: list[str]
    attempts: int
    last_error: str | None
    created_at: str | None


class FailedEmails(TypedDict):
    """The latest failed emails, and how many in all."""

    items: list[FailedEmail]
    total: int


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives scalar subqueries back naive; they are UTC like every stored instant.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _iso_day(value: date | str | None) -> str | None:
    # A scalar subquery loses the column's type: SQLite gives the date back as its text.
    return value if isinstance(value, str) or value is None else value.isoformat()


def _summary(
    row: AnyRow,
    parties: dict[int, list[dict[str, str]]],
    late: dict[str, list[OverdueItem]],
    ends: dict[str, EndView],
    names: dict[int, str],
    held: dict[str, ExpiryHeldView],
    overridden: set[str],
) -> ConventionSummary:
    named = names.get(row.id)
    return {
        "reference": row.reference,
        "title": row.title,
        "state": row.state,
        "effective_date": day(row.effective_date),
        "end_date": day(row.end_date),
        "amount": str(row.amount),
        "next_deadline_at": instant(_aware(row.next_at)),
        "next_deadline_kind": row.next_kind,
        "next_deadline_due": _iso_day(row.next_due),
        "parties": [{"key": p["key"], "name": p["name"]} for p in parties.get(row.id, [])],
        "overdue": [{"kind": i["kind"], "instalment": i["instalment"], "due_date": i["due_date"],
                     "passed_unrecorded": i["passed_unrecorded"]}
                    for i in late.get(row.reference, [])],
        "end_unrecorded": ends.get(row.reference),
        "committee_name": named,
        "next_deadline_label": labels.for_committee("deadline", row.next_kind, named)
        if row.next_kind else None,
        "expiry_held": held.get(row.reference),
        "notice_overridden": row.reference in overridden,
    }  # fmt: skip


def overdue_of(
    uow: Any, ids: Sequence[int] | None, now: datetime | None, grace_days: int
) -> list[OverdueItem]:
    """The obligations overdue of these conventions (or of all), oldest first: those the
    service recorded passed, and with `now`, those passed at `now` it has not recorded yet
    (judged in the state after the pass: an expiry held `grace_days` is no end)."""
    return _passed_at(uow, ids, now, grace_days)[0]


def _passed_at(
    uow: Any, ids: Sequence[int] | None, now: datetime | None, grace_days: int
) -> tuple[list[OverdueItem], dict[str, EndView]]:
    """The obligations overdue (as `overdue_of`), and the ends come at `now` that the service
    has not applied yet, by reference (an expiry held `grace_days` after the term by an
    extension in signature has not come). Each obligation is judged in the state the convention
    will have once the pass has applied its end (what outlives the end is still owed, the
    rest not), so that the list reads the same before the pass and after it."""
    rows, found = uow.listing.passed_owed(ids, now)
    lines: dict[int, list[Line]] = {}
    for line in found:
        lines.setdefault(line.convention_id, []).append(Line(line.seq, line.name, line.inputs))
    ends: dict[str, EndView] = {}
    if now is not None:
        for reference, end in _ends(rows, now, _holds(uow, rows, now, grace_days)).items():
            ends[reference] = {"event": end.event, "kind": end.kind, "on": end.on.isoformat(),
                               "state": end.state}  # fmt: skip
    items: list[OverdueItem] = []
    for row in rows:
        if row.kind not in OWED_KINDS:  # an end deadline, read for `ends`
            continue
        state = ends[row.reference]["state"] if row.reference in ends else row.state
        passed = Passed(row.kind, int(row.instalment), row.opened_by_seq, row.due_date)
        if not still_owed(passed, state, lines.get(row.convention_id, ())):
            continue
        unrecorded = now is not None and passed_unrecorded(row.status, _aware(row.expires_at), now)
        items.append({"reference": row.reference, "title": row.title, "state": row.state,
                      "kind": row.kind, "instalment": int(row.instalment),
                      "due_date": day(row.due_date), "passed_unrecorded": unrecorded,
                      "notice_overridden": False})  # fmt: skip
    overridden = _notices_overridden(uow, rows)
    for item in items:
        item["notice_overridden"] = item["reference"] in overridden
    return items, ends


def _end_rows(
    rows: Sequence[AnyRow],
) -> list[tuple[str, str, list[tuple[str, str, date | None, datetime | None]]]]:
    """Each convention's end deadlines among `rows`: its reference, state and those rows."""
    found: dict[str, tuple[str, list[tuple[str, str, date | None, datetime | None]]]] = {}
    for row in rows:
        if row.kind in END_KINDS.values():
            _, deadlines = found.setdefault(row.reference, (row.state, []))
            deadlines.append((row.kind, row.status, row.due_date, _aware(row.expires_at)))
    return [(reference, state, deadlines) for reference, (state, deadlines) in found.items()]


Hold = tuple[datetime, datetime]
"""An expiry held by an extension in signature (rule 27): until when, and the term's instant."""


def _ends(
    rows: Sequence[AnyRow], now: datetime, holds: dict[str, Hold]
) -> dict[str, EndUnrecorded]:
    """The ends come at `now` that no pass has applied, by reference, read from the
    conventions' end deadlines among `rows` (states.reading.end_from_deadlines); an expiry
    held (`holds`, by reference) has not come, as `status` says."""
    found: dict[str, EndUnrecorded] = {}
    for reference, state, deadlines in _end_rows(rows):
        held = holds.get(reference)
        end = end_from_deadlines(state, deadlines, now, held[0] if held else None)
        if end is not None:
            found[reference] = end
    return found


def _holds(uow: Any, rows: Sequence[AnyRow], now: datetime, grace_days: int) -> dict[str, Hold]:
    """The expiries held at `now` by an extension in signature for `grace_days` after the term
    (states.due.expiry_held_until), by reference, read for the conventions among `rows` whose
    term has passed with their expiry still pending (a few during the wait, thousands while
    the service is down: read together, `_extensions_in_signature`)."""
    if grace_days <= 0:
        return {}
    passed = sorted({
        row.reference for row in rows
        if row.kind == "expiry" and row.status == "pending" and row.due_date is not None
        and end_of_day(row.due_date) <= now
    })  # fmt: skip
    holds: dict[str, Hold] = {}
    for reference, (convention, amendment) in _extensions_in_signature(uow, passed).items():
        until = expiry_held_until(convention, amendment, grace_days)
        if until is not None:
            holds[reference] = (until, end_of_day(convention.end_date))
    return holds


def _extensions_in_signature(
    uow: Any, references: Sequence[str]
) -> dict[str, tuple[Convention, Amendment]]:
    """Of these conventions, those with an amendment in signature, each with it, by reference:
    the only ones whose expiry an extension may hold (states.due.expiry_held_until holds
    nothing without one). A few statements for thousands (the service down over a term
    leaves that many past it): the open amendments read together, then those conventions."""
    if not references:
        return {}
    signing = {reference: amendment
               for reference, amendment in uow.amendments.open_by_reference(references).items()
               if amendment.state == "signature"}  # fmt: skip
    conventions = _conventions(uow, sorted(signing))
    return {reference: (conventions[reference], amendment)
            for reference, amendment in signing.items()}  # fmt: skip


def _conventions(uow: Any, references: Sequence[str]) -> dict[str, Convention]:
    """These conventions, read a hundred a statement, by reference; one that is not (gone
    since the list was read) refuses the reading as `get` does (UnknownConvention)."""
    found = {convention.reference: convention
             for convention in uow.conventions.get_each(references)}  # fmt: skip
    for reference in references:
        if reference not in found:
            found[reference] = uow.conventions.get(reference)
    return found


def _by_reference(items: list[OverdueItem]) -> dict[str, list[OverdueItem]]:
    found: dict[str, list[OverdueItem]] = {}
    for item in items:
        found.setdefault(item["reference"], []).append(item)
    return found


def overdue_obligations(app: App, now: datetime | None = None) -> list[OverdueItem]:
    """Every convention's obligations overdue, oldest first (states.overdue); with `now`, those
    passed at `now` that the service has not recorded yet too (states.reading)."""
    with app.uow(read_only=True) as uow:
        return overdue_of(uow, None, now, app.settings.extension_grace_days)


def search_conventions(
    app: App, wanted: ConventionFilter, page: PageRequest, now: datetime
) -> ConventionPage:
    """One page of the conventions that match, with how many match in all."""
    with app.uow(read_only=True) as uow:
        total = uow.listing.count(wanted, now)
        rows = uow.listing.page(wanted, now, page, total)
        parties = uow.listing.parties([row.id for row in rows])
        overdue, ends = _passed_at(uow, [row.id for row in rows], now,
                                   app.settings.extension_grace_days)  # fmt: skip
        names = _committee_names(uow, rows)
        held = _held_expiries(uow, rows, now, app.settings.extension_grace_days)
        overridden = _notices_overridden(uow, rows)
    late = _by_reference(overdue)
    return {
        "items": [_summary(row, parties, late, ends, names, held, overridden) for row in rows],
        "total": total,
        "page": page.number,
        "per_page": page.size,
        "pages": max(1, -(-total // page.size)),
        "sort": wanted.sort,
        "order": "desc" if wanted.descending else "asc",
    }


def all_conventions(app: App, wanted: ConventionFilter, now: datetime) -> list[ConventionSummary]:
    """Every convention that matches, in the asked order (for exports)."""
    with app.uow(read_only=True) as uow:
        rows = uow.listing.every(wanted, now)
        return _summaries(uow, rows, None, now, app.settings.extension_grace_days)


def _summaries(
    uow: Any, rows: Sequence[AnyRow], ids: Sequence[int] | None, now: datetime, grace_days: int
) -> list[ConventionSummary]:
    """The summaries of `rows`, their obligations overdue read for the conventions `ids` (None:
    all, when `rows` are every convention that matches)."""
    parties = uow.listing.parties([row.id for row in rows])
    overdue, ends = _passed_at(uow, ids, now, grace_days)
    names = _committee_names(uow, rows)
    held = _held_expiries(uow, rows, now, grace_days)
    overridden = _notices_overridden(uow, rows)
    late = _by_reference(overdue)
    return [_summary(row, parties, late, ends, names, held, overridden) for row in rows]


EXPORT_BATCH = 500
"""The conventions an export reads at a time (`conventions_by_batch`)."""


def conventions_by_batch(
    app: App, wanted: ConventionFilter, now: datetime
) -> Iterator[tuple[list[ConventionSummary], dict[str, Ledger]]]:
    """Every convention that matches, in the asked order, as `all_conventions` says them, with
    what their payments come to (`ledgers`), `EXPORT_BATCH` at a time: what the CSV exports
    stream, their memory bounded by a batch whatever the count. The matching rows are read
    first; each batch then in its own unit of work, in a few statements (a hundred thousand
    conventions read whole at once took 800 MB)."""
    with app.uow(read_only=True) as uow:
        rows = uow.listing.every(wanted, now)
    grace_days = app.settings.extension_grace_days
    for start in range(0, len(rows), EXPORT_BATCH):
        batch = rows[start : start + EXPORT_BATCH]
        with app.uow(read_only=True) as uow:
            items = _summaries(uow, batch, [row.id for row in batch], now, grace_days)
            wanted_money = sorted({item["reference"] for item in items})
            money = {c.reference: ledger(c) for c in uow.conventions.get_each(wanted_money)}
        yield items, money


def _notices_overridden(uow: Any, rows: Sequence[AnyRow]) -> set[str]:
    """The conventions among `rows` under a termination notice their term overrides
    (states.due.notice_overridden), by reference: read for those in `termination` only, each
    once (a list of deadlines may name a convention several times), a hundred a statement."""
    ending = sorted({row.reference for row in rows if row.state == "termination"})
    return {reference for reference, convention in _conventions(uow, ending).items()
            if notice_overridden(convention)}  # fmt: skip


def _held_expiries(
    uow: Any, rows: Sequence[AnyRow], now: datetime, grace_days: int
) -> dict[str, ExpiryHeldView]:
    """The expiries held at `now` (rule 27) of the conventions among `rows`, by reference, as
    `status` says them (views.expiry_held_view): read for those in force whose term has
    passed (a few during the days of a hold, thousands while the service is down over a
    term: read together, `_extensions_in_signature`)."""
    if grace_days <= 0:
        return {}
    passed = sorted({
        row.reference for row in rows
        if row.state in IN_FORCE and row.end_date is not None and end_of_day(row.end_date) <= now
    })  # fmt: skip
    found: dict[str, ExpiryHeldView] = {}
    for reference, (convention, amendment) in _extensions_in_signature(uow, passed).items():
        until = expiry_held_until(convention, amendment, grace_days)
        view = expiry_held_view(convention, amendment, until, now)
        if view is not None:
            found[reference] = view
    return found


def _committee_names(uow: Any, rows: Sequence[AnyRow]) -> dict[int, str]:
    """The committees' names of the conventions whose next deadline is their committee's
    next meeting, the only ones a summary names (no statement when there are none)."""
    ids = [row.id for row in rows if row.next_kind == "committee"]
    return uow.listing.committee_names(ids) if ids else {}


def counts_by_state(app: App) -> dict[str, int]:
    """How many conventions are in each state."""
    with app.uow(read_only=True) as uow:
        return uow.listing.counts_by_state()


def _deadline_item(
    row: AnyRow, now: datetime, end: EndUnrecorded | None, held: Hold | None, overridden: bool
) -> DeadlineItem:
    expires_at = _aware(row.expires_at)
    until, term = held if held is not None else (None, None)
    waits = held_by_extension(row.kind, row.status, row.due_date, expires_at, now, until, term)
    return {
        "reference": row.reference,
        "title": row.title,
        "state": row.state,
        "kind": row.kind,
        "due_date": day(row.due_date),
        "expires_at": instant(row.expires_at),
        "status": row.status,
        "passed_unrecorded": passed_unrecorded(row.status, expires_at, now) and not waits,
        "held_by_extension": waits,
        "closed_by_end": closed_at_pass(row.kind, row.status, expires_at, end),
        "committee_name": row.committee_name,
        "label": labels.for_committee("deadline", row.kind, row.committee_name),
        "notice_overridden": overridden,
        "without_effect": without_effect({"kind": row.kind, "details": row.details}),
        "instalment": int(row.instalment),
    }


def ledgers(app: App, references: Iterable[str]) -> dict[str, Ledger]:
    """What each of these conventions' payments come to (states.ledger), by reference: read
    for the exports, a hundred conventions a statement."""
    wanted = sorted(set(references))
    with app.uow(read_only=True) as uow:
        return {c.reference: ledger(c) for c in uow.conventions.get_each(wanted)}


def upcoming_deadlines(
    app: App, now: datetime, days: int, limit: int | None = None
) -> UpcomingDeadlines:
    """Pending deadlines that fall within `days` (overdue ones first), and how many in all;
    those passed at `now` that the service has not recorded yet say so (`passed_unrecorded`),
    as those the convention's end, come and not yet applied, closes (`closed_by_end`)."""
    with app.uow(read_only=True) as uow:
        rows, total = uow.listing.upcoming(now, days, limit)
        come = uow.listing.ends_come(sorted({row.convention_id for row in rows}), now)
        holds = _holds(uow, [*come, *rows], now, app.settings.extension_grace_days)
        ends = _ends(come, now, holds)
        overridden = _notices_overridden(uow, rows)
    items = [_deadline_item(row, now, ends.get(row.reference), holds.get(row.reference),
                            row.reference in overridden)
             for row in rows]  # fmt: skip
    return {"items": items, "total": total, "days": days}


def calendar_deadlines(
    app: App, reference: str | None, since: date | None = None, until: date | None = None
) -> list[CalendarDeadline]:
    """Deadlines for a calendar feed: one convention's, or every convention's due from `since`
    to `until`; those that will never fall (cancelled, superseded) are left out."""
    with app.uow(read_only=True) as uow:
        if reference is not None:
            uow.conventions.get(reference)  # UnknownConvention for a reference that is not
        rows = uow.listing.calendar(reference, since, until)
        committees = uow.listing.committees(reference)
    meetings = _meetings(committees, since, until)
    names = {row.reference: committee_from_stored(row.committee).name for row in committees}
    calendar = app.legal.calendar
    return meetings + [
        {
            "reference": row.reference,
            "title": row.title,
            "kind": row.kind,
            "status": row.status,
            "due_date": row.due_date,
            "expires_at": row.expires_at,
            "explanation": row.explanation,
            "opened_by_seq": row.opened_by_seq,
            "created_at": row.created_at,
            "resolved_at": row.resolved_at,
            "first_reminder_days": _first_reminder_days(row, calendar),
            "label": _committee_label("deadline", row.kind, names.get(row.reference)),
            "without_effect": without_effect({"kind": row.kind, "details": row.details}),
        }
        for row in rows
    ]


def _committee_label(sort: str, name: str, committee: str | None) -> str | None:
    """The label naming the committee as its convention does, when it differs from the
    kind's own (None: the model's Comité technique, or no committee's kind)."""
    said = labels.for_committee(sort, name, committee)
    return None if said == labels.label(sort, name) else said


def _first_reminder_days(row: AnyRow, calendar: HolidayCalendar) -> int | None:
    """How many days before its due day a deadline's first reminder goes out, as planned."""
    offsets = clauses_from_stored(row.clauses).reminders
    day = first_reminder_day(row.kind, offsets, row.due_date, calendar)
    return None if day is None else (row.due_date - day).days


def _meetings(
    rows: Sequence[AnyRow], since: date | None, until: date | None
) -> list[CalendarDeadline]:
    """The steering committees' meetings held (rule 23), as events of the feed: each on its
    day, its attendees and decisions in its description."""
    found: list[CalendarDeadline] = []
    for row in rows:
        article = clauses_from_stored(row.clauses).articles.committee
        record = committee_from_stored(row.committee)
        named = committee_words(record.name, article)
        # The model's as the feed always wrote it; another by its own name.
        of = "du comité technique" if named.model else named.of()
        for meeting in record.meetings:
            day = meeting.held_on
            if (since is not None and day < since) or (until is not None and day > until):
                continue
            held = start_of_day(day)
            found.append({
                "reference": row.reference, "title": row.title, "kind": "committee_meeting",
                "status": "held", "due_date": day, "expires_at": end_of_day(day),
                "explanation": f"Réunion {of} ({article}).\nPrésents\u00a0: "
                f"{meeting.attendees}\nDécisions\u00a0: {meeting.decisions}",
                # One meeting a day at most: its day keeps the feed's UID stable.
                "opened_by_seq": int(day.strftime("%Y%m%d")), "created_at": held,
                "resolved_at": held,
                "first_reminder_days": None,
                "label": _committee_label("event", "committee_meeting", record.name),
                "without_effect": False,
            })  # fmt: skip
    return found


def failed_emails(app: App, limit: int = 50) -> FailedEmails:
    """Emails the outbox gave up on (status 'failed'), the latest first, and how many."""
    with app.uow(read_only=True) as uow:
        rows, total = uow.listing.failed_emails(limit)
    items: list[FailedEmail] = [
        {
            "id": row.id,
            "reference": row.reference,
            "kind": row.kind,
            "subject": row.subject,
            "recipients": list(row.recipients or []),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "created_at": instant(row.created_at),
        }
        for row in rows
    ]
    return {"items": items, "total": total}
