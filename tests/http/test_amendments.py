"""Amendments over HTTP: drafted, submitted and signed through the API and the dashboard."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer, form_value, sign_in
from tests.integration import steps
from tests.integration.test_amendments import amend, amendment, sign_both
from workflow.bootstrap import App
from workflow.usecases.due import run_due

AMENDMENTS = f"/api/v1/conventions/{REFERENCE}/amendments"
PAGE = f"/conventions/{REFERENCE}"


@pytest.fixture
def in_execution(loaded: App) -> App:
    """The reference convention in execution, on 10 June 2025."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-06-10T09:00:00Z")  # type: ignore[attr-defined]
    return loaded


def test_an_amendment_drafted_submitted_and_signed_through_the_api_changes_the_term(
    client: httpx.Client, tokens: Tokens, in_execution: App
):
    admin = bearer(tokens.admin)

    drafted = client.post(AMENDMENTS, headers=admin, json={"changes": {"end_date": "2026-06-30"}})
    events = f"{AMENDMENTS}/1/events"
    submitted = client.post(events, headers=admin, json={"event": "submit"})
    for signatory in (steps.METROPOLE, steps.CRPV):
        signed = client.post(
            events, headers=admin, json={"event": "sign", "inputs": {"signatory": signatory}}
        )

    assert drafted.status_code == 201 and drafted.json()["number"] == 1
    assert submitted.json()["to_state"] == "signature"
    assert signed.status_code == 201 and signed.json()["to_state"] == "in_force"
    assert signed.json()["applied"]["end_date"] == {"before": "2025-12-31", "after": "2026-06-30"}
    status = client.get(f"/api/v1/conventions/{REFERENCE}", headers=admin).json()
    assert status["end_date"] == "2026-06-30"
    listed = client.get(AMENDMENTS, headers=bearer(tokens.viewer)).json()
    assert [(a["number"], a["state"]) for a in listed] == [(1, "in_force")]
    assert status["history"][-1]["actor"] == "alice (token)"


def test_a_viewer_cannot_draft_an_amendment(
    client: httpx.Client, tokens: Tokens, in_execution: App
):
    answer = client.post(
        AMENDMENTS, headers=bearer(tokens.viewer), json={"changes": {"amount": "1.00"}}
    )

    assert answer.status_code == 403


def test_an_amendment_that_changes_nothing_known_is_422(
    client: httpx.Client, tokens: Tokens, in_execution: App
):
    answer = client.post(
        AMENDMENTS, headers=bearer(tokens.admin), json={"changes": {"colour": "blue"}}
    )

    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("colour")


def test_an_unknown_amendment_is_404(client: httpx.Client, tokens: Tokens, in_execution: App):
    answer = client.post(f"{AMENDMENTS}/7/events", headers=bearer(tokens.admin),
                         json={"event": "submit"})  # fmt: skip

    assert answer.status_code == 404


