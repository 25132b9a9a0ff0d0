"""Every packaged template renders, in French, saying what falls due, when and what to do."""

import re
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest

from notifications import RenderedEmail, Renderer, UnknownTemplate, sample_context
from notifications.renderer import PACKAGED_TEMPLATES
from notifications.samples import sample_variants
from tests.notifications.parts import html_reading, loose_spaces

REMINDERS = {
    "reminder_expiry",
    "reminder_termination",
    "reminder_dispute_window",
    "reminder_court_possible",
    "reminder_signature",
    "reminder_payment",
    "reminder_amendment_signature",
    "reminder_publication",
    "reminder_financial_report",
    "reminder_committee",
}
EVENTS = {
    "signature_requested",
    "convention_in_force",
    "award_notified",
    "report_received",
    "payment_recorded",
    "payment_forgone",
    "financial_report_received",
    "dispute_opened",
    "dispute_settled",
    "amicable_window_closed",
    "publication_missed",
    "payment_overdue",
    "financial_report_missed",
    "litigation_opened",
    "litigation_closed",
    "notice_given",
    "convention_terminated",
    "convention_expired",
    "convention_cancelled",
    "amendment_submitted",
    "amendment_in_force",
    "delivery_failed",
    "processing_failed",
    "late_records",
    "chain_heads",
}
KINDS = sorted(REMINDERS | EVENTS)
CONTEXT_KEYS = {
    "convention", "kind", "audience", "reply_to", "deadline", "event", "amendment", "failure",
    "links", "late", "overdue", "overdue_more", "horizon", "day", "heads",
}  # fmt: skip
V = "instalments"
"""The variant of a convention paid in instalments (notifications.samples.VARIANTS)."""
ALERTS = {"delivery_failed", "processing_failed", "late_records", "chain_heads"}
"""Emails to the service alone: they have no partners' version."""


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    """The packaged templates."""
    return Renderer()


def render(
    renderer: Renderer, kind: str, audience: str = "partners", **changes: Any
) -> RenderedEmail:
    """The sample email of a kind, with some of its context changed."""
    context = sample_context(kind, "service" if kind in ALERTS else audience)
    context.update(changes)
    return renderer.render(kind, context)


def test_kinds_are_exactly_the_ones_the_workflow_uses(renderer: Renderer) -> None:
    assert set(renderer.kinds()) == REMINDERS | EVENTS
    assert renderer.kinds() == KINDS


ABOUT_ONE = sorted(set(KINDS) - {"late_records", "chain_heads"})
"""The kinds about one convention (the late records' and chain heads' summaries span several)."""


@pytest.mark.parametrize("kind", ABOUT_ONE)
def test_every_kind_renders_in_french(renderer: Renderer, kind: str) -> None:
    email = render(renderer, kind)
    assert email.subject.startswith("[AMP-CRPV-PACA-2025] ")
    assert "\n" not in email.subject
    for body in (email.text, email.html):
        assert "200\u202f000,00\xa0€" in body
        assert "31 décembre 2025" in body
        assert "AMP-CRPV-PACA-2025" in body
        assert "None" not in body and "{{" not in body and "{%" not in body
    assert email.text.startswith("Madame, Monsieur,")
    assert "CE QU’IL FAUT FAIRE" in email.text
    assert email.html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in email.html
    assert "Ce qu’il faut faire" in email.html
    assert "Service des conventions de partenariat" in email.text + email.html


@pytest.mark.parametrize("kind", sorted(set(KINDS) - ALERTS))
def test_partners_read_no_internal_instruction_command_or_login(renderer, kind) -> None:
    email = render(renderer, kind)
    for body in (email.text, email.html):
        assert "convflow" not in body.lower(), "partners know nothing of the service's tools"
        assert "Enregistré par" not in body and "Pour le service" not in body
        assert "Service\xa0:" not in body and "Services de la Métropole\xa0:" not in body
        assert "Merci de ne pas y répondre" not in body
    assert "politique-ville@example.org" in email.text  # how to reach the service
    assert "vous pouvez aussi répondre à ce message" in email.text


