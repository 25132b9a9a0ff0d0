"""What `simulate` predicts is exactly what the service then does, whatever people record.

Hypothesis drives a convention through random lives: events a person records (submission,
signatures, notification, payment, disputes with their letters, notices, amendments), dated
today or back-dated, and time moving forward by random steps. Before each step `simulate` is
asked what the service will do until the step's end; then the service does it, woken at each
instant something falls due (as `convflow serve` is) or, when it was down, once at the end (as
`convflow run-due` after downtime). Both must be equal: the same deadlines passed or applied,
the same reminders sent, coalesced or skipped and why, the same emails, at the same instants.

How many lives: the Hypothesis profile (tests/conftest.py; `HYPOTHESIS_PROFILE=thorough` for
many more). PostgreSQL lives a quarter as many as SQLite's.
"""

from __future__ import annotations

import contextlib
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from notifications import MemorySender
from states import due
from states.calendar import civil_date
from states.convention import Convention
from states.errors import ConvflowError
from states.lifecycle import IN_FORCE
from tests.conftest import FixedClock, empty_postgres
from tests.integration.steps import CRPV, METROPOLE, REFERENCE
from workflow.bootstrap import App
from workflow.scheduler.service import Service
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.due import DueReport, run_due
from workflow.usecases.simulate import Happening, simulate

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
SIGNATORIES = (METROPOLE, CRPV)
PARTIES = ("metropole", "crpv")
Seen = tuple[datetime, str, str, str, str, str | None, str | None, int | None]
"""(pass instant, reminder|deadline, deadline kind, label or state, outcome, email, reason,
days left)."""
Draw = Callable[..., object]


@dataclass
class Life:
    """One convention's life on one database: people recording events, and the service."""

    app: App
    clock: FixedClock
    sender: MemorySender
    """Where the service delivers. A MemorySender, not the SMTP server: these lives compare
    what `simulate` predicts with the decisions of the passes (kinds, outcomes, instants read
    in the outbox), never what an email says; hundreds of drawn passes stay fast without a
    socket each. What the partners receive is read off the real server elsewhere
    (tests/integration/mail.py)."""

    def record(self, event: str, on: date, **inputs: str) -> None:
        """A person records an event; a refusal changes nothing and life goes on."""
        command = RecordEvent(REFERENCE, event, "alice", on, inputs)
        with contextlib.suppress(ConvflowError):
            record_event(self.app, command, self.clock.now)

    def amend(self, on: date, changes: dict[str, str]) -> None:
        """A person drafts an amendment."""
        command = DraftAmendment(REFERENCE, changes, "alice", on)
        with contextlib.suppress(ConvflowError):
            draft_amendment(self.app, command, self.clock.now)

    def amendment_event(self, number: int, event: str, on: date, **inputs: str) -> None:
        """A person records an amendment's event."""
        command = RecordAmendmentEvent(REFERENCE, number, event, "alice", on, inputs)
        with contextlib.suppress(ConvflowError):
            record_amendment_event(self.app, command, self.clock.now)

    def predicted(self, until: datetime, down: bool) -> list[Seen]:
        """What `simulate` says the service will do from now to `until`."""
        happenings = simulate(
            self.app, REFERENCE, self.clock.now, until, down_until=until if down else None
        )
        return sorted(_predicted(h) for h in happenings if h.outcome != "cancelled")

    def run_service(self, until: datetime, down: bool) -> list[Seen]:
        """The service's passes until `until`: at each due instant, or once at the end."""
        service = Service(self.app, self.sender, clock=self.clock)
        seen: list[Seen] = []
        instant: datetime | None = until if down else self.clock.now
        while instant is not None and instant <= until:
            self.clock.now = instant
            before = {e["id"] for e in views.outbox(self.app, None, 10_000)}
            open_before = _open_amendments(self.app)
            report = run_due(self.app, instant, self.sender)
            assert report.failures == {}
            queued = [e for e in views.outbox(self.app, None, 10_000) if e["id"] not in before]
            emails = Counter(e["kind"] for e in queued if e["status"] not in ("late", "withheld"))
            # what a reminder or an announcement known late would have said: never sent, it
            # waits for the administrators' summary of late records
            untold = Counter(
                _untold(e["kind"]) for e in queued if e["status"] in ("late", "withheld")
            )
            seen += _observed(report, instant, emails, untold)
            seen += _lapsed(self.app, report, instant, open_before)
            assert not +emails, f"emails no decision explains: {+emails}"
            assert not +untold, f"summary lines no decision explains: {+untold}"
            following = service.next_due()
            assert following is None or following > instant, "a pass left work due"
            instant = None if down else following
        self.clock.now = until
        return sorted(seen)


