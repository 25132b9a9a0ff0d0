"""The legal deadline engine: a clause and a triggering date in, a dated, explained deadline out.

This module is docs/LEGAL-DEADLINES.md as code. Each function answers one clause:

- :func:`dispute_window` (article 6): receipt of the registered letter + N calendar days,
  extended to the next working day (CPC 641 al. 1, 642 al. 2);
- :func:`termination_notice` (article 7): letter + N months, de quantième à quantième, never
  extended (Cass. civ. 3e, 8 March 2018), and overtaken by the term when it comes first;
- :func:`expiry` (article 4): the end date, at 24 h (midnight) Europe/Paris;
- :func:`payment_target` (article 2) and :func:`signature_target`: internal targets.

Where the law is unsettled the choice is a :class:`LegalSettings` field, and every explanation
says which setting it used. The explanation is French: administrators read it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from states.calendar import (
    HolidayCalendar,
    add_days,
    add_months,
    end_of_day,
    french_date,
    french_day,
    french_days,
    french_euros,
)
from states.errors import InvalidInput
from states.jurisdiction import PartiesNature, court_sentence
from states.payments import Instalment

DeadlineKind = Literal[
    "expiry", "termination", "dispute_window", "payment", "signature", "amendment_signature",
    "prefect_referral", "third_party_challenge", "publication", "financial_report", "committee",
]  # fmt: skip
DEADLINE_KINDS: tuple[DeadlineKind, ...] = (
    "expiry",
    "termination",
    "dispute_window",
    "payment",
    "signature",
    "amendment_signature",
    "prefect_referral",
    "third_party_challenge",
    "publication",
    "financial_report",
    "committee",
)
OUTLIVING_KINDS: tuple[DeadlineKind, ...] = (
    "publication",
    "financial_report",
    "dispute_window",
    "payment",
)
"""Deadlines the convention's end does not close, nor cancel their reminders: the open data are
published within three months of the signature whatever the term (rule 19: a convention signed
less than three months before its term is due to publish after it, and `publish` is taken after
the end); the beneficiary's report falls after the financial year, often after the term (rule
20); the amicable window of a dispute still open at the end (rule 24): the dispute-settlement
clause survives the end of the contract (Code civil art. 1230, by analogy; CE, 10 July 2020,
n° 433643, on the force of an amicable clause), so the window runs on, its reminders and the
court-possible email go out, and the dispute is settled or brought to court after the end
(states.lifecycle.DISPUTE_AFTER_END). A window is pending only while its dispute is open (a
settlement cancels it, the court's seizure passes it): none outlives a dispute. The payment of
an instalment still unpaid at the end (rule 25: what was earned during the term stays due after
it; the balance is paid on the report of the activity, which comes after the term): its target
and its reminders go on until it is paid or the Métropole forgoes it (`forgo_payment`, which
cancels it); a pending payment deadline is always one of an unpaid instalment (a payment meets
it)."""
END_KINDS: dict[str, DeadlineKind] = {"expire": "expiry", "terminate": "termination"}
"""The automatic event that ends a convention, and the deadline it applies."""


def closed_by_end(kind: str, expires_at: datetime, ended_at: datetime) -> bool:
    """Whether the convention's end at `ended_at`, applied at a pass, closes a deadline still
    pending that falls at `expires_at`, rather than letting it fall (marked passed, announced):
    an end deadline (the end applies its own and cancels the other), and any deadline falling
    at or after the end, but those that outlive the convention (OUTLIVING_KINDS), which fall
    whether or not the end came first. The end's closures (states.rules `expire`,
    `terminate`) cancel what it closes: it never falls, nothing announces it.

    The one rule of what the end closes: the due pass (states.due.deadlines_due), the reading
    before it (states.reading.closed_at_pass), the committee's next meeting (states.committee:
    none the end would close) and the list's filter on deadlines due
    (storage.queries.ended_with_nothing_due); the list's next deadline writes in SQL what it
    leaves of a deadline still to come once the end has come: one that outlives it."""
    if kind in OUTLIVING_KINDS:
        return False
    return kind in END_KINDS.values() or expires_at >= ended_at


AWARD_WINDOWS: tuple[DeadlineKind, ...] = ("prefect_referral", "third_party_challenge")
"""The windows the award decision opens (rules 16, 17): shown, never reminded."""
INFORMATION_KINDS: tuple[DeadlineKind, ...] = (*AWARD_WINDOWS, "committee")
"""Deadlines shown, not acted on: nothing happens to the convention when they pass (rules 16,
17, 23). The award's windows are not reminded; the committee's next meeting is, to convene it."""
DeadlineStatus = Literal["pending", "met", "passed", "applied", "cancelled", "superseded"]
DEADLINE_STATUSES: tuple[DeadlineStatus, ...] = (
    "pending",
    "met",
    "passed",
    "applied",
    "cancelled",
    "superseded",
)
LetterBasis = Literal["receipt", "dispatch", "presentation"]
LETTER_BASES: tuple[LetterBasis, ...] = ("receipt", "dispatch", "presentation")
UncollectedReading = Literal["first_presentation", "not_notified"]
UNCOLLECTED_READINGS: tuple[UncollectedReading, ...] = ("first_presentation", "not_notified")
"""How a registered letter presented and never collected counts (rule 22), for articles 6
and 7 alike: from its first presentation (administrative courts), or not at all (civil
courts)."""

_BASIS_LABEL = {
    "receipt": "réception",
    "dispatch": "envoi",
    "presentation": "première présentation",
}
_NO_EXTENSION_CASE_LAW = "Cass. civ. 3e, 8 mars 2018, n°\u00a017-11.312"
_UNCOLLECTED_LABEL = {
    "first_presentation": "vaut notification à sa première présentation",
    "not_notified": "ne notifie rien",
}
_ADMINISTRATIVE_READING = (
    "le juge administratif tient un pli avisé non réclamé pour notifié à sa première "
    "présentation (CE, 24 avril 2012, n°\u00a0341146)"
)
_CIVIL_READING = (
    "le juge judiciaire lui refuse tout effet (CPC art. 669 al. 3\u00a0; Cass. civ. 3e, 13 juillet "
    "2011, n°\u00a010-20.478)"
)


SETTINGS_LINE = "Réglages\u00a0: "
"""How an explanation's line of the settings it was computed with begins: for the service's
people (the command line, the dashboard), never in what the partners read."""
_EXTENDED_BY_SETTING = "Prorogation (CPC art. 642 al. 2, réglage)\u00a0: "
_DATE_BY_SETTING = "(date retenue par le réglage\u00a0; "
_READING_BY_SETTINGS = "Lecture appliquée (réglages du service)\u00a0: "
BY_SETTING = "(réglage du service\u00a0: "
"""How an explanation says a choice of the service's settings in the middle of a sentence
(states.open_data: the update after an amendment); the partners read the practice instead."""
_ON_AMENDMENT = "mise à jour des données essentielles après un avenant\u00a0: "
_ON_AMENDMENT_LABEL = {
    "changed": "quand il change une donnée publiée",
    "always": "après chaque avenant",
    "never": "jamais",
}
_ON_AMENDMENT_PRACTICE = {
    "changed": "quand un avenant change une donnée publiée",
    "always": "après chaque avenant",
}
"""When the Métropole updates its open data after an amendment, in the plain words a partner
reads in a publication deadline's explanation (« qui met à jour ses données essentielles … »):
the practice, not the setting (`open_data_on_amendment`) that chooses it."""
_FOR_PARTNERS = (
    (_EXTENDED_BY_SETTING, "Prorogation (CPC art. 642 al. 2)\u00a0: "),
    (_DATE_BY_SETTING, "(date retenue par le service\u00a0; "),
    (_READING_BY_SETTINGS, "Lecture appliquée par le service\u00a0: "),
    *(
        (
            f" {BY_SETTING}{_ON_AMENDMENT}{label})",
            f" (elle met à jour ses données essentielles {_ON_AMENDMENT_PRACTICE[policy]})",
        )
        for policy, label in _ON_AMENDMENT_LABEL.items()
        if policy in _ON_AMENDMENT_PRACTICE
    ),  # the setting's own wording is no sentence for a partner: the practice it chooses is
    (BY_SETTING, "("),
)
"""What an explanation says of the service's settings, and what the partners read instead."""


