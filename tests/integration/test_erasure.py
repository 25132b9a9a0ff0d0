"""Erasing the signatories' personal data once the file is kept no longer (rule 21): the
reference convention, expired at its term on 31 December 2025, its file kept until 31
December 2035; on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import select, text

from states.convention import Convention
from states.errors import ConvflowError, GuardRejected, InvalidInput
from storage.tables import (
    amendment_table,
    deadline_table,
    event_table,
    outbox_table,
    signatory_table,
)
from tests.integration import steps
from tests.unit.builders import refusal
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.dossier import dossier
from workflow.usecases.due import run_due
from workflow.usecases.erasure import Erase, erase_personal_data
from workflow.usecases.verification import verify_history

PEOPLE = ("Martial Alvarez", "martial.alvarez@example.org", "Mustapha Berra",
          "mustapha.berra@example.org")  # fmt: skip
ARCHIVES = "AD13 versement 2036 W 42"


def move(app: App, instant: str) -> None:
    app.clock.now = steps.at(instant)  # type: ignore[attr-defined]


@pytest.fixture
def expired(app: App, reference_convention: Convention) -> App:
    """The reference convention paid, then expired by the service at its term."""
    move(app, "2025-04-01T16:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    move(app, "2026-01-01T00:30:00Z")
    run_due(app, app.clock())
    assert steps.state(app) == "expired"
    return app


def erase(app: App, archives: str = ARCHIVES) -> dict[str, Any]:
    return erase_personal_data(app, Erase(steps.REFERENCE, archives, "archiviste"), app.clock())


def stored_text(app: App) -> str:
    """Every row that may name a signatory, as text."""
    with app.uow(read_only=True) as uow:
        tables = (signatory_table, event_table, amendment_table, outbox_table, deadline_table)
        return "\n".join(str(row) for table in tables
                         for row in uow.connection.execute(select(table)))  # fmt: skip


def test_erasure_waits_for_the_end_of_the_retention_and_changes_nothing_before(expired: App):
    move(expired, "2035-12-31T12:00:00Z")
    before = stored_text(expired)

    with pytest.raises(GuardRejected) as early:
        erase(expired)

    assert refusal(early.value) == ("erasure_too_early", {
        "event": "erase_personal_data", "kept_until": "2035-12-31",
        "erasable_from": "2036-01-01",
    })  # fmt: skip
    assert stored_text(expired) == before


def test_erasure_needs_the_archives_reference(expired: App):
    move(expired, "2036-01-02T09:00:00Z")
    with pytest.raises(InvalidInput) as missing:
        erase(expired, archives="  ")
    assert missing.value.code == "archives_reference_required"


def test_the_signatories_become_their_roles_and_the_history_still_proves_itself(
    expired: App,
):
    move(expired, "2036-01-02T09:00:00Z")
    assert all(value in stored_text(expired) for value in PEOPLE)

    done = erase(expired)

    assert done["signatories"] == 2 and done["lines_redacted"]
    stored = stored_text(expired)
    assert not [value for value in PEOPLE if value.lower() in stored.lower()]
    status = views.status(expired, steps.REFERENCE)
    assert [(s["name"], s["email"]) for s in status["signatories"]] == [
        ("signataire n°\u00a01 pour Métropole Aix-Marseille-Provence",
         "signataire-1.metropole@donnees-effacees.invalid"),
        ("signataire n°\u00a01 pour GIP Centre de Ressources pour la Politique de la Ville PACA "
         "(CRPV PACA)", "signataire-1.crpv@donnees-effacees.invalid"),
    ]  # fmt: skip
    assert status["erasure"] == {"on": "2036-01-02", "archives_reference": ARCHIVES,
                                 "by": "archiviste"}  # fmt: skip
    signed = [h for h in views.history(expired, steps.REFERENCE) if h["event"] == "sign"]
    assert [h["inputs"]["signatory"] for h in signed] == [
        "signataire n°\u00a01 pour Métropole Aix-Marseille-Provence",
        "signataire n°\u00a01 pour GIP Centre de Ressources pour la Politique de la Ville PACA "
        "(CRPV PACA)",
    ]
    assert [h["date"] for h in signed] == ["2025-03-05", "2025-03-10"]  # dates stay
    checked = verify_history(expired, steps.REFERENCE)
    assert checked["breaks"] == []
    # the rows read the roles as the history does, the addresses as the erasure wrote them
    assert (checked["differences"], checked["terms_unchecked"]) == ([], [])
    assert status["state"] == "expired" and status["amount"] == "200000.00"

    with pytest.raises(GuardRejected) as twice:
        erase(expired)
    assert twice.value.code == "already_erased"


def test_the_database_lets_a_line_be_redacted_once_and_nothing_else(expired: App):
    move(expired, "2036-01-02T09:00:00Z")
    erase(expired)
    attempts = [
        "UPDATE event SET inputs = '{}' WHERE seq = 3",  # redacted already: no second change
        "UPDATE event SET name = 'cancel', redacted = true WHERE seq = 2 AND redacted = false",
        "UPDATE event SET occurred_on = '2025-01-01' WHERE seq = 2",
        "DELETE FROM event WHERE seq = 1",
    ]
    for statement in attempts:
        with pytest.raises(Exception, match="append-only"), expired.uow() as uow:
            uow.connection.execute(text(statement))
    assert verify_history(expired, steps.REFERENCE)["breaks"] == []


def test_a_redacted_line_changed_afterwards_breaks_the_chain(expired: App):
    """The erasure's line attests each redacted line's hash: a line redacted again by someone
    with the database's keys (the trigger dropped) no longer matches it."""
    move(expired, "2036-01-02T09:00:00Z")
    erase(expired)
    with expired.uow() as uow:
        dialect = uow.connection.dialect.name
        if dialect == "sqlite":
            uow.connection.execute(text("DROP TRIGGER event_no_update"))
        else:
            uow.connection.execute(text("ALTER TABLE event DISABLE TRIGGER event_append_only"))
        uow.connection.execute(text(
            "UPDATE event SET actor = 'quelqu''un d''autre' WHERE seq = 3"
        ))  # fmt: skip
        if dialect != "sqlite":  # the database is shared by the tests: guard it again
            uow.connection.execute(text("ALTER TABLE event ENABLE TRIGGER event_append_only"))
        uow.commit()

    breaks = verify_history(expired, steps.REFERENCE)["breaks"]

    assert [(b["seq"], b["breach"]) for b in breaks] == [(3, "altered")]


