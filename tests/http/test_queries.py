"""The list queries on both databases: filters, sorts and pages agree with a plain reading."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.convention import Convention
from storage import queries as storage_queries
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases import listing as queries
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event

COUNT = 12


@pytest.fixture
def many(app: App, reference_convention: Convention) -> App:
    """Twelve conventions: even ones in force (a term that varies), odd ones in draft."""
    app.clock.now = steps.at("2025-06-01T09:00:00Z")  # type: ignore[attr-defined]
    for i in range(COUNT):
        convention = replace(
            reference_convention,
            reference=f"C-{i:02d}",
            title=f"Convention {chr(ord('a') + (i * 5) % COUNT)}",
            amount=Decimal(1000 * (i + 1)),
            end_date=date(2025, 7, 1 + i),
            signatories=[replace(s) for s in reference_convention.signatories],
        )
        import_convention(app, ImportConvention(convention, "tests"), app.clock())
        if i % 2 == 0:
            for event, on, inputs in [
                ("submit", "2025-03-03", {}),
                ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                ("sign", "2025-03-10", {"signatory": steps.CRPV}),
            ]:
                command = RecordEvent(f"C-{i:02d}", event, "t", date.fromisoformat(on), inputs)
                record_event(app, command, app.clock())
    return app


def references(app: App, wanted: queries.ConventionFilter, size: int = 5) -> list[str]:
    """Every matching reference, page by page."""
    found: list[str] = []
    number = 1
    while True:
        page = queries.search_conventions(
            app, wanted, queries.PageRequest(number, size), app.clock()
        )
        found += [item["reference"] for item in page["items"]]
        if number >= page["pages"]:
            assert page["total"] == len(found)
            return found
        number += 1


@pytest.mark.parametrize("sort", sorted(queries.SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_pages_put_together_give_the_whole_sorted_list(many: App, sort: str, descending: bool):
    wanted = queries.ConventionFilter(sort=sort, descending=descending)

    paged = references(many, wanted)
    whole = [item["reference"] for item in queries.all_conventions(many, wanted, many.clock())]

    assert paged == whole and len(whole) == COUNT
    if sort == "amount":
        amounts = [int(ref[2:]) for ref in whole]
        assert amounts == sorted(amounts, reverse=descending)


def test_deadlines_within_some_days_find_the_terms_that_fall_in_them(many: App):
    within_10 = references(many, queries.ConventionFilter(due_within_days=35))

    assert within_10 == ["C-00", "C-02", "C-04"]  # terms 1, 3 and 5 July: within 35 days


@pytest.mark.parametrize("descending", [False, True])
def test_every_way_of_finding_a_page_gives_the_same_pages(many: App, descending: bool):
    wanted = queries.ConventionFilter(due_within_days=400, descending=descending)
    expected = [i + 1 for i in range(0, COUNT, 2)]  # ids of the even conventions, in force
    expected = expected[::-1] if descending else expected

    with many.uow(read_only=True) as uow:
        pages = {
            how: [queries.page_ids(uow.connection, wanted, many.clock(),
                                   queries.PageRequest(number, 2), how) for number in (1, 2, 3)]
            for how in (queries.LOOKUP, queries.LIST, queries.PROBE)
        }  # fmt: skip

    assert pages[queries.LOOKUP] == pages[queries.LIST] == pages[queries.PROBE]
    assert [i for page in pages[queries.PROBE] for i in page] == expected


def test_the_way_of_finding_a_page_follows_how_many_match(
    many: App, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(storage_queries, "SCAN_FROM", 2)
    by_reference = queries.ConventionFilter(due_within_days=400)
    by_title = queries.ConventionFilter(due_within_days=400, sort="title")

    with many.uow(read_only=True) as uow:
        first = queries.strategy(uow.connection, by_reference, queries.PageRequest(1, 1), 6)
        last = queries.strategy(uow.connection, by_reference, queries.PageRequest(6, 1), 6)
        few = queries.strategy(uow.connection, by_reference, queries.PageRequest(1, 1), 1)
        titled = queries.strategy(uow.connection, by_title, queries.PageRequest(1, 1), 6)

    assert (first, last, few, titled) == (
        queries.PROBE, queries.LIST, queries.LOOKUP, queries.LOOKUP,
    )  # fmt: skip


def test_filters_combine(many: App):
    wanted = queries.ConventionFilter(state="draft", text="c-0", party="crpv")

    assert references(many, wanted) == ["C-01", "C-03", "C-05", "C-07", "C-09"]


def test_wildcards_in_search_text_are_plain_characters(many: App):
    assert references(many, queries.ConventionFilter(text="%")) == []
    assert references(many, queries.ConventionFilter(text="C_0")) == []


def test_the_upcoming_deadlines_come_soonest_first_with_their_count(many: App):
    found = queries.upcoming_deadlines(many, many.clock(), 35, limit=2)

    assert found["total"] == 3
    assert [item["reference"] for item in found["items"]] == ["C-00", "C-02"]


def test_counts_by_state(many: App):
    assert queries.counts_by_state(many) == {"draft": 6, "notification": 6}


def test_no_failed_email_yet(many: App):
    assert queries.failed_emails(many) == {"items": [], "total": 0}