def for_partners(explanation: str) -> str:
    """An explanation as the partners read it in their emails: without the line of the
    settings it was computed with, nor « réglage » in its sentences (the service's people read
    them in `convflow status`). Explanations stored before this was written read the same."""
    said = explanation
    # Split only when there is a line to drop: every email asks.
    if any(line in said for line in _SETTINGS_LINES):
        said = "\n".join(line for line in said.splitlines() if not line.startswith(_SETTINGS_LINES))
    for operators, partners in _FOR_PARTNERS_AS_STORED:
        said = said.replace(operators, partners)
    return said


def _as_stored_before(text: str) -> str:
    """`text` as an explanation stored before its signs were tied (December 2026) says it: a
    plain space before « : » and « ; »."""
    return text.replace("\u00a0", " ")


_SETTINGS_LINES = (SETTINGS_LINE, _as_stored_before(SETTINGS_LINE))
_FOR_PARTNERS_AS_STORED = tuple(
    pair for operators, partners in _FOR_PARTNERS
    for pair in dict.fromkeys([(operators, partners), (_as_stored_before(operators), partners)])
)  # fmt: skip
"""`_FOR_PARTNERS`, each wording of the service's settings also as a stored explanation may
still say it, in the same order (the specific ones before « (réglage du service : »)."""


