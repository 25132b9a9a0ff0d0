"""The history proves itself (issue 14.3): each line chained to the one before, `verify`
naming the first line a tampering broke, the database refusing the paths around its triggers,
and the chain heads kept in the administrators' mailboxes once a day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from states.chain import GENESIS, link
from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import parsed, plain_text
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due
from workflow.usecases.verification import verify_history

REF = "AMP-CRPV-PACA-2025"
ADMIN = "politique.ville@example.org"


@pytest.fixture
def walked(app: App, reference_convention: Convention) -> App:
    """The reference convention submitted, signed, notified and paid: six history lines."""
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    return app


def superuser(app: App, *statements: str) -> None:
    """What a database superuser can do: triggers off, then the statements."""
    with app.engine.begin() as connection:
        if app.engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in ("event_no_update", "event_no_delete", "event_no_replace"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        for statement in statements:
            connection.execute(text(statement))


def _broken(app: App) -> list[tuple[int, str]]:
    return [(b["seq"], b["breach"]) for b in verify_history(app)["breaks"]]


def test_the_reference_conventions_life_holds(walked: App) -> None:
    report = verify_history(walked, REF)

    assert (report["conventions"], report["lines"], report["breaks"]) == (1, 6, [])
    assert len(report["heads"][REF]) == 64


def test_a_line_changed_after_it_was_written_is_named(walked: App) -> None:
    superuser(walked, "UPDATE event SET actor = 'mallory' WHERE seq = 3")
    assert _broken(walked) == [(3, "altered")]


def test_a_removed_line_is_named(walked: App) -> None:
    superuser(walked, "DELETE FROM event WHERE seq = 4")
    assert _broken(walked) == [(4, "removed")]


def test_a_forged_line_in_the_place_of_another_is_named(walked: App) -> None:
    superuser(
        walked,
        "DELETE FROM event WHERE seq = 5",
        "INSERT INTO event (convention_id, seq, name, from_state, to_state, occurred_on, "
        "recorded_at, actor, inputs, amendment, previous_hash, content_hash) "
        "SELECT convention_id, 5, 'settle', from_state, to_state, occurred_on, recorded_at, "
        "actor, inputs, amendment, content_hash, content_hash FROM event WHERE seq = 6",
    )
    assert _broken(walked) == [(5, "unchained")]  # it does not follow line 4


def test_two_lines_swapped_are_named(walked: App) -> None:
    superuser(
        walked,
        "UPDATE event SET seq = 100 WHERE seq = 2",
        "UPDATE event SET seq = 2 WHERE seq = 3",
        "UPDATE event SET seq = 3 WHERE seq = 100",
    )
    assert _broken(walked)[0] == (2, "unchained")


def test_the_database_refuses_to_replace_or_empty_the_history(walked: App) -> None:
    if walked.engine.dialect.name == "sqlite":
        rewrite = "INSERT OR REPLACE INTO event SELECT * FROM event WHERE seq = 2"
    else:
        rewrite = "TRUNCATE event CASCADE"
    with pytest.raises(DBAPIError, match="append-only"), walked.engine.begin() as connection:
        connection.execute(text(rewrite))
    assert _broken(walked) == [] and verify_history(walked)["lines"] == 6


@pytest.fixture
def with_admin(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    environment = {**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN,
                   "CONVFLOW_CHAIN_HEADS_DAILY": "yes"}  # fmt: skip
    application = App.create(load_settings(environment))
    application.clock = clock
    yield application
    application.close()


def test_the_administrators_get_the_chain_heads_once_a_day(
    with_admin: App, reference_convention: Convention, smtp_server: RunningServer,
    clock: FixedClock,
) -> None:  # fmt: skip
    reference_convention.end_date = reference_convention.end_date.replace(year=2027)
    steps.load(with_admin, reference_convention)
    morning = steps.at("2026-11-25T10:00:00+01:00")

    run_due(with_admin, morning - timedelta(hours=2))  # 08:00: before the reminder hour
    run_due(with_admin, morning)
    run_due(with_admin, morning + timedelta(hours=5))  # the same day: not again
    deliver(with_admin, smtp_server.sender(), morning)

    summaries = [m for m in smtp_server.handler.accepted
                 if "Empreintes" in str(parsed(m)["Subject"])]  # fmt: skip
    assert len(summaries) == 1
    assert str(parsed(summaries[0])["To"]) == ADMIN
    head = verify_history(with_admin)["heads"][REF]
    assert f"{REF}\xa0: {head}" in plain_text(summaries[0])


def _differences(app: App) -> list[tuple[int, str, str, str]]:
    found = verify_history(app)["differences"]
    return [(d["seq"], d["field"], d["recorded"], d["stored"]) for d in found]


def test_the_terms_changed_behind_the_history_are_named(walked: App) -> None:
    """The rows beside the history (the convention's amount, term and state, a signatory's
    name) are held against what the import's line recorded, hashed with it."""
    with walked.engine.begin() as connection:  # no trigger guards these rows
        connection.execute(text("UPDATE convention SET amount = '250000.00', "
                                "end_date = '2027-12-31', state = 'expired'"))  # fmt: skip
        connection.execute(text("UPDATE signatory SET name = 'Jean Faussaire' "
                                f"WHERE email = '{steps.CRPV}'"))  # fmt: skip

    found = _differences(walked)
    assert verify_history(walked)["breaks"] == []  # the lines themselves hold
    assert [(seq, field) for seq, field, _, _ in found] == [
        (6, "state"), (1, "amount"), (1, "end_date"), (1, "signatory.crpv"),
    ]  # fmt: skip
    assert found[0][2:] == ("execution", "expired")
    assert found[1][2:] == ("200000.00", "250000.00")
    assert "Mustapha Berra" in found[3][2] and "Jean Faussaire" in found[3][3]


