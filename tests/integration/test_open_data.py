"""The open data of the reference convention (rule 19): its SCDL « subventions » row, checked
against the schema's copy kept in docs/scdl (frictionless, as data.gouv.fr's Validata does,
and the schema's two custom checks), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from states.convention import Convention
from states.errors import GuardRejected, InvalidInput
from states.open_data import is_siret
from tests.integration import steps
from tests.unit.builders import refusal
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.commands import ImportConvention, PastEvent, RecordEvent
from workflow.usecases.conventions import import_convention, record_side
from workflow.usecases.due import run_due
from workflow.usecases.open_data import scdl_export

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "scdl" / "subventions-schema.json"
GIP_SIRET = "13002464400010"  # made up for the tests, Luhn-valid: the GIP's was not found
OBJECT = ("Accompagnement des équipes politique de la ville de la Métropole et des villes dans "
          "la mise en œuvre du contrat de ville métropolitain 2024-2030")  # fmt: skip


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The default threshold (23 000 €): the rest of the suite sets it out of the way."""
    return {**settings_env, "CONVFLOW_OPEN_DATA_THRESHOLD": "23000"}


def published(convention: Convention, **party: str) -> Convention:
    beneficiary = replace(convention.parties[1], **party)
    return replace(convention, parties=[convention.parties[0], beneficiary],
                   open_data_object=OBJECT)  # fmt: skip


def in_execution(app: App, convention: Convention) -> App:
    steps.load(app, convention)
    inputs = {"decision": "DEL-BUR-2025-042", "adopted": "2025-02-13",
              "published": "2025-02-17", "transmitted": "2025-02-18"}  # fmt: skip
    record_side(app, RecordEvent(steps.REFERENCE, "record_award", "alice", date(2025, 2, 20),
                                  inputs), app.clock())  # fmt: skip
    steps.bring_into_execution(app)
    return app


def validate(text: str) -> list[str]:
    """Every problem a Table Schema validator finds with the schema's copy, and those of its
    custom checks (french-siret-value, one-of-required) that a generic validator skips."""
    from frictionless import Resource, Schema

    schema = json.loads(SCHEMA.read_text("utf-8"))
    custom = schema.pop("custom_checks")
    report = Resource(text.encode("utf-8"), format="csv", schema=Schema.from_descriptor(schema)
                      ).validate()  # fmt: skip
    problems = [error.message for task in report.tasks for error in task.errors]
    for row in csv.DictReader(io.StringIO(text)):
        for check in custom:
            params = check["params"]
            value = row.get(params.get("column", ""), "")
            if check["name"] == "french-siret-value" and value and not is_siret(value):
                problems.append(f"{params['column']}: not a SIRET")
            either = row.get(params.get("column1", "")) or row.get(params.get("column2", ""))
            if check["name"] == "one-of-required" and not either:
                problems.append("one-of-required")
    return problems


def test_the_schema_copy_is_the_published_one_byte_for_byte():
    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
    assert digest == "2c2c2ca25ef6a3295f3e54be321453f1f720f2497d89abaad62b9ab04a6549d7"


def test_the_validator_finds_what_is_wrong_with_a_bad_row():
    header = ",".join(f["name"] for f in json.loads(SCHEMA.read_text())["fields"])
    bad = ("Métropole,20005480700018,2025-03-10,,GIP,,,objet,deux cents,aide en numéraire,"
           "unique,2025-04-01,,non,1.00,")  # fmt: skip

    problems = validate(f"{header}\n{bad}\n")

    assert any("montant" in p or "number" in p for p in problems)
    assert "idAttribuant: not a SIRET" in problems and "one-of-required" in problems


def test_the_reference_conventions_row_validates_against_the_schema(
    app: App, reference_convention: Convention
):
    in_execution(app, published(reference_convention, siret=GIP_SIRET))

    done = scdl_export(app)

    assert validate(done.csv) == []
    rows = list(csv.DictReader(io.StringIO(done.csv)))
    assert list(rows[0]) == [f["name"] for f in json.loads(SCHEMA.read_text())["fields"]]
    assert rows == [{
        "nomAttribuant": "Métropole d'Aix-Marseille-Provence", "idAttribuant": "20005480700017",
        "dateConvention": "2025-03-10", "referenceDecision": "DEL-BUR-2025-042",
        "nomBeneficiaire": reference_convention.parties[1].name, "idBeneficiaire": GIP_SIRET,
        "rnaBeneficiaire": "", "objet": OBJECT, "montant": "200000.00",
        "nature": "aide en numéraire", "conditionsVersement": "unique",
        "datesPeriodeVersement": "2025-04-01", "idRAE": "", "notificationUE": "non",
        "pourcentageSubvention": "1.00", "dispositifAide": "",
    }]  # fmt: skip
    assert (done.published, done.refused) == (1, ())


def test_without_the_beneficiarys_siret_the_row_is_left_out_and_named(
    app: App, reference_convention: Convention
):
    in_execution(app, published(reference_convention))

    done = scdl_export(app)

    assert done.published == 0 and done.csv.count("\n") == 1  # the header alone
    assert [(r.reference, r.field, r.code) for r in done.refused] == [
        (steps.REFERENCE, "idBeneficiaire", "open_data_identifier_missing")
    ]