def uncollected_reading(settings: LegalSettings) -> str:
    """The sentence an explanation says of an uncollected letter (rule 22): the reading
    applied, that the other exists, and what to do to be safe."""
    if settings.uncollected_letter == "first_presentation":
        applied, other = _ADMINISTRATIVE_READING, _CIVIL_READING
    else:
        applied, other = _CIVIL_READING, _ADMINISTRATIVE_READING
    return (
        # the setting's name is said where the service reads it (the command line), not to
        # the partners and dashboard readers who read this explanation
        f"{_READING_BY_SETTINGS}{applied}\u00a0; l'autre lecture existe\u00a0: {other}. Par "
        "prudence, "
        "notifier à nouveau par un autre moyen (remise contre récépissé, commissaire de justice)."
    )


def _yes_no(flag: bool) -> str:
    return "oui" if flag else "non"


@dataclass(frozen=True)
class LegalSettings:
    """The legal team's choices where the law is unsettled (docs/LEGAL-DEADLINES.md, settings)."""

    extend_acts: bool = True
    extend_notices: bool = False
    termination_letter_date: LetterBasis = "receipt"
    calendar: HolidayCalendar = field(default_factory=HolidayCalendar)
    lre_acceptance_days: int = 15
    uncollected_letter: UncollectedReading = "first_presentation"
    award_before_enforceable: Literal["refuse", "warn"] = "refuse"
    """The Métropole signing before the award decision is enforceable (rule 18)."""
    open_data_threshold: Decimal = Decimal("23000")
    """Rule 19: a subsidy above it has its essential data published."""
    open_data_on_amendment: Literal["changed", "always", "never"] = "changed"
    """Rule 19: an amendment in force calls for an update of the published data within three
    months when it changes one of them (default), always, or never."""

    def describe(self) -> list[str]:
        """Every setting, in French, as `convflow config` and the explanations show them."""
        return [
            f"prorogation des actes au jour ouvrable suivant\u00a0: {_yes_no(self.extend_acts)}",
            f"prorogation des préavis\u00a0: {_yes_no(self.extend_notices)}",
            "date retenue pour la lettre de résiliation\u00a0: "
            + _BASIS_LABEL[self.termination_letter_date],
            f"calendrier des jours fériés\u00a0: {self.calendar.describe()}",
            f"délai d'acceptation d'une LRE\u00a0: {french_days(self.lre_acceptance_days)}",
            "lettre recommandée non retirée (articles 6 et 7)\u00a0: "
            + _UNCOLLECTED_LABEL[self.uncollected_letter],
            "signature de la Métropole avant que la délibération soit exécutoire\u00a0: "
            + ("refusée" if self.award_before_enforceable == "refuse" else "acceptée, signalée"),
            self.on_amendment_text(),
        ]

    def on_amendment_text(self) -> str:
        """The setting `open_data_on_amendment` in French, as a reader of an explanation or an
        email takes it: the Métropole's own practice, not a rule of law (rule 19)."""
        return _ON_AMENDMENT + _ON_AMENDMENT_LABEL[self.open_data_on_amendment]


@dataclass(frozen=True)
class RegisteredLetter:
    """A registered letter with acknowledgement (LRAR), or its electronic equivalent (LRE).

    `received` is the day La Poste handed it over (for an LRE: the day the recipient accepted
    it, in Paris); `uncollected` marks a letter never collected (pli avisé non réclamé),
    refused, or an LRE not accepted in time.
    """

    dispatched: date | None = None
    presented: date | None = None
    received: date | None = None
    uncollected: bool = False
    electronic: bool = False

    def validate(self) -> None:
        """Refuse dates out of order or a letter with no date to count from."""
        ordered = [
            (name, day)
            for name, day in (
                ("dispatched", self.dispatched),
                ("presented", self.presented),
                ("received", self.received),
            )
            if day is not None
        ]
        for (first, early), (second, late) in itertools.pairwise(ordered):
            if late < early:
                raise InvalidInput(
                    second, "letter_dates_out_of_order", date=late, earlier_field=first,
                    earlier=early,
                )  # fmt: skip
        if self.uncollected and self.received is not None:
            raise InvalidInput("received", "uncollected_with_receipt")
        if not self.uncollected and self.received is None:
            raise InvalidInput("received", "receipt_date_required")
        if self.uncollected and self.presented is None:
            raise InvalidInput("presented", "presentation_date_required")

    def lre_accepted_late(self, settings: LegalSettings) -> bool:
        """An electronic letter accepted after its acceptance period counts as not collected."""
        if not self.electronic or self.presented is None or self.received is None:
            return False
        return (self.received - self.presented).days > settings.lre_acceptance_days

    def date_for(self, basis: LetterBasis) -> date | None:
        """The letter's date on the given basis, if known."""
        return {
            "receipt": self.received,
            "dispatch": self.dispatched,
            "presentation": self.presented,
        }[basis]


