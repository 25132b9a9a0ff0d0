"""Storage on both backends: nothing half written, nothing overwritten, no update lost."""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from states.convention import Convention
from states.errors import ConcurrentChange, DuplicateReference, ReferenceDiffersByCase
from storage import reads
from storage.engine import make_engine
from storage.installation import installation_salt
from storage.migrate import head_revision, upgrade
from storage.migrate import run as run_migrations
from storage.tables import convention_table, deadline_table, event_table, metadata, signature_table
from tests.integration.steps import CRPV, METROPOLE, REFERENCE, load, record, state
from workflow.bootstrap import App
from workflow.files.convention_file import parse_convention
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.emails import message_id
from workflow.usecases.verification import verify_history

ROOT = Path(__file__).resolve().parents[2]


def _counts(app: App) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (convention_table, event_table, deadline_table, signature_table)
        }


def convention_with_signatories(reference: str, count: int) -> Convention:
    """A convention whose second party has `count` signatories (for concurrency tests)."""
    signatories = "\n".join(
        f'[[parties.signatories]]\nname = "Signataire {i}"\ntitle = "Élu"\n'
        f'email = "s{i}@example.org"\n'
        for i in range(count)
    )
    text_ = f"""
reference = "{reference}"
title = "Convention à {count} signataires"
object = "Essai de concurrence"
amount = "1000.00"
end_date = 2027-12-31
place = "Marseille"
[[parties]]
key = "metropole"
name = "Métropole Aix-Marseille-Provence"
[[parties.signatories]]
name = "Martial Alvarez"
title = "Vice-Président délégué"
email = "martial.alvarez@example.org"
[[parties]]
key = "communes"
name = "Communes"
{signatories}
"""
    return parse_convention(text_, "generated", payment_target_days=30, signature_target_days=7)


def test_round_trip_keeps_money_exact_and_dates(app: App, reference_convention: Convention) -> None:
    reference_convention.amount = Decimal("1234567.89")
    load(app, reference_convention)
    with app.uow(read_only=True) as uow:
        loaded = uow.conventions.get(REFERENCE)
    assert loaded.amount == Decimal("1234567.89")
    assert loaded.end_date == date(2025, 12, 31)
    assert loaded.parties == reference_convention.parties
    assert loaded.signatories == reference_convention.signatories
    assert loaded.clauses == reference_convention.clauses


def test_importing_a_reference_twice_is_refused_and_changes_nothing(
    app: App, reference_convention: Convention
) -> None:
    load(app, reference_convention)
    before = _counts(app)
    with pytest.raises(
        DuplicateReference, match=r"duplicate_reference \(reference=AMP-CRPV-PACA-2025\)"
    ):
        load(app, reference_convention)
    assert _counts(app) == before


def test_a_reference_equal_but_for_case_is_refused_naming_the_one_loaded(
    app: App, reference_convention: Convention
) -> None:
    load(app, reference_convention)
    before = _counts(app)
    reference_convention.reference = "amp-crpv-paca-2025"
    with pytest.raises(ReferenceDiffersByCase) as refused:
        load(app, reference_convention)
    assert refused.value.params == {
        "reference": "amp-crpv-paca-2025", "existing": "AMP-CRPV-PACA-2025"}  # fmt: skip
    assert _counts(app) == before


def test_the_references_are_looked_up_case_aside_from_their_index(
    app: App, reference_convention: Convention
) -> None:
    load(app, reference_convention)
    with app.uow(read_only=True) as uow:
        found = uow.conventions.existing_any_case(["amp-crpv-paca-2025", "AMP-AUTRE", "a\x00b"])
    assert found == {"AMP-CRPV-PACA-2025"}
    # A spreadsheet's 10 000 rows are looked up 500 at a time: each query answered from the
    # index on lower(reference), never by reading the whole table.
    query = select(convention_table.c.reference).where(
        func.lower(convention_table.c.reference).in_(["amp-crpv-paca-2025", "amp-autre"])
    )
    with app.engine.connect() as connection:
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}"))  # fmt: skip
        else:  # a table of one row is read whole when it may be: say it may not
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # this transaction
            plan = " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
    assert "ix_convention_reference_lower" in plan, plan