def _observed(
    report: DueReport, now: datetime, emails: Counter[str], untold: Counter[str]
) -> list[Seen]:
    """What one pass of the service did, each email it queued taken off `emails`, each line
    kept for the summary of late records (known late: not sent) off `untold`."""
    seen: list[Seen] = []
    for action in report.actions:
        if action.email:  # an event's email the pass queued withheld (recorded late) too
            (emails if emails[action.email] > 0 else untold)[action.email] -= 1
        elif action.reason == "known_late" and action.deadline in due.ANNOUNCEMENTS:
            untold[due.ANNOUNCEMENTS[action.deadline]] -= 1
        seen.append((now, "deadline", action.deadline, action.to_state, action.action,
                     action.email, action.reason, None))  # fmt: skip
    for reminder in report.reminders:
        email = None
        if reminder.outcome == "send":
            email = reminder.template
            emails[email] -= 1
        elif reminder.reason == "known_late":
            untold["a reminder"] -= 1  # the report names only a sent reminder's email
        seen.append((now, "reminder", reminder.kind, reminder.label, reminder.outcome, email,
                     reminder.reason, reminder.days_left))  # fmt: skip
    return seen


def _open_amendments(app: App) -> set[int]:
    """The numbers of the amendments in draft or signature."""
    rows = views.amendments(app, REFERENCE)
    return {row["number"] for row in rows if row["state"] in ("draft", "signature")}


def _lapsed(app: App, report: DueReport, now: datetime, open_before: set[int]) -> list[Seen]:
    """The amendments open before the pass that it left lapsed (read from the tables, not
    from the report, which says the end only), with the end that made them lapse."""
    rows = views.amendments(app, REFERENCE)
    lapsed = [row for row in rows if row["number"] in open_before and row["state"] == "lapsed"]
    ends = [a for a in report.actions if a.action in due.END_KINDS]
    if not lapsed:
        return []
    [end] = ends  # an amendment lapses only with its convention's end
    return [(now, "deadline", end.deadline, end.to_state, "lapse", None, None, None)
            for _ in lapsed]  # fmt: skip


def _untold(kind: str) -> str:
    """A line of the summary of late records, as a pass's report can explain it."""
    return "a reminder" if kind.startswith("reminder_") else kind


def _predicted(h: Happening) -> Seen:
    what = "reminder" if h.what == "reminder" else "deadline"
    label = h.label if what == "reminder" else h.state
    return (h.at, what, h.kind, label or "", h.outcome, h.email, h.reason, h.days_left)


# --- random lives -------------------------------------------------------------------------


def _convention(template: Convention, draw: Draw) -> Convention:
    """The reference convention with a random term and short random clauses, so that much
    falls due within a life."""
    term = civil_date(START) + timedelta(days=draw(st.integers(20, 420)))
    clauses = replace(
        template.clauses,
        dispute_window_days=draw(st.sampled_from([3, 10, 30])),
        termination_notice_months=draw(st.sampled_from([1, 2, 6])),
        payment_target_days=draw(st.sampled_from([2, 10, 30])),
        signature_target_days=draw(st.sampled_from([1, 3, 7])),
        reminders=replace(template.clauses.reminders, court_possible=draw(st.booleans())),
    )
    return replace(
        template, end_date=term, clauses=clauses,
        signatories=[replace(s) for s in template.signatories],
    )  # fmt: skip


_WEIGHTS = {"cancel": 0, "sign": 6, "close_litigation": 2, "give_notice": 2, "amend": 2}
"""How often each event is drawn among those allowed (3 unless said): lives that reach the
interesting states, never cancelled (a cancelled convention has nothing more to tell)."""


def _one_event(life: Life, draw: Draw) -> None:
    """A person records one event the convention allows, dated today or some days back."""
    status = views.status(life.app, REFERENCE)
    today = civil_date(life.clock.now)
    with life.app.uow(read_only=True) as uow:
        last = uow.conventions.get(REFERENCE).last_event_on or today
    back = draw(st.sampled_from([0, 0, 0, 1, 4, 12, 40]))
    on = max(today - timedelta(days=back), last)
    open_amendment = next(
        (a for a in status["amendments"] if a["state"] in ("draft", "signature")), None
    )
    choices = list(status["allowed_events"])
    if status["state"] in IN_FORCE and open_amendment is None:
        choices.append("amend")
    if open_amendment is not None:
        choices += [f"amendment:{e}" for e in open_amendment["allowed_events"]]
    weighted = [name for name in sorted(choices) for _ in range(_WEIGHTS.get(name, 3))]
    if not weighted:
        return
    event = draw(st.sampled_from(weighted))
    if event == "sign":
        life.record("sign", on, signatory=draw(st.sampled_from(SIGNATORIES)))
    elif event == "pay":
        life.record("pay", on, amount=status["amount"])
    elif event in ("open_dispute", "give_notice"):
        received = on - timedelta(days=draw(st.sampled_from([0, 0, 1, 5, 20, 45])))
        party = draw(st.sampled_from(PARTIES))
        life.record(event, on, party=party, received=received.isoformat())
    elif event == "amend":
        life.amend(on, _changes(draw, today))
    elif event.startswith("amendment:"):
        assert open_amendment is not None
        name = event.removeprefix("amendment:")
        inputs = {"signatory": draw(st.sampled_from(SIGNATORIES))} if name == "sign" else {}
        life.amendment_event(open_amendment["number"], name, on, **inputs)
    else:
        life.record(event, on)