@dataclass(frozen=True)
class ComputedDeadline:
    """A deadline as the law computes it, with the reasoning administrators read."""

    kind: DeadlineKind
    trigger_date: date
    raw_end: date
    due_date: date
    expires_at: datetime
    explanation: str
    flags: tuple[str, ...] = ()
    earliest_court_date: date | None = None
    notice_end: date | None = None
    effective_end: date | None = None
    ends_by: Literal["termination", "expiry"] | None = None
    by_basis: tuple[tuple[LetterBasis, date, date], ...] = ()
    instalment: int = 0
    """For a `payment` deadline, the instalment it is for (0: the single payment)."""
    amendment: int = 0
    """For a `publication` deadline, the amendment whose update it is (0: the first
    publication, the legal one)."""
    amount_changed: bool = False
    """For the update after an amendment (`amendment`), whether that amendment changed the
    subsidy's amount (its email says the new amount as new only then)."""


def information_deadline(
    kind: DeadlineKind, trigger: date, raw_end: date, due: date, lines: list[str]
) -> ComputedDeadline:
    """A deadline given as information only (the award decision's windows, the committee's
    next meeting): it ends at 24:00 on `due`, and nothing changes for the convention when it
    passes."""
    return ComputedDeadline(
        kind=kind,
        trigger_date=trigger,
        raw_end=raw_end,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
        flags=("information",),
    )


def _instant_text(day: date) -> str:
    """The end of `day` as an explanation says it: the words of notifications' `end_fr` (the
    space before « h » a no-break one), the instant in Paris and in UTC beside them."""
    instant = end_of_day(day)
    return f"{french_date(day)} à 24\u00a0h (heure de Paris), soit {instant.strftime('%H:%M')} UTC"


def _within(days: int) -> str:
    """« les 15 jours », « le jour » (CPCE art. R. 53-3 says « dans les quinze jours »)."""
    return "le jour" if days == 1 else f"les {french_days(days)}"


def _letter_name(letter: RegisteredLetter) -> str:
    """How the letter is named: an electronic one has a proof of receipt, not an 'avis'."""
    if letter.electronic:
        return ("lettre recommandée électronique, qui tient lieu de lettre recommandée avec avis "
                "de réception (CPCE art. L. 100)")  # fmt: skip
    return "lettre recommandée avec avis de réception"


def _month_end_note(start: date, months: int, raw_end: date) -> list[str]:
    if raw_end.day == start.day:
        return []
    return [
        f"Fin de mois\u00a0: le {start.day} du mois d'arrivée n'existe pas\u00a0; le délai "
        "s'achève le "
        f"dernier jour de ce mois, le {french_date(raw_end)} (de quantième à quantième)."
    ]


def extend_act(raw_end: date, settings: LegalSettings, lines: list[str]) -> date:
    """A period for accomplishing an act: extended to the next working day when acts are
    (rule 6), the adjustment written into `lines`."""
    return _extend(raw_end, settings.calendar, settings.extend_acts, lines)


def _extend(
    raw_end: date,
    calendar: HolidayCalendar,
    enabled: bool,
    lines: list[str],
    *,
    prudence: bool = False,
) -> date:
    """Extend to the next working day when `enabled`, writing the adjustment into `lines`;
    `prudence`: a waiting period before the court, which CPC 642 al. 2 does not impose."""
    reason = calendar.non_working_reason(raw_end)
    if reason is None:
        return raw_end
    if not enabled:
        lines.append(
            f"Pas de prorogation\u00a0: le {french_date(raw_end)} ({reason}) reste le dernier jour."
        )
        return raw_end
    extended = calendar.next_working_day(raw_end)
    skipped = _skipped_reasons(raw_end, extended, calendar)
    if not prudence:
        lines.append(
            f"{_EXTENDED_BY_SETTING}jour non ouvrable\u00a0: {skipped}\u00a0; le "
            f"délai est prorogé au premier jour ouvrable suivant, le {french_date(extended)}."
        )
        return extended
    lines.append(
        f"Prorogation par prudence\u00a0: jour non ouvrable\u00a0: {skipped}\u00a0; la période "
        "est prolongée "
        f"jusqu'au premier jour ouvrable suivant, le {french_date(extended)}. Le code de "
        "procédure civile ne l'impose pas (son article 642 al. 2 ne vise que les délais pour "
        "accomplir un acte)\u00a0: attendre un jour ouvrable de plus ne fait perdre aucun droit, "
        "alors que saisir le juge trop tôt exposerait à une irrecevabilité."
    )
    return extended


