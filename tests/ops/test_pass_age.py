"""How recent the last due pass must be for `/readyz` to answer 200: three wake intervals, and
never less than 3 minutes, as README ("Operating it", the probes) says."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workflow.ops.health import MIN_PASS_AGE, ServiceHealth

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
NINE = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)

# (CONVFLOW_WAKE_INTERVAL, how long a pass counts as recent): the floor for short intervals,
# three intervals beyond it.
AGES = [(5, timedelta(minutes=3)), (60, timedelta(minutes=3)), (120, timedelta(minutes=6))]


def _service_whose_pass_began_at_nine() -> ServiceHealth:
    health = ServiceHealth()
    health.started(NINE)
    health.pass_began(NINE)
    return health


@pytest.mark.parametrize(("wake_interval", "recent_for"), AGES)
def test_a_pass_that_ended_well_is_recent_up_to_its_age_and_not_a_second_more(
    wake_interval: int, recent_for: timedelta
) -> None:
    health = _service_whose_pass_began_at_nine()
    health.pass_ended(NINE, ok=True)

    assert health.pass_recent(NINE + recent_for, wake_interval)
    assert not health.pass_recent(NINE + recent_for + SECOND, wake_interval)


@pytest.mark.parametrize(("wake_interval", "recent_for"), AGES)
def test_a_pass_that_hangs_counts_from_when_it_began(
    wake_interval: int, recent_for: timedelta
) -> None:
    # The tester's case: a wake interval of 5 s and a pass blocked (a lock it waits for).
    health = _service_whose_pass_began_at_nine()

    assert health.pass_recent(NINE + recent_for, wake_interval)
    assert not health.pass_recent(NINE + recent_for + SECOND, wake_interval)


def test_a_pass_that_failed_is_not_recent_until_the_next_one_begins() -> None:
    health = _service_whose_pass_began_at_nine()
    health.pass_ended(NINE + SECOND, ok=False)

    assert not health.pass_recent(NINE + 2 * SECOND, 60)
    health.pass_began(NINE + 10 * SECOND)
    assert health.pass_recent(NINE + 11 * SECOND, 60)


def test_the_readme_says_the_age_the_code_allows() -> None:
    probes = README[README.index("- **Probes**") : README.index("- **A database that stops")]
    said = " ".join(probes.split())

    assert "within three wake intervals (`CONVFLOW_WAKE_INTERVAL`)" in said
    minutes = int(MIN_PASS_AGE.total_seconds() // 60)
    assert f"never less than {minutes} minutes" in said, said
    # its example: a 5-second interval still allows the floor, 180 s
    assert re.search(rf"5-second interval .*{int(MIN_PASS_AGE.total_seconds())} s", said)