def test_an_amendment_before_the_convention_is_in_force_is_409(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    answer = client.post(
        AMENDMENTS, headers=bearer(tokens.admin), json={"changes": {"amount": "1.00"}}
    )

    assert answer.status_code == 409
    assert "in force" in answer.json()["detail"]


def test_an_amendment_drafted_and_submitted_through_the_dashboard(
    admin_browser: httpx.Client, in_execution: App
):
    page = admin_browser.get(PAGE).text
    assert "Proposer un avenant" in page
    csrf = form_value(page, "csrf_token")

    drafted = admin_browser.post(
        f"{PAGE}/avenants", data={"csrf_token": csrf, "event": "amend", "ch_amount": "250000.00"}
    )
    page = unescape(admin_browser.get(drafted.headers["location"]).text)
    submitted = admin_browser.post(
        f"{PAGE}/avenants/1/evenements", data={"csrf_token": csrf, "event": "submit"}
    )

    assert drafted.status_code == 303 and "enregistre=amend" in drafted.headers["location"]
    assert "«\u00a0Proposer un avenant\u00a0»\u00a0: c'est enregistré" in page
    assert "Soumettre l'avenant n°\u00a01 à la signature" in page
    assert submitted.status_code == 303
    after = unescape(admin_browser.get(submitted.headers["location"]).text)
    assert "Enregistrer une signature de l'avenant n°\u00a01" in after
    assert "en signature" in after and "(avenant n°\u00a01)" in after


def test_a_refused_amendment_form_says_why(admin_browser: httpx.Client, in_execution: App):
    csrf = form_value(admin_browser.get(PAGE).text, "csrf_token")

    answer = admin_browser.post(
        f"{PAGE}/avenants", data={"csrf_token": csrf, "ch_end_date": "2025-01-01"}
    )

    assert answer.status_code == 422
    text = unescape(answer.text)
    assert "Rien n'a été enregistré" in text and 'value="2025-01-01"' in text


def test_the_dashboard_speaks_of_the_amendment_and_its_terms(
    admin_browser: httpx.Client, in_execution: App
):
    before = admin_browser.get(PAGE).text
    csrf = form_value(before, "csrf_token")
    assert "Actuellement\u00a0: 200\u202f000,00\xa0€" in unescape(before)
    wrong_amount = admin_browser.post(
        f"{PAGE}/avenants", data={"csrf_token": csrf, "event": "amend", "ch_amount": "beaucoup"}
    )
    admin_browser.post(
        f"{PAGE}/avenants", data={"csrf_token": csrf, "event": "amend", "ch_amount": "250000.00"}
    )

    refused = admin_browser.post(
        f"{PAGE}/avenants/1/evenements",
        data={"csrf_token": csrf, "event": "sign", "in_signatory": "martial.alvarez@example.org"},
    )
    page = unescape(admin_browser.get(PAGE).text)

    assert refused.status_code == 409
    assert "quand l'avenant n°\u00a01 est en préparation" in unescape(refused.text)
    assert '<span class="muted">Montant\u00a0:</span> 250\u202f000,00\xa0€' in page  # the history
    assert "Montant\u00a0: «\u00a0beaucoup\u00a0» n'est pas un montant en euros" in unescape(
        wrong_amount.text
    )


def test_the_dashboards_history_says_an_amendment_in_force_in_french(
    admin_browser: httpx.Client, in_execution: App
):
    amend(in_execution, "2025-06-10", end_date="2026-06-30")
    sign_both(in_execution, 1, "2025-06-10", "2025-06-10")

    page = unescape(admin_browser.get(PAGE).text)
    history = page[page.index('id="historique"') :]

    assert '<td data-label="États">en signature → en vigueur</td>' in history
    assert "in_force" not in history


def test_the_page_says_a_representative_designated_by_an_avenant_signs_nothing_pending(
    client: httpx.Client, tokens: Tokens, in_execution: App
):
    """The convention was signed for the Métropole by Martial Alvarez; Jeanne Martin, designated
    by avenant n°1, is not waiting to sign it (the legal officer's F10, on the page)."""
    in_execution.clock.now = steps.at("2025-10-06T09:00:00Z")  # type: ignore[attr-defined]
    amend(in_execution, "2025-10-01", **{"signatory.metropole":
                                         "Jeanne Martin|Vice-Présidente déléguée|"
                                         "jeanne.martin@example.org"})  # fmt: skip
    sign_both(in_execution, 1, "2025-10-02", "2025-10-06")
    assert sign_in(client, tokens.viewer).status_code == 303

    page = unescape(client.get(PAGE).text)

    assert "désignation par un avenant, postérieure à la signature de la convention" in page
    assert "signature attendue" not in page


def test_an_amendment_that_lapsed_at_the_term_reads_caduc_on_the_dashboard_and_the_api(
    client: httpx.Client, tokens: Tokens, admin_browser: httpx.Client, in_execution: App
):
    """Submitted on 15 December 2025, signed by the GIP only: the term (31 December) passes,
    the service holds the expiry for 7 days (rule 27: the page says until when a signature
    dated on the term can still be recorded), then records it and the avenant lapses with the
    convention."""
    in_execution.clock.now = steps.at("2025-12-16T09:00:00Z")  # type: ignore[attr-defined]
    amend(in_execution, "2025-12-15", end_date="2026-06-30")
    amendment(in_execution, 1, "submit", "2025-12-15")
    amendment(in_execution, 1, "sign", "2025-12-16", signatory=steps.CRPV)
    in_execution.clock.now = steps.at("2026-01-02T09:00:00Z")  # type: ignore[attr-defined]
    run_due(in_execution, in_execution.clock())
    held = " ".join(re.sub(r"<[^>]+>", "", unescape(admin_browser.get(PAGE).text)).split())
    assert "Arrivée à terme suspendue" in held
    assert (
        "Une signature datée au plus tard du mercredi 31 décembre 2025 peut être enregistrée "
        "jusqu'au mercredi 7 janvier 2026 inclus" in held
    )
    in_execution.clock.now = steps.at("2026-01-09T09:00:00Z")  # type: ignore[attr-defined]
    run_due(in_execution, in_execution.clock())

    listed = client.get(AMENDMENTS, headers=bearer(tokens.viewer)).json()
    refused = client.post(
        f"{AMENDMENTS}/1/events", headers=bearer(tokens.admin),
        json={"event": "sign", "inputs": {"signatory": steps.METROPOLE}},
    )  # fmt: skip
    page = unescape(admin_browser.get(PAGE).text)

    assert [(a["state"], a["lapsed_on"], a["allowed_events"]) for a in listed] == [
        ("lapsed", "2025-12-31", [])
    ]
    assert refused.status_code == 409
    assert "the amendment lapsed: the convention ended on 2025-12-31" in refused.json()["detail"]
    assert '<span class="badge amendment-lapsed">caduc</span>' in page
    assert "Avenant caduc" in page[page.index('id="historique"') :]


def test_the_held_expiry_names_the_signatory_it_waits_for_as_the_emails_do(
    admin_browser: httpx.Client, in_execution: App
):
    """The term passed with avenant n° 1 signed by the GIP only: the page's alert named the
    Métropole's signatory by his email (« attend la signature de martial.alvarez@… »), where
    the emails name him by his name, his title and his party."""
    in_execution.clock.now = steps.at("2025-12-16T09:00:00Z")  # type: ignore[attr-defined]
    amend(in_execution, "2025-12-15", end_date="2026-06-30")
    amendment(in_execution, 1, "submit", "2025-12-15")
    amendment(in_execution, 1, "sign", "2025-12-16", signatory=steps.CRPV)
    in_execution.clock.now = steps.at("2026-01-02T09:00:00Z")  # type: ignore[attr-defined]
    run_due(in_execution, in_execution.clock())

    page = unescape(admin_browser.get(PAGE).text)
    alert = " ".join(re.sub(r"<[^>]+>", "", page[: page.index('id="echeances"')]).split())

    assert (
        "attend la signature de Martial Alvarez, Vice-Président délégué, pour la Présidente "
        "(Métropole Aix-Marseille-Provence). Une signature datée" in alert
    ), alert
    assert steps.METROPOLE not in alert
    card = " ".join(re.sub(r"<[^>]+>", "", page[page.index('id="avenants-titre"') :]).split())
    assert (
        "Signé par Mustapha Berra, Directeur-ordonnateur (GIP Centre de Ressources pour la "
        "Politique de la Ville PACA (CRPV PACA)) le mardi 16 décembre 2025." in card
    ), card


def test_an_amendment_s_amount_as_a_json_whole_number_is_read_as_its_text(
    client: httpx.Client, tokens: Tokens, in_execution: App
):
    admin = bearer(tokens.admin)

    decimal = client.post(AMENDMENTS, headers=admin, json={"changes": {"amount": 250000.5}})
    drafted = client.post(AMENDMENTS, headers=admin, json={"changes": {"amount": 250000}})

    assert decimal.status_code == 422
    assert (decimal.json()["code"], decimal.json()["params"]["field"]) == ("float_value", "amount")
    assert drafted.status_code == 201, drafted.text
    listed = client.get(AMENDMENTS, headers=admin).json()
    assert listed[0]["changes"] == {"amount": "250000.00"}