def _skipped_reasons(first: date, until: date, calendar: HolidayCalendar) -> str:
    reasons = []
    day = first
    while day < until:
        reasons.append(f"{french_date(day)} ({calendar.non_working_reason(day)})")
        day += timedelta(days=1)
    return ", puis ".join(reasons)


def dispute_window(
    letter: RegisteredLetter,
    days: int,
    settings: LegalSettings,
    article: str = "article 6",
    parties: PartiesNature = "unknown",
) -> ComputedDeadline:
    """The amicable window of a dispute: `days` calendar days from the letter's receipt;
    `parties` says what the court is said to be (states.jurisdiction)."""
    letter.validate()
    flags: list[str] = []
    if letter.uncollected or letter.lre_accepted_late(settings):
        if settings.uncollected_letter == "not_notified":
            raise LetterNotNotified("dispute_letter_not_collected")
        trigger, flags = letter.presented, ["uncollected"]
        assert trigger is not None  # validate() guarantees it
        why = (
            f"Lettre recommandée électronique non acceptée dans "
            f"{_within(settings.lre_acceptance_days)} suivant l'avis du prestataire (CPCE art. "
            "R. 53-3)\u00a0: elle vaut lettre non retirée"
            if letter.electronic
            else "Pli avisé non réclamé\u00a0: la lettre n'a pas été retirée"
        )
        lines = [
            f"Litige ({article})\u00a0: règlement amiable pendant "
            f"{french_days(days, calendar=True)} à compter de la réception de la "
            f"{_letter_name(letter)}.",
            f"{why}\u00a0; le délai court à compter de sa première présentation, le "
            f"{french_date(trigger)}.",
            uncollected_reading(settings),
        ]
    else:
        trigger = letter.received
        assert trigger is not None
        lines = [
            f"Litige ({article})\u00a0: règlement amiable pendant "
            f"{french_days(days, calendar=True)} à compter de la réception de la "
            f"{_letter_name(letter)}.",
            f"Déclencheur\u00a0: réception de la lettre le {french_date(trigger)}.",
        ]
    raw_end = add_days(trigger, days)
    first_day = "de la première présentation" if flags else "de la réception"
    lines.append(
        f"Calcul\u00a0: le jour {first_day} n'est pas compté (CPC art. 641 al. 1)\u00a0; "
        f"{french_day(trigger)} + {french_days(days)} = {french_date(raw_end)}."
    )
    due = _extend(raw_end, settings.calendar, settings.extend_acts, lines, prudence=True)
    court = due + timedelta(days=1)
    lines += [
        f"Échéance\u00a0: la période amiable expire le {_instant_text(due)} (CPC art. 642 al. 1).",
        f"Saisine du tribunal compétent possible à partir du {french_date(court)}. "
        + court_sentence(parties),
        f"{SETTINGS_LINE}prorogation des actes au jour ouvrable suivant\u00a0: "
        f"{_yes_no(settings.extend_acts)}\u00a0; calendrier\u00a0: {settings.calendar.describe()}.",
    ]
    return ComputedDeadline(
        kind="dispute_window",
        trigger_date=trigger,
        raw_end=raw_end,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
        flags=tuple(flags),
        earliest_court_date=court,
    )


class LetterNotNotified(InvalidInput):
    """A letter that was never collected notifies nothing, when the setting reads it so
    (rule 22): `letter_not_collected` for article 7's, `dispute_letter_not_collected` for
    article 6's."""

    def __init__(self, code: str = "letter_not_collected") -> None:
        super().__init__("received", code)


