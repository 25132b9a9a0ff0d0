"""`convflow status` reads on the bare driver (storage.driver_reads) what it can serve, and
leaves everything else to the ordinary path, which says what is wrong.

That the two agree on every status read in these tests is checked by the integration tests'
own fixture (tests/integration/conftest.py); here, what the driver reader refuses to serve.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from states.convention import Convention
from states.errors import UnknownConvention
from storage.engine import DatabaseUnreachable
from storage.reads import COMPILED, render
from storage.revision import HEAD
from tests.integration.steps import REFERENCE, bring_into_execution, load
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views

YEARS = 10
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def loaded(app: App, reference_convention: Convention) -> App:
    load(app, reference_convention)
    bring_into_execution(app)
    return app


def on_driver(url: str, reference: str = REFERENCE) -> views.StatusView | None:
    return views.status_on_driver(url, reference, YEARS, NOW)


def test_the_queries_compiled_for_the_driver_are_those_of_the_repositories() -> None:
    # `make reads` writes the file again after a query or a table changes.
    assert COMPILED.read_text(encoding="utf-8") == render()


def test_the_reference_convention_reads_the_same_on_the_driver(loaded: App) -> None:
    view = on_driver(loaded.settings.database_url)
    assert view is not None
    assert (view["state"], view["paid_on"], len(view["deadlines"])) == (
        "execution", "2025-04-01", len(views.status(loaded, REFERENCE)["deadlines"]),
    )  # fmt: skip


def test_an_unknown_reference_is_refused_as_the_repositories_refuse_it(loaded: App) -> None:
    # with the same convention said to be the one meant (or none), code and parameters alike
    for reference in ("NO-SUCH-REF", "AMP\x00", "amp-crpv-paca-2025", "AMP-CRPV-PACA-2052"):
        with pytest.raises(UnknownConvention) as on_the_driver:
            on_driver(loaded.settings.database_url, reference)
        with pytest.raises(UnknownConvention) as ordinarily:
            views.status(loaded, reference)
        assert on_the_driver.value.params == ordinarily.value.params, reference
        meant = None if reference in ("NO-SUCH-REF", "AMP\x00") else REFERENCE
        # a control character echoed is written out, as the message writes it (fix-api)
        shown = reference.replace("\x00", "\\x00")
        assert on_the_driver.value.params == {"reference": shown, "closest": meant}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///{tmp}/convflow.db?mode=ro",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/convflow",
        "mysql://root@127.0.0.1/convflow",
    ],
)
def test_what_the_driver_does_not_serve_is_left_to_the_ordinary_path(
    url: str, tmp_path: Path
) -> None:
    assert on_driver(url.format(tmp=tmp_path)) is None


def test_a_server_that_cannot_be_reached_is_refused_at_once_as_the_ordinary_path_says_it() -> None:
    # No second wait on the ordinary path for a server that does not answer.
    url = "postgresql+psycopg://postgres@127.0.0.1:1/convflow"  # no server listens there
    with pytest.raises(DatabaseUnreachable) as on_driver_refused:
        on_driver(url)
    with pytest.raises(DatabaseUnreachable) as ordinarily_refused:
        App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
    assert on_driver_refused.value.params == ordinarily_refused.value.params
    assert "127.0.0.1" in on_driver_refused.value.params["reason"]


def test_a_read_leaves_nothing_beside_the_file(sqlite_url: str) -> None:
    folder = Path(sqlite_url.removeprefix("sqlite:///")).parent
    before = sorted(path.name for path in folder.iterdir())
    with pytest.raises(UnknownConvention):  # read, and asked of no convention
        on_driver(sqlite_url)
    assert sorted(path.name for path in folder.iterdir()) == before


def test_a_missing_file_is_left_to_the_ordinary_path_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "convflow.db"
    assert on_driver(f"sqlite:///{path}") is None
    assert not path.parent.exists()


def test_a_database_at_another_revision_is_left_to_the_ordinary_path(loaded: App) -> None:
    url = loaded.settings.database_url
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        assert on_driver(url) is None
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": HEAD}
            )
        engine.dispose()
    assert on_driver(url) is not None


def test_a_query_the_driver_refuses_is_left_to_the_ordinary_path(sqlite_url: str) -> None:
    with pytest.raises(UnknownConvention):  # served: an empty database, asked of no convention
        on_driver(sqlite_url)
    engine = create_engine(sqlite_url)
    with engine.begin() as connection:  # the parties are read with the convention
        connection.execute(text("DROP TABLE party"))
    engine.dispose()
    assert on_driver(sqlite_url) is None
