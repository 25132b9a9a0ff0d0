"""The convention's payments JSON edited by hand into something convflow never writes, then
`convflow verify` run through the real command line on SQLite and PostgreSQL: each is reported
as stored otherwise than the history establishes (exit code 1), never a traceback.

The reference convention (examples/) is imported with its 2025 history: its single payment of
200 000,00 € was made (a `pay` line). A superuser then sets `convention.payments` to an object
instead of a list, a list of numbers, an entry without its number, a part without its amount, a
part whose day is not a date, an amount that is not one.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import EXAMPLE, REF, Convflow

HOSTILE_PAYMENTS = {
    "an object": '{"number": 0, "paid_on": "2025-03-03"}',
    "a list of numbers": "[1, 2]",
    "a string": '"paid"',
    "an entry without its number": '[{"paid_on": "2025-03-03", "paid_amount": "200000.00"}]',
    "a number that is not one": '[{"number": "zéro", "paid_on": "2025-03-03"}]',
    "a part without amount": '[{"number": 0, "paid_on": "2025-03-03", "paid_amount": '
    '"200000.00", "parts": [{"on": "2025-03-03"}, {"on": "2025-04-01", "amount": "1.00"}]}]',
    "a part whose day is no date": '[{"number": 0, "paid_on": "2025-03-03", "paid_amount": '
    '"200000.00", "parts": [{"on": "mardi", "amount": "100000.00"}, {"on": "2025-04-01", '
    '"amount": "100000.00"}]}]',
    "parts that are no list": '[{"number": 0, "paid_on": "2025-03-03", "paid_amount": '
    '"200000.00", "parts": 3}]',
    "an amount that is no amount": '[{"number": 0, "paid_on": "2025-03-03", "paid_amount": '
    '"deux cent mille"}]',
    "a balance_by that is no number": '[{"number": 0, "paid_on": "2025-03-03", "paid_amount": '
    '"200000.00", "balance_by": "n° 1"}]',
}


@pytest.mark.parametrize("payments", HOSTILE_PAYMENTS.values(), ids=list(HOSTILE_PAYMENTS))
def test_verify_reports_a_payments_json_convflow_never_writes(
    convflow: Convflow, payments: str
) -> None:
    convflow.ok("import", str(EXAMPLE))
    engine = create_engine(convflow.env["CONVFLOW_DATABASE_URL"])
    cast = "CAST(:payments AS json)" if engine.dialect.name == "postgresql" else ":payments"
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE convention SET payments = {cast}"),
                           {"payments": payments})  # fmt: skip
    engine.dispose()

    result = convflow("verify", REF)
    assert result.exit_code == 1, (result.output, result.stderr)
    assert result.stderr.startswith(
        f"{REF}\u00a0: Paiements enregistrés (payments)\u00a0: la base de données contient une "
        "valeur illisible, ce que l'historique établit ne peut lui être comparé\u00a0: "
    )
    assert "chaque chaîne est intacte" in result.stdout  # the lines themselves hold
    failed = convflow("verify", REF, "--json")
    assert failed.exit_code == 1
    [found] = json.loads(failed.stdout)["differences"]
    assert (found["seq"], found["field"], found["recorded"]) == (0, "payments", "")
    status = convflow.refusal("status", REF)  # refused by its code, never a traceback
    assert (status["code"], status["params"]["column"]) == ("stored_value_unreadable", "payments")
