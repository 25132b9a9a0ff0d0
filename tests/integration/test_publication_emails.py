"""The open data's emails (rule 19) as their readers receive them, from a real SMTP server.

The reference convention (200 000 €, in force on Monday 10 March 2025) must have its essential
data published by Tuesday 10 June 2025: a legal deadline, three months after its signature.
Amendment n° 1, signed on Wednesday 12 November 2025, brings the subsidy to 250 000 € and the
term to 31 December 2026: the Métropole then updates the published data by Thursday 12
February 2026, three months after the AVENANT's signature, as its own practice (setting
`open_data_on_amendment`): no text requires it. The Métropole's signatory reads the partners'
version (no command, no setting's key); the administrators' copy carries them in its note.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import Mail, accepted, due_pass
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App

ADMIN = "service.politique-ville@example.org"
UPDATE_SUBJECT = (
    "[AMP-CRPV-PACA-2025] Rappel : données essentielles à mettre à jour après l’avenant n° 1, "
    "au plus tard le 12 février 2026"
)
MISSED_SUBJECT = (
    "[AMP-CRPV-PACA-2025] Données essentielles non publiées dans le délai légal, "
    "échu le 10 juin 2025"
)
INTERNALS = ("convflow", "open_data_on_amendment", "CONVFLOW_", "réglage", "url=")


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The default threshold (23 000 €), and administrators to get the service's copy."""
    return {**settings_env, "CONVFLOW_OPEN_DATA_THRESHOLD": "23000",
            "CONVFLOW_ADMIN_EMAILS": ADMIN}  # fmt: skip


def on_the_day(app: App, day: str) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = steps.at(f"{day}T16:00:00Z")


def record(app: App, event: str, day: str, **inputs: str) -> None:
    """An event recorded on its day, as the service's people do."""
    on_the_day(app, day)
    steps.record(app, event, day, **inputs)


def amend_the_amount(app: App) -> None:
    """Amendment n° 1 (term 31 December 2026, 250 000 €): drafted on 3 November 2025, signed by
    the GIP on 10 November and by the Métropole on 12 November 2025, each on its day."""
    from tests.integration.test_amendments import amend, amendment

    on_the_day(app, "2025-11-03")
    number = amend(app, "2025-11-03", end_date="2026-12-31", amount="250000.00")
    on_the_day(app, "2025-11-04")
    amendment(app, number, "submit", "2025-11-04")
    on_the_day(app, "2025-11-10")
    amendment(app, number, "sign", "2025-11-10", signatory=steps.CRPV)
    on_the_day(app, "2025-11-12")
    assert amendment(app, number, "sign", "2025-11-12", signatory=steps.METROPOLE) == "in_force"


def walk(app: App, convention: Convention, published_on: str | None = None) -> App:
    """README's walk, each event recorded on its day, the publication recorded on
    `published_on` (or never), then amendment n° 1."""
    on_the_day(app, "2025-03-01")
    steps.load(app, convention)
    record(app, "submit", "2025-03-03")
    record(app, "sign", "2025-03-05", signatory=steps.METROPOLE)
    record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    record(app, "notify", "2025-03-20")
    record(app, "pay", "2025-04-01", amount="200000.00")
    if published_on:
        record(app, "publish", published_on, url="https://data.ampmetropole.fr/subventions.csv")
    amend_the_amount(app)
    return app


@pytest.fixture
def walked(app: App, reference_convention: Convention) -> Iterator[App]:
    """The walk with no publication recorded and no `run-due` until Tuesday 13 January 2026
    at 09:00 in Paris."""
    yield walk(app, reference_convention)


def delivered(app: App, server: RunningServer, instant: str) -> list[Mail]:
    """Run the due pass at `instant`, deliver, and return every email the server accepted
    (since it started, not only in this pass)."""
    app.clock.now = steps.at(instant)  # type: ignore[attr-defined]
    due_pass(app, server, app.clock())
    return accepted(server)


def one(emails: list[Mail], subject: str, to: str) -> Mail:
    found = [m for m in emails if m.subject_plain == subject and m.to == (to,)]
    assert len(found) == 1, [(m.subject_plain, m.to) for m in emails]
    return found[0]


def partners_words(mail: Mail) -> str:
    return mail.text_plain + mail.markup


@pytest.fixture
def on_13_january(walked: App, smtp_server: RunningServer) -> list[Mail]:
    return delivered(walked, smtp_server, "2026-01-13T08:00:00Z")