def test_a_convention_in_force_is_never_erased(app: App, reference_convention: Convention):
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    with pytest.raises(ConvflowError) as refused:
        erase(app)
    assert refused.value.code == "erasure_before_end"


def test_a_surname_written_in_free_text_goes_with_the_full_names(
    app: App, reference_convention: Convention
):
    """A note names people as people write them (« Mme Alvarez », « BERRA », « Monsieur
    Mustapha »): erased like the full names, in the history, the emails kept and the dossier;
    a place that holds a name as part of another word (« Saint-Berra ») stays."""
    move(app, "2025-04-01T16:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    move(app, "2025-06-01T16:00:00Z")
    subject = "Retard signalé par M. Berra (Saint-Berra), vu avec Monsieur Mustapha et ALVAREZ"
    steps.record(app, "open_dispute", "2025-05-05", party="crpv", received="2025-05-05",
                 subject=subject)  # fmt: skip
    steps.record(app, "settle", "2025-05-20", agreement="Accord signé par Mme alvarez")
    move(app, "2026-01-01T00:30:00Z")
    run_due(app, app.clock())
    move(app, "2036-01-02T09:00:00Z")

    erase(app)

    stored = stored_text(app).lower()
    assert "berra" not in stored.replace("saint-berra", "")
    assert "alvarez" not in stored and "mustapha" not in stored
    lines = {h["event"]: h["inputs"] for h in views.history(app, steps.REFERENCE)}
    crpv = ("signataire n°\u00a01 pour GIP Centre de Ressources pour la Politique de la Ville "
            "PACA (CRPV PACA)")  # fmt: skip
    metropole = "signataire n°\u00a01 pour Métropole Aix-Marseille-Provence"
    assert lines["open_dispute"]["subject"] == (
        f"Retard signalé par {crpv} (Saint-Berra), vu avec {crpv} et {metropole}"
    )
    assert lines["settle"]["agreement"] == f"Accord signé par {metropole}"
    assert verify_history(app, steps.REFERENCE)["breaks"] == []
    archive = zipfile.ZipFile(io.BytesIO(dossier(app, steps.REFERENCE, app.clock())))
    for name in archive.namelist():
        content = archive.read(name)
        if name.endswith((".csv", ".eml")):
            text_of = content.decode("utf-8-sig", "replace").lower()
            if name.endswith(".eml"):
                text_of = email.message_from_bytes(content).as_string().lower() + text_of
                text_of += "".join(
                    str(part.get_payload(decode=True) or b"", "utf-8", "replace")
                    for part in email.message_from_bytes(content).walk()
                ).lower()
            assert "alvarez" not in text_of and "mustapha" not in text_of, name
            assert "berra" not in text_of.replace("saint-berra", ""), name


def test_an_erasure_after_a_new_representative_keeps_verify_clean(
    app: App, reference_convention: Convention
):
    """The terms an amendment's last signature recorded name the new representative; the
    erasure redacts them as it redacts the rows: verify finds nothing to say, and no name is
    left in the history's terms."""
    move(app, "2025-04-01T16:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    move(app, "2025-06-10T09:00:00Z")
    steps.amend_and_sign(app, {"signatory.crpv": "Awa Diallo|Directrice|awa.diallo@example.org"})
    move(app, "2026-01-01T00:30:00Z")
    run_due(app, app.clock())
    move(app, "2036-01-02T09:00:00Z")
    erase(app)

    checked = verify_history(app, steps.REFERENCE)
    assert (checked["breaks"], checked["differences"], checked["terms_unchecked"]) == ([], [], [])
    assert not any(person in stored_text(app)
                   for person in (*PEOPLE, "Awa Diallo", "awa.diallo@example.org"))  # fmt: skip
