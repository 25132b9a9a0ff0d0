"""The open data's publication outlives the convention (rule 19; README: `publish` is taken
after the end): a term that passes before its deadline neither closes it nor cancels its
reminders still to come.

The reference convention with a term of 30 April 2025: signed on 10 March 2025, its open data
are due on 10 June 2025 (three months after the signature, whatever the term), reminded on
9 May (J-30) and 3 June (J-7), after the term.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.e2e.conftest import EXAMPLE, REF, CliClock, Convflow


def short_term(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "end_date = 2025-12-31" in text
    path = tmp_path / "short-term.toml"
    path.write_text(text.replace("end_date = 2025-12-31", "end_date = 2025-04-30", 1), "utf-8")
    return path


def publication(convflow: Convflow) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    view = convflow.json("status", REF)
    deadline = next(d for d in view["deadlines"] if d["kind"] == "publication")
    reminders = {
        r["label"]: r for r in convflow.json("reminders", REF) if r["kind"] == "publication"
    }
    return deadline, reminders


def test_the_term_s_arrival_leaves_the_open_data_due_and_its_reminders_to_come(
    convflow: Convflow, cli_clock: CliClock, tmp_path: Path
) -> None:
    convflow.env.pop("CONVFLOW_OPEN_DATA_THRESHOLD", None)
    cli_clock.now = datetime(2025, 4, 2, 10, 0, tzinfo=UTC)
    convflow.ok("import", str(short_term(tmp_path)))
    deadline, reminders = publication(convflow)
    assert deadline["due_date"] == "2025-06-10"
    assert {label: r["planned_at"][:10] for label, r in reminders.items()} == {
        "J-30": "2025-05-09", "J-7": "2025-06-03",
    }  # fmt: skip

    cli_clock.now = datetime(2025, 5, 2, 10, 0, tzinfo=UTC)  # the term has passed
    convflow.ok("run-due", "--no-send")
    assert convflow.json("status", REF)["state"] == "expired"
    deadline, reminders = publication(convflow)
    assert deadline["status"] == "pending"  # still owed
    assert {label: r["status"] for label, r in reminders.items()} == {
        "J-30": "planned", "J-7": "planned",
    }  # fmt: skip
    expiry = [r for r in convflow.json("reminders", REF) if r["kind"] == "expiry"]
    assert expiry and all(r["status"] != "planned" for r in expiry)

    cli_clock.now = datetime(2025, 5, 9, 10, 0, tzinfo=UTC)
    _, reminders = publication(convflow)
    assert reminders["J-30"]["on_next_pass"] == "send"
    convflow.ok("run-due", "--no-send")
    _, reminders = publication(convflow)
    assert reminders["J-30"]["status"] == "sent"
    emails = convflow.json("outbox")
    assert any(e["kind"] == "reminder_publication" for e in emails), emails

    cli_clock.now = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    convflow.ok("run-due", "--no-send")
    _, reminders = publication(convflow)
    assert reminders["J-7"]["status"] == "sent"

    cli_clock.now = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)  # not published in time
    convflow.ok("run-due", "--no-send")
    deadline, _ = publication(convflow)
    assert deadline["status"] == "passed"
    assert any(e["kind"] == "publication_missed" for e in convflow.json("outbox"))

    convflow.ok("event", REF, "publish", "url=https://example.org/donnees.csv")
    deadline, _ = publication(convflow)
    assert deadline["status"] == "passed"  # published late, after the end: recorded
