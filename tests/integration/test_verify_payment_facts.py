"""`verify` holds every payment fact the convention's row keeps against the history, on SQLite
and PostgreSQL (finance tester's report: `json_set` on `convention.payments` went unseen).

AMP-EXEMPLE-2027 (examples/) pays 45 000,00 € in two instalments. N° 1, 27 000,00 €, is paid
on Monday 1 February 2027; avenant n° 1 (in force on 15 March) raises it to 30 000,00 €, the
3 000,00 € balance is paid on 20 March (two parts, each on its day); avenant n° 2 (in force on
8 April) raises it again, to 31 000,50 €, and the Métropole forgoes that 1 000,50 € balance on
15 April. N° 2 (18 000,00 €, paid on a report that never came) is forgone whole on 20 April.
A superuser then edits one fact of `convention.payments` in place, as the tester did
(`json_set`, `jsonb_set` on PostgreSQL): `verify` names the field and the line that
establishes it. A history written before parts were kept (the in-force line recording no
instalment, the row no part nor `balance_by`) still holds.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from states.chain import GENESIS, link
from tests.integration.test_history_chain import superuser
from tests.integration.test_instalment_amendment import set_clock
from tests.integration.test_instalment_emails import EXAMPLE, MARTIAL, NADIA, record
from workflow.bootstrap import App
from workflow.cli import cli
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.verification import verify_history

pytest_plugins = ["tests.integration.test_instalment_emails"]

Path = tuple[int | str, ...]


def _avenant(app: App, days: tuple[str, str, str], **changes: str) -> None:
    """An avenant with `changes`, drafted and submitted on the first day, signed by Nadia
    Benali on the second and by Martial Alvarez on the third (in force)."""
    set_clock(app, days[0])
    drafted = DraftAmendment(EXAMPLE, changes, "alice", date.fromisoformat(days[0]))
    number = draft_amendment(app, drafted, app.clock()).number
    for on, event, inputs in ((days[0], "submit", {}), (days[1], "sign", {"signatory": NADIA}),
                              (days[2], "sign", {"signatory": MARTIAL})):  # fmt: skip
        set_clock(app, on)
        command = RecordAmendmentEvent(EXAMPLE, number, event, "alice", date.fromisoformat(on),
                                       inputs)  # fmt: skip
        assert record_amendment_event(app, command, app.clock()) is not None


@pytest.fixture
def balanced(signed_and_notified: App) -> App:
    """N° 1 paid in two parts, raised again and its balance forgone; n° 2 forgone whole."""
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    _avenant(app, ("2027-03-11", "2027-03-12", "2027-03-15"), **{"instalment.1.amount": "30000.00"})
    record(app, "pay", "2027-03-20", amount="3000.00", instalment="1")
    _avenant(app, ("2027-04-05", "2027-04-06", "2027-04-08"), **{"instalment.1.amount": "31000.50"})
    record(app, "forgo_payment", "2027-04-15", instalment="1", reason="subvention réduite")
    record(app, "forgo_payment", "2027-04-20", instalment="2", reason="bilan non remis")
    return app


def _lines(app: App) -> dict[tuple[str, str], int]:
    """Each line's seq by (event, day); an amendment's last signature as ('in_force', day)."""
    found = {}
    for row in views.history(app, EXAMPLE):
        name = "in_force" if row.get("amendment") and row["event"] == "sign" else row["event"]
        found[(name, row["date"])] = row["seq"]
    return found


def _json_set(app: App, path: Path, value: Any) -> None:
    """`json_set(payments, '$[0].parts[0].amount', …)` as the tester typed it (`jsonb_set` on
    PostgreSQL); `value` None removes the key (`json_remove`, `#-`)."""
    sqlite = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    postgres = "{" + ",".join(str(p) for p in path) + "}"
    given = {"reference": EXAMPLE, "value": json.dumps(value)}
    if app.engine.dialect.name == "postgresql":
        changed = ("(payments::jsonb #- :path)" if value is None else
                   "jsonb_set(payments::jsonb, :path, CAST(:value AS jsonb))")  # fmt: skip
        statement = f"UPDATE convention SET payments = {changed}::json WHERE reference = :reference"
        given["path"] = postgres
    else:
        changed = ("json_remove(payments, :path)" if value is None else
                   "json_set(payments, :path, json(:value))")  # fmt: skip
        statement = f"UPDATE convention SET payments = {changed} WHERE reference = :reference"
        given["path"] = sqlite
    with app.engine.begin() as connection:
        connection.execute(text(statement), given)


def _differences(app: App) -> list[tuple[int, str, str, str]]:
    report = verify_history(app, EXAMPLE)
    assert report["breaks"] == []  # the lines hold: only the row was changed
    return [(d["seq"], d["field"], d["recorded"], d["stored"]) for d in report["differences"]]


def test_the_untouched_convention_is_intact_and_a_part_s_amount_changed_is_named(
    balanced: App,
) -> None:
    progress = views.status(balanced, EXAMPLE)["instalments"][0]
    assert (progress["paid_amount"], progress["forgone_amount"]) == ("30000.00", "1000.50")
    assert _differences(balanced) == []

    _json_set(balanced, (0, "parts", 0, "amount"), "4000.00")

    line = _lines(balanced)
    assert _differences(balanced) == [
        (line[("pay", "2027-02-01")], "instalment.1.part.1.amount", "27000.00", "4000.00")
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ((0, "parts", 0, "on"), "2027-01-30",
         [(("pay", "2027-02-01"), "instalment.1.part.1.on", "2027-02-01", "2027-01-30")]),
        ((0, "parts", 1, "amount"), "2000.00",
         [(("pay", "2027-03-20"), "instalment.1.part.2.amount", "3000.00", "2000.00")]),
        ((0, "paid_on"), "2027-03-21",
         [(("pay", "2027-03-20"), "instalment.1.paid_on", "2027-03-20", "2027-03-21")]),
        ((0, "forgone_amount"), "999.50",
         [(("forgo_payment", "2027-04-15"), "instalment.1.forgone_amount", "1000.50",
           "999.50")]),
        ((1, "forgone_amount"), "999.50",
         [(("forgo_payment", "2027-04-20"), "instalment.2.forgone_amount", "18000.00",
           "999.50")]),
        ((0, "forgone_amount"), None,
         [(("forgo_payment", "2027-04-15"), "instalment.1.forgone_amount", "1000.50", "")]),
        ((0, "balance_by"), 1,
         [(("in_force", "2027-04-08"), "instalment.1.balance_by", "2", "1")]),
        ((0, "balance_by"), None,
         [(("in_force", "2027-04-08"), "instalment.1.balance_by", "2", "")]),
        ((0, "parts"), [{"on": "2027-02-01", "amount": "30000.00"}],  # the sum kept
         [(("pay", "2027-02-01"), "instalment.1.part.1.amount", "27000.00", "30000.00"),
          (("pay", "2027-03-20"), "instalment.1.part.2.amount", "3000.00", ""),
          (("pay", "2027-03-20"), "instalment.1.part.2.on", "2027-03-20", "")]),
        ((0, "parts"), None,  # parts were kept since avenant n° 1's line: they are missing
         [(("pay", "2027-02-01"), "instalment.1.part.1.amount", "27000.00", ""),
          (("pay", "2027-02-01"), "instalment.1.part.1.on", "2027-02-01", ""),
          (("pay", "2027-03-20"), "instalment.1.part.2.amount", "3000.00", ""),
          (("pay", "2027-03-20"), "instalment.1.part.2.on", "2027-03-20", "")]),
        ((0, "parts", 2), {"on": "2027-04-30", "amount": "500.00"},
         [((), "instalment.1.part.3.amount", "", "500.00"),
          ((), "instalment.1.part.3.on", "", "2027-04-30")]),
    ],
)  # fmt: skip
def test_each_payment_fact_changed_in_the_row_is_named_with_its_line(
    balanced: App, path: Path, value: Any, expected: list[tuple[tuple[str, str], str, str, str]]
) -> None:
    _json_set(balanced, path, value)

    line = _lines(balanced)
    assert _differences(balanced) == [
        (line[at] if at else 0, field, recorded, stored) for at, field, recorded, stored in expected
    ]


def _as_written_before_parts(app: App) -> None:
    """The history and the row as a convflow that kept no part wrote them: terms lines without
    each instalment's amount (the chain recomputed, as it was written then), no `parts`,
    `balance_by` nor `forgone_amount` in the row."""
    with app.uow() as uow:
        lines = [line for line, _, _ in next(uow.history.chains(EXAMPLE))[1]]
    rewritten, hashes, previous = [], [], GENESIS
    for line in lines:
        terms = line.inputs.get("terms")
        if isinstance(terms, dict):
            older = {k: v for k, v in terms.items() if k != "instalments"}
            line = replace(line, inputs={**line.inputs, "terms": older})
            rewritten.append(line)
        previous = link(previous, line)
        hashes.append(previous)
    inputs = [(line.seq, json.dumps(dict(line.inputs), ensure_ascii=False)) for line in rewritten]
    superuser(app, *(f"UPDATE event SET inputs = '{text_}' WHERE seq = {seq}"
                      for seq, text_ in inputs),
               *(f"UPDATE event SET content_hash = '{h}', previous_hash = "
                 f"'{GENESIS if seq == 1 else hashes[seq - 2]}' WHERE seq = {seq}"
                 for seq, h in enumerate(hashes, start=1)))  # fmt: skip
    for path in ((0, "parts"), (0, "balance_by"), (1, "forgone_amount")):
        _json_set(app, path, None)


@pytest.fixture
def older(signed_and_notified: App) -> App:
    """N° 1 paid, raised by avenant n° 1, its balance paid; n° 2 forgone whole: written
    before parts were kept."""
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    _avenant(app, ("2027-03-11", "2027-03-12", "2027-03-15"), **{"instalment.1.amount": "30000.00"})
    record(app, "pay", "2027-03-20", amount="3000.00", instalment="1")
    record(app, "forgo_payment", "2027-04-20", instalment="2", reason="bilan non remis")
    _as_written_before_parts(app)
    return app


def test_a_history_written_before_parts_were_kept_holds_and_its_latest_day_is_still_held(
    older: App,
) -> None:
    stored = views.status(older, EXAMPLE)["instalments"][0]
    assert stored["paid_amount"] == "30000.00"
    report = verify_history(older, EXAMPLE)
    assert (report["breaks"], report["differences"], report["terms_unchecked"]) == ([], [], [])

    _json_set(older, (0, "paid_on"), "2027-02-01")

    line = _lines(older)
    assert _differences(older) == [
        (line[("pay", "2027-03-20")], "instalment.1.paid_on", "2027-03-20", "2027-02-01")
    ]


def test_the_command_line_names_a_part_changed_in_french_and_fails(
    balanced: App, settings_env: dict[str, str]
) -> None:
    """The tester's `json_set(payments,'$[0].parts[0].amount','4000.00')`: verify exits 1."""
    _json_set(balanced, (0, "parts", 0, "amount"), "4000.00")

    result = CliRunner().invoke(cli, ["verify", EXAMPLE], env=settings_env)
    assert result.exit_code == 1, result.output
    said = result.stderr.replace("\u202f", " ").replace("\xa0", " ")
    seq = _lines(balanced)[("pay", "2027-02-01")]
    assert (f"la base de données dit 4 000,00 €, la ligne {seq} de l'historique établit "
            "27 000,00 €") in said  # fmt: skip
    assert "paiement 1" in said and "versement n° 1" in said