def test_the_reference_meant_by_an_unknown_one_is_read_from_the_index(
    app: App, reference_convention: Convention
) -> None:
    # An unknown reference asks for its neighbours case aside (the one it differs from only by
    # case among them): two short walks of the index on lower(reference), never the table read
    # whole to compare every reference with it.
    load(app, reference_convention)
    with app.uow(read_only=True) as uow:
        assert uow.conventions.meant("amp-crpv-paca-2025") == "AMP-CRPV-PACA-2025"
        assert uow.conventions.meant("AMP-CRPV-PACA-2052") == "AMP-CRPV-PACA-2025"
        assert uow.conventions.meant("ZZZ") is None
    with app.engine.connect() as connection:
        query = reads.NEAR_REFERENCES.params(reference="conv-1")
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "sqlite":
            plan = [str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            reading = [step for step in plan if step.split()[:2][-1:] == ["convention"]]
            assert len(reading) == 2, plan  # each half reads the table through the index only
            assert all("USING INDEX ix_convention_reference_lower" in s for s in reading), plan
            assert not [step for step in plan if "TEMP B-TREE" in step], plan  # no sort either
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # this transaction
            plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}")]
            assert sum("ix_convention_reference_lower" in step for step in plan) == 2, plan
            assert not [step for step in plan if "Sort" in step], plan


def test_a_refused_event_changes_nothing(app: App, reference_convention: Convention) -> None:
    load(app, reference_convention)
    record(app, "submit", "2025-03-03")
    before = _counts(app)
    with pytest.raises(Exception, match="not_a_signatory"):
        record(app, "sign", "2025-03-04", signatory="nobody@example.org")
    assert _counts(app) == before
    assert state(app) == "signature"


def _fail_inserts_of_expiry_deadlines(app: App) -> None:
    """Make the database itself refuse one write, as a full disk or a lost server would."""
    with app.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER fail_expiry BEFORE INSERT ON deadline WHEN NEW.kind = 'expiry' "
                "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
            )
        else:
            connection.exec_driver_sql(
                "CREATE FUNCTION fail_expiry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.kind = 'expiry' THEN RAISE EXCEPTION 'simulated failure'; END IF; "
                "RETURN NEW; END $$"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER fail_expiry BEFORE INSERT ON deadline "
                "FOR EACH ROW EXECUTE FUNCTION fail_expiry()"
            )


def _drop_failure(app: App) -> None:
    with app.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER fail_expiry")
        else:
            connection.exec_driver_sql("DROP TRIGGER fail_expiry ON deadline")
            connection.exec_driver_sql("DROP FUNCTION fail_expiry()")


def test_a_failure_mid_command_leaves_nothing_half_written(
    app: App, reference_convention: Convention
) -> None:
    load(app, reference_convention)
    record(app, "submit", "2025-03-03")
    record(app, "sign", "2025-03-05", signatory=METROPOLE)
    before = _counts(app)
    _fail_inserts_of_expiry_deadlines(app)
    # the last signature writes state, history, signature, closes one deadline, opens expiry
    with pytest.raises(DBAPIError, match="simulated failure"):
        record(app, "sign", "2025-03-10", signatory=CRPV)
    _drop_failure(app)
    assert _counts(app) == before
    assert state(app) == "signature"
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(REFERENCE)
    assert convention.signatory(CRPV).signed_on is None  # type: ignore[union-attr]
    assert convention.version == 3
    record(app, "sign", "2025-03-10", signatory=CRPV)  # and it works once the fault is gone
    assert state(app) == "notification"


@pytest.mark.parametrize("statement", ["UPDATE event SET actor = 'mallory'", "DELETE FROM event"])
def test_history_is_append_only_in_the_database(
    app: App, reference_convention: Convention, statement: str
) -> None:
    load(app, reference_convention)
    with pytest.raises(DBAPIError, match="append-only"), app.engine.begin() as connection:
        connection.execute(text(statement))
    assert _counts(app)["event"] == 1


def test_a_stale_version_is_a_conflict(app: App, reference_convention: Convention) -> None:
    load(app, reference_convention)
    command = RecordEvent(REFERENCE, "submit", "bob", date(2025, 3, 3), {}, expected_version=1)
    record_event(app, command, app.clock())
    with pytest.raises(ConcurrentChange, match=r"concurrent_change .*expected=1"):
        record_event(app, command, app.clock())


def test_saving_over_a_newer_version_is_refused(app: App, reference_convention: Convention) -> None:
    load(app, reference_convention)
    with app.uow(read_only=True) as uow:
        stale = uow.conventions.get(REFERENCE)
    record(app, "submit", "2025-03-03")
    with app.uow() as uow:
        uow.conventions.get(REFERENCE)  # registers its identity in this unit of work
        stale.state = "cancelled"
        with pytest.raises(ConcurrentChange, match="actual=2"):
            uow.conventions.save(stale, app.clock())
    assert state(app) == "signature"


