"""The API during the expiry's hold (rule 27 of docs/LEGAL-DEADLINES.md): the term passed while
an extension is in signature. The administrator's A3 and A7 (notes of 7 December 2026): a
payment offered by the status was refused `dated_after_end`, and the conventions list said
nothing of the hold the status names `expiry_held`."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from notifications import MemorySender
from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.http.test_exports import rows
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.due import run_due

STATUS = f"/api/v1/conventions/{REFERENCE}"


@pytest.fixture
def held(loaded: App) -> App:
    """Notified on 20 March 2025, never paid; avenant n° 1 (term → 30 June 2026) submitted on
    27 December 2025, signed by the CRPV on the 29th; the passes of 1 January 2026 hold the
    expiry to 7 January; read on 2 January."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-12-29T10:00:00Z")  # type: ignore[attr-defined]
    draft = DraftAmendment(REFERENCE, {"end_date": "2026-06-30"}, "alice", date(2025, 12, 27))
    draft_amendment(loaded, draft, loaded.clock())
    for event, on, inputs in (("submit", "2025-12-27", {}),
                              ("sign", "2025-12-29", {"signatory": steps.CRPV})):  # fmt: skip
        command = RecordAmendmentEvent(REFERENCE, 1, event, "alice", date.fromisoformat(on),
                                       inputs)  # fmt: skip
        record_amendment_event(loaded, command, loaded.clock())
    for instant in ("2025-12-31T23:01:00Z", "2026-01-01T08:01:00Z", "2026-01-02T10:00:00Z"):
        loaded.clock.now = steps.at(instant)  # type: ignore[attr-defined]
        run_due(loaded, loaded.clock(), MemorySender())
    return loaded


def test_the_list_carries_the_held_expiry_as_the_status(
    client: httpx.Client, tokens: Tokens, held: App
) -> None:
    client.headers.update(bearer(tokens.viewer))
    status = client.get(STATUS).json()
    (listed,) = client.get("/api/v1/conventions").json()["items"]
    assert status["expiry_held"] is not None
    assert listed["expiry_held"] == status["expiry_held"]
    assert listed["expiry_held"]["last_day"] == "2026-01-07"


def test_a_payment_is_recorded_during_the_hold_a_notice_refused_with_its_own_code(
    client: httpx.Client, tokens: Tokens, held: App
) -> None:
    client.headers.update(bearer(tokens.admin))
    allowed = client.get(STATUS).json()["allowed_events"]
    assert "pay" in allowed and "give_notice" not in allowed, allowed
    notice = client.post(f"{STATUS}/events", json={
        "event": "give_notice", "on": "2026-01-02",
        "inputs": {"party": "crpv", "received": "2026-01-02"},
    })  # fmt: skip
    assert notice.status_code == 409, notice.text
    error = notice.json()
    assert error["code"] == "dated_after_term_expiry_held", error
    assert (error["params"]["until"], error["params"]["end"]) == ("2026-01-07", "2025-12-31")
    paid = client.post(f"{STATUS}/events", json={
        "event": "pay", "on": "2026-01-02", "inputs": {"amount": "200000.00"},
    })  # fmt: skip
    assert paid.status_code == 201, paid.text
    assert client.get(STATUS).json()["state"] == "execution"


def test_the_csv_exports_carry_the_hold_in_a_last_column(
    admin_browser: httpx.Client, client: httpx.Client, tokens: Tokens, held: App
) -> None:
    """The conventions CSV (the dashboard's and the API's) said nothing of the hold `list
    --json` names `expiry_held`, nor the deadlines CSV of the deadlines it holds: each now
    ends with a column that says it (its last day; « oui »), the columns before unchanged."""
    page_csv = rows(admin_browser.get("/conventions.csv"))
    api_csv = rows(client.get("/api/v1/conventions.csv", headers=bearer(tokens.viewer)))
    assert api_csv == page_csv
    head, row = page_csv
    assert head[:11] == [
        "référence", "intitulé", "état", "état (code)", "partenaires", "montant (€)",
        "entrée en vigueur", "terme", "prochaine échéance", "date de l'échéance",
        "fin exacte (UTC)",
    ]  # fmt: skip
    # its twelfth column (columns are added after it)
    assert (head[11], row[11]) == ("arrivée à terme suspendue jusqu'au", "2026-01-07")
    deadlines = rows(admin_browser.get("/echeances.csv", params={"jours": 90}))
    assert deadlines[0][:7] == ["date", "échéance", "échéance (code)", "référence", "intitulé",
                                "état", "fin (UTC)"]  # fmt: skip
    assert deadlines[0][7] == "suspendue (avenant en signature)"  # columns are added after it
    said = {row[2]: row[7] for row in deadlines[1:]}
    assert said["expiry"] == "oui", deadlines


def test_the_csv_leaves_the_hold_column_empty_when_nothing_is_held(
    admin_browser: httpx.Client, loaded: App
) -> None:
    steps.bring_into_force(loaded)
    head, row = rows(admin_browser.get("/conventions.csv"))
    assert (head[11], row[11]) == ("arrivée à terme suspendue jusqu'au", "")
