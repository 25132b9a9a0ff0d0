"""A pooled PostgreSQL connection the server or the network has closed while it sat idle is
replaced before a unit of work starts: the unit of work does not fail in its middle. convflow's
engine sees a closed link locally (its socket), without a round trip to the server on every
checkout; a healthy connection is kept, not replaced."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storage.engine import link_closed, make_engine
from tests.faults.conftest import through
from tests.faults.proxy import CuttableProxy

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
