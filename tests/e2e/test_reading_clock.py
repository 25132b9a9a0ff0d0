"""`status` and `list` judge each deadline and reminder at the instant of reading, not at the
service's last pass (states.reading).

The reference convention loaded with its 2025 history and read on 6 December 2026, before any
pass of the service: its open data (due 10 June 2025) and its term (31 December 2025) have
passed, its reminders' instants too; nothing of it is recorded yet. A reader is told so at
once, and what the pass then records is what the read said.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow

NOT_RECORDED = "le service ne l'a pas encore enregistré\xa0; il le fera à son prochain passage"
TERM_NOT_RECORDED = (
    "terme passé le mercredi 31 décembre 2025 à 24 h\xa0: l'arrivée à terme n'est pas encore "
    "enregistrée\xa0; le service l'enregistrera à son prochain passage"
)
PUBLICATION_OVERDUE = {"kind": "publication", "instalment": 0, "due_date": "2025-06-10"}


@pytest.fixture
def reference(convflow: Convflow, cli_clock: CliClock) -> Convflow:
    """Read on 6 December 2026 (`cli_clock`): the reference convention with its 2025 history,
    at the default open-data threshold (its 200 000 € subsidy is published: a deadline on
    10 June 2025), no pass run yet."""
    convflow.env.pop("CONVFLOW_OPEN_DATA_THRESHOLD", None)
    convflow.ok("import", str(EXAMPLE))
    return convflow


def deadline_line(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(name))


def list_row(convflow: Convflow) -> str:
    """The convention's row of `convflow list`, its no-break spaces read as spaces."""
    row = next(line for line in convflow.ok("list").splitlines() if line.startswith(REF))
    return row.replace("\xa0", " ")


def by_kind(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in view["deadlines"]}


def test_status_read_in_december_2026_says_what_has_passed_and_is_not_recorded_yet(
    reference: Convflow,
) -> None:
    text = reference.ok("status", REF)

    state = text.splitlines()[1:3]
    assert state[0].split()[1:4] == ["en", "exécution", "(execution)"], state  # as stored
    assert state[1].strip() == TERM_NOT_RECORDED, state
    publication = deadline_line(text, "publication des données essentielles")
    term = deadline_line(text, "terme de la convention")
    for line in (publication, term):
        assert " date passée " in line and line.endswith(NOT_RECORDED), line
        assert "à venir" not in line, line
    assert "mardi 10 juin 2025" in publication and "mercredi 31 décembre 2025" in term
    assert "0 prévu(s), 6 en attente du prochain passage, 2 annulé(s)" in text, text
    reminders = text.split("  rappels", 1)[1].split("  courriels", 1)[0].splitlines()[1:6]
    # Each says what the pass will do with it: the open data's were known late, the term's
    # are cancelled by the term's arrival at that pass.
    assert [line.rsplit(" — ", 1)[1] for line in reminders] == [
        "ne sera pas envoyé\xa0: son heure était passée quand l'échéance a été connue"
    ] * 2 + ["sera annulé au prochain passage\xa0: la convention prend fin"] * 3, reminders


def test_status_json_keeps_the_stored_values_and_adds_what_the_clock_says(
    reference: Convflow,
) -> None:
    view = reference.json("status", REF)

    assert view["state"] == "execution"  # the stored state, as before
    assert view["read_at"] == "2026-12-06T10:00:00Z"
    assert view["end_unrecorded"] == {
        "event": "expire", "kind": "expiry", "on": "2025-12-31", "state": "expired",
    }  # fmt: skip
    deadlines = by_kind(view)
    assert {k: (d["status"], d["passed_unrecorded"]) for k, d in deadlines.items()} == {
        "signature": ("met", False),
        "payment": ("met", False),
        "publication": ("pending", True),
        "expiry": ("pending", True),
    }
    planned = [r for r in view["reminders"] if r["status"] == "planned"]
    assert len(planned) == 6 and all(r["awaiting_pass"] for r in planned)
    assert not any(r["awaiting_pass"] for r in view["reminders"] if r["status"] != "planned")