def test_the_update_reminder_counts_from_the_avenant_and_calls_it_the_metropoles_practice(
    on_13_january: list[Mail],
) -> None:
    text = one(on_13_january, UPDATE_SUBJECT, steps.METROPOLE).text_plain

    assert (
        "L’avenant n° 1 à la convention AMP-CRPV-PACA-2025" in text
        and "a été signé le mercredi 12 novembre 2025 ; la subvention est désormais de "
        "250 000,00 €. La Métropole met à jour les données essentielles qu’elle publie sur "
        "cette subvention au plus tard le jeudi 12 février 2026 (dans 30 jours), trois mois "
        "après la signature de l’avenant."
        in text
    )
    assert (
        "Aucun texte n’impose cette mise à jour : c’est la pratique de la Métropole, qui "
        "reprend le délai de la publication initiale (trois mois après la signature de la "
        "convention, le lundi 10 mars 2025 : loi n° 2000-321" in text
    )
    assert "trois mois après sa signature" not in text  # the convention's, not the avenant's


def test_the_partners_version_carries_no_command_and_no_setting(
    on_13_january: list[Mail],
) -> None:
    for subject in (UPDATE_SUBJECT, MISSED_SUBJECT):
        words = partners_words(one(on_13_january, subject, steps.METROPOLE))
        assert [w for w in INTERNALS if w in words] == []


def test_the_services_copy_has_the_command_and_the_setting_in_its_note(
    on_13_january: list[Mail],
) -> None:
    text = one(on_13_january, UPDATE_SUBJECT, ADMIN).text_plain

    note = text.split("POUR LE SERVICE (note interne : les signataires ne la reçoivent pas)")[1]
    assert "convflow event AMP-CRPV-PACA-2025 publish url=ADRESSE" in note.split("\n\n")[0]
    assert "réglage open_data_on_amendment" in note.split("\n\n")[0]


def test_a_publication_deadline_passed_unmet_is_announced_to_the_metropole(
    on_13_january: list[Mail],
) -> None:
    missed = one(on_13_january, MISSED_SUBJECT, steps.METROPOLE)
    text = missed.text_plain

    assert (
        "la Métropole devait publier ses données essentielles au plus tard le mardi 10 juin "
        "2025, trois mois après la signature de la convention le lundi 10 mars 2025 (loi "
        "n° 2000-321 du 12 avril 2000, art. 10 ; décret n° 2017-779 du 5 mai 2017, art. 2). "
        "Aucune publication n’était enregistrée à cette date : le délai légal est dépassé."
    ) in text
    note = one(on_13_january, MISSED_SUBJECT, ADMIN).text_plain
    assert "convflow event AMP-CRPV-PACA-2025 publish url=ADRESSE --on DATE" in note
    # the beneficiary is not told of the Métropole's own obligation
    assert all(steps.CRPV not in m.envelope + m.to + m.cc for m in on_13_january
               if "essentielles" in m.subject)  # fmt: skip


