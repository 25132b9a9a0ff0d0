"""A pooled PostgreSQL connection the server or the network has closed while it sat idle is
replaced before a unit of work starts: the unit of work does not fail in its middle. convflow's
engine sees a closed link locally (its socket), without a round trip to the server on every
checkout; a healthy connection is kept, not replaced. A server that says nothing is waited for
within bounds (storage.link), each wait ending as a lost connection."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storage.engine import link_closed, lost_connection, make_engine
from storage.link import ANSWER_SECONDS, CONNECT_SECONDS, answer_limit, answer_within
from storage.migrate import migrating
from tests.faults.conftest import through
from tests.faults.proxy import CuttableProxy
from workflow.failures import database_problem
from workflow.wording.refusals import say
from workflow.wording.words import Words

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[CuttableProxy]:
    """A cuttable TCP link to the PostgreSQL server of the test database."""
    link = CuttableProxy(make_url(postgres_url).port or 5432)
    yield link
    link.close()


def _backend(engine: Engine) -> int:
    """One unit of work: the server process that served it."""
    with engine.begin() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        # The server has closed the link once that backend is gone.
        for _ in range(200):
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)
            ).fetchone()
            if row is not None and row[0] == 0:
                return
            admin.execute("SELECT pg_sleep(0.01)")


def test_a_connection_the_server_ended_while_idle_is_replaced_before_the_next_unit_of_work(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    try:
        first = _backend(engine)
        _terminate(postgres_url, first)
        assert _backend(engine) != first  # a fresh connection, and no error
    finally:
        engine.dispose()


def test_a_link_a_proxy_cut_while_idle_is_replaced_once_it_is_restored(
    postgres_url: str, proxy: CuttableProxy
) -> None:
    engine = make_engine(through(proxy, postgres_url))
    try:
        first = _backend(engine)
        proxy.cut()
        proxy.restore()
        assert _backend(engine) != first
    finally:
        engine.dispose()


def test_without_the_check_the_same_cut_fails_the_unit_of_work(
    postgres_url: str, proxy: CuttableProxy
) -> None:
    """What the check is for: a bare pool hands out the dead connection."""
    bare = create_engine(through(proxy, postgres_url))
    try:
        _backend(bare)
        proxy.cut()
        proxy.restore()
        with pytest.raises(OperationalError):
            _backend(bare)
    finally:
        bare.dispose()


def test_a_healthy_connection_is_kept_from_one_unit_of_work_to_the_next(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    try:
        assert len({_backend(engine) for _ in range(50)}) == 1
    finally:
        engine.dispose()


def test_a_connection_the_driver_has_closed_is_seen_closed(postgres_url: str) -> None:
    dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(dsn)
    assert not link_closed(connection)
    connection.close()
    assert link_closed(connection)


# A server that says nothing (hung, or a link that stopped forwarding without a reset): each
# wait on it ends within its bound, as a connection lost, and what it is is said in words.


def _one(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def _failure_after_stall(engine: Engine, proxy: CuttableProxy) -> tuple[OperationalError, float]:
    """Stall the link, run a unit of work: what it raised and how long it took."""
    proxy.stall()
    began = time.monotonic()
    with pytest.raises(OperationalError) as raised:
        _one(engine)
    return raised.value, time.monotonic() - began


@pytest.mark.slow
def test_a_statement_the_server_never_answers_ends_within_its_bound_as_a_lost_connection(
    postgres_url: str, proxy: CuttableProxy
) -> None:
    engine = make_engine(through(proxy, postgres_url))
    try:
        assert _one(engine) == 1  # a pooled connection, then the link stalls under it
        error, waited = _failure_after_stall(engine, proxy)
        assert ANSWER_SECONDS - 1 < waited < ANSWER_SECONDS + 5
        assert error.connection_invalidated and lost_connection(error)
        failure = database_problem(error)
        assert failure.code == "connection_timed_out"
        assert say(failure, Words("en")).message == (
            "no answer in time: the server is down or too slow, or a firewall blocks the "
            "connection (timeout expired: the server gave no answer within 15 s)"
        )
        proxy.resume()
        assert _one(engine) == 1  # a new connection: the engine serves again
    finally:
        proxy.resume()
        engine.dispose()


@pytest.mark.slow
def test_a_server_that_accepts_the_connection_and_never_greets_is_given_up_in_ten_seconds(
    postgres_url: str, proxy: CuttableProxy
) -> None:
    engine = make_engine(through(proxy, postgres_url))
    try:
        error, waited = _failure_after_stall(engine, proxy)
        assert CONNECT_SECONDS - 1 < waited < CONNECT_SECONDS + 5
        assert lost_connection(error)
        assert database_problem(error).code == "connection_timed_out"
    finally:
        proxy.resume()
        engine.dispose()


def test_a_probe_waits_on_a_silent_server_two_seconds_at_most_new_connection_included(
    postgres_url: str, proxy: CuttableProxy
) -> None:
    engine = make_engine(through(proxy, postgres_url))
    try:
        _one(engine)
        proxy.stall()
        for _ in range(2):  # the pooled connection's statement, then a new connection
            began = time.monotonic()
            with pytest.raises(OperationalError), answer_within(2):
                _one(engine)
            assert time.monotonic() - began < 4
    finally:
        proxy.resume()
        engine.dispose()


def test_the_server_ends_a_statement_after_ten_seconds_unless_the_url_says_otherwise(
    postgres_url: str,
) -> None:
    def setting(url: str) -> str:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                return str(connection.execute(text("SHOW statement_timeout")).scalar_one())
        finally:
            engine.dispose()

    assert setting(postgres_url) == "10s"
    own = make_url(postgres_url).update_query_dict({"options": "-c statement_timeout=60s"})
    assert setting(own.render_as_string(hide_password=False)) == "1min"


def test_a_migration_waits_for_the_server_without_the_statement_bound(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        with migrating(engine) as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "0"
            assert answer_limit() is None  # nor on this side
        assert answer_limit() == ANSWER_SECONDS
    finally:
        engine.dispose()