def test_a_pay_line_altered_in_the_history_is_no_truth_the_row_is_held_against(
    balanced: App, settings_env: dict[str, str]
) -> None:
    """The pay line's amount edited in the history table: the line is named altered, and what
    it now reads is said, not asserted as what the history establishes."""
    seq = _lines(balanced)[("pay", "2027-02-01")]
    superuser(balanced, "UPDATE event SET inputs = '{\"amount\": \"4000.00\", \"instalment\": "
                         f"\"1\"}}' WHERE seq = {seq}")  # fmt: skip

    report = verify_history(balanced, EXAMPLE)
    assert [(b["seq"], b["breach"]) for b in report["breaks"]] == [(seq, "altered")]
    assert [(d["field"], d["line_holds"]) for d in report["differences"]] == [
        ("paid_amount", False), ("instalment.1.paid_amount", False),
        ("instalment.1.part.1.amount", False),
    ]  # fmt: skip
    result = CliRunner().invoke(cli, ["verify", EXAMPLE], env=settings_env)
    assert result.exit_code == 1
    said = result.stderr.replace("\u202f", " ").replace("\xa0", " ")
    assert "établit 4 000,00 €" not in said
    assert (f"la base de données dit 27 000,00 € ; la ligne {seq} de l'historique dit 4 000,00 € "
            "mais n'est plus intacte : elle n'établit rien") in said  # fmt: skip
