"""The conventions' CSV export streamed, on SQLite and PostgreSQL: the API's and the dashboard's
send, a batch of conventions at a time, the very bytes the whole document was (byte order
mark, header, semicolons, CRLF, columns, order), so that 100 000 conventions no longer take
800 MB and 18 s before the first byte. A convention that cannot be read refuses the export
before its first byte when it is in the first batch, as it did; in a later one the transfer
breaks off, reported by the client as a failed transfer, never a shorter file that looks
complete."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from storage.queries import ConventionFilter
from storage.tables import convention_table
from tests.conftest import FixedClock
from tests.http.conftest import Tokens, bearer, sign_in
from tests.integration.test_listing_past_term import LATER, past_term, settings_env
from workflow.bootstrap import App
from workflow.usecases import listing
from workflow.usecases.csv_export import conventions_csv

__all__ = ["past_term", "settings_env"]  # the fixtures, 120 conventions, some past the term
BATCH = 7
"""Conventions a batch: 120 conventions in 18 batches, the last one short."""


@pytest.fixture
def streamed(app: App, past_term: list[str], clock: FixedClock, monkeypatch: pytest.MonkeyPatch):
    clock.now = LATER
    monkeypatch.setattr(listing, "EXPORT_BATCH", BATCH)
    return app


def whole(app: App, wanted: ConventionFilter) -> bytes:
    """The document as it was built before it was streamed: every convention read at once."""
    items = listing.all_conventions(app, wanted, LATER)
    money = listing.ledgers(app, [item["reference"] for item in items])
    return conventions_csv(items, money).encode("utf-8")


def test_the_streamed_export_is_the_whole_document_byte_for_byte(
    streamed: App, client: httpx.Client, tokens: Tokens
) -> None:
    viewer = bearer(tokens.viewer)
    api = client.get("/api/v1/conventions.csv", headers=viewer)
    sign_in(client, tokens.admin)
    page = client.get("/conventions.csv")
    executing = client.get("/conventions.csv", params={"state": "execution", "sort": "end_date"})

    expected = whole(streamed, ConventionFilter())
    assert expected.count(b"\r\n") == 121 and b"AMP-BENCH-000119" in expected
    for answer in (api, page, executing):
        assert answer.status_code == 200
        assert answer.headers["transfer-encoding"] == "chunked"
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert answer.headers["content-disposition"] == 'attachment; filename="conventions.csv"'
    assert api.content == expected
    assert page.content == expected
    filtered = ConventionFilter(state="execution", sort="end_date")
    assert executing.content == whole(streamed, filtered)
    assert executing.content.count(b"\r\n") > 1 + BATCH


def _unreadable(app: App, reference: str) -> None:
    """Its stored clauses made unreadable (convention_from_rows refuses them)."""
    with app.engine.begin() as connection:
        connection.execute(
            update(convention_table)
            .where(convention_table.c.reference == reference)
            .values(clauses={"bad": 1})
        )


def test_a_convention_unreadable_in_a_later_batch_breaks_the_transfer_off(
    streamed: App, client: httpx.Client, tokens: Tokens
) -> None:
    order = [i["reference"] for i in listing.all_conventions(streamed, ConventionFilter(), LATER)]
    _unreadable(streamed, order[5 * BATCH + 2])
    received = b""
    with client.stream("GET", "/api/v1/conventions.csv", headers=bearer(tokens.viewer)) as answer:
        assert answer.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            for part in answer.iter_bytes():
                received += part
    # what came is the lines before that batch, no more: a client that kept it was told it
    # is incomplete
    lines = received.decode("utf-8").split("\r\n")
    assert lines[-1] == "" and len(lines) == 2 + 5 * BATCH
    assert lines[-2].startswith(order[5 * BATCH - 1] + ";")


def test_a_convention_unreadable_in_the_first_batch_refuses_the_export_before_any_byte(
    streamed: App, client: httpx.Client, tokens: Tokens
) -> None:
    order = [i["reference"] for i in listing.all_conventions(streamed, ConventionFilter(), LATER)]
    _unreadable(streamed, order[3])
    answer = client.get("/api/v1/conventions.csv", headers=bearer(tokens.viewer))
    assert answer.status_code != 200
    assert not answer.content.startswith("\ufeff".encode())