@pytest.mark.parametrize("kind", ABOUT_ONE)
def test_the_service_copy_carries_the_internal_note_and_where_to_follow_it(renderer, kind) -> None:
    email = render(renderer, kind, "service")

    assert "convflow status AMP-CRPV-PACA-2025" in email.text
    if kind not in ALERTS:
        assert "POUR LE SERVICE (note interne" in email.text
        assert "Pour le service (note interne" in email.html


@pytest.mark.parametrize("kind", KINDS)
def test_every_sample_context_is_plain_data_with_every_key(kind: str) -> None:
    context = sample_context(kind)
    assert set(context) == CONTEXT_KEYS
    assert context["kind"] == kind
    assert_plain(context)


VARIANT_SAMPLES = [(kind, variant) for kind in KINDS for variant in sample_variants(kind)]


@pytest.mark.parametrize(("kind", "variant"), VARIANT_SAMPLES)
def test_every_variant_sample_is_plain_data_with_every_key(kind: str, variant: str) -> None:
    context = sample_context(kind, "partners", variant)
    assert set(context) == CONTEXT_KEYS
    assert context["kind"] == kind
    assert_plain(context)


def test_an_email_of_a_convention_paid_in_instalments_states_that_instalment(
    renderer: Renderer,
) -> None:
    paid = renderer.render("payment_recorded", sample_context("payment_recorded", variant=V))
    reminder = renderer.render("reminder_payment", sample_context("reminder_payment", variant=V))
    request = renderer.render(
        "signature_requested", sample_context("signature_requested", variant=V)
    )

    assert paid.subject == (
        "[AMP-CRPV-PACA-2025] Versement de 80\u202f000,00\xa0€ enregistré (versement n°\u00a02 "
        "sur 2)"
    )
    assert "soit 80\u202f000,00\xa0€, a été effectué le jeudi 10 juillet 2025" in paid.text
    assert "Il était dû à la réception du document" in paid.text
    assert "bilan d’activité 2025" in paid.text
    assert "versement de 80\u202f000,00\xa0€ non enregistré (versement n°\u00a02 sur 2" in (
        reminder.subject
    )
    assert "versée en 2 fois (article 2)" in request.text
    for email in (paid, reminder, request):
        assert "une seule fois" not in email.text + email.html


def test_an_unknown_variant_is_refused() -> None:
    with pytest.raises(UnknownTemplate):
        sample_context("payment_recorded", variant="en_nature")
    with pytest.raises(UnknownTemplate):
        sample_context("dispute_opened", variant=V)


def assert_plain(value: object) -> None:
    """Only what the sandbox should see: dicts, lists and scalars."""
    if isinstance(value, dict):
        assert all(isinstance(key, str) for key in value)
        for item in value.values():
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)
    else:
        assert value is None or isinstance(value, str | int | Decimal | date | datetime)


def test_an_unknown_sample_is_refused() -> None:
    with pytest.raises(UnknownTemplate):
        sample_context("reminder_nothing")


def test_dispute_window_says_when_it_closes_and_when_court_is_possible(
    renderer: Renderer,
) -> None:
    email = render(renderer, "reminder_dispute_window")
    assert "24 mars 2025" in email.subject and "dans 7 jours" in email.subject
    for body in (email.text, email.html):
        assert "lundi 24 mars 2025 à 24\xa0h" in body
        assert "à partir du mardi 25 mars 2025" in body
        assert "tribunal compétent" in body and "article 6" in body


def test_expiry_says_an_amendment_must_be_signed_before_the_term(renderer: Renderer) -> None:
    email = render(renderer, "reminder_expiry")
    assert "dans 30 jours" in email.subject
    assert "dans 30 jours, le mercredi 31 décembre 2025 à 24\xa0h (article 4)" in email.text
    assert "avenant de prolongation" in email.text and "articles 4 et 5" in email.text


@pytest.mark.parametrize(
    ("days", "words"), [(0, "aujourd’hui"), (1, "demain"), (60, "dans 60 jours")]
)
def test_reminders_count_down(renderer: Renderer, days: int, words: str) -> None:
    context = sample_context("reminder_expiry")
    context["deadline"]["days_before"] = days
    email = renderer.render("reminder_expiry", context)
    assert f"({words})" in email.subject and words in email.text