def test_the_list_read_in_december_2026_offers_no_passed_deadline_as_the_next_one(
    reference: Convflow,
) -> None:
    row = list_row(reference)
    (listed,) = reference.json("list")

    assert (
        "mardi 10 juin 2025"
        not in row.split("mercredi 31 décembre 2025", 1)[1].split("publication")[0]
    ), row  # not the next deadline
    assert "terme passé, pas encore enregistré" in row, row
    assert row.endswith(
        "—                   publication des données essentielles : échéance du mardi 10 juin "
        "2025 (pas encore enregistrée)"
    ), row
    next_deadline = ("next_deadline_at", "next_deadline_kind", "next_deadline_due")
    assert [listed[key] for key in next_deadline] == [None, None, None]
    assert listed["state"] == "execution"
    assert listed["overdue"] == [{**PUBLICATION_OVERDUE, "passed_unrecorded": True}]
    assert listed["end_unrecorded"] == {
        "event": "expire", "kind": "expiry", "on": "2025-12-31", "state": "expired",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("now", "passed"),
    [
        (datetime(2025, 6, 11, 8, 0, tzinfo=UTC), True),  # the publication fell yesterday
        (datetime(2025, 6, 9, 8, 0, tzinfo=UTC), False),  # it falls tomorrow
    ],
)
def test_a_deadline_passed_yesterday_is_overdue_one_falling_tomorrow_is_the_next(
    convflow: Convflow, cli_clock: CliClock, now: datetime, passed: bool
) -> None:
    cli_clock.now = now
    convflow.env.pop("CONVFLOW_OPEN_DATA_THRESHOLD", None)
    convflow.ok("import", str(EXAMPLE))

    publication = by_kind(convflow.json("status", REF))["publication"]
    line = deadline_line(convflow.ok("status", REF), "publication des données essentielles")
    (listed,) = convflow.json("list")
    row = list_row(convflow)

    assert publication["status"] == "pending" and publication["passed_unrecorded"] is passed
    assert convflow.json("status", REF)["end_unrecorded"] is None  # the term is to come
    if passed:
        assert " date passée " in line and line.endswith(NOT_RECORDED), line
        assert (listed["next_deadline_kind"], listed["next_deadline_due"]) == (
            "expiry", "2025-12-31",
        )  # fmt: skip
        assert listed["overdue"] == [{**PUBLICATION_OVERDUE, "passed_unrecorded": True}]
        assert row.endswith("(pas encore enregistrée)"), row
    else:
        assert " à venir " in line and NOT_RECORDED not in line, line
        assert (listed["next_deadline_kind"], listed["next_deadline_due"]) == (
            "publication", "2025-06-10",
        )  # fmt: skip
        assert listed["overdue"] == []
        assert row.endswith("mardi 10 juin 2025  —"), row


def test_a_term_passed_yesterday_is_said_passed_one_falling_tomorrow_is_to_come(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)  # the term, 31 December, yesterday
    convflow.ok("import", str(EXAMPLE))
    yesterday = convflow.json("status", REF)
    yesterday_row = list_row(convflow)
    cli_clock.now = datetime(2025, 12, 30, 8, 0, tzinfo=UTC)  # the same stored rows, the day before
    tomorrow = convflow.json("status", REF)
    tomorrow_row = list_row(convflow)

    assert by_kind(yesterday)["expiry"]["passed_unrecorded"] is True
    assert yesterday["end_unrecorded"] is not None
    assert "terme passé, pas encore enregistré" in yesterday_row
    assert by_kind(tomorrow)["expiry"]["passed_unrecorded"] is False
    assert tomorrow["end_unrecorded"] is None
    assert "terme passé" not in tomorrow_row
    assert tomorrow_row.split()[-2:] == ["2025", "—"]  # the term is the next deadline
    assert convflow.json("list")[0]["next_deadline_due"] == "2025-12-31"


