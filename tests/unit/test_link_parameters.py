"""The bounds convflow puts on its link to PostgreSQL (storage.link) are its defaults only: what
the database's URL, or libpq's own environment variable, says is kept."""

from __future__ import annotations

import pytest

from storage.link import CONNECT_SECONDS, KEEPALIVES, link_parameters


@pytest.fixture(autouse=True)
def _no_libpq_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    monkeypatch.delenv("PGOPTIONS", raising=False)


def test_a_url_that_says_nothing_gets_every_bound() -> None:
    assert link_parameters({"host": "db", "dbname": "convflow"}) == {
        "connect_timeout": CONNECT_SECONDS,
        **KEEPALIVES,
        "tcp_user_timeout": 15000,
        "options": "-c statement_timeout=10s",
    }


def test_what_the_url_says_is_kept() -> None:
    given = {"connect_timeout": "30", "keepalives_idle": "120", "tcp_user_timeout": "0",
             "options": "-c search_path=convflow"}  # fmt: skip
    added = link_parameters(given)
    assert "connect_timeout" not in added and "keepalives_idle" not in added
    assert "tcp_user_timeout" not in added
    assert "options" not in added  # sent as written: the operator's own server settings
    # empty, none is sent at all: for a pooler that refuses the parameter (PgBouncer)
    assert "options" not in link_parameters({"options": ""})


def test_libpq_environment_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "3")
    monkeypatch.setenv("PGOPTIONS", "-c application_name=convflow")
    added = link_parameters({})
    assert "connect_timeout" not in added and "options" not in added