def termination_notice(
    letter: RegisteredLetter,
    months: int,
    settings: LegalSettings,
    term: date | None = None,
    article: str = "article 7",
    term_source: str = "article 4",
) -> ComputedDeadline:
    """When a termination takes effect: letter + `months`, or the term if that comes first."""
    uncollected = letter.uncollected or letter.lre_accepted_late(settings)
    if uncollected and settings.uncollected_letter == "not_notified":
        raise LetterNotNotified()
    letter.validate()
    # Never collected, it has no receipt: it counts from its first presentation whatever the
    # letter-date setting (rule 22).
    basis: LetterBasis = "presentation" if uncollected else settings.termination_letter_date
    start = letter.date_for(basis)
    if start is None:
        raise InvalidInput(_BASIS_FIELD[basis], "letter_date_missing", basis=basis)
    raw_end = add_months(start, months)
    trigger_line = (
        f"Déclencheur\u00a0: lettre non retirée, présentée le {french_date(start)}\u00a0; "
        + uncollected_reading(settings)
        if uncollected
        else f"Déclencheur\u00a0: {_BASIS_LABEL[basis]} de la lettre le {french_date(start)} "
        f"{_DATE_BY_SETTING}{_other_dates(letter, basis)})."
    )
    lines = [
        f"Résiliation ({article})\u00a0: elle prend effet à l'expiration d'un délai de {months} "
        "mois "
        "à compter de la lettre recommandée avec avis de réception.",
        trigger_line,
        f"Calcul\u00a0: de quantième à quantième (CPC art. 641 al. 2)\u00a0: {french_day(start)} + "
        f"{months} mois = {french_date(raw_end)}.",
    ]
    lines += _month_end_note(start, months, raw_end)
    if settings.extend_notices:
        notice_end = _extend(raw_end, settings.calendar, True, lines)
    else:
        notice_end = raw_end
        lines.append(
            "Pas de prorogation\u00a0: un préavis n'est pas prorogé au jour ouvrable suivant "
            f"({_NO_EXTENSION_CASE_LAW})."
        )
    effective_end, ends_by = notice_end, "termination"
    if term is not None and term <= notice_end:
        effective_end, ends_by = term, "expiry"
        lines.append(
            f"Terme ({term_source})\u00a0: la convention arrive à son terme le "
            f"{french_date(term)}, "
            + (
                "le même jour que la fin du préavis"
                if term == notice_end
                else "avant la fin du préavis"
            )
            + "\u00a0: elle expire à son terme et la résiliation reste sans effet."
        )
    lines.append(
        f"Échéance\u00a0: la convention reste en vigueur jusqu'au {_instant_text(effective_end)} "
        "(CPC art. 642 al. 1)."
    )
    by_basis = _by_basis(letter, months, settings)
    lines.append(_by_basis_text(by_basis, term))
    lines.append(
        f"{SETTINGS_LINE}date retenue pour la lettre\u00a0: {_BASIS_LABEL[basis]}\u00a0; "
        "prorogation "
        f"des préavis\u00a0: {_yes_no(settings.extend_notices)}."
    )
    return ComputedDeadline(
        kind="termination",
        trigger_date=start,
        raw_end=raw_end,
        due_date=effective_end,
        expires_at=end_of_day(effective_end),
        explanation="\n".join(lines),
        flags=("uncollected",) if uncollected else (),
        notice_end=notice_end,
        effective_end=effective_end,
        ends_by=ends_by,  # type: ignore[arg-type]
        by_basis=by_basis,
    )


_BASIS_FIELD = {"receipt": "received", "dispatch": "dispatched", "presentation": "presented"}


def counted_from(deadline: ComputedDeadline, settings: LegalSettings) -> LetterBasis | None:
    """Which date of its registered letter a deadline counts from: a dispute's amicable window
    from the letter's receipt (article 6, rule 9), a termination's notice from the date the
    setting retains (article 7, rule 11), a letter never collected from its first presentation
    (rule 22); None for a deadline that no letter starts."""
    if deadline.kind not in ("dispute_window", "termination"):
        return None
    if "uncollected" in deadline.flags:
        return "presentation"
    return "receipt" if deadline.kind == "dispute_window" else settings.termination_letter_date


def _other_dates(letter: RegisteredLetter, basis: LetterBasis) -> str:
    known = [
        f"{_BASIS_LABEL[b]} le {french_day(day)}"
        for b in LETTER_BASES
        if b != basis and (day := letter.date_for(b)) is not None
    ]
    return ", ".join(known) if known else "aucune autre date connue"


def _by_basis(
    letter: RegisteredLetter, months: int, settings: LegalSettings
) -> tuple[tuple[LetterBasis, date, date], ...]:
    """For each known date of the letter: that date, and the notice's end counted from it by
    the same rules (months, then the next working day when notices are extended)."""
    return tuple(
        (basis, start, _notice_end(add_months(start, months), settings))
        for basis in ("dispatch", "presentation", "receipt")
        if (start := letter.date_for(basis)) is not None
    )


def _notice_end(raw_end: date, settings: LegalSettings) -> date:
    if settings.extend_notices and settings.calendar.non_working_reason(raw_end) is not None:
        return settings.calendar.next_working_day(raw_end)
    return raw_end


def _by_basis_text(by_basis: tuple[tuple[LetterBasis, date, date], ...], term: date | None) -> str:
    """The result for each date of the letter (rule 11): the notice's end, or the term when
    it comes first."""
    results = []
    for basis, start, end in by_basis:
        result = f"{_BASIS_LABEL[basis]} le {french_day(start)} → {french_day(end)}"
        if term is not None and term <= end:
            result += f" (le terme du {french_day(term)} vient avant\u00a0: expiration au terme)"
        results.append(result)
    return "Selon la date retenue\u00a0: " + "\u00a0; ".join(results) + "."