def test_a_publication_recorded_in_time_is_not_announced(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    on_the_day(app, "2025-03-01")
    steps.load(app, reference_convention)
    record(app, "submit", "2025-03-03")
    record(app, "sign", "2025-03-05", signatory=steps.METROPOLE)
    record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    record(app, "publish", "2025-05-20", url="https://data.ampmetropole.fr/subventions.csv")

    emails = delivered(app, smtp_server, "2025-06-12T08:00:00Z")

    assert [m for m in emails if "Données essentielles non" in m.subject_plain] == []


def test_the_missed_update_is_announced_as_the_metropoles_practice(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    published = walk(app, reference_convention, published_on="2025-05-20")

    emails = delivered(published, smtp_server, "2026-02-13T08:00:00Z")

    missed = one(emails, "[AMP-CRPV-PACA-2025] Données essentielles non mises à jour après "
                 "l’avenant n° 1 au 12 février 2026", steps.METROPOLE)  # fmt: skip
    text = missed.text_plain
    assert "Aucun texte n’impose cette mise à jour : c’est la pratique de la Métropole" in text
    assert "délai légal" not in text
    assert [w for w in INTERNALS if w in partners_words(missed)] == []


def test_the_update_says_the_metropoles_practice_in_plain_words_not_its_setting(
    on_13_january: list[Mail],
) -> None:
    """The explanation said « (mise à jour des données essentielles après un avenant : quand
    il change une donnée publiée) »: the wording of a setting, in a partner's email."""
    words = partners_words(one(on_13_january, UPDATE_SUBJECT, steps.METROPOLE))

    assert (
        "(elle met à jour ses données essentielles quand un avenant change une donnée "
        "publiée)" in words
    )
    assert "après un avenant :" not in words and "(mise à jour des données" not in words


def amend_only(app: App, **changes: str) -> None:
    """Amendment n° 1 with `changes` alone (the amount untouched), signed as amendment n° 1
    above: on 12 November 2025, in force."""
    from tests.integration.test_amendments import amend, amendment

    on_the_day(app, "2025-11-03")
    number = amend(app, "2025-11-03", **changes)
    on_the_day(app, "2025-11-04")
    amendment(app, number, "submit", "2025-11-04")
    on_the_day(app, "2025-11-10")
    amendment(app, number, "sign", "2025-11-10", signatory=steps.CRPV)
    on_the_day(app, "2025-11-12")
    assert amendment(app, number, "sign", "2025-11-12", signatory=steps.METROPOLE) == "in_force"


def in_force_until_november(app: App, convention: Convention) -> None:
    on_the_day(app, "2025-03-01")
    steps.load(app, convention)
    record(app, "submit", "2025-03-03")
    record(app, "sign", "2025-03-05", signatory=steps.METROPOLE)
    record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    record(app, "notify", "2025-03-20")
    record(app, "pay", "2025-04-01", amount="200000.00")


class TestUpdatedAfterEveryAvenant:
    """The Métropole updating its data after every avenant (`always`), even one that changes
    none of them: a new term with the payment made."""

    @pytest.fixture
    def settings_env(self, settings_env: dict[str, str]) -> dict[str, str]:
        return {**settings_env, "CONVFLOW_OPEN_DATA_ON_AMENDMENT": "always"}

    def test_after_an_extension_alone_the_update_does_not_call_the_amount_new(
        self, app: App, reference_convention: Convention, smtp_server: RunningServer
    ) -> None:
        """The retest's N7: « la subvention est désormais de … » after an avenant that left
        it."""
        in_force_until_november(app, reference_convention)
        amend_only(app, end_date="2026-12-31")
        emails = delivered(app, smtp_server, "2026-01-13T08:00:00Z")
        update = one(emails, UPDATE_SUBJECT, steps.METROPOLE)
        text, html = update.text_plain, update.markup
        assert "désormais" not in text + html
        assert "12 novembre 2025 ; la subvention s’élève à 200 000,00 €. La Métropole" in text
        assert "12 novembre 2025 ; la subvention s’élève à <strong>200 000,00 €</strong>" in html


def test_an_avenant_changing_no_date_does_not_point_to_new_dates_below(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    """The retest's N7: « Vérifiez les nouvelles dates ci-dessous » with no date changed."""
    in_force_until_november(app, reference_convention)
    amend_only(app, termination_notice_months="3")
    emails = delivered(app, smtp_server, "2025-11-12T17:00:00Z")
    [email] = [m for m in emails if "Avenant n° 1 en vigueur" in m.subject_plain
               and ", ".join(m.to).startswith(steps.METROPOLE)]  # fmt: skip
    for said in (email.text_plain, email.markup):
        assert "nouvelles dates" not in said
        assert "Vérifiez les modifications ci-dessus et signalez au service toute erreur." in said


def test_the_publication_reminder_says_one_amount_after_an_avenant_raised_it(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    """Finance tester's L6: avenant n° 1 raises the subsidy to 250 000 € on 15 April 2025,
    before the legal publication's reminders. The reminder says the subsidy of the day; its
    explanation, written at the signature, says the amount was 200 000 € then (not « la
    subvention de 200 000,00 € » beside « une subvention de 250 000,00 € »)."""
    from tests.integration.test_amendments import amend, amendment

    on_the_day(app, "2025-03-01")
    steps.load(app, reference_convention)
    record(app, "submit", "2025-03-03")
    record(app, "sign", "2025-03-05", signatory=steps.METROPOLE)
    record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    on_the_day(app, "2025-04-14")
    number = amend(app, "2025-04-14", amount="250000.00")
    amendment(app, number, "submit", "2025-04-14")
    on_the_day(app, "2025-04-15")
    amendment(app, number, "sign", "2025-04-15", signatory=steps.CRPV)
    assert amendment(app, number, "sign", "2025-04-15", signatory=steps.METROPOLE) == "in_force"

    emails = delivered(app, smtp_server, "2025-06-03T08:00:00Z")  # J-7 of 10 June
    [reminder] = [m for m in emails if "publier" in m.subject_plain and m.to == (steps.METROPOLE,)
                  and "10 juin 2025" in m.subject_plain]  # fmt: skip

    assert reminder.says("attribue une subvention de 250 000,00 €")
    assert reminder.says("la subvention, de 200 000,00 € à la signature de la convention, "
                         "dépasse 23 000,00 €")  # fmt: skip
    assert not reminder.mentions("la subvention de 200 000,00 € dépasse")
