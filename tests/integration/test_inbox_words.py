"""What the partners read, as the association of the inbox test read it (2026-12-07): each email
read from a real SMTP server (aiosmtpd), its text and its HTML part, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html
import re

from states.convention import Convention
from tests.integration import steps
from tests.integration.mail import Inbox, Mail, partners_and_service

NBSP = "\xa0"


def rows(mail: Mail) -> list[tuple[str, str]]:
    """The HTML part's table rows (label, value), as shown."""
    cell = r"<td[^>]*>((?:(?!<t[dr]\b).)*?)</td>"
    found = re.findall(rf"<tr>\s*{cell}\s*{cell}\s*</tr>", mail.html, re.S)
    return [(flat(label), flat(value)) for label, value in found]


def flat(fragment: str) -> str:
    """An HTML fragment's words: tags dropped, blanks collapsed (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


# I2: the dispute's « Enregistré le » was the letter's date.


def test_a_dispute_recorded_two_days_after_its_letter_says_both_days_by_their_names(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    # The letter presented on Sunday 8 June 2025, never collected; recorded on Tuesday 10 June.
    inbox.event("open_dispute", None, "2025-06-10T10:00:00Z",
                party="metropole", presented="2025-06-08", uncollected="yes")  # fmt: skip
    partners, _ = partners_and_service(inbox.deliver(), "Litige notifié")

    text = partners.text
    assert "Enregistré le" + NBSP + ": dimanche 8 juin 2025" not in text
    assert "Date de l’événement" + NBSP + ": dimanche 8 juin 2025" in text
    assert "Enregistré le" + NBSP + ": mardi 10 juin 2025" in text
    shown = rows(partners)
    assert ("Enregistré le", "dimanche 8 juin 2025") not in shown
    assert ("Date de l’événement", "dimanche 8 juin 2025") in shown
    assert ("Enregistré le", "mardi 10 juin 2025") in shown


def test_a_notice_presented_and_not_collected_is_not_said_received(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.event("give_notice", None, "2025-06-10T10:00:00Z",
                party="crpv", presented="2025-06-08", uncollected="yes")  # fmt: skip
    partners, _ = partners_and_service(inbox.deliver(), "Résiliation notifiée")

    text = partners.text
    assert "Lettre de résiliation reçue" not in text
    assert "Date de l’événement" + NBSP + ": dimanche 8 juin 2025" in text
    assert "Enregistré le" + NBSP + ": mardi 10 juin 2025" in text
    assert ("Date de l’événement", "dimanche 8 juin 2025") in rows(partners)


# I8: after a representative change, the last signer appeared as a bare address.


def test_the_representative_an_avenant_replaces_signs_it_last_and_keeps_name_and_title(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.amend("2025-06-02", {"signatory.crpv": "Awa Diallo|Directrice|awa.diallo@example.org"},
                (steps.METROPOLE, steps.CRPV))  # fmt: skip
    partners, _ = partners_and_service(inbox.deliver(), "en vigueur")

    text = partners.text
    assert "Signataire" + NBSP + ": " + steps.CRPV not in text
    assert f"Signataire{NBSP}: Mustapha Berra, Directeur-ordonnateur ({steps.CRPV})" in text
    assert ("Signataire", f"Mustapha Berra, Directeur-ordonnateur ({steps.CRPV})") in rows(partners)


# I4: « ici celui de Marseille » was attached to the case between public persons only.
CONDITION = ("conclue entre personnes publiques, elle est présumée administrative et relève du "
             "tribunal administratif dans le ressort duquel la convention s’exécute")  # fmt: skip
PLACE = "Si elle est administrative, ce tribunal est ici celui de Marseille."


def test_parties_not_identified_have_the_court_s_town_said_for_either_case(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)  # no SIRET, no RNA: the parties' nature unknown
    inbox.event("open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    partners, _ = partners_and_service(inbox.deliver(), "Litige notifié")

    for shown in (partners.text, partners.html_shown):
        said = shown.replace(NBSP, " ")
        assert CONDITION + " ;" in said  # the legal review's sentence, kept
        assert "conclue avec une personne privée, sa nature dépend de son objet et de ses " \
            "clauses." in said  # fmt: skip
        assert CONDITION + ", ici" not in said
        assert PLACE in said


# I13: the reminder on the target day and the weekly follow-up had the same subject.


def subjects_of(mails: list[Mail]) -> list[str]:
    """The partners' subjects (the service's copies left out), no-break spaces as sent."""
    return [m.subject for m in mails if not m.for_service]


def test_the_weekly_signature_follow_up_says_it_is_one(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.at("2025-03-01T09:00:00Z")
    steps.load(inbox.app, reference_convention)
    inbox.event("submit", "2025-03-03")  # signature target: Monday 10 March 2025
    inbox.event("sign", "2025-03-05", signatory=steps.METROPOLE)
    inbox.deliver("2025-03-05T11:00:00Z")

    on_the_day = subjects_of(inbox.deliver("2025-03-10T09:30:00Z"))
    a_week_on = subjects_of(inbox.deliver("2025-03-17T09:30:00Z"))

    assert on_the_day == [f"[{steps.REFERENCE}] Rappel{NBSP}: signature attendue de Mustapha "
                          "Berra (objectif\u00a0: 10 mars 2025)"]  # fmt: skip
    assert a_week_on == [f"[{steps.REFERENCE}] Relance{NBSP}: signature attendue de Mustapha "
                         "Berra (objectif du 10 mars 2025 dépassé de 7 jours)"]  # fmt: skip
    assert on_the_day != a_week_on


def test_the_avenant_s_follow_up_says_it_is_one_without_a_tail(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.amend("2025-06-02", {"amount": "250000.00"}, (steps.METROPOLE,))  # one signature
    inbox.deliver()

    said = [
        s
        for day in ("09", "16", "23")
        for s in subjects_of(inbox.deliver(f"2025-06-{day}T09:30:00Z"))
    ]

    assert said == [
        f"[{steps.REFERENCE}] Rappel{NBSP}: signature de l’avenant n°{NBSP}1 attendue (objectif "
        f"interne{NBSP}: 9 juin 2025, aujourd’hui)",
        f"[{steps.REFERENCE}] Relance{NBSP}: signature de l’avenant n°{NBSP}1 attendue (objectif "
        "interne du 9 juin 2025 dépassé de 7 jours)",
        f"[{steps.REFERENCE}] Relance{NBSP}: signature de l’avenant n°{NBSP}1 attendue (objectif "
        "interne du 9 juin 2025 dépassé de 14 jours)",
    ], said


# I14: jargon in the partners' emails.


def test_the_partners_read_the_end_of_a_period_in_paris_time_only(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.event("open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    partners, service = partners_and_service(inbox.deliver(), "Litige notifié")

    for shown in (partners.text, partners.html_shown):
        assert "UTC" not in shown
        assert "à 24\u00a0h (heure de Paris)" in shown
    assert "soit 22:00 UTC" in service.text  # the clerk's copy keeps the instant


def test_a_registered_letter_is_named_as_la_poste_names_it_in_every_email(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.event("give_notice", "2025-06-02", party="crpv", received="2025-06-02")
    told = inbox.deliver()
    partners, _ = partners_and_service(told, "Résiliation notifiée")
    reminders = [m for m in inbox.deliver("2025-11-25T09:30:00Z")  # J-7 of 2 December
                 if not m.for_service and "Rappel" in m.subject]  # fmt: skip

    assert reminders, "no reminder of the termination"
    for email in (partners, *reminders):
        for shown in (email.text, email.html_shown):
            assert "accusé de réception" not in shown
    assert "lettre recommandée avec avis de réception" in partners.text


def test_the_forgone_payment_email_says_it_is_the_metropole_s_decision_to_contest(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.notified(reference_convention)
    inbox.event("forgo_payment", "2025-06-02", reason="Subvention réduite")
    partners, _ = partners_and_service(inbox.deliver(), "Renonciation")

    for shown in (partners.text, partners.html_shown):
        said = shown.replace(NBSP, " ")
        assert "rien n’est plus dû" not in said
        assert "reste dû" not in said
        assert "si vous contestez cette décision" in said


# I11: the payment email asked to check « la référence du mandat », never given.


def paid(inbox: Inbox, convention: Convention, **inputs: str) -> Mail:
    """The partners' email of the payment of 1 April 2025, recorded with `inputs`."""
    inbox.notified(convention)
    inbox.deliver()
    inbox.event("pay", "2025-04-01", amount="200000.00", **inputs)
    partners, _ = partners_and_service(inbox.deliver(), "Versement de")
    return partners


