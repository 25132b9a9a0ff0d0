"""The page of a convention paid in instalments, as an administrator reads and fills it.

AMP-EXEMPLE-2027 (examples/) pays its 45 000 € in two instalments (article 2): 60 %, 27 000 €,
after the notification of the award, and 40 %, 18 000 €, on receipt of its activity report
(« bilan d'activité 2027 »). It owes no financial report.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html import unescape

import httpx
import pytest

from tests.conftest import ROOT, FixedClock
from tests.http.conftest import Tokens, form_value, sign_in
from tests.integration.steps import at, load
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

EXAMPLE = "AMP-EXEMPLE-2027"
EXAMPLE_FILE = ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml"
PAGE = f"/conventions/{EXAMPLE}"


def record(app: App, event: str, on: str, **inputs: str) -> None:
    """Record an event on the example convention, on `on`, at 10:00 UTC that day."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(f"{on}T10:00:00Z")
    record_event(app, RecordEvent(EXAMPLE, event, "alice", date.fromisoformat(on), inputs),
                 app.clock())  # fmt: skip


@pytest.fixture
def notified(app: App, clock: FixedClock) -> App:
    """Signed by both parties (in force on 8 January 2027); awaiting the notification."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory="nadia.benali@example.org")
    record(app, "sign", "2027-01-08", signatory="martial.alvarez@example.org")
    return app


@pytest.fixture
def in_payment(notified: App) -> App:
    """The award notified on Friday 15 January 2027: instalment 1 is due."""
    record(notified, "notify", "2027-01-15")
    return notified


@pytest.fixture
def first_paid(in_payment: App) -> App:
    """Instalment 1 paid on 1 February 2027, the activity report received on 10 March."""
    record(in_payment, "pay", "2027-02-01", amount="27000.00")
    record(in_payment, "report_received", "2027-03-10")
    return in_payment


def signed_in(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client signed in as alice (admin) at the clock's time (sessions expire)."""
    assert sign_in(client, tokens.admin).status_code == 303
    return client


