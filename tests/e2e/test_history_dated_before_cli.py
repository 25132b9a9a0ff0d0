"""`convflow history` of a dispute letter received on 2 June 2025, logged after the
Métropole's signature of avenant n° 1 dated 10 June: the convention's page marks the letter's
line, the command line did not. Its date is now followed by *, a note under the table says
« * n° 10 — saisi après coup : daté avant la ligne n° 9 du mardi 10 juin 2025, saisie plus
tôt. » (in English with CONVFLOW_LANGUAGE=en), and `--json` gives each line `dated_before`
(the earlier line's date, or null) and `dated_before_seq`, every other key as it was. One rule
with the page (states.recording_order). SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from states.convention import Convention
from tests.e2e.conftest import REF, Convflow
from tests.integration import steps
from tests.integration.test_late_letter_after_avenant import avenant_signed_by_the_metropole
from tests.reading import said
from workflow.bootstrap import App

KEYS = {"seq", "event", "from_state", "to_state", "date", "recorded_at", "actor", "inputs",
        "amendment"}  # fmt: skip


@pytest.fixture
def late_letter(app: App, reference_convention: Convention, convflow: Convflow) -> Convflow:
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    app.clock.now = steps.at("2025-06-12T09:00:00Z")  # type: ignore[attr-defined]
    avenant_signed_by_the_metropole(app)
    steps.record(app, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    return convflow


def test_the_table_marks_the_letter_and_says_why_under_it(late_letter: Convflow) -> None:
    out = late_letter.ok("history", REF)
    lines = out.splitlines()

    [row] = [line for line in lines if line.startswith("10 ")]
    assert said(row).startswith("10 lundi 2 juin 2025 * Litige notifié"), row
    assert [line.split()[0] for line in lines if " * " in said(line)] == ["10"], out
    assert said(out).endswith(
        "Les lignes suivent l'ordre de leur saisie, que la chaîne d'empreintes atteste ; une "
        "ligne saisie après coup est marquée *. * n° 10 — saisi après coup : daté avant la "
        "ligne n° 9 du mardi 10 juin 2025, saisie plus tôt."
    ), out


def test_in_english_too(late_letter: Convflow) -> None:
    out = late_letter.english("history", REF).stdout

    assert said(out).endswith(
        "Lines follow the order they were recorded in, which the hash chain proves; a line "
        "recorded late is marked *. * n°10 — recorded late: dated before line n°9 of 2025-06-10, "
        "recorded earlier."
    ), out


def test_the_json_gives_each_line_the_date_it_is_dated_before(late_letter: Convflow) -> None:
    history = late_letter.json("history", REF)

    assert all(set(line) == KEYS | {"dated_before", "dated_before_seq"} for line in history)
    marked = {line["seq"]: (line["dated_before"], line["dated_before_seq"]) for line in history
              if line["dated_before"] is not None}  # fmt: skip
    assert marked == {10: ("2025-06-10", 9)}, marked
    assert all(line["dated_before_seq"] is None for line in history if line["seq"] != 10)


def test_a_history_in_date_order_marks_nothing(
    app: App, reference_convention: Convention, convflow: Convflow
) -> None:
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)

    out = convflow.ok("history", REF)

    assert "*" not in out and "saisi après coup" not in out, out
    assert all(line["dated_before"] is None for line in convflow.json("history", REF))