def _changes(draw: Draw, today: date) -> dict[str, str]:
    """What an amendment changes: mostly the term, sometimes a clause or reminder offsets."""
    field = draw(st.sampled_from([
        "end_date", "end_date", "reminders.expiry", "termination_notice_months",
        "payment_target_days", "reminders.court_possible", "reminders.dispute_window",
    ]))  # fmt: skip
    if field == "end_date":
        return {field: (today + timedelta(days=draw(st.integers(5, 300)))).isoformat()}
    values = {
        "reminders.expiry": ["60,14,1", "30,0", "45"],
        "termination_notice_months": ["1", "3", "12"],
        "payment_target_days": ["1", "15", "60"],
        "reminders.dispute_window": ["2,0", "10,3,1"],
        "reminders.court_possible": ["no", "yes"],
    }[field]
    return {field: str(draw(st.sampled_from(values)))}


def _step(draw: Draw) -> tuple[timedelta, bool]:
    """How far time moves, and whether the service is down meanwhile (one time in four)."""
    days = draw(st.sampled_from([0, 1, 2, 3, 6, 9, 15, 30, 45, 80, 130]))
    minutes = draw(st.integers(0, 24 * 60 - 1))
    down = draw(st.integers(0, 3)) == 0
    return timedelta(days=days, minutes=minutes), down


def live(life: Life, template: Convention, draw: Draw, steps: int) -> None:
    """A random life of `steps` steps; at each, the prediction must be what happens."""
    convention = _convention(template, draw)
    import_convention(life.app, ImportConvention(convention, "alice"), life.clock.now)
    for number in range(steps):
        for _ in range(int(draw(st.integers(0, 2)))):  # type: ignore[call-overload]
            _one_event(life, draw)
        delta, down = _step(draw)
        until = life.clock.now + delta
        predicted = life.predicted(until, down)
        happened = life.run_service(until, down)
        assert predicted == happened, f"step {number}: until {until}, service down: {down}"
        for seen in happened:
            event(f"{seen[1]} {seen[2]} {seen[4]}" + (f" ({seen[6]})" if seen[6] else ""))
    event(f"ends in {views.status(life.app, REFERENCE)['state']}")


# --- on SQLite, and a shorter run on PostgreSQL -------------------------------------------


class Databases:
    """A fresh app on an empty database for each Hypothesis example (function-scoped fixtures
    are not reset between examples, so the test makes its own)."""

    def __init__(self, url: str, folder: Path, template: Path) -> None:
        self.url, self.folder, self.template = url, folder, template
        self._app: App | None = None

    def fresh(self) -> tuple[App, FixedClock]:
        """An app on an empty, migrated database, its clock at the start of a life."""
        self.close()
        url = self.url
        if url.startswith("sqlite"):
            for old in self.folder.glob("lives.db*"):
                old.unlink()
            shutil.copy(self.template, self.folder / "lives.db")
            url = f"sqlite:///{self.folder / 'lives.db'}"
        else:
            empty_postgres(url)
        clock = FixedClock(START)
        self._app = App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
        self._app.clock = clock
        return self._app, clock

    def close(self) -> None:
        """Close the current example's app."""
        if self._app is not None:
            self._app.close()
            self._app = None


@pytest.fixture
def sqlite_lives(tmp_path: Path, sqlite_template: Path) -> Iterator[Databases]:
    """Fresh SQLite databases for random lives."""
    databases = Databases("sqlite", tmp_path, sqlite_template)
    yield databases
    databases.close()


@pytest.fixture
def postgres_lives(postgres_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Databases]:
    """The session's PostgreSQL database, emptied for each random life."""
    databases = Databases(postgres_url, tmp_path, sqlite_template)
    yield databases
    databases.close()


_SHARED = {"suppress_health_check": [HealthCheck.function_scoped_fixture], "deadline": None}
STEPS = 12


@settings(**_SHARED)  # type: ignore[arg-type]
@given(data=st.data())
def test_simulate_predicts_what_the_service_does_on_sqlite(
    data: st.DataObject, sqlite_lives: Databases, reference_convention: Convention
) -> None:
    app, clock = sqlite_lives.fresh()
    live(Life(app, clock, MemorySender()), reference_convention, data.draw, STEPS)


@pytest.mark.postgres
@settings(max_examples=max(settings().max_examples // 4, 5), **_SHARED)  # type: ignore[arg-type]
@given(data=st.data())
def test_simulate_predicts_what_the_service_does_on_postgresql(
    data: st.DataObject, postgres_lives: Databases, reference_convention: Convention
) -> None:
    app, clock = postgres_lives.fresh()
    live(Life(app, clock, MemorySender()), reference_convention, data.draw, STEPS)