def test_after_the_pass_the_views_say_what_the_read_before_it_said(reference: Convflow) -> None:
    before_status, before_list = reference.json("status", REF), reference.json("list")[0]

    reference.ok("run-due", "--no-send")
    after_status, after_list = reference.json("status", REF), reference.json("list")[0]
    text, row = reference.ok("status", REF), list_row(reference)

    # What the pass recorded is what the read before it told.
    assert after_status["state"] == before_status["end_unrecorded"]["state"] == "expired"
    passed_before = {k for k, d in by_kind(before_status).items() if d["passed_unrecorded"]}
    recorded = {k for k, d in by_kind(after_status).items() if d["status"] in ("passed", "applied")}
    assert passed_before == recorded == {"publication", "expiry"}
    strip = [
        {k: v for k, v in o.items() if k != "passed_unrecorded"} for o in before_list["overdue"]
    ]
    assert after_list["overdue"] == [{**o, "passed_unrecorded": False} for o in strip]
    assert after_list["next_deadline_due"] == before_list["next_deadline_due"] is None
    # And once recorded, nothing more is said not recorded: the views are today's.
    assert after_status["end_unrecorded"] is None and after_list["end_unrecorded"] is None
    assert not any(d["passed_unrecorded"] for d in after_status["deadlines"])
    assert not any(r["awaiting_pass"] for r in after_status["reminders"])
    assert "pas encore enregistr" not in text and "en attente du prochain passage" not in text
    # The open data's reminders were known late (skipped), not cancelled by the term: that
    # obligation outlives it; the term's own are cancelled by its arrival.
    assert "0 prévu(s), 6 annulé(s), 2 non envoyé(s) (convflow reminders REF)" in text, text
    assert deadline_line(text, "publication des données essentielles").split()[4:6] == [
        "date",
        "passée",
    ]
    assert row.endswith("publication des données essentielles : échéance du mardi 10 juin 2025")


def reminders_by_label(convflow: Convflow) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["kind"], r["label"]): r for r in convflow.json("reminders", REF)}


NEXT_PASS_DONE = {"send": "sent", "coalesce": "coalesced", "skip": "skipped", "cancel": "cancelled"}
"""The status a reminder has after the pass, for each `on_next_pass` read before it."""


def test_a_reminder_known_late_is_read_as_the_pass_will_leave_it_not_as_to_be_sent(
    reference: Convflow,
) -> None:
    """Imported on 6 December 2026: the open data's reminders (May and June 2025) had passed
    when their deadline became known; the pass skips them, and the read says so before it.
    The term's reminders: the term's arrival, applied at that pass, cancels them."""
    before = reminders_by_label(reference)
    text = reference.ok("reminders", REF)

    publication = [before["publication", "J-30"], before["publication", "J-7"]]
    assert [(r["on_next_pass"], r["on_next_pass_reason"]) for r in publication] == [
        ("skip", "known_late"), ("skip", "known_late"),
    ]  # fmt: skip
    expiry = [r for (kind, _), r in before.items() if kind == "expiry"]
    assert [(r["on_next_pass"], r["on_next_pass_reason"]) for r in expiry] == [
        ("cancel", "convention_ended")
    ] * 4
    assert all(r["awaiting_pass"] for r in publication + expiry)  # kept, as before
    lines = [line for line in text.splitlines() if line.startswith("publication")]
    assert len(lines) == 2 and all(
        "ne sera pas envoyé\xa0: son heure était passée quand l'échéance a été connue" in line
        for line in lines
    ), lines
    assert "en attente du prochain passage" not in text
    assert "sera envoyé" not in text.replace("ne sera pas envoyé", "")

    reference.ok("run-due", "--no-send")
    after = reminders_by_label(reference)

    # What the pass did is what the read before it said, reminder by reminder.
    for key, read in before.items():
        if read["awaiting_pass"]:
            assert after[key]["status"] == NEXT_PASS_DONE[read["on_next_pass"]], (key, after[key])
    assert after["publication", "J-7"]["note"] == (
        "son heure était passée quand l'échéance a été connue"
    )