def test_a_reminder_without_countdown_does_not_invent_one(renderer: Renderer) -> None:
    context = sample_context("reminder_termination")
    context["deadline"]["days_before"] = None
    email = renderer.render("reminder_termination", context)
    assert "dans" not in email.subject and "mardi 14 octobre 2025 à 24\xa0h" in email.text


def test_termination_says_until_when_the_convention_holds(renderer: Renderer) -> None:
    email = render(renderer, "reminder_termination")
    assert "14 octobre 2025" in email.subject
    assert "jusqu’au mardi 14 octobre 2025 à 24\xa0h" in email.text and "article 7" in email.text


def test_court_possible_gives_the_first_day(renderer: Renderer) -> None:
    email = render(renderer, "reminder_court_possible")
    assert "25 mars 2025" in email.subject
    assert "Depuis le mardi 25 mars 2025" in email.text


def test_signature_reminder_names_only_who_has_not_signed(renderer: Renderer) -> None:
    email = render(renderer, "reminder_signature")
    assert "Martial Alvarez" in email.subject and "Mustapha Berra" not in email.subject
    pending = email.text.split("Signature attendue de\xa0:")[1].split("\n\n")[0]
    assert "Martial Alvarez" in pending and "martial.alvarez@example.org" in pending
    assert "Mustapha Berra" not in pending
    assert "mailto:martial.alvarez@example.org" in email.html
    assert "mailto:mustapha.berra@example.org" not in email.html


def test_payment_reminder_claims_no_legal_breach(renderer: Renderer) -> None:
    email = render(renderer, "reminder_payment")
    for body in (email.text, email.html):
        assert "une subvention n’est pas un marché public" not in body  # not a fact: a reading
        assert "Si elle était requalifiée en marché public" in body
        assert "art. L.\xa02192-10 et R.\xa02192-10" in body or "art. L. 2192-10" in body
        assert "aucun manquement" in body
        assert "mercredi 5 mars 2025" in body


# What the legal review of the emails corrected (docs/LEGAL-NOTES.md), read in each email.


def test_a_dispute_counts_from_the_letters_receipt_not_its_recording(renderer) -> None:
    email = render(renderer, "dispute_opened")

    assert "avec avis de réception, reçue le" in email.text
    assert "enregistrée le" not in email.text


def test_a_later_agreement_is_as_valid_only_a_settlement_bars_the_court(renderer) -> None:
    for kind in ("reminder_dispute_window",):
        email = render(renderer, kind)
        for body in (email.text, email.html):
            assert "qu’il soit conclu pendant la période amiable ou après" in body
            assert "transaction" in body and "2044" in body and "2052" in body
            assert "il évite que le tribunal puisse être saisi" not in body


@pytest.mark.parametrize(
    "kind",
    ["dispute_opened", "reminder_dispute_window", "amicable_window_closed",
     "reminder_court_possible"],
)  # fmt: skip
def test_the_competent_court_is_said_in_one_plain_sentence(renderer, kind) -> None:
    email = render(renderer, kind)
    for body in (email.text, email.html):
        assert "tribunal administratif" in body and "Marseille" in body
        assert "présumée administrative" in body


@pytest.mark.parametrize(
    "kind",
    ["dispute_opened", "reminder_dispute_window", "amicable_window_closed",
     "reminder_court_possible"],
)  # fmt: skip
def test_with_a_private_party_the_court_depends_on_the_convention_s_nature(renderer, kind):
    sample = sample_context(kind, "partners")["convention"]
    email = render(renderer, kind, convention={**sample, "parties_nature": "private"})
    frozen = {k: v for k, v in sample.items() if k != "parties_nature"}
    before = render(renderer, kind, convention=frozen)  # decided before the nature was kept
    for body in (email.text, email.html):
        assert "personnes publiques" not in body and "présumée" not in body
        assert "personne privée" in body and "tribunal judiciaire" in body
    for body in (before.text, before.html):
        assert "conclue entre personnes publiques, elle est présumée administrative" in body


def test_the_award_email_does_not_read_as_if_the_money_were_paid(renderer) -> None:
    email = render(renderer, "award_notified")

    assert email.subject.endswith(
        "participation de 200\u202f000,00\xa0€ TTC à verser par la Métropole"
    )
    assert "sera versée en une seule fois par la Métropole" in email.text


