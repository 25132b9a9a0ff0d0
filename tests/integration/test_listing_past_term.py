"""The lists when many conventions are past their term, their expiry not yet recorded (the
service down over 1 January, say), on SQLite and PostgreSQL: what each says of a held expiry
(rule 27), of an end come and not applied, of a notice the term overrides is what the
convention's own `status` says, and reading it takes a few statements, not two per convention
past its term (a tester's 10 000 conventions, 3 000 past the term: 1.9 s became 10.4 s)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from bench.http_pages import IN_FORCE, Generator, fill
from states.amendments import Amendment
from states.calendar import end_of_day
from states.due import expiry_held_until, notice_overridden
from storage.queries import ConventionFilter, PageRequest
from storage.tables import convention_table
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.listing import all_conventions, search_conventions
from workflow.usecases.views import expiry_held_view

TODAY = date(2026, 11, 25)
"""The day the generated conventions are stored for: their pending deadlines lie ahead."""
LATER = datetime(2027, 6, 23, 10, 0, tzinfo=UTC)
"""210 days on, the service not having run: about 30 % of those in force are past the term."""
COUNT = 120


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The longest wait (60 days): more of the conventions past the term are held."""
    return {**settings_env, "CONVFLOW_EXTENSION_GRACE_DAYS": "60"}


@pytest.fixture
def past_term(app: App) -> list[str]:
    """`COUNT` conventions of the benchmarks' generator; of those in force whose term has passed
    at LATER, one in three with an extension in signature, one in three a draft one; one in
    five of the first with an avenant in signature that does not extend the term. The
    references of those past their term."""
    c = convention_table.c
    with app.engine.begin() as connection:
        fill(connection, Generator(COUNT, TODAY))
    with app.uow() as uow:
        rows = uow.connection.execute(select(c.id, c.reference, c.state, c.end_date)).all()
        past = sorted((r for r in rows if r.state in IN_FORCE and end_of_day(r.end_date) <= LATER),
                      key=lambda r: r.id)  # fmt: skip
        for n, row in enumerate(past):
            longer = (row.end_date + timedelta(days=90)).isoformat()
            shorter = (row.end_date - timedelta(days=10)).isoformat()
            if n % 3 == 2:
                continue
            state = "signature" if n % 3 == 0 else "draft"
            changes = {"end_date": shorter if n % 5 == 0 else longer}
            uow.amendments.add(row.id, Amendment(1, state, changes, TODAY, TODAY), LATER)
        uow.commit()
    return [row.reference for row in past]


def one_by_one(app: App, references: list[str], now: datetime) -> dict[str, Any]:
    """Each convention's held expiry and overridden notice, read one convention at a time."""
    found = {}
    grace = app.settings.extension_grace_days
    with app.uow(read_only=True) as uow:
        for reference in references:
            convention = uow.conventions.get(reference)
            amendment = uow.amendments.open_one(uow.conventions.id_of(reference))
            until = expiry_held_until(convention, amendment, grace)
            found[reference] = (expiry_held_view(convention, amendment, until, now),
                                notice_overridden(convention))  # fmt: skip
    return found


@contextmanager
def statements(app: App) -> Iterator[list[str]]:
    """The SQL statements sent to the database meanwhile."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(args[2])

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(app.engine, "before_cursor_execute", count)


def test_the_list_past_term_says_what_each_convention_says_of_itself(
    app: App, past_term: list[str]
) -> None:
    items = all_conventions(app, ConventionFilter(), LATER)
    references = [item["reference"] for item in items]
    alone = one_by_one(app, references, LATER)
    for item in items:
        status = views.status(app, item["reference"], LATER)
        held, overridden = alone[item["reference"]]
        assert item["expiry_held"] == held == status["expiry_held"], item["reference"]
        assert item["end_unrecorded"] == status["end_unrecorded"], item["reference"]
        assert item["notice_overridden"] is overridden, item["reference"]
    held_ones = {item["reference"] for item in items if item["expiry_held"]}
    ended = {item["reference"] for item in items if item["end_unrecorded"]}
    assert len(past_term) >= 20 and held_ones and ended and held_ones.isdisjoint(ended)
    assert held_ones <= set(past_term)
    # a page of the list says of each what the whole list says
    page = search_conventions(app, ConventionFilter(), PageRequest(1, 200), LATER)["items"]
    assert sorted(page, key=lambda i: i["reference"]) == sorted(items, key=lambda i: i["reference"])


def test_the_list_reads_those_past_their_term_in_a_few_statements(
    app: App, past_term: list[str]
) -> None:
    """Before: a convention and its open amendment read one by one, twice (the ends come, the
    held expiries): four statements per convention past the term."""
    all_conventions(app, ConventionFilter(), LATER)  # the statements prepared
    with statements(app) as normal:
        all_conventions(app, ConventionFilter(), end_of_day(TODAY))
    with statements(app) as later:
        all_conventions(app, ConventionFilter(), LATER)
    assert len(later) - len(normal) <= 6, (len(past_term), len(normal), len(later))
