"""`convflow deadline dispute --days 1`: the explanation said « pendant 1 jours calendaires »
and « + 1 jours » (tests/unit/test_one_day_clauses.py has every explanation)."""

from __future__ import annotations

from tests.e2e.conftest import Convflow


def test_the_calculator_says_a_one_day_window_in_the_singular(convflow: Convflow) -> None:
    text = convflow.ok("deadline", "dispute", "--received", "2025-06-02", "--days", "1")

    read = " ".join(text.replace("\u00a0", " ").split())
    assert "règlement amiable pendant 1 jour calendaire à compter de la réception" in read, read
    assert "2 juin 2025 + 1 jour = mardi 3 juin 2025" in read, read
    assert "1 jours" not in read