def test_concurrent_signatures_are_all_kept(app: App) -> None:
    signers = 12
    convention = convention_with_signatories("CONC-THREADS", signers)
    import_convention(app, ImportConvention(convention, "alice"), app.clock())
    record_event(app, RecordEvent("CONC-THREADS", "submit", "alice", date(2025, 3, 1)), app.clock())
    barrier = threading.Barrier(signers)
    errors: list[BaseException] = []

    def sign(i: int) -> None:
        barrier.wait()
        try:
            signatory = {"signatory": f"s{i}@example.org"}
            command = RecordEvent("CONC-THREADS", "sign", f"t{i}", date(2025, 3, 2), signatory)
            record_event(app, command, app.clock())
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=sign, args=(i,)) for i in range(signers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.uow(read_only=True) as uow:
        loaded = uow.conventions.get("CONC-THREADS")
        seqs = [row.seq for row in uow.conventions.history(uow.conventions.id_of("CONC-THREADS"))]
    assert [s.email for s in loaded.missing_signatures()] == ["martial.alvarez@example.org"]
    assert loaded.version == 2 + signers
    assert seqs == list(range(1, 3 + signers))
    # Each writer waited for the one before and chained its line to that one's (PostgreSQL's
    # FOR UPDATE returns the newer convention but reads the other rows as its statement began).
    assert verify_history(app, "CONC-THREADS")["breaks"] == []


def test_everyone_signing_at_once_brings_it_into_force(app: App) -> None:
    # On PostgreSQL a writer that waited for the row lock once read the signatures as they were
    # before the others committed: every signature kept, the convention left in `signature`.
    errors: list[BaseException] = []

    def sign(reference: str, email: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            command = RecordEvent(reference, "sign", "t", date(2025, 3, 2), {"signatory": email})
            record_event(app, command, app.clock())
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    for round_ in range(3):
        reference = f"CONC-ALL-{round_}"
        convention = convention_with_signatories(reference, 3)
        import_convention(app, ImportConvention(convention, "alice"), app.clock())
        record_event(app, RecordEvent(reference, "submit", "alice", date(2025, 3, 1)),
                     app.clock())  # fmt: skip
        emails = [s.email for s in convention.signatories]
        barrier = threading.Barrier(len(emails))
        threads = [threading.Thread(target=sign, args=(reference, email, barrier))
                   for email in emails]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with app.uow(read_only=True) as uow:
            loaded = uow.conventions.get(reference)
        assert (loaded.state, loaded.missing_signatures()) == ("notification", [])
        assert verify_history(app, reference)["breaks"] == []


PROCESS_SCRIPT = """
import sys
from datetime import date
from workflow.bootstrap import App
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.settings import load_settings

url, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
for i in range(first, first + count):
    command = RecordEvent("CONC-PROC", "sign", f"p{first}", date(2025, 3, 2),
                          {"signatory": f"s{i}@example.org"})
    record_event(app, command, app.clock())
"""


@pytest.mark.slow
def test_concurrent_processes_lose_no_update(app: App, database_url: str) -> None:
    processes, each = 4, 25
    convention = convention_with_signatories("CONC-PROC", processes * each)
    import_convention(app, ImportConvention(convention, "alice"), app.clock())
    record_event(app, RecordEvent("CONC-PROC", "submit", "alice", date(2025, 3, 1)), app.clock())
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS_SCRIPT, database_url, str(i * each), str(each)],
            cwd=ROOT,
        )
        for i in range(processes)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0] * processes
    with app.uow(read_only=True) as uow:
        loaded = uow.conventions.get("CONC-PROC")
        signatures = uow.connection.execute(
            select(func.count()).select_from(signature_table)
        ).scalar_one()
    assert len(loaded.missing_signatures()) == 1  # only the Métropole's
    assert signatures == processes * each
    assert loaded.version == 2 + processes * each


def _differences(connection: Connection) -> list[Any]:
    """What the database's schema lacks or has more than the tables, as Alembic compares
    them. SQLite's reflection does not read an index on an expression (`lower(reference)`):
    both libraries warn that they leave it out; the plan test above checks it is there."""
    with warnings.catch_warnings():
        for said in (
            "Skipped unsupported reflection of expression-based index",
            "autogenerate skipping metadata-specified expression-based index",
        ):
            warnings.filterwarnings("ignore", f"{said} '?ix_convention_reference_lower")
        return list(compare_metadata(MigrationContext.configure(connection), metadata))


def test_migrations_match_the_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = _differences(connection)
    engine.dispose()
    assert differences == []