def test_amounts_are_ttc_and_the_hour_is_french(renderer) -> None:
    for kind in ABOUT_ONE:
        email = render(renderer, kind)
        assert "24:00" not in email.subject + email.text + email.html
    summary = render(renderer, "reminder_expiry")
    assert "Montant (art. 2)\xa0: 200\u202f000,00\xa0€ TTC" in summary.text
    assert "31 décembre 2025 à 24\xa0h" in summary.text


def test_amendment_kinds_show_the_change(renderer: Renderer) -> None:
    for kind in ("reminder_amendment_signature", "amendment_submitted", "amendment_in_force"):
        email = render(renderer, kind)
        assert "n°\xa01" in email.subject
        assert "31 décembre 2025 → 30 juin 2026" in email.text
        assert "30 juin 2026" in email.html


def test_delivery_failure_quotes_the_server(renderer: Renderer) -> None:
    email = render(renderer, "delivery_failed")
    assert "mustapha.berra@example.org" in email.subject
    assert "550 5.1.1" in email.text and "Tentatives\xa0: 3" in email.text
    assert "550 5.1.1 &lt;mustapha.berra@example.org&gt;" in email.html


def test_event_notices_show_the_event(renderer: Renderer) -> None:
    email = render(renderer, "dispute_opened")
    assert "L’ÉVÉNEMENT" in email.text
    assert "Lettre reçue le\xa0: 20 février 2025" in email.text
    assert "Lettre reçue le" in email.html


def test_french_typography_keeps_spaces_unbreakable(renderer: Renderer) -> None:
    email = render(renderer, "reminder_expiry")
    assert "«\xa0Convention de partenariat" in email.text
    ours = email.text.split("COMMENT CETTE DATE")[0]  # the explanation comes from states/
    assert " :" not in email.subject + ours


SAMPLES = [(kind, audience, variant) for kind in KINDS for audience in ("partners", "service")
           for variant in (None, *sample_variants(kind))]  # fmt: skip


@pytest.mark.parametrize(("kind", "audience", "variant"), SAMPLES)
def test_no_line_of_any_email_breaks_before_a_colon_or_inside_guillemets(
    renderer: Renderer, kind: str, audience: str, variant: str | None
) -> None:
    """« objectif interne : 5 mars » in a subject, « Article 4 : … » in an explanation,
    « ; sinon » and « « bilan d’activité » » in 37 template lines: a mail client wrapping
    there starts a line with « : » or leaves « « » alone at the end of one. Whatever the
    template or the facts wrote, the subject, the text and the HTML as read have a no-break
    space there (<code> aside: a command is written as typed)."""
    email = renderer.render(kind, sample_context(kind, audience, variant))

    assert loose_spaces(email.subject) == []
    assert loose_spaces(email.text) == []
    assert loose_spaces(html_reading(email.html)) == []


