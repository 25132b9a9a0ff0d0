"""A convention paid in instalments (article 2), walked on SQLite and PostgreSQL.

The reference convention's 200 000 € paid in three instalments: 60 000 € after the
notification of the award, 80 000 € on 30 June 2025, and 60 000 € on receipt of the final
report. Each instalment has its own payment deadline and reminders; the convention is in
execution from the first payment; the partner's email names the instalment it is about.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.convention import Convention
from states.errors import GuardRejected
from states.payments import Instalment
from tests.conftest import FixedClock
from tests.integration.steps import CRPV, METROPOLE, REFERENCE, at, load, record, state
from tests.integration.test_what_is_due import received, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.due import run_due

SCHEDULE = (
    Instalment(1, Decimal("60000.00"), "notification"),
    Instalment(2, Decimal("80000.00"), "date", on=date(2025, 6, 30)),
    Instalment(3, Decimal("60000.00"), "report", report="bilan final"),
)


@pytest.fixture
def in_three(app: App, clock: FixedClock, reference_convention: Convention) -> App:
    """The reference convention in three instalments, in force from 10 March 2025 and
    notified on 20 March 2025."""
    clauses = replace(reference_convention.clauses, instalments=SCHEDULE)
    clock.now = at("2025-03-03T10:00:00Z")
    load(app, replace(reference_convention, clauses=clauses))
    record(app, "submit", "2025-03-03")
    clock.now = at("2025-03-20T10:00:00Z")
    record(app, "sign", "2025-03-05", signatory=METROPOLE)
    record(app, "sign", "2025-03-10", signatory=CRPV)
    record(app, "notify", "2025-03-20")
    return app


def payments(app: App) -> list[tuple[int, str, str]]:
    """(instalment, status, due date) of each payment deadline, in instalment order."""
    found = views.status(app, REFERENCE)["deadlines"]
    return sorted(
        (d["instalment"], d["status"], d["due_date"]) for d in found if d["kind"] == "payment"
    )


def planned_payment_reminders(app: App) -> int:
    reminders = views.status(app, REFERENCE)["reminders"]
    return sum(1 for r in reminders if r["kind"] == "payment" and r["status"] == "planned")


def test_the_notification_opens_a_deadline_for_each_instalment_it_makes_due(in_three: App):
    # n°3 waits for its report: no deadline yet.
    assert payments(in_three) == [(1, "pending", "2025-04-19"), (2, "pending", "2025-06-30")]
    assert planned_payment_reminders(in_three) == 2
    first = next(d for d in views.status(in_three, REFERENCE)["deadlines"] if d["instalment"] == 1)
    assert first["explanation"].startswith(
        "Versement n°\u00a01 sur 3 (article 2), 60\u202f000,00\xa0€\u00a0:"
    )
    assert views.status(in_three, REFERENCE)["allowed_events"] == [
        "pay", "report_received", "open_dispute", "give_notice", "forgo_payment",
    ]  # fmt: skip


def test_each_payment_closes_its_own_deadline_and_the_last_closes_the_schedule(
    in_three: App, clock: FixedClock
) -> None:
    clock.now = at("2025-04-01T10:00:00Z")
    record(in_three, "pay", "2025-04-01", amount="60000.00")  # the first unpaid: n°1
    assert state(in_three) == "execution"  # from the first payment
    assert payments(in_three) == [(1, "met", "2025-04-19"), (2, "pending", "2025-06-30")]
    assert planned_payment_reminders(in_three) == 1  # n°2's reminder stays planned

    with pytest.raises(GuardRejected) as refused:  # n°3 waits for its report
        record(in_three, "pay", "2025-04-01", amount="60000.00", instalment="3")
    assert refused.value.code == "report_not_received"
    with pytest.raises(GuardRejected) as refused:
        record(in_three, "pay", "2025-04-01", amount="60000.00")  # n°2 is 80 000 €
    # held against n°2, the first unpaid; 60 000 € is n°3's: said so (finance tester, L3)
    assert (refused.value.code, refused.value.own_params["other"]) == (
        "amount_of_another_instalment", 3,
    )  # fmt: skip
    assert refused.value.params["due"] == "80000.00"

    clock.now = at("2025-07-03T10:00:00Z")
    record(in_three, "pay", "2025-07-03", amount="80000.00", instalment="2")
    assert payments(in_three) == [(1, "met", "2025-04-19"), (2, "passed", "2025-06-30")]

    clock.now = at("2025-09-15T10:00:00Z")
    record(in_three, "report_received", "2025-09-15")  # the one report awaited: n°3
    assert payments(in_three)[2] == (3, "pending", "2025-10-15")
    clock.now = at("2025-10-01T10:00:00Z")
    record(in_three, "pay", "2025-10-01", amount="60000.00")
    status = views.status(in_three, REFERENCE)
    assert status["paid_on"] == "2025-04-01" and status["paid_amount"] == "200000.00"
    assert [(i["number"], i["paid_on"]) for i in status["instalments"]] == [
        (1, "2025-04-01"), (2, "2025-07-03"), (3, "2025-10-01"),
    ]  # fmt: skip
    assert status["instalments"][2]["report_received_on"] == "2025-09-15"
    assert "pay" not in status["allowed_events"]
    with pytest.raises(GuardRejected) as refused:  # said all paid, not « possibles : … » (L1)
        record(in_three, "pay", "2025-10-01", amount="1.00")
    assert refused.value.code == "all_instalments_paid"
    history = [
        (h["event"], h["inputs"].get("instalment")) for h in views.history(in_three, REFERENCE)
    ]
    assert history[-4:] == [
        ("pay", "1"), ("pay", "2"), ("report_received", "3"), ("pay", "3"),
    ]  # fmt: skip


def test_the_status_line_says_the_total_paid_not_on_the_first_instalment_s_day(
    in_three: App, clock: FixedClock
) -> None:
    from workflow.cli.present import status_text
    from workflow.wording.words import Words

    clock.now = at("2025-07-03T10:00:00Z")
    record(in_three, "pay", "2025-04-01", amount="60000.00")
    record(in_three, "pay", "2025-07-03", amount="80000.00")

    status = views.status(in_three, REFERENCE)
    assert [(p["on"], p["amount"], p["instalment"]) for p in status["payments_made"]] == [
        ("2025-04-01", "60000.00", 1), ("2025-07-03", "80000.00", 2),
    ]  # fmt: skip
    text = status_text(status, Words("fr")).replace("\u202f", " ").replace("\xa0", " ")
    assert "200 000,00 €  — versé 140 000,00 € en tout, en 2 versements" in text, text
    assert "140 000,00 € le mardi 1er avril 2025" not in text  # the total on n°1's day
    assert "versé le jeudi 3 juillet 2025" in text  # n°2's own line


def test_the_partner_reads_which_instalment_a_reminder_is_about(
    in_three: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    clock.now = at("2025-04-01T10:00:00Z")
    record(in_three, "pay", "2025-04-01", amount="60000.00")
    run_due(in_three, at("2025-04-01T10:05:00Z"), smtp_server.sender())
    since = len(smtp_server.handler.accepted)

    clock.now = at("2025-06-30T12:00:00Z")
    run_due(in_three, clock.now, smtp_server.sender())
    reminders = [m for m in received(smtp_server, since) if "versement" in str(m["Subject"])]
    assert len(reminders) == 1, [str(m["Subject"]) for m in received(smtp_server, since)]
    text = text_of(reminders[0])
    assert "est versée en 3 fois (article 2)" in text
    assert "Le versement n° 2, de 80 000,00 €, est dû le lundi 30 juin 2025" in text
    # n°1 was paid on 1 April: its reminder on 19 April never left.
    assert "n°\u00a01" not in str(reminders[0]["Subject"])


def test_the_award_email_lists_the_schedule(in_three: App, smtp_server: RunningServer) -> None:
    run_due(in_three, at("2025-03-20T10:05:00Z"), smtp_server.sender())
    award = [m for m in received(smtp_server) if "attribution" in str(m["Subject"]).lower()]
    assert award, [str(m["Subject"]) for m in received(smtp_server)]
    text = text_of(award[-1])
    assert "sera versée par la Métropole en 3 versements" in text
    assert "- versement n° 1 : 60 000,00 €, à la suite de la notification d’attribution" in text
    assert "- versement n° 2 : 80 000,00 €, le lundi 30 juin 2025" in text
    assert "- versement n° 3 : 60 000,00 €, à la réception du document « bilan final »" in text
    assert "celui du versement n° 1 est fixé au samedi 19 avril 2025" in text


def test_the_schedule_migration_keeps_every_deadline_and_reminder_both_ways(
    in_three: App, database_url: str
) -> None:
    """Migration 0011 rebuilds the deadline table that reminders point to: down to 0010 (a
    single deadline per event and kind: the instalments' deadlines opened together by the
    notification would not fit, so this runs on a single-payment convention) and back up,
    nothing lost, no reminder orphaned."""
    from sqlalchemy import func, select

    from storage.engine import make_engine
    from storage.migrate import run
    from storage.tables import deadline_table, reminder_table

    def counts() -> tuple[int, int]:
        with in_three.engine.connect() as connection:
            return tuple(  # type: ignore[return-value]
                connection.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (deadline_table, reminder_table)
            )

    with in_three.engine.begin() as connection:  # keep one deadline per event and kind
        connection.execute(reminder_table.delete().where(reminder_table.c.kind == "payment"))
        connection.execute(deadline_table.delete().where(deadline_table.c.instalment == 2))
    before = counts()
    assert before[0] >= 3 and before[1] >= 3  # signature, expiry, payment n°1 and reminders
    in_three.close()
    engine = make_engine(database_url)
    try:
        run(engine, "downgrade", "0010")
        run(engine, "upgrade", "head")
    finally:
        engine.dispose()
    assert counts() == before
