"""`verify` holds what the convention's row says was paid, forgone and owed on each instalment
against the history, on SQLite and PostgreSQL (finance tester's M2).

AMP-EXEMPLE-2027 (examples/) pays 45 000,00 € in two instalments: n° 1, 27 000,00 €, paid on
Monday 1 February 2027; avenant n° 1, in force on Monday 15 March, raises n° 1 to 30 000,00 €
and n° 2 to 21 000,00 €; the 3 000,00 € balance of n° 1 is paid on 20 March; the Métropole
forgoes n° 2 on 1 April (its report never came). Every line of it holds, and so does the row.
A superuser then changes the row beside the history, as the tester did with psql: an
instalment's amount in `convention.clauses`, what was paid or forgone in `convention.payments`,
the total paid: `verify` names each, with the line that establishes the true value.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.integration.test_instalment_amendment import avenant
from tests.integration.test_instalment_emails import EXAMPLE, record
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.verification import verify_history

pytest_plugins = ["tests.integration.test_instalment_emails"]


@pytest.fixture
def walked(signed_and_notified: App) -> App:
    """Instalment n° 1 paid in two parts around avenant n° 1, instalment n° 2 forgone."""
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    changes = {"instalment.1.amount": "30000.00", "instalment.2.amount": "21000.00"}
    assert avenant(app, **changes) == "in_force"
    record(app, "pay", "2027-03-20", amount="3000.00", instalment="1")
    record(app, "forgo_payment", "2027-04-01", instalment="2", reason="bilan non remis")
    return app


def _line(app: App, name: str, occurred_on: str | None = None) -> int:
    """The seq of the last history line of this event (on this day)."""
    return max(
        row["seq"] for row in views.history(app, EXAMPLE)
        if row["event"] == name and occurred_on in (None, row["date"])
    )  # fmt: skip


def _in_force_line(app: App) -> int:
    return max(row["seq"] for row in views.history(app, EXAMPLE) if row.get("amendment"))


def _edit(app: App, column: str, before: str, after: str) -> None:
    """`UPDATE convention SET column = replace(column, before, after)`, as psql would: the
    column's JSON text edited in place (no trigger guards the convention's row)."""
    with app.engine.begin() as connection:
        if app.engine.dialect.name == "postgresql":
            connection.execute(text(
                f"UPDATE convention SET {column} = replace({column}::text, :before, :after)::json "
                "WHERE reference = :reference"
            ), {"before": before, "after": after, "reference": EXAMPLE})  # fmt: skip
        else:
            connection.execute(text(
                f"UPDATE convention SET {column} = replace({column}, :before, :after) "
                "WHERE reference = :reference"
            ), {"before": before, "after": after, "reference": EXAMPLE})  # fmt: skip


def _differences(app: App) -> list[tuple[int, str, str, str]]:
    report = verify_history(app, EXAMPLE)
    assert report["breaks"] == []  # the lines themselves hold: only the row was changed
    return [(d["seq"], d["field"], d["recorded"], d["stored"]) for d in report["differences"]]


def test_paid_in_parts_amended_and_forgone_the_untouched_convention_is_intact(
    walked: App,
) -> None:
    status = views.status(walked, EXAMPLE)
    assert (status["amount"], status["paid_amount"]) == ("51000.00", "30000.00")

    report = verify_history(walked, EXAMPLE)
    assert (report["breaks"], report["differences"], report["terms_unchecked"]) == ([], [], [])


def test_an_instalment_s_amount_changed_in_the_row_is_named_with_the_avenant_s_line(
    walked: App,
) -> None:
    _edit(walked, "clauses", '"21000.00"', '"15000.00"')

    assert views.status(walked, EXAMPLE)["instalments"][1]["amount"] == "15000.00"
    assert _differences(walked) == [
        (_in_force_line(walked), "instalment.2.amount", "21000.00", "15000.00")
    ]


def test_what_was_paid_on_an_instalment_changed_in_the_row_is_named_with_its_last_payment(
    walked: App,
) -> None:
    _edit(walked, "payments", '"30000.00"', '"33000.00"')

    assert _differences(walked) == [
        (_line(walked, "pay", "2027-03-20"), "instalment.1.paid_amount", "30000.00", "33000.00")
    ]


def test_a_renunciation_removed_from_the_row_is_named_with_its_line(walked: App) -> None:
    _edit(walked, "payments", '"2027-04-01"', "null")

    assert views.status(walked, EXAMPLE)["instalments"][1]["forgone_on"] is None
    assert _differences(walked) == [
        (_line(walked, "forgo_payment"), "instalment.2.forgone_on", "2027-04-01", "")
    ]


def test_the_total_paid_changed_in_the_row_is_named(walked: App) -> None:
    with walked.engine.begin() as connection:
        connection.execute(text("UPDATE convention SET paid_amount = '51000.00'"))

    assert _differences(walked) == [
        (_line(walked, "pay", "2027-03-20"), "paid_amount", "30000.00", "51000.00")
    ]


def test_a_payment_no_line_records_is_named_as_such(signed_and_notified: App) -> None:
    """Instalment n° 1 marked paid in the row, no `pay` line: nothing establishes it."""
    record(signed_and_notified, "pay", "2027-02-01", amount="27000.00")
    _edit(signed_and_notified, "payments", '"number": 1', '"number": 2')

    assert _differences(signed_and_notified) == [
        (_line(signed_and_notified, "pay"), "instalment.1.paid_amount", "27000.00", ""),
        (0, "instalment.2.paid_amount", "", "27000.00"),
    ]