class TagBalance(HTMLParser):
    """Checks that every opened HTML element is closed, in order."""

    VOID = frozenset({"meta", "br", "img", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.mismatched.append(tag)


@pytest.mark.parametrize("kind", KINDS)
def test_every_html_email_closes_what_it_opens(renderer: Renderer, kind: str) -> None:
    balance = TagBalance()
    balance.feed(render(renderer, kind).html)
    assert (balance.open, balance.mismatched) == ([], [])


def test_a_weekly_signature_reminder_after_the_target_counts_back(renderer: Renderer) -> None:
    context = sample_context("reminder_signature")
    context["deadline"] = {**context["deadline"], "days_before": -7}  # a week after the target
    email = renderer.render("reminder_signature", context)
    assert "(il y a 7 jours)" in email.text
    assert "dans -" not in email.subject + email.text + email.html
    assert "recueillies au plus tard le" in email.text


def test_an_amendment_signature_reminder_says_its_target_is_internal_and_the_term_is_not(
    renderer: Renderer,
) -> None:
    context = sample_context("reminder_amendment_signature")
    context["deadline"] = {**context["deadline"], "kind": "amendment_signature"}
    email = renderer.render("reminder_amendment_signature", context)
    assert "(objectif interne\xa0: 31 décembre 2025, dans 14 jours)" in email.subject
    assert "Pour prolonger la convention, il doit être signé par les deux parties au plus tard" in (
        email.text
    )


def test_the_late_records_summary_lists_what_the_partners_were_not_sent(renderer) -> None:
    email = render(renderer, "late_records")

    assert email.subject == "Enregistrements tardifs\xa0: 4 messages non envoyés aux partenaires"
    assert "AMP-CRPV-PACA-2025\xa0:\n- Convention transmise pour signature" in email.text
    assert "- Convention en vigueur — Signature (27 janvier 2025)" in email.text
    # the gallery's sample shows a reminder skipped (its hour had passed when its deadline
    # became known) and a silenced announcement, under their convention
    assert "AMP-EXEMPLE-2027\xa0:\n- Rappel\xa0: fin de la période amiable, J-7 (27 novembre" in (
        email.text
    )
    assert "<strong>AMP-EXEMPLE-2027</strong>\xa0:</p>" in email.html
    assert "<li>Rappel\xa0: fin de la période amiable, J-7 (27 novembre 2025)</li>" in email.html
    assert "<li>Fin de la période amiable (4 décembre 2025)</li>" in email.html
    assert "plus de 2 jours avant leur enregistrement" in email.text
    assert "les partenaires ne le reçoivent pas" in email.text


def test_the_chain_heads_summary_lists_each_conventions_last_hash(renderer) -> None:
    email = render(renderer, "chain_heads")

    assert email.subject == "Empreintes de l’historique au 1er décembre 2025\xa0: 2 conventions"
    for body in (email.text, email.html):
        assert "d0c9cd232dc2e8d37eb5457a78af1dc6562a2d7c2dfb91498d929cd408928891" in body
        assert "AMP-EXEMPLE-2027" in body and "convflow verify" in body
    assert "les partenaires ne le reçoivent pas" in email.text


def test_no_template_writes_the_end_of_a_day_by_hand() -> None:
    """« {{ day|date_fr_full }} à 24 h », written by hand in 47 places, some with a plain space:
    the end of a day is end_fr's (notifications.formatting), as on the command line."""
    by_hand = re.compile(r"24[ \u00a0\u202f]h|minuit")
    written = {
        path.name: [line for line in path.read_text(encoding="utf-8").splitlines()
                    if by_hand.search(line)]
        for path in PACKAGED_TEMPLATES.iterdir()
    }  # fmt: skip
    assert {name: lines for name, lines in written.items() if lines} == {}


def test_a_subject_says_the_end_of_a_day_as_the_body_does(renderer: Renderer) -> None:
    subject = renderer.render("reminder_termination", sample_context("reminder_termination"))
    assert "le 14 octobre 2025 à 24\u00a0h" in subject.subject


def test_a_number_after_n_degree_is_written_one_way_in_every_email() -> None:
    """« l’avenant n° 1 » (no-break space) in some emails, « versement n°2 » in others,
    « Cerfa n° 15059 » with a plain space: French typography's « n° 1 » everywhere."""
    loose = re.compile(r"[nN]°(?:[ \u202f]?)(?=[0-9{])")
    written = {
        path.name: loose.findall(path.read_text(encoding="utf-8"))
        for path in PACKAGED_TEMPLATES.iterdir()
    }
    assert {name: found for name, found in written.items() if found} == {}
    renderer = Renderer()
    for kind in renderer.kinds():
        for variant in (None, *sample_variants(kind)):
            email = renderer.render(kind, sample_context(kind, "partners", variant))
            assert not loose.search(email.subject + email.text), (kind, variant)


@pytest.mark.parametrize("kind", ["dispute_opened", "reminder_dispute_window"])
def test_a_one_day_window_is_said_in_the_singular(renderer, kind) -> None:
    """A convention whose amicable window is one day: the email said « 1 jours calendaires »."""
    context = sample_context(kind, "partners")
    convention = dict(context["convention"])
    convention["clauses"] = {**convention["clauses"], "dispute_window_days": 1}
    email = renderer.render(kind, {**context, "convention": convention})

    for body in (email.text, html_reading(email.html)):
        read = " ".join(body.replace("\u00a0", " ").split())
        assert re.search(r"\b1 jour calendaire\b", read), read
        assert "1 jours" not in read
