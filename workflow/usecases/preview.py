"""The deadlines a draft convention will have, shown before it is saved.

A draft has lived no event yet: only its term and dated instalments fall on a known day; every
other deadline starts from an event to come (the submission, the notification of the award, a
registered letter). The preview gives each deadline the convention's clauses create, with its
date when the clauses alone fix it, or else the date it would have if its event happened on
`today` (said so), and its rule in one plain French sentence, computed by `states.deadlines`
as the service will compute it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from states.calendar import add_days, add_months, french_date, french_days, french_euros
from states.convention import Convention
from states.deadlines import (
    LegalSettings,
    RegisteredLetter,
    dispute_window,
    expiry,
    signature_target,
    termination_notice,
)
from states.payments import Instalment


@dataclass(frozen=True)
class PreviewedDeadline:
    """One deadline of a draft: what it is, its date (known, or if its event were today),
    the rule that computes it, and the reminders that will go out before it."""

    kind: str
    what: str
    when: str
    rule: str
    reminders: str = ""
    fixed: date | None = None  # the date, when the clauses alone fix it


def preview(convention: Convention, today: date, legal: LegalSettings) -> list[PreviewedDeadline]:
    """The deadlines `convention`'s clauses will create, in the order of its life, computed
    with the service's legal settings."""
    rows = [
        _signature(convention, today),
        *(_payment(convention, part, today) for part in convention.schedule()),
        _term(convention),
        _dispute(convention, today, legal),
        _termination(convention, legal),
    ]
    return [_past(row, today) for row in rows]


def _past(row: PreviewedDeadline, today: date) -> PreviewedDeadline:
    """A row whose fixed date is already past says so: a term in the past is a typing error
    or a convention that can no longer be signed in time."""
    if row.fixed is not None and row.fixed < today:
        return replace(row, when=f"{row.when} (date déjà passée)")
    return row


def _every(days: int) -> str:
    """« chaque jour », « tous les 7 jours »."""
    return "chaque jour" if days == 1 else f"tous les {french_days(days)}"


def _signature(convention: Convention, today: date) -> PreviewedDeadline:
    days = convention.clauses.signature_target_days
    due = signature_target(today, days).due_date
    return PreviewedDeadline(
        "signature",
        "Signatures des parties",
        f"soumise aujourd'hui\u00a0: {french_date(due)}",
        f"Toutes les signatures sous {french_days(days, calendar=True)} après la soumission\u00a0; "
        "la "
        "convention prend effet à la date de la dernière signature.",
        f"puis un rappel {_every(convention.clauses.reminders.signature_every_days)} tant "
        "qu'une signature manque",
    )


def _payment(convention: Convention, part: Instalment, today: date) -> PreviewedDeadline:
    clauses = convention.clauses
    days, article = clauses.payment_target_days, clauses.articles.payment
    count = len(convention.schedule())
    what = (
        f"Versement unique de {french_euros(part.amount)}"
        if part.number == 0
        else f"Versement n°\u00a0{part.number} sur {count}, {french_euros(part.amount)}"
    )
    if part.trigger == "date" and part.on is not None:
        when, rule = french_date(part.on), f"Date fixée par la convention ({article})."
    elif part.trigger == "report":
        when = f"rapport reçu aujourd'hui\u00a0: {french_date(add_days(today, days))}"
        rule = (
            f"{french_days(days, calendar=True)} après la réception de «\u00a0{part.report}\u00a0» "
            f"({article})."
        )
    else:
        when = f"attribution notifiée aujourd'hui\u00a0: {french_date(add_days(today, days))}"
        rule = (
            f"Objectif interne\u00a0: {french_days(days, calendar=True)} après la notification de "
            f"l'attribution ({article})."
        )
    fixed = part.on if part.trigger == "date" else None
    return PreviewedDeadline(
        "payment", what, when, rule, _offsets(clauses.reminders.payment), fixed
    )


def _term(convention: Convention) -> PreviewedDeadline:
    deadline = expiry(convention.end_date, convention.clauses.articles.term)
    return PreviewedDeadline(
        "expiry",
        "Terme de la convention",
        french_date(deadline.due_date),
        deadline.explanation.splitlines()[1],
        _offsets(convention.clauses.reminders.expiry),
        deadline.due_date,
    )


def _dispute(convention: Convention, today: date, legal: LegalSettings) -> PreviewedDeadline:
    clauses = convention.clauses
    letter = RegisteredLetter(received=today)
    window = dispute_window(letter, clauses.dispute_window_days, legal, clauses.articles.dispute,
                            convention.parties_nature())  # fmt: skip
    return PreviewedDeadline(
        "dispute_window",
        "Règlement amiable d'un différend",
        f"lettre reçue aujourd'hui\u00a0: {french_date(window.due_date)}",
        f"{french_days(clauses.dispute_window_days, calendar=True)} à compter de la réception "
        "de la lettre recommandée, délai reporté au premier jour ouvrable s'il finit un samedi, "
        f"un dimanche ou un jour férié ({clauses.articles.dispute}).",
        _offsets(clauses.reminders.dispute_window),
    )


def _termination(convention: Convention, legal: LegalSettings) -> PreviewedDeadline:
    clauses = convention.clauses
    months, basis = clauses.termination_notice_months, legal.termination_letter_date
    latest = _latest_letter(convention.end_date, months, legal)
    counted = {"receipt": "reçue", "dispatch": "envoyée", "presentation": "présentée"}[basis]
    return PreviewedDeadline(
        "termination",
        "Résiliation",
        f"lettre {counted} au plus tard le {french_date(latest)} pour prendre effet avant le terme",
        f"Préavis de {months} mois à compter de la lettre recommandée, de quantième à "
        f"quantième\u00a0; après, le terme vient d'abord ({clauses.articles.termination}).",
        _offsets(clauses.reminders.termination),
        latest,
    )


def _latest_letter(term: date, months: int, legal: LegalSettings) -> date:
    """The last day a termination letter takes effect before the term, as
    `termination_notice` computes it (month ends and extensions included)."""
    day = add_months(term, -months)
    while day < term and _ends_before(day + timedelta(days=1), term, months, legal):
        day += timedelta(days=1)
    while not _ends_before(day, term, months, legal):
        day -= timedelta(days=1)
    return day


def _ends_before(day: date, term: date, months: int, legal: LegalSettings) -> bool:
    letter = RegisteredLetter(dispatched=day, presented=day, received=day)
    return termination_notice(letter, months, legal).due_date < term


def _offsets(days: tuple[int, ...]) -> str:
    """Reminder offsets as an administrator reads them: 'rappels à J-90, J-60 et J-7'."""
    if not days:
        return "aucun rappel"
    said = [f"J-{day}" if day else "le jour même" for day in days]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " et " + said[-1]
    return f"rappel{'s' if len(said) > 1 else ''}\u00a0: {listed}"
