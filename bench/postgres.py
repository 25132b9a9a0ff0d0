"""The PostgreSQL server the benchmarks also run on: reachable or not (and why), throw-away
databases created and dropped around each measure.

The server is `CONVFLOW_BENCH_POSTGRES_URL` (default: postgres on 127.0.0.1:5432, trust auth);
only a loopback address is used.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get(
    "CONVFLOW_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def unavailable_reason() -> str | None:
    """Why the benchmarks cannot run on PostgreSQL here, or None when they can."""
    host = make_url(ADMIN_URL).host or "127.0.0.1"
    if host not in LOOPBACK:
        return f"the benchmarks only use a loopback PostgreSQL, not {host}"
    engine = create_engine(ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # any failure to reach the server means "not available"
        return f"PostgreSQL not reachable at {ADMIN_URL}: {error.__class__.__name__}"
    finally:
        engine.dispose()
    return None


def url_of(database: str) -> str:
    """The SQLAlchemy URL of a database on the benchmarks' server."""
    return make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)


def dsn_of(url: str) -> str:
    """The libpq address of a SQLAlchemy URL, for psycopg itself."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def throwaway_database(template: str | None = None) -> Iterator[str]:
    """A new database (a copy of `template`'s, if named), dropped on leaving; its name."""
    name = f"convflow_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settle(url: str) -> None:
    """Bring a freshly filled database to the state a running one is in: VACUUM sets the
    visibility maps and the rows' hint bits (otherwise written by the first reads after the
    load, the measured ones), ANALYZE gives the planner the tables' sizes, CHECKPOINT writes the
    load's pages out now rather than in the middle of a measure."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
            connection.execute(text("CHECKPOINT"))
    finally:
        engine.dispose()