def expiry(term: date, article: str = "article 4", source: str | None = None) -> ComputedDeadline:
    """The end of the convention at its term: 24:00 Paris on the end date, never extended."""
    lines = [
        f"Terme ({article})\u00a0: la convention prend fin le {french_date(term)}"
        + (f", date fixée par {source}." if source else "."),
        f"Échéance\u00a0: elle prend fin le {_instant_text(term)}\u00a0; ce jour est compris dans "
        "sa durée.",
        "Pas de prorogation\u00a0: le terme est une date fixée par les parties, pas un "
        "délai\u00a0; il "
        "n'est pas reporté au jour ouvrable suivant"
        + (" (il tombe pourtant un " + _weekend_name(term) + ")." if term.weekday() >= 5 else "."),
        "Seul un avenant signé par les deux parties avant le terme peut le prolonger "
        "(article 5)\u00a0; signé après, ce serait une nouvelle convention.",
    ]
    return ComputedDeadline(
        kind="expiry",
        trigger_date=term,
        raw_end=term,
        due_date=term,
        expires_at=end_of_day(term),
        explanation="\n".join(lines),
    )


def _weekend_name(day: date) -> str:
    return "samedi" if day.weekday() == 5 else "dimanche"


_SUBSIDY_NOT_PROCUREMENT = (
    "La convention est traitée comme une convention de subvention\u00a0: la participation de la "
    "Métropole soutient une action définie et conduite par le bénéficiaire. Ce délai est un "
    "objectif interne\u00a0: le dépasser déclenche des rappels, pas un manquement légal. Si la "
    "convention était requalifiée en marché public (prestation répondant aux besoins "
    "propres de la Métropole, code de la commande publique, art. L. 1111-1), le délai "
    "légal de paiement de 30 jours s'appliquerait (art. L. 2192-10 et R. 2192-10)."
)


def payment_target(notified_on: date, days: int, article: str = "article 2") -> ComputedDeadline:
    """The internal payment target: `days` calendar days after the notification of award."""
    due = add_days(notified_on, days)
    lines = [
        f"Versement ({article})\u00a0: en une seule fois à la suite de la notification "
        "d'attribution, "
        f"notifiée le {french_date(notified_on)}.",
        f"Objectif interne\u00a0: versement sous {french_days(days, calendar=True)}, soit au plus "
        f"tard le {_instant_text(due)}.",
        _SUBSIDY_NOT_PROCUREMENT,
    ]
    return ComputedDeadline(
        kind="payment",
        trigger_date=notified_on,
        raw_end=due,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
    )


def balance_target(
    effective_on: date,
    days: int,
    balance: Decimal,
    paid: Decimal,
    amendment: str,
    article: str = "article 2",
    instalment: int = 0,
) -> ComputedDeadline:
    """The internal target of the balance an amendment calls for when it raises the amount of a
    payment already made (the single payment, or instalment `instalment` of a schedule): `days`
    calendar days after the amendment takes effect (counted as the payment target is, never
    extended)."""
    due = add_days(effective_on, days)
    what = f"le versement n°\u00a0{instalment}" if instalment else "la participation"
    of = f" du versement n°\u00a0{instalment}" if instalment else ""
    lines = [
        f"Versement du solde{of} ({article})\u00a0: l'{amendment}, en vigueur le "
        f"{french_date(effective_on)}, porte {what} à "
        f"{french_euros(paid + balance)}\u00a0; "
        f"{french_euros(paid)} ont déjà été versés\u00a0: le solde de {french_euros(balance)} "
        "reste "
        "à verser après l'avenant.",
        f"Objectif interne\u00a0: versement du solde sous {french_days(days, calendar=True)} à "
        f"compter de la prise d'effet de l'avenant, soit au plus tard le {_instant_text(due)}.",
        _SUBSIDY_NOT_PROCUREMENT,
    ]
    return ComputedDeadline(
        kind="payment",
        trigger_date=effective_on,
        raw_end=due,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
        instalment=instalment,
    )


def instalment_target(
    instalment: Instalment,
    of: int,
    started: date,
    days: int,
    article: str = "article 2",
) -> ComputedDeadline:
    """The internal target of one instalment: `days` after the notification of the award or
    the receipt of its report (`started`), or the date the convention fixes (never before the
    notification `started`: nothing is paid before the award is notified)."""
    name = (
        f"Versement n°\u00a0{instalment.number} sur {of} ({article}), "
        f"{french_euros(instalment.amount)}"
    )
    if instalment.trigger == "date":
        assert instalment.on is not None
        due = max(instalment.on, started)
        lines = [
            f"{name}\u00a0: dû à la date fixée par la convention, le {french_date(instalment.on)}."
        ]
        if due != instalment.on:
            lines.append(
                "Cette date précède la notification d'attribution du "
                f"{french_date(started)}\u00a0: "
                "rien n'est versé avant elle\u00a0; l'objectif est reporté à ce jour."
            )
        lines.append(f"Objectif interne\u00a0: versement au plus tard le {_instant_text(due)}.")
    else:
        due = add_days(started, days)
        what = (
            f"à la suite de la notification d'attribution, notifiée le {french_date(started)}"
            if instalment.trigger == "notification"
            else f"à la réception du document «\u00a0{instalment.report}\u00a0», reçu le "
            f"{french_date(started)}"
        )
        lines = [
            f"{name}\u00a0: {what}.",
            f"Objectif interne\u00a0: versement sous {french_days(days, calendar=True)}, soit au "
            f"plus tard le {_instant_text(due)}.",
        ]
    lines.append(_SUBSIDY_NOT_PROCUREMENT)
    return ComputedDeadline(
        kind="payment",
        trigger_date=started,
        raw_end=due,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
        instalment=instalment.number,
    )