def test_sqlite_is_in_wal_mode_and_full_sync(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    engine.dispose()
    assert (journal, synchronous) == ("wal", 2)  # 2 = FULL


def test_a_database_not_migrated_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    from workflow.bootstrap import SchemaNotReady
    from workflow.settings import load_settings

    path = tmp_path / "empty.db"
    url = f"sqlite:///{path}"
    with pytest.raises(SchemaNotReady, match=r"database_missing \(path=.*empty\.db\)"):
        App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
    assert not path.exists()
    with create_engine(url).begin() as connection:  # a SQLite file, but not convflow's
        connection.exec_driver_sql("CREATE TABLE other (id INTEGER)")
    with pytest.raises(SchemaNotReady, match="schema_missing"):
        App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))


def test_a_version_table_naming_two_revisions_is_refused_by_every_entry_and_left_alone(
    database_url: str,
) -> None:
    from storage.migrate import VersionTableDamaged
    from workflow.settings import load_settings

    engine = make_engine(database_url)
    with engine.begin() as connection:  # as a hand edit or a half-restored backup leaves it
        connection.execute(text("INSERT INTO alembic_version VALUES ('0018')"))
    head = head_revision(engine)
    try:
        with pytest.raises(VersionTableDamaged, match="schema_ambiguous") as refused:
            App.create(load_settings({"CONVFLOW_DATABASE_URL": database_url}))
        assert refused.value.params["revisions"] in (f"0018, {head}", f"{head}, 0018")
        with pytest.raises(VersionTableDamaged):  # `convflow init` does not upgrade it either
            upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert sorted(row[0] for row in rows) == ["0018", head_revision(engine)]
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM alembic_version WHERE version_num = '0018'"))
        engine.dispose()


def test_the_signatory_email_migration_goes_down_and_up_keeping_the_rows(
    app: App, database_url: str, reference_convention: Convention
) -> None:
    load(app, reference_convention)
    before = _counts(app)
    app.close()
    engine = make_engine(database_url)
    run_migrations(engine, "downgrade", "0004")
    try:
        with engine.connect() as connection:  # back to one email per convention, replaced or not
            differences = _differences(connection)
    finally:
        assert upgrade(engine) == ("0004", head_revision(engine))
        engine.dispose()
    changed = {(d[0], getattr(d[1], "name", None)) for d in differences}
    assert ("add_index", "uq_signatory_current_email") in changed
    assert ("add_table", "installation") in changed  # 0006, downgraded with it
    assert _counts(app) == before


def test_each_database_draws_its_own_salt_for_message_ids(tmp_path: Path) -> None:
    salts = set()
    for name in ("one.db", "two.db"):
        engine = make_engine(f"sqlite:///{tmp_path / name}")
        upgrade(engine)
        with engine.connect() as connection:
            salts.add(installation_salt(connection))
        engine.dispose()
    assert len(salts) == 2 and all(len(salt) == 32 for salt in salts)
    # The same email key ("event:1:2") in each database: two different Message-IDs.
    ids = {message_id("event:1:2", "convflow <convflow@localhost>", salt) for salt in salts}
    assert len(ids) == 2


def _context_compression(connection: Connection) -> str | None:
    """How PostgreSQL compresses the outbox's email contexts: 'l' lz4, '' the server's default
    (pglz unless set otherwise)."""
    found = connection.exec_driver_sql(
        "SELECT attcompression FROM pg_attribute "
        "WHERE attrelid = 'outbox'::regclass AND attname = 'context'"
    ).scalar()
    return None if found is None else str(found)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_email_contexts_are_compressed_with_lz4_on_postgresql_and_read_back_alike(
    app: App, database_url: str, reference_convention: Convention
) -> None:
    """Migration 0026: a reminder's context (about 3 KB) is over PostgreSQL's compression
    threshold; lz4 writes it faster than pglz. Down to 0025, the default again; up, lz4; the
    contexts queued before and after read back as they were written."""
    load(app, reference_convention)
    record(app, "submit", "2025-01-10")
    app.close()
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            offered = connection.exec_driver_sql(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            ).scalar()
            if not offered:
                pytest.skip("this PostgreSQL server was built without lz4: the migration leaves it")
            assert _context_compression(connection) == "l"
            before = connection.exec_driver_sql("SELECT id, context::text FROM outbox").all()
        assert before and all(len(text_) > 2000 for _, text_ in before)  # compressed at all
        run_migrations(engine, "downgrade", "0025")
        with engine.connect() as connection:
            assert _context_compression(connection) == ""
        assert upgrade(engine) == ("0025", head_revision(engine))
        with engine.connect() as connection:
            assert _context_compression(connection) == "l"
            stored = (
                connection.exec_driver_sql("SELECT pg_column_compression(context) FROM outbox")
                .scalars()
                .all()
            )
            after = connection.exec_driver_sql("SELECT id, context::text FROM outbox").all()
    finally:
        engine.dispose()
    assert set(stored) == {"lz4"}
    assert after == before