def test_a_convention_not_yet_signed_is_not_published(app: App, reference_convention: Convention):
    steps.load(app, published(reference_convention, siret=GIP_SIRET))

    assert scdl_export(app).published == 0


def test_a_wrong_siret_in_a_convention_file_is_refused_by_name():
    from workflow.files.convention_file import ConventionFileError, parse_file

    text = (Path(__file__).resolve().parents[2] / "examples" /
            "convention-metropole-amp-crpv-paca-2025.toml").read_text("utf-8")  # fmt: skip
    text = text.replace('key = "crpv"', 'key = "crpv"\nsiret = "13002464400011"')

    with pytest.raises(ConventionFileError) as refused:
        parse_file(text, "x.toml", payment_target_days=30, signature_target_days=7)

    assert (refused.value.code, refused.value.field) == ("not_a_siret", "parties[1].siret")


# --- Rule 19: the publication deadline, its reminders, and `publish` -----------------------


def test_the_reference_convention_is_to_be_published_three_months_after_its_signature(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    steps.bring_into_force(app)  # last signature on Monday 10 March 2025

    publication = steps.deadlines(app)["publication"]

    assert (publication["due_date"], publication["status"]) == ("2025-06-10", "pending")
    assert "pas de report" in publication["explanation"]
    planned = [(r["label"], r["planned_at"]) for r in views.reminders(app, steps.REFERENCE)
               if r["kind"] == "publication"]  # fmt: skip
    # J-30 is Sunday 11 May 2025: it goes on Friday 9 May, the working day before
    assert planned == [("J-30", "2025-05-09T07:00:00Z"), ("J-7", "2025-06-03T07:00:00Z")]


def test_its_reminder_goes_to_the_metropole_alone(app: App, reference_convention: Convention):
    app.clock.now = steps.at("2025-03-10T16:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_force(app)  # recorded on the day: its reminders are not known late

    app.clock.now = steps.at("2025-05-11T07:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())

    sent = [e for e in views.outbox(app) if e["kind"] == "reminder_publication"]
    assert [e["recipients"] for e in sent] == [[steps.METROPOLE]]


def test_publishing_meets_the_deadline_and_cancels_the_reminders_left(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    steps.bring_into_force(app)

    steps.record(app, "publish", "2025-05-20", url="https://data.ampmetropole.fr/subventions.csv")

    assert steps.deadlines(app)["publication"]["status"] == "met"
    left = [r["status"] for r in views.reminders(app, steps.REFERENCE)
            if r["kind"] == "publication"]  # fmt: skip
    assert left == ["cancelled", "cancelled"]
    assert steps.state(app) == "notification"  # beside the lifecycle: no state changes


def test_a_subsidy_of_exactly_23000_euros_is_not_published(
    app: App, reference_convention: Convention
):
    steps.load(app, replace(reference_convention, amount=Decimal("23000.00")))
    steps.bring_into_force(app)

    assert "publication" not in steps.deadlines(app)


def test_a_publication_without_a_web_address_is_refused_and_changes_nothing(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    steps.bring_into_force(app)

    with pytest.raises(InvalidInput) as refused:
        steps.record(app, "publish", "2025-05-20", url="data.ampmetropole.fr")

    assert (refused.value.code, refused.value.field) == ("not_a_web_address", "url")
    assert steps.deadlines(app)["publication"]["status"] == "pending"


# --- Rule 19 after an amendment (setting open_data_on_amendment) ---------------------------


def amended(app: App, on: str, **changes: str) -> None:
    """Amendment n°1 drafted on 3 November 2025, signed by both on `on`."""
    from tests.integration.test_amendments import amend, sign_both

    number = amend(app, "2025-11-03", **changes)
    assert sign_both(app, number, "2025-11-04", on) == "in_force"


def publications(app: App) -> list[tuple[str, str]]:
    return [(d["due_date"], d["status"]) for d in views.status(app, steps.REFERENCE)["deadlines"]
            if d["kind"] == "publication"]  # fmt: skip


def test_an_amendment_that_changes_the_published_amount_calls_for_an_update(
    app: App, reference_convention: Convention
):
    in_execution(app, published(reference_convention, siret=GIP_SIRET))
    steps.record(app, "publish", "2025-05-20", url="https://data.ampmetropole.fr/subventions.csv")

    amended(app, "2025-11-12", amount="250000.00")

    assert publications(app) == [("2025-06-10", "met"), ("2026-02-12", "pending")]
    update = steps.deadlines(app)["publication"]
    assert "avenant n°\u00a01, en vigueur le mercredi 12 novembre 2025" in update["explanation"]
    assert "il change une donnée publiée" in update["explanation"]


def test_an_extension_with_its_payment_made_changes_no_published_datum(
    app: App, reference_convention: Convention
):
    in_execution(app, published(reference_convention, siret=GIP_SIRET))
    steps.record(app, "publish", "2025-05-20", url="https://data.ampmetropole.fr/subventions.csv")

    amended(app, "2025-11-12", end_date="2026-12-31")

    assert publications(app) == [("2025-06-10", "met")]  # the single payment's date is known


def scdl_row(app: App) -> dict[str, str]:
    done = scdl_export(app)
    assert validate(done.csv) == []
    [row] = list(csv.DictReader(io.StringIO(done.csv)))
    return row


def test_a_single_payment_completed_by_its_balance_is_published_as_paid_in_parts(
    app: App, reference_convention: Convention
):
    # Paid 200 000,00 € on 1 April 2025; avenant n°1, in force on 12 November 2025, raises it
    # to 250 000,00 €; the balance is paid on 1 December 2025. The schema writes a payment made
    # in several times as a period (« échelonné »), the convention's date to the last payment,
    # as for instalments; not the first payment's day, as if it were the only one.
    in_execution(app, published(reference_convention, siret=GIP_SIRET))
    amended(app, "2025-11-12", amount="250000.00")

    due = scdl_row(app)
    assert (due["montant"], due["conditionsVersement"], due["datesPeriodeVersement"]) == (
        "250000.00", "échelonné", "2025-03-10/2025-12-31",
    )  # fmt: skip

    steps.record(app, "pay", "2025-12-01", amount="50000.00")
    paid = scdl_row(app)
    assert (paid["montant"], paid["conditionsVersement"], paid["datesPeriodeVersement"]) == (
        "250000.00", "échelonné", "2025-03-10/2025-12-01",
    )  # fmt: skip


def test_a_raise_taken_back_before_its_balance_is_paid_leaves_the_single_payment_s_day(
    app: App, reference_convention: Convention
):
    from tests.integration.test_amendments import amend, sign_both

    in_execution(app, published(reference_convention, siret=GIP_SIRET))
    amended(app, "2025-11-12", amount="250000.00")
    number = amend(app, "2025-11-13", amount="200000.00")
    assert sign_both(app, number, "2025-11-14", "2025-11-17") == "in_force"

    row = scdl_row(app)
    assert (row["montant"], row["conditionsVersement"], row["datesPeriodeVersement"]) == (
        "200000.00", "unique", "2025-04-01",
    )  # fmt: skip


# --- Rule 19: a publication recorded late, after the end, or with the convention's past -----

URL = "https://data.ampmetropole.fr/subventions-2025.csv"


def expired_unpublished(app: App, reference_convention: Convention) -> None:
    """The reference convention paid, never published, expired at its term."""
    app.clock.now = steps.at("2025-04-01T16:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    app.clock.now = steps.at("2026-01-05T09:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())
    assert steps.state(app) == "expired"
    assert steps.deadlines(app)["publication"]["status"] == "passed"


def test_an_expired_convention_s_publication_is_recorded_on_its_day(
    app: App, reference_convention: Convention
):
    """The obligation outlives the term: a publication learnt of after the end is recorded on
    the day the data went online, before the events recorded since (the payment, the end)."""
    expired_unpublished(app, reference_convention)

    steps.record(app, "publish", "2025-06-02", url=URL)

    assert steps.deadlines(app)["publication"]["status"] == "met"
    assert steps.state(app) == "expired"
    published = [h for h in views.history(app, steps.REFERENCE) if h["event"] == "publish"]
    assert [(h["date"], h["inputs"]["url"]) for h in published] == [("2025-06-02", URL)]


def test_a_publication_after_the_end_is_recorded_late(app: App, reference_convention: Convention):
    expired_unpublished(app, reference_convention)

    steps.record(app, "publish", "2026-01-02", url=URL)

    assert steps.deadlines(app)["publication"]["status"] == "passed"  # the record shows the delay
    assert [h["date"] for h in views.history(app, steps.REFERENCE)
            if h["event"] == "publish"] == ["2026-01-02"]  # fmt: skip


def test_a_publication_dated_before_the_signature_is_refused(
    app: App, reference_convention: Convention
):
    expired_unpublished(app, reference_convention)

    with pytest.raises(GuardRejected) as refused:
        steps.record(app, "publish", "2025-03-07", url=URL)

    assert refusal(refused.value) == ("publication_before_signature", {
        "event": "publish", "on": "2025-03-07", "effective_date": "2025-03-10"})  # fmt: skip
    assert steps.deadlines(app)["publication"]["status"] == "passed"


def test_a_convention_file_s_history_records_its_publication(
    app: App, reference_convention: Convention
):
    history = (
        PastEvent("submit", date(2025, 3, 3)),
        PastEvent("sign", date(2025, 3, 5), {"signatory": steps.METROPOLE}),
        PastEvent("sign", date(2025, 3, 10), {"signatory": steps.CRPV}),
        PastEvent("publish", date(2025, 5, 20), {"url": URL}),
    )
    app.clock.now = steps.at("2025-06-20T09:00:00Z")  # type: ignore[attr-defined]
    import_convention(app, ImportConvention(reference_convention, "alice", "c.toml", history),
                      app.clock())  # fmt: skip

    assert steps.deadlines(app)["publication"]["status"] == "met"
    assert [h["event"] for h in views.history(app, steps.REFERENCE)][-1] == "publish"