def amendment_signature_target(
    submitted_on: date, days: int, number: int, article: str = "article 5", term: date | None = None
) -> ComputedDeadline:
    """The internal target for the signatures of an amendment (avenant): `days` after its
    submission, and never after the convention's current `term` (rule 13 of
    docs/LEGAL-DEADLINES.md: a last signature after the term is refused, the amendment then
    lapses with the convention), the explanation saying why when the term brings it forward."""
    due = add_days(submitted_on, days)
    target = (
        f"Objectif interne\u00a0: toutes les signatures sous {french_days(days, calendar=True)}, "
        f"soit au plus tard le {_instant_text(due)}"
    )
    after = "ensuite, un rappel chaque semaine tant qu'une signature manque"
    if term is not None and due > term:
        target = (
            f"Objectif interne\u00a0: toutes les signatures avant le terme actuel de la "
            f"convention, le {_instant_text(term)}\u00a0: le délai habituel de "
            f"{french_days(days, calendar=True)} mènerait au {french_date(due)}, après ce "
            "terme, quand l'avenant ne pourrait plus être signé"
        )
        after = (
            "une signature manquant encore à ce terme, l'avenant devient caduc avec la convention"
        )
        due = term
    lines = [
        f"Avenant n°\u00a0{number} ({article})\u00a0: soumis à la signature des deux parties le "
        f"{french_date(submitted_on)}.",
        f"{target}\u00a0; {after}.",
        "L'avenant prend effet à la date de sa dernière signature\u00a0; s'il prolonge la "
        "convention, "
        "cette signature doit être datée au plus tard du jour du terme (signé après, ce serait "
        "une nouvelle convention).",
    ]
    return ComputedDeadline(
        kind="amendment_signature",
        trigger_date=submitted_on,
        raw_end=due,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
    )


def with_source(deadline: ComputedDeadline, source: str) -> ComputedDeadline:
    """The same deadline, its explanation naming the amendment its terms come from."""
    return replace(deadline, explanation=f"{deadline.explanation}\nSource\u00a0: {source}.")


def signature_target(submitted_on: date, days: int) -> ComputedDeadline:
    """The internal signature target: every signature `days` calendar days after submission."""
    due = add_days(submitted_on, days)
    lines = [
        f"Signature\u00a0: la convention a été soumise à la signature des parties le "
        f"{french_date(submitted_on)}.",
        f"Objectif interne\u00a0: toutes les signatures sous {french_days(days, calendar=True)}, "
        f"soit au plus tard le {_instant_text(due)}\u00a0; ensuite, un rappel chaque semaine "
        "tant qu'une signature manque.",
        "La convention prend effet à la date de la dernière signature (article 4).",
    ]
    return ComputedDeadline(
        kind="signature",
        trigger_date=submitted_on,
        raw_end=due,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
    )


@dataclass(frozen=True)
class DeadlineClosure:
    """Stored deadlines of `kind` (every kind when None) in `from_statuses` move to `status`.

    With `met_on` (for status `met`), only deadlines due on or after that date are met; one
    due before it was met late: it is, or stays, `passed`, so that the record shows it.
    """

    kind: DeadlineKind | None
    """One kind, or None: every kind but OUTLIVING_KINDS."""
    status: DeadlineStatus
    from_statuses: tuple[DeadlineStatus, ...] = ("pending",)
    met_on: date | None = None
    instalment: int | None = None
    """Only the `payment` deadline of this instalment (None: every deadline of the kind)."""


__all__ = [
    "BY_SETTING",
    "DEADLINE_KINDS",
    "DEADLINE_STATUSES",
    "END_KINDS",
    "LETTER_BASES",
    "OUTLIVING_KINDS",
    "SETTINGS_LINE",
    "ComputedDeadline",
    "DeadlineClosure",
    "DeadlineKind",
    "DeadlineStatus",
    "LegalSettings",
    "LetterBasis",
    "LetterNotNotified",
    "RegisteredLetter",
    "balance_target",
    "closed_by_end",
    "counted_from",
    "dispute_window",
    "expiry",
    "extend_act",
    "for_partners",
    "instalment_target",
    "payment_target",
    "signature_target",
    "termination_notice",
    "with_source",
]
