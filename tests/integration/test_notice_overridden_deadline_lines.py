"""A termination notice the term overrides (rule 10), in `convflow status`'s deadlines: the
line of the notice's deadline said « prise d'effet de la résiliation … à venir … mercredi
31 décembre 2025 » beside the term, a termination that will not be, while its calculation
below said « la résiliation reste sans effet ». It now says « résiliation sans effet … — la
convention expire à son terme ce jour-là »; `--json` keeps its values. On SQLite and
PostgreSQL, `status` read as the command line reads it (on the bare driver).

The reference convention (term Wednesday 31 December 2025, six months' notice): the GIP's
letter received on Wednesday 15 October 2025 would end the convention on 15 April 2026."""

from __future__ import annotations

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.steps import REFERENCE, at, bring_into_execution, load, record
from tests.reading import said
from workflow.bootstrap import App


def status_of(
    clock: FixedClock, settings_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[str, dict[str, object]]:
    from tests.e2e.conftest import Convflow
    from workflow.cli import context as cli_context

    monkeypatch.setattr(cli_context, "utc_now", lambda: clock.now)
    convflow = Convflow({**settings_env, "CONVFLOW_ACTOR": "alice"})
    return convflow.ok("status", REFERENCE), convflow.json("status", REFERENCE)


def test_status_says_the_notice_s_deadline_is_without_effect(
    app: App,
    clock: FixedClock,
    reference_convention: Convention,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-10-16T09:00:00Z")
    record(app, "give_notice", "2025-10-15", party="crpv", received="2025-10-15")

    text, view = status_of(clock, settings_env, monkeypatch)

    lines = [said(line) for line in text.splitlines()]
    assert (
        "résiliation sans effet à venir mercredi 31 décembre 2025, fin mercredi 31 décembre "
        "2025 à 24 h (heure de Paris) — la convention expire à son terme ce jour-là" in lines
    ), text
    assert not any(line.startswith("prise d'effet de la résiliation") for line in lines), text
    assert any(line.startswith("terme de la convention à venir mercredi 31") for line in lines)
    # the JSON keeps its values: the kind, the day, what ends the convention
    [termination] = [d for d in view["deadlines"] if d["kind"] == "termination"]  # type: ignore[attr-defined]
    assert (termination["due_date"], termination["details"]["ends_by"]) == ("2025-12-31", "expiry")


def test_a_notice_ending_before_the_term_is_still_said_to_take_effect(
    app: App,
    clock: FixedClock,
    reference_convention: Convention,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    record(app, "give_notice", "2025-04-02", party="crpv", received="2025-04-02")

    text, _ = status_of(clock, settings_env, monkeypatch)

    lines = [said(line) for line in text.splitlines()]
    assert any(line.startswith("prise d'effet de la résiliation à venir jeudi 2 octobre 2025")
               for line in lines), text  # fmt: skip
    assert "résiliation sans effet" not in text
