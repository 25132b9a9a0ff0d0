"""The CSV exports carry the money (finance tester's M3): what each convention was paid, has left
to pay and had forgone, whether a payment is late; each payment deadline's instalment and what
remains due on it; and the deadlines' export lists the obligations overdue, as the page does.

Columns are added at the end only: a script reading them by position reads what it read."""

from __future__ import annotations

import httpx

from tests.http.conftest import LONG_REFERENCE, REFERENCE, Tokens, bearer, sign_in
from tests.http.test_exports import rows
from tests.integration import steps
from tests.integration.test_instalment_amendment import avenant
from tests.integration.test_instalment_emails import EXAMPLE, record
from workflow.bootstrap import App
from workflow.usecases.due import run_due

pytest_plugins = ["tests.integration.test_instalment_emails"]

CONVENTION_COLUMNS = ["versé (€)", "reste à verser (€)", "renoncé (€)", "versement en retard"]
DEADLINE_COLUMNS = ["en retard", "versement n°", "montant dû (€)"]


def _by_reference(table: list[list[str]]) -> dict[str, dict[str, str]]:
    header = table[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}


def test_a_schedule_paid_in_parts_amended_and_forgone_says_paid_left_and_forgone(
    signed_and_notified: App, client: httpx.Client, tokens: Tokens
) -> None:
    """AMP-EXEMPLE-2027: n° 1 paid 27 000 €, raised to 30 000 € by avenant n° 1 with n° 2 to
    21 000 €; the 3 000 € balance paid; n° 2 forgone: 30 000 € paid, 21 000 € forgone, nothing
    left, of 51 000 €."""
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000.00")
    avenant(app, **{"instalment.1.amount": "30000.00", "instalment.2.amount": "21000.00"})
    viewer = bearer(tokens.viewer)
    before = _by_reference(rows(client.get("/api/v1/conventions.csv", headers=viewer)))[EXAMPLE]
    record(app, "pay", "2027-03-20", amount="3000.00", instalment="1")
    record(app, "forgo_payment", "2027-04-01", instalment="2", reason="bilan non remis")

    api = rows(client.get("/api/v1/conventions.csv", headers=viewer))
    sign_in(client, tokens.admin)  # the session of January has expired since
    page = rows(client.get("/conventions.csv"))

    assert page[0][:13] == [
        "référence", "intitulé", "état", "état (code)", "partenaires", "montant (€)",
        "entrée en vigueur", "terme", "prochaine échéance", "date de l'échéance",
        "fin exacte (UTC)", "arrivée à terme suspendue jusqu'au", "résiliation sans effet",
    ]  # fmt: skip
    assert page[0][13:] == CONVENTION_COLUMNS
    after = _by_reference(page)[EXAMPLE]
    assert [after[c] for c in ["montant (€)", *CONVENTION_COLUMNS]] == [
        "51000,00", "30000,00", "0,00", "21000,00", ""
    ]  # fmt: skip
    # before the balance and the renunciation: 27 000 paid, 3 000 + 21 000 left
    assert [before[c] for c in CONVENTION_COLUMNS[:3]] == ["27000,00", "24000,00", "0,00"]
    assert api == page


def test_a_balance_left_by_an_avenant_and_late_is_in_both_exports(
    loaded: App, admin_browser: httpx.Client, client: httpx.Client, tokens: Tokens
) -> None:
    """The reference paid 200 000 € on 1 April 2025, raised to 250 000 € by avenant n° 1 in
    force on 5 June: the 50 000 € balance, due 5 July, passed (recorded by the pass of
    6 July). The conventions' export says it left and late; the deadlines' page export lists
    it first, « en retard », with its amount; the API's, asked `overdue=true`."""
    steps.bring_into_execution(loaded)
    steps.amend_and_sign(loaded, {"amount": "250000.00"})
    loaded.clock.now = steps.at("2025-07-06T08:00:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock())

    conventions = _by_reference(rows(admin_browser.get("/conventions.csv")))[REFERENCE]
    assert [conventions[c] for c in CONVENTION_COLUMNS] == ["200000,00", "50000,00", "0,00", "oui"]

    page = rows(admin_browser.get("/echeances.csv", params={"jours": 90}))
    assert page[0][9:] == DEADLINE_COLUMNS
    overdue = dict(zip(page[0], page[1], strict=True))
    assert (overdue["date"], overdue["échéance (code)"], overdue["référence"]) == (
        "2025-07-05", "payment", REFERENCE
    )  # fmt: skip
    assert overdue["fin (UTC)"] == "2025-07-05T22:00:00Z"
    assert [overdue[c] for c in DEADLINE_COLUMNS] == ["oui", "", "50000,00"]
    assert all(row[9] == "" for row in page[2:])  # the deadlines to come

    api = rows(client.get("/api/v1/deadlines.csv", headers=bearer(tokens.viewer)))
    assert api == [page[0], *page[2:]]  # as before: what is to come only
    asked = client.get("/api/v1/deadlines.csv", params={"overdue": "true"},
                       headers=bearer(tokens.viewer))  # fmt: skip
    assert rows(asked) == page


def test_a_payment_passed_and_not_recorded_yet_is_marked_late_once(
    late: App, admin_browser: httpx.Client
) -> None:
    """15 July 2025: the reference's payment recorded passed, the long one's passed and not
    recorded yet (among the deadlines to come, as on the page): each once, both late."""
    page = rows(admin_browser.get("/echeances.csv", params={"jours": 90}))
    payments = [dict(zip(page[0], row, strict=True)) for row in page[1:] if row[2] == "payment"]

    assert [(p["référence"], p["en retard"], p["montant dû (€)"]) for p in payments] == [
        (REFERENCE, "oui", "200000,00"), (LONG_REFERENCE, "oui", "200000,00"),
    ]  # fmt: skip


def test_an_instalment_to_come_carries_its_number_and_amount(
    signed_and_notified: App, admin_browser: httpx.Client
) -> None:
    """AMP-EXEMPLE-2027 on 15 January 2027, within a year: instalment n° 1's target,
    14 February, 27 000 €; the term, and its reminders' deadlines, no payment's."""
    page = rows(admin_browser.get("/echeances.csv", params={"jours": 365}))
    [target] = [dict(zip(page[0], row, strict=True)) for row in page[1:] if row[2] == "payment"]

    assert (target["date"], target["versement n°"], target["montant dû (€)"]) == (
        "2027-02-14", "1", "27000,00"
    )  # fmt: skip
    assert target["en retard"] == ""
    others = [row for row in page[1:] if row[2] != "payment"]
    assert others and all(row[10:] == ["", ""] for row in others)
