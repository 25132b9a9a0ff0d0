"""A termination notice the term overrides (rule 10), read by the administrators as the partners
read it (inbox test I9): since I9 the emails say « en exécution jusqu'à son terme (résiliation
notifiée, sans effet) », while `convflow status`, `convflow list` and the conventions list
still said « en cours de résiliation ». On SQLite and PostgreSQL, `status` read as the command
line reads it (on the bare driver, storage/driver_reads.py).

The reference convention (term Wednesday 31 December 2025, six months' notice): the GIP's
letter received on Wednesday 15 October 2025 would end the convention on 15 April 2026, after
its term."""

from __future__ import annotations

import pytest

from states.convention import Convention
from storage.queries import ConventionFilter, PageRequest
from tests.conftest import FixedClock
from tests.integration.steps import REFERENCE, at, bring_into_execution, load, record
from tests.reading import said
from workflow.bootstrap import App
from workflow.usecases import listing

OVERRIDDEN = "en exécution jusqu'à son terme (résiliation notifiée, sans effet)"


@pytest.fixture
def overridden(app: App, clock: FixedClock, reference_convention: Convention) -> App:
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-10-16T09:00:00Z")
    record(app, "give_notice", "2025-10-15", party="crpv", received="2025-10-15")
    return app


def test_status_and_list_say_the_notice_will_have_no_effect(
    overridden: App,
    clock: FixedClock,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.e2e.conftest import Convflow
    from workflow.cli import context as cli_context

    monkeypatch.setattr(cli_context, "utc_now", lambda: clock.now)
    convflow = Convflow({**settings_env, "CONVFLOW_ACTOR": "alice"})
    status = said(convflow.ok("status", REFERENCE))
    assert "en cours de résiliation" not in status, status
    assert f"état {OVERRIDDEN}" in status, status
    assert (
        "la résiliation notifiée par GIP Centre de Ressources pour la Politique de la Ville "
        "PACA (CRPV PACA) le mercredi 15 octobre 2025 restera sans effet : son préavis "
        "courrait jusqu'au mercredi 15 avril 2026, après le terme du mercredi 31 décembre "
        "2025 ; la convention expirera à son terme" in status
    ), status
    # the JSON keeps its values: the state is still `termination`
    assert convflow.json("status", REFERENCE)["state"] == "termination"
    [row] = convflow.json("list")
    assert (row["state"], row["notice_overridden"]) == ("termination", True)
    line = next(x for x in convflow.ok("list").splitlines() if x.startswith(REFERENCE))
    assert OVERRIDDEN in said(line) and "en cours de résiliation" not in line, line
    page = listing.search_conventions(overridden, ConventionFilter(), PageRequest(), clock.now)
    assert [item["notice_overridden"] for item in page["items"]] == [True]


def test_a_notice_ending_before_the_term_is_still_said_in_progress(
    app: App,
    clock: FixedClock,
    reference_convention: Convention,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Received on 2 April 2025, six months: the notice ends on 2 October 2025, before the
    term; the convention is « en cours de résiliation », as before."""
    from tests.e2e.conftest import Convflow
    from workflow.cli import context as cli_context

    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    record(app, "give_notice", "2025-04-02", party="crpv", received="2025-04-02")
    monkeypatch.setattr(cli_context, "utc_now", lambda: clock.now)
    convflow = Convflow({**settings_env, "CONVFLOW_ACTOR": "alice"})
    status = said(convflow.ok("status", REFERENCE))
    assert "état en cours de résiliation" in status and "sans effet" not in status, status
    [row] = convflow.json("list")
    assert (row["state"], row["notice_overridden"]) == ("termination", False)