def test_the_last_line_removed_is_named_by_the_version_and_the_state(walked: App) -> None:
    superuser(walked, "DELETE FROM event WHERE seq = 6")

    assert _broken(walked) == [(6, "removed")]
    assert _differences(walked) == [
        (5, "state", "payment", "execution"),
        # the payment the removed line recorded: no line records it any more
        (0, "paid_on", "", "2025-04-01"), (0, "paid_amount", "", "200000.00"),
    ]  # fmt: skip


def test_an_amendment_in_force_records_the_terms_it_leaves(walked: App) -> None:
    amended = {"end_date": "2027-06-30", "signatory.crpv": "Awa Diallo|Directrice|awa@example.org"}
    steps.amend_and_sign(walked, amended)
    assert verify_history(walked)["differences"] == []

    with walked.engine.begin() as connection:
        connection.execute(text("UPDATE convention SET end_date = '2026-12-31'"))
    [(seq, field, recorded, stored)] = _differences(walked)
    assert (field, recorded, stored) == ("end_date", "2027-06-30", "2026-12-31")
    line = verify_history(walked)["lines"]
    assert seq == line  # the amendment's last signature, the last line


def test_a_history_older_than_its_recorded_terms_is_said_unchecked(walked: App) -> None:
    """A line written before the terms were recorded stays as written: the terms of such a
    convention cannot be checked, and verify says so rather than calling them intact."""
    with walked.uow() as uow:
        lines = [line for line, _, _ in next(uow.history.chains())[1]]
    first = replace(lines[0], inputs={"file": "reference.toml"})
    rewritten, previous = [], GENESIS
    for line in [first, *lines[1:]]:
        previous = link(previous, line)
        rewritten.append(previous)
    superuser(walked, "UPDATE event SET inputs = '{\"file\": \"reference.toml\"}' WHERE seq = 1",
               *(f"UPDATE event SET content_hash = '{h}', previous_hash = "
                 f"'{GENESIS if seq == 1 else rewritten[seq - 2]}' WHERE seq = {seq}"
                 for seq, h in enumerate(rewritten, start=1)))  # fmt: skip
    with walked.engine.begin() as connection:
        connection.execute(text("UPDATE convention SET amount = '250000.00'"))

    report = verify_history(walked)
    assert (report["breaks"], report["differences"]) == ([], [])
    assert report["terms_unchecked"] == [REF]
