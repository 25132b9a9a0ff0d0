"""The one rule that says which lines of a history, read in recording order, are dated before a
line recorded earlier (states.recording_order): the page, `convflow history`, the dossier and
historique.csv all mark by it. Pure: lines in, marks out."""

from __future__ import annotations

from datetime import date

from states.recording_order import FILE_RECORDS, dated_before
from workflow.wording import dashboard


def test_each_line_is_held_against_the_latest_dated_line_recorded_before_it() -> None:
    history = [
        {"seq": 1, "event": "import", "date": "2026-11-25"},
        {"seq": 2, "event": "submit", "date": "2025-03-03"},
        {"seq": 3, "event": "sign", "date": "2025-06-14"},
        {"seq": 4, "event": "open_dispute", "date": "2025-06-10"},
        {"seq": 5, "event": "attach_document", "date": "2025-06-20"},
        {"seq": 6, "event": "settle", "date": "2025-06-12"},
        {"seq": 7, "event": "pay", "date": "2025-06-14"},
        {"seq": 8, "event": "erase_personal_data", "date": "2026-12-01"},
        {"seq": 9, "event": "edit_draft", "date": "2026-12-02"},
        {"seq": 10, "event": "report_received", "date": "2025-06-15"},
    ]

    earlier = dated_before(history)

    assert {seq: line["seq"] for seq, line in earlier.items()} == {4: 3, 6: 3}
    assert dashboard.dated_before(history) == earlier  # the page's filter is the same rule
    assert dashboard.FILE_RECORDS == FILE_RECORDS


def test_dates_as_dates_and_the_same_day_are_in_order() -> None:
    history = [
        {"seq": 1, "event": "sign", "date": date(2025, 6, 10)},
        {"seq": 2, "event": "open_dispute", "date": date(2025, 6, 10)},
        {"seq": 3, "event": "settle", "date": date(2025, 6, 9)},
    ]

    assert {seq: line["seq"] for seq, line in dated_before(history).items()} == {3: 2}
    assert dated_before([]) == {}