def test_reminders_stored_in_time_and_missed_by_a_stopped_service_read_as_the_pass_sends_them(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    """Imported on 2 April 2025, the service then stopped until 5 June 2025: of the open data's
    reminders, the J-7 goes out at the next pass and the J-30 is coalesced into it."""
    convflow.env.pop("CONVFLOW_OPEN_DATA_THRESHOLD", None)
    cli_clock.now = datetime(2025, 4, 2, 10, 0, tzinfo=UTC)
    convflow.ok("import", str(EXAMPLE))
    cli_clock.now = datetime(2025, 6, 5, 10, 0, tzinfo=UTC)

    before = reminders_by_label(convflow)
    text = convflow.ok("reminders", REF)

    j30_next, j7_next = (before["publication", label]["on_next_pass"] for label in ("J-30", "J-7"))
    assert (j30_next, j7_next) == ("coalesce", "send")
    assert before["publication", "J-30"]["on_next_pass_reason"] == "coalesced"
    assert before["publication", "J-7"]["on_next_pass_reason"] is None
    assert before["expiry", "J-90"]["on_next_pass"] is None  # still to come
    j7 = next(
        line for line in text.splitlines() if line.startswith("publication") and " J-7 " in line
    )
    assert "sera envoyé au prochain passage" in j7 and "ne sera pas" not in j7, j7

    convflow.ok("run-due", "--no-send")
    after = reminders_by_label(convflow)
    assert after["publication", "J-30"]["status"] == "coalesced"
    assert after["publication", "J-7"]["status"] == "sent"


CLOSED_BY_END = "la convention a pris fin\xa0: le service l'annulera à son prochain passage"


def test_a_payment_target_after_the_passed_term_outlives_it_and_is_the_next_deadline(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    """The reference convention in force from 10 March 2025, its award notified on 20 December
    2025: its payment target, 19 January 2026, falls after its term (31 December 2025). Read
    on 5 January 2026, before any pass: the term's arrival, which that pass applies, no longer
    cancels the target (rule 25: what was earned during the term stays due after it); `status`
    says it is to come, and `list` offers it as the next deadline, before the pass and after."""
    cli_clock.now = datetime(2025, 12, 20, 16, 0, tzinfo=UTC)
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", "--on", "2025-03-05", f"signatory={METROPOLE}"),
                 ("sign", "--on", "2025-03-10", f"signatory={CRPV}"),
                 ("notify", "--on", "2025-12-20")):  # fmt: skip
        loaded.ok("event", REF, *args)
    cli_clock.now = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

    text = loaded.ok("status", REF)
    payment = by_kind(loaded.json("status", REF))["payment"]
    (listed,) = loaded.json("list")
    row = list_row(loaded)

    line = deadline_line(text, "objectif de versement")
    assert " sans objet " not in line and not line.endswith(CLOSED_BY_END), line
    assert "lundi 19 janvier 2026" in line, line
    assert (payment["status"], payment["closed_by_end"]) == ("pending", False)
    assert (listed["next_deadline_kind"], listed["next_deadline_due"]) == ("payment", "2026-01-19")
    assert "19 janvier 2026" in row and "terme passé, pas encore enregistré" in row, row

    loaded.ok("run-due", "--no-send")
    after = by_kind(loaded.json("status", REF))
    assert (after["payment"]["status"], after["expiry"]["status"]) == ("pending", "applied")
    assert loaded.json("status", REF)["allowed_events"] == ["pay", "forgo_payment"]
    (listed,) = loaded.json("list")
    assert (listed["next_deadline_kind"], listed["next_deadline_due"]) == ("payment", "2026-01-19")