def words(html: str) -> str:
    """The page's text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def form_of(page: str, event: str) -> str:
    """The HTML of the form recording `event`."""
    found = re.search(
        rf'<form [^>]*>(?:(?!</form>).)*?name="event" value="{event}".*?</form>', page, re.S
    )
    assert found, f"no form for {event}"
    return found.group(0)


def field_value(form: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', form)
    assert found, f"no field {name}"
    return unescape(found.group(1))


def hint_of(form: str, field_id: str) -> str:
    found = re.search(rf'<p class="hint" id="{field_id}-hint">(.*?)</p>', form, re.S)
    assert found, f"no hint for {field_id}"
    return words(found.group(1)).strip()


def pay(client: httpx.Client, amount: str) -> httpx.Response:
    page = client.get(PAGE).text
    return client.post(f"{PAGE}/evenements", data={
        "csrf_token": form_value(page, "csrf_token"), "event": "pay", "in_amount": amount,
        "version": form_value(form_of(page, "pay"), "version"),
    })  # fmt: skip


# --- The payment form expects the instalment due ------------------------------------------


def test_the_payment_form_is_filled_with_instalment_1_and_says_its_amount_the_french_way(
    in_payment: App, client: httpx.Client, tokens: Tokens
):
    form = form_of(signed_in(client, tokens).get(PAGE).text, "pay")

    assert field_value(form, "in_amount") == "27000.00"
    assert hint_of(form, "pay-amount") == (
        "Exactement le montant dû : 27 000,00 € (versement n° 1 sur 2)."
    )
    assert "200000" not in form  # the reference convention's figure


def test_once_instalment_1_is_paid_the_form_is_filled_with_instalment_2(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    form = form_of(signed_in(client, tokens).get(PAGE).text, "pay")

    assert field_value(form, "in_amount") == "18000.00"
    assert hint_of(form, "pay-amount") == (
        "Exactement le montant dû : 18 000,00 € (versement n° 2 sur 2)."
    )


def test_the_payment_form_submitted_as_filled_records_instalment_1(
    in_payment: App, client: httpx.Client, tokens: Tokens
):
    browser = signed_in(client, tokens)
    page = browser.get(PAGE).text

    answer = pay(browser, field_value(form_of(page, "pay"), "in_amount"))

    assert answer.status_code == 303
    status = views.status(in_payment, EXAMPLE)
    assert [(i["number"], i["paid_amount"]) for i in status["instalments"]] == [
        (1, "27000.00"), (2, None),
    ]  # fmt: skip


@pytest.mark.parametrize("typed", ["27 000,00 €", "27\u202f000,00\xa0€", "27000€"])
def test_an_amount_typed_with_the_euro_sign_as_the_page_writes_it_is_taken(
    in_payment: App, client: httpx.Client, tokens: Tokens, typed: str
):
    answer = pay(signed_in(client, tokens), typed)

    assert answer.status_code == 303
    assert views.status(in_payment, EXAMPLE)["paid_amount"] == "27000.00"


def test_a_single_payment_form_is_filled_with_the_whole_amount(
    app: App, client: httpx.Client, tokens: Tokens, clock: FixedClock
):
    clock.now = at("2027-01-04T09:00:00Z")
    convention = read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                      signature_target_days=7)  # fmt: skip
    load(app, replace(convention, clauses=replace(convention.clauses, instalments=())))
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory="nadia.benali@example.org")
    record(app, "sign", "2027-01-08", signatory="martial.alvarez@example.org")
    record(app, "notify", "2027-01-15")

    form = form_of(signed_in(client, tokens).get(PAGE).text, "pay")

    assert field_value(form, "in_amount") == "45000.00"
    assert hint_of(form, "pay-amount") == "Exactement le montant dû : 45 000,00 €."


# --- Each instalment's deadline says which it is ------------------------------------------


def test_each_payment_deadline_card_names_its_instalment_and_amount(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    page = signed_in(client, tokens).get(PAGE).text
    titles = [words(h).strip() for h in re.findall(r"<h3>(.*?)</h3>", page, re.S)]

    payment = [t for t in titles if t.startswith("Objectif de versement")]
    assert len(payment) == 2, titles
    assert any("versement n° 1 sur 2 (27 000,00 €)" in t for t in payment), payment
    assert any("versement n° 2 sur 2 (18 000,00 €)" in t for t in payment), payment


# --- Recording the receipt of a report ----------------------------------------------------


def options_of(form: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select [^>]*name="{name}".*?</select>', form, re.S)
    assert select, f"no select {name}"
    return [(value, words(text).strip())
            for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>',
                                          select.group(0), re.S)]  # fmt: skip


def test_before_the_notification_no_report_may_be_recorded(
    notified: App, client: httpx.Client, tokens: Tokens
):
    page = signed_in(client, tokens).get(PAGE).text

    assert 'value="report_received"' not in page
    assert "report_received" not in views.status(notified, EXAMPLE)["allowed_events"]


def test_the_report_form_offers_in_french_only_the_document_instalment_2_waits_for(
    in_payment: App, client: httpx.Client, tokens: Tokens
):
    form = form_of(signed_in(client, tokens).get(PAGE).text, "report_received")

    assert re.search(r'<label for="report_received-report">Document reçu</label>', form)
    assert "financial" not in words(form) and "instalment" not in words(form)
    assert options_of(form, "in_report") == [
        ("", "—"),
        ("instalment", "Le document « bilan d'activité 2027 » (versement n° 2)"),
    ]
    assert 'value="instalment" selected' in form  # the only one: chosen


def test_a_report_instalment_number_that_is_not_a_number_is_said_beside_its_field(
    in_payment: App, client: httpx.Client, tokens: Tokens
):
    browser = signed_in(client, tokens)
    page = browser.get(PAGE).text
    answer = browser.post(f"{PAGE}/evenements", data={
        "csrf_token": form_value(page, "csrf_token"), "event": "report_received",
        "in_report": "instalment", "in_instalment": "abc",
    })  # fmt: skip

    assert answer.status_code == 422
    error = re.search(r'id="report_received-instalment-error">(.*?)</p>', answer.text, re.S)
    assert error and words(error.group(1)) == "« abc » n'est pas un nombre entier."
    assert views.status(in_payment, EXAMPLE)["instalments"][1]["report_received_on"] is None


def test_during_a_termination_notice_the_report_and_the_balance_are_offered(
    in_payment: App, client: httpx.Client, tokens: Tokens
):
    """The association's notice received on 15 September 2027: until it takes effect the
    convention is executed normally (before: only « open a dispute » was offered)."""
    record(in_payment, "pay", "2027-02-01", amount="27000.00")
    record(in_payment, "give_notice", "2027-09-15", party="association", received="2027-09-15")
    page = signed_in(client, tokens).get(PAGE).text

    assert options_of(form_of(page, "report_received"), "in_report") == [
        ("", "—"),
        ("instalment", "Le document « bilan d'activité 2027 » (versement n° 2)"),
    ]
    assert field_value(form_of(page, "pay"), "in_amount") == "18000.00"
    assert 'value="forgo_payment"' in page
    record(in_payment, "report_received", "2027-10-01", instalment="2")
    assert pay(signed_in(client, tokens), "18000.00").status_code == 303
    assert views.status(in_payment, EXAMPLE)["remaining"] == []
    assert views.status(in_payment, EXAMPLE)["state"] == "termination"


def test_the_history_names_the_amount_of_a_payment_forgone_as_forgone_not_paid(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    record(first_paid, "forgo_payment", "2027-03-12", instalment="2", reason="rapport absent")

    page = words(signed_in(client, tokens).get(PAGE).text)

    assert "Montant auquel il est renoncé : 18 000,00 €" in page
    assert "Montant versé, en euros : 27 000,00 €" in page  # the payment's own line
    assert "Montant versé, en euros : 18 000,00 €" not in page


# --- An avenant changing one instalment -----------------------------------------------------


def test_the_amendment_form_asks_each_instalment_s_amount_and_drafts_one(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    page = signed_in(client, tokens).get(PAGE).text
    form = words(form_of(page, "amend"))
    assert "Montant du versement n° 2 Actuellement : 18 000,00 €" in form
    assert 'name="ch_amount"' not in page  # the total is the schedule's sum

    below = client.post(f"{PAGE}/avenants", data={
        "csrf_token": form_value(page, "csrf_token"), "event": "amend",
        "ch_instalment.1.amount": "20000",
    })  # fmt: skip
    assert below.status_code == 422
    assert (
        "le nouveau montant du versement n° 1 (20 000,00 €) serait inférieur à ce qui a déjà été "
        "versé à ce titre (27 000,00 €)"
    ) in words(below.text)
    assert views.amendments(first_paid, EXAMPLE) == []

    typed = client.post(f"{PAGE}/avenants", data={
        "csrf_token": form_value(page, "csrf_token"), "event": "amend",
        "ch_instalment.2.amount": "21 000,00",
    })  # fmt: skip
    assert typed.status_code == 303
    [drafted] = views.amendments(first_paid, EXAMPLE)
    assert drafted["changes"] == {"instalment.2.amount": "21000.00"}


def test_an_avenant_drafted_on_an_instalment_says_the_subsidy_s_new_total_before_signing(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    page = signed_in(client, tokens).get(PAGE).text
    client.post(f"{PAGE}/avenants", data={
        "csrf_token": form_value(page, "csrf_token"), "event": "amend",
        "ch_instalment.2.amount": "21 000,00",
    })  # fmt: skip

    card = words(client.get(PAGE).text)

    assert (
        "Montant de la subvention somme des versements 45 000,00 € → 48 000,00 € "
        "(prévu, si l'avenant est signé)"
    ) in card
    assert card.count("48 000,00 €") == 1  # said once, in its row of « Avant → après »
    [drafted] = views.amendments(first_paid, EXAMPLE)
    assert drafted["new_total"] == {"before": "45000.00", "after": "48000.00"}


def test_a_paid_instalment_raised_by_an_avenant_fills_the_payment_form_with_its_balance(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    from workflow.usecases.amendments import (
        DraftAmendment,
        RecordAmendmentEvent,
        draft_amendment,
        record_amendment_event,
    )

    draft_amendment(
        first_paid,
        DraftAmendment(EXAMPLE, {"instalment.1.amount": "30000.00"}, "alice", date(2027, 3, 10)),
        first_paid.clock(),
    )
    for event, inputs in (("submit", {}), ("sign", {"signatory": "nadia.benali@example.org"}),
                          ("sign", {"signatory": "martial.alvarez@example.org"})):  # fmt: skip
        command = RecordAmendmentEvent(EXAMPLE, 1, event, "alice", date(2027, 3, 10), inputs)
        record_amendment_event(first_paid, command, first_paid.clock())

    form = form_of(signed_in(client, tokens).get(PAGE).text, "pay")

    assert field_value(form, "in_amount") == "3000.00"
    assert hint_of(form, "pay-amount") == (
        "Exactement le solde dû après l'avenant : 3 000,00 € (versement n° 1 sur 2)."
    )
    assert pay(client, "3000.00").status_code == 303
    status = views.status(first_paid, EXAMPLE)
    assert (status["paid_amount"], status["instalments"][0]["balance_due"]) == ("30000.00", None)


def test_an_avenant_on_an_instalment_through_the_api(
    first_paid: App, client: httpx.Client, tokens: Tokens
):
    from tests.http.conftest import bearer

    admin = bearer(tokens.admin)
    amendments = f"/api/v1/conventions/{EXAMPLE}/amendments"

    below = client.post(amendments, headers=admin,
                        json={"changes": {"instalment.1.amount": "20000.00"}})  # fmt: skip
    drafted = client.post(amendments, headers=admin,
                          json={"changes": {"instalment.2.amount": "21000.00"}})  # fmt: skip
    for event, inputs in (("submit", {}), ("sign", {"signatory": "nadia.benali@example.org"}),
                          ("sign", {"signatory": "martial.alvarez@example.org"})):  # fmt: skip
        signed = client.post(f"{amendments}/1/events", headers=admin,
                             json={"event": event, "inputs": inputs})  # fmt: skip

    assert below.status_code == 422 and below.json()["code"] == "instalment_below_paid"
    assert drafted.status_code == 201
    assert signed.json()["applied"] == {
        "instalment.2.amount": {"before": "18000.00", "after": "21000.00"},
        "amount": {"before": "45000.00", "after": "48000.00"},
    }
    status = client.get(f"/api/v1/conventions/{EXAMPLE}", headers=admin).json()
    assert status["amount"] == "48000.00"


@pytest.mark.parametrize(
    ("amount", "code"), [(50000, "amount_of_a_schedule"), (50000.5, "float_value")]
)
def test_an_avenant_s_amount_refused_through_the_api_names_the_subsidy_s_amount(
    first_paid: App, client: httpx.Client, tokens: Tokens, amount: float, code: str
):
    """In an avenant, `amount` is the convention's amount (the term it changes), not an
    amount paid: its refusal says « Montant », as `convflow amend` and the form say it."""
    from tests.http.conftest import bearer

    url, admin = f"/api/v1/conventions/{EXAMPLE}/amendments", bearer(tokens.admin)
    refused = client.post(url, headers=admin, json={"changes": {"amount": amount}})

    assert refused.status_code == 422
    said = refused.json()
    assert (said["code"], said["params"]["field"], said["error"]) == (
        code,
        "amount",
        "InvalidInput",
    )
    assert said["message"].startswith("Montant\u00a0: "), said["message"]
    assert "versé" not in said["message"].split("\u00a0:")[0]
    assert views.amendments(first_paid, EXAMPLE) == []  # nothing drafted
