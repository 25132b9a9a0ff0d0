"""A report recorded on a convention that owes none is refused saying so, not as an event the
state does not take (finance tester L2: « "report_received" n'est pas possible quand la
convention est en paiement », and no reason). The reference convention owes no financial report
(`not_required`, its file's default) and is paid in one payment: `report_received` says that
no financial report is owed; with `report=instalment`, that no payment waits for a document.
Through the CLI, SQLite and PostgreSQL; the history unchanged, exit 1, no traceback."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import (
    REF,
    CliClock,
    Convflow,
    notified_on_20_march,
)


@pytest.fixture
def notified(convflow: Convflow, cli_clock: CliClock) -> Convflow:
    """The reference convention signed and its award notified on 20 March 2025."""
    return notified_on_20_march(convflow, cli_clock)


@pytest.mark.parametrize(
    ("inputs", "code", "said"),
    [
        ((), "no_financial_report_owed", "aucun compte rendu financier n'est dû"),
        (("report=financial",), "no_financial_report_owed", "aucun compte rendu financier"),
        (("report=instalment",), "no_report_awaited", "aucun versement n'attend de document"),
    ],
    ids=["unnamed", "financial", "instalment"],
)
def test_a_report_no_one_owes_is_refused_saying_so(
    notified: Convflow, inputs: tuple[str, ...], code: str, said: str
) -> None:
    before = notified.json("history", REF)
    refused = notified("event", REF, "report_received", *inputs, "--json")
    assert refused.exit_code == 1, refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    error = json.loads(refused.stdout)["error"]
    assert error["code"] == code, error
    text = notified("event", REF, "report_received", *inputs)
    assert said in " ".join(text.output.replace("\u00a0", " ").split()), text.output
    assert "n'est pas possible" not in text.output
    assert notified.json("history", REF) == before