def test_a_payment_recorded_with_its_mandate_shows_its_reference(
    inbox: Inbox, reference_convention: Convention
) -> None:
    partners = paid(inbox, reference_convention, mandate="2025-004512")

    text = partners.text
    assert f"Mandat{NBSP}: 2025-004512" in text
    assert ("Mandat", "2025-004512") in rows(partners)
    for shown in (text, partners.html_shown):
        assert "la date ou la référence du mandat" in shown


def test_a_payment_recorded_with_blank_inputs_shows_no_empty_line(
    inbox: Inbox, reference_convention: Convention
) -> None:
    # An optional input given blank (`mandate=`, `note='   '`) says nothing: the partners'
    # email shows no « Mandat : » line with nothing after it (retest N2).
    partners = paid(inbox, reference_convention, mandate="   ", note="")

    labels = [label for label, _ in rows(partners)]
    assert "Mandat" not in labels and "Note" not in labels
    for shown in (partners.text, partners.html_shown):
        assert "En cas d’erreur sur le montant ou la date, signalez-la au service." in (
            shown.replace(NBSP, " ")
        )


def test_a_payment_recorded_without_its_mandate_does_not_ask_to_check_one(
    inbox: Inbox, reference_convention: Convention
) -> None:
    partners = paid(inbox, reference_convention)

    for shown in (partners.text, partners.html_shown):
        assert "mandat" not in shown.lower().replace("mandatement", "")
        assert "En cas d’erreur sur le montant ou la date, signalez-la au service." in (
            shown.replace(NBSP, " ")
        )
