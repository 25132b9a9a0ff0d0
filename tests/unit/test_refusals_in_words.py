"""Refusals said in words: each code and its parameters through the catalogue, in French as
the dashboard shows them and in English as scripts read them.

Each refusal is raised by the domain itself where a test can reach it; the few the tests cannot
reach are built with the code and parameters of their raise site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from states.amendments import Amendment, fire_amendment, parse_changes
from states.convention import Convention
from states.deadlines import LegalSettings, LetterNotNotified, RegisteredLetter, termination_notice
from states.errors import (
    CODES,
    ConvflowError,
    CourtNotYetOpen,
    GuardRejected,
    InvalidInput,
    UnknownConvention,
)
from states.identifiers import REFERENCE_FORM
from states.inputs import check_keys, parse_amount, parse_day, parse_flag, parse_instant
from tests.unit.builders import (
    AGENT,
    CRPV,
    METROPOLE,
    REFERENCE,
    SETTINGS,
    TODAY,
    apply_deadline,
    convention_in,
    record,
)
from workflow.files.convention_file import ConventionFileError
from workflow.http import intake_api, intake_pages
from workflow.http.convention_pages import form_version
from workflow.usecases.amendments import UnknownAmendment
from workflow.wording.refusals import failure_text, hint, say
from workflow.wording.words import Words

FRENCH, ENGLISH_WORDS = Words("fr"), Words("en")


def french(error: ConvflowError) -> str:
    """A refusal as the dashboard says it: a French sentence."""
    return say(error, FRENCH).sentence


EUROS_200000 = "200\u202f000,00\xa0€"
ENGLISH = re.compile(
    r"\b(is not|are not|required|after today|differs|before|after|predates|already|unknown|"
    r"needs|must|accepted|events|no party|signatory|amendment|letter|convention's|"
    r"it is dated|record it|timezone|whole number|between)\b"
)


def letter(**days: str | bool) -> Callable[[], object]:
    """Check a registered letter with these dates."""

    def check() -> None:
        RegisteredLetter(**{k: date.fromisoformat(v) if isinstance(v, str) else v
                            for k, v in days.items()}).validate()  # fmt: skip

    return check


def amendment_event(
    trigger: str, on: str, state: str = "execution", today: date = TODAY, **inputs: str
) -> Callable[[], object]:
    """Record an amendment's event (amendment n°1, drafted on 10 June 2025)."""
    number_one = Amendment(1, created_on=date(2025, 6, 10), last_event_on=date(2025, 6, 10))
    return _amendment_event(convention_in(state), number_one, trigger, on, today, inputs)


def _amendment_event(
    convention: Convention, amendment: Amendment, trigger: str, on: str, today: date,
    inputs: dict[str, str],
) -> Callable[[], object]:  # fmt: skip
    return lambda: fire_amendment(
        convention, amendment, trigger, on=date.fromisoformat(on), actor=AGENT, today=today,
        legal=SETTINGS, inputs=inputs,
    )  # fmt: skip


def signing(amendment: Amendment, on: str) -> Callable[[], object]:
    """The CRPV's representative signs `amendment`, in signature, on `on`."""
    amendment.state = "signature"
    return _amendment_event(
        convention_in("execution"), amendment, "sign", on, TODAY, {"signatory": CRPV}
    )


def changes(**inputs: str) -> Callable[[], object]:
    """Propose an amendment with these changes to the reference convention in execution; a
    refused term is named `change.<term>`, as the dashboard's amendment form names it."""

    def propose() -> None:
        try:
            parse_changes(convention_in("execution"), inputs)
        except InvalidInput as error:
            if error.field not in inputs:
                raise
            raise error.about(f"change.{error.field}") from None

    return propose


def twice(trigger: str, day: str, **inputs: str) -> Callable[[], object]:
    """Record the same event twice on the reference convention in signature."""
    convention = convention_in("signature")
    return lambda: [record(convention, trigger, date.fromisoformat(day), **inputs)
                    for _ in range(2)]  # fmt: skip


def on(state: str, trigger: str, day: str, **inputs: str) -> Callable[[], object]:
    """Record `trigger` on the reference convention in `state`, dated `day`."""
    return lambda: record(convention_in(state), trigger, date.fromisoformat(day), **inputs)


def notice_dated_by_dispatch() -> None:
    """A termination counted from the letter's dispatch, of a letter with no dispatch date."""
    received = RegisteredLetter(received=date(2025, 5, 5))
    termination_notice(received, 6, LegalSettings(termination_letter_date="dispatch"))


def out_of_order(state: str, trigger: str, day: str, **inputs: str) -> Callable[[], object]:
    """Record `trigger` on the reference convention in `state`, its last event's date
    forgotten: what the rule itself refuses, behind the refusal of a date before it."""
    convention = convention_in(state)
    convention.last_event_on = convention.own_event_on = None
    return lambda: record(convention, trigger, date.fromisoformat(day), **inputs)


CASES = [
    # states/inputs.py
    pytest.param(
        lambda: parse_day("2026-1-45", "on"),
        "Date de l'événement\u00a0: «\u00a02026-1-45\u00a0» n'est pas une date au format "
        "AAAA-MM-JJ, ni un "
        "instant ISO avec son fuseau horaire.",
        id="not-a-date",
    ),
    pytest.param(
        lambda: parse_day("2026-13-45", "on"),
        "Date de l'événement\u00a0: «\u00a02026-13-45\u00a0» n'est pas une date du "
        "calendrier\u00a0: le format "
        "AAAA-MM-JJ est bon, mais ce jour n'existe pas.",
        id="not-a-calendar-date",
    ),
    pytest.param(
        lambda: parse_day("2025-06-10T09:00", "received"),
        "Date de réception de la lettre\u00a0: l'instant «\u00a02025-06-10T09:00\u00a0» doit "
        "indiquer son "
        "fuseau horaire (Z ou +01:00).",
        id="needs-a-timezone",
    ),
    pytest.param(
        lambda: parse_instant("hier à midi", "on"),
        "Date de l'événement\u00a0: «\u00a0hier à midi\u00a0» n'est pas un instant ISO.",
        id="not-an-instant",
    ),
    pytest.param(
        lambda: parse_amount("beaucoup"),
        "Montant versé, en euros\u00a0: «\u00a0beaucoup\u00a0» n'est pas un montant en euros (par "
        "exemple "
        "200 000,00\u00a0; 200000.00 est aussi accepté).",
        id="not-an-amount",
    ),
    pytest.param(
        lambda: parse_amount("0"),
        "Montant versé, en euros\u00a0: le montant doit être supérieur à zéro.",
        id="amount-not-positive",
    ),
    pytest.param(
        lambda: parse_flag("peut-être", "uncollected"),
        "Pli avisé et non réclamé\u00a0: «\u00a0peut-être\u00a0» ne vaut ni oui ni non.",
        id="not-yes-or-no",
    ),
    pytest.param(
        lambda: check_keys("notify", {"bogus": "1"}),
        "bogus\u00a0: cette donnée n'est pas attendue pour «\u00a0Enregistrer la notification "
        "d'attribution\u00a0» (données acceptées\u00a0: Note).",
        id="unknown-input",
    ),
    pytest.param(
        lambda: check_keys("pay", {"bogus": "1"}),
        "bogus\u00a0: cette donnée n'est pas attendue pour «\u00a0Enregistrer le versement\u00a0» "
        "(données "
        "acceptées\u00a0: Montant versé, en euros, Numéro du versement (1, 2…\u00a0; par défaut le "
        "premier non versé), Référence du mandat, Note).",
        id="unknown-input-of-pay",
    ),
    pytest.param(
        lambda: check_keys("expire", {"bogus": "1"}),
        "bogus\u00a0: cette donnée n'est pas attendue\u00a0: «\u00a0Arrivée à terme\u00a0» n'en "
        "prend aucune.",
        id="unknown-input-no-inputs",
    ),
    pytest.param(
        lambda: check_keys("sign", {}),
        "Signataire\u00a0: obligatoire pour «\u00a0Enregistrer une signature\u00a0».",
        id="required",
    ),
    # states/deadlines.py: registered letters
    pytest.param(
        letter(dispatched="2025-06-03", received="2025-06-02"),
        "Date de réception de la lettre\u00a0: cette date (2 juin 2025) précède celle du champ "
        "«\u00a0Date "
        "d'envoi de la lettre\u00a0» (3 juin 2025).",
        id="letter-dates-out-of-order",
    ),
    pytest.param(
        letter(presented="2025-06-02", received="2025-06-04", uncollected=True),
        "Date de réception de la lettre\u00a0: une lettre signalée comme non réclamée n'a pas de "
        "date de réception.",
        id="uncollected-with-receipt",
    ),
    pytest.param(
        letter(dispatched="2025-06-02"),
        "Date de réception de la lettre\u00a0: la date de réception de la lettre est obligatoire.",
        id="receipt-required",
    ),
    pytest.param(
        letter(uncollected=True),
        "Date de première présentation\u00a0: pour une lettre non réclamée, indiquez la date de sa "
        "première présentation.",
        id="uncollected-needs-presentation",
    ),
    pytest.param(
        LetterNotNotified,
        "Date de réception de la lettre\u00a0: la lettre de résiliation n'a jamais été retirée (ou "
        "la lettre recommandée électronique n'a pas été acceptée à temps)\u00a0: la résiliation "
        "n'est pas notifiée.",
        id="letter-not-notified",
    ),
    pytest.param(
        notice_dated_by_dispatch,
        "Date d'envoi de la lettre\u00a0: le préavis court à compter de la date d'envoi de la "
        "lettre "
        "(selon les réglages du service), qui n'est pas renseignée.",
        id="notice-basis-missing",
    ),
    # states/rules.py
    pytest.param(
        on("execution", "open_dispute", "2025-06-01", party="crpv", received="2025-06-02"),
        "Date de réception de la lettre\u00a0: cette date (2 juin 2025) est postérieure à celle de "
        "l'événement (1er juin 2025).",
        id="letter-after-the-event",
    ),
    pytest.param(
        on("execution", "open_dispute", "2025-06-02", party="crpv", received="2025-03-01"),
        "«\u00a0Ouvrir un litige (article 6)\u00a0» refusé\u00a0: la lettre (1er mars 2025) est "
        "antérieure à "
        "la prise d'effet de la convention (12 mars 2025).",
        id="letter-before-the-effect",
    ),
    pytest.param(
        on("execution", "open_dispute", "2025-06-02", party="ccas", received="2025-06-02"),
        "«\u00a0Ouvrir un litige (article 6)\u00a0» refusé\u00a0: la convention n'a pas de partie "
        "«\u00a0ccas\u00a0» "
        "(parties\u00a0: metropole, crpv).",
        id="no-party",
    ),
    pytest.param(
        on(
            "execution",
            "give_notice",
            "2025-05-06",
            party="metropole",
            presented="2025-05-05",
            uncollected="yes",
            settings=LegalSettings(uncollected_letter="not_notified"),  # type: ignore[arg-type]
        ),
        "«\u00a0Enregistrer une résiliation (article 7)\u00a0» refusé\u00a0: la lettre n'a jamais "
        "été retirée"
        "\u00a0: la résiliation n'est pas notifiée (article 7).",
        id="termination-letter-never-collected",
    ),
    pytest.param(
        on("execution", "give_notice", "2025-11-20", party="metropole", received="2025-05-05"),
        "«\u00a0Enregistrer une résiliation (article 7)\u00a0» refusé\u00a0: cette lettre a mis "
        "fin à la "
        "convention le 5 novembre 2025, avant la date de son enregistrement (20 novembre 2025)"
        "\u00a0: enregistrez-la à sa propre date (5 mai 2025).",
        id="termination-recorded-too-late",
    ),
    pytest.param(
        lambda: apply_deadline(convention_in("dispute"), "terminate", date(2025, 6, 20)),
        "«\u00a0Résiliation effective\u00a0» refusé\u00a0: aucun préavis de résiliation n'est en "
        "cours.",
        id="no-notice-running",
    ),
    pytest.param(
        on("signature", "sign", "2025-03-10", signatory="nobody@example.org"),
        "«\u00a0Enregistrer une signature\u00a0» refusé\u00a0: «\u00a0nobody@example.org\u00a0» "
        "n'est pas signataire de "
        f"la convention (signataires\u00a0: {METROPOLE}, {CRPV}).",
        id="not-a-signatory",
    ),
    pytest.param(
        twice("sign", "2025-03-11", signatory=METROPOLE),
        f"«\u00a0Enregistrer une signature\u00a0» refusé\u00a0: {METROPOLE} a déjà signé, le 11 "
        f"mars 2025.",
        id="already-signed",
    ),
    pytest.param(
        out_of_order("signature", "sign", "2025-03-01", signatory=METROPOLE),
        "«\u00a0Enregistrer une signature\u00a0» refusé\u00a0: cette date précède la soumission à "
        "la "
        "signature (3 mars 2025).",
        id="predates-submission",
    ),
    pytest.param(
        out_of_order("notification", "notify", "2025-03-11"),
        "«\u00a0Enregistrer la notification d'attribution\u00a0» refusé\u00a0: cette date précède "
        "la prise "
        "d'effet de la convention (12 mars 2025).",
        id="predates-effect",
    ),
    pytest.param(
        on("payment", "pay", "2025-04-15", amount="199999.99"),
        "«\u00a0Enregistrer le versement\u00a0» refusé\u00a0: le montant saisi "
        "(199\u202f999,99\xa0€) n'est pas "
        f"le montant dû ({EUROS_200000}) prévu à l'article 2.",
        id="amount-differs",
    ),
    # states/lifecycle.py
    pytest.param(
        lambda: record(convention_in("payment"), "pay", date(2026, 12, 1), amount="200000.00"),
        "«\u00a0Enregistrer le versement\u00a0» refusé\u00a0: la date indiquée (1er décembre 2026) "
        "est "
        "postérieure à aujourd'hui (25 novembre 2026).",
        id="after-today",
    ),
    pytest.param(
        on("payment", "pay", "2025-03-01", amount="200000.00"),
        "«\u00a0Enregistrer le versement\u00a0» refusé\u00a0: la date indiquée (1er mars 2025) est "
        "antérieure au dernier événement de la convention, «\u00a0Notification d'attribution\u00a0»"
        " du 20 mars 2025, déjà enregistré\u00a0: les événements d'une convention s'enregistrent "
        "dans l'ordre de leurs dates\u00a0; si la date indiquée est la bonne, signalez-le aux "
        "administrateurs de convflow\u00a0: l'événement ne peut pas être enregistré après cette "
        "ligne\u00a0; n'indiquez pas une autre date, les délais courraient à partir d'elle.",
        id="before-the-last-event",
    ),
    pytest.param(
        on("execution", "open_dispute", "2026-01-05", party="crpv", received="2026-01-05"),
        "«\u00a0Ouvrir un litige (article 6)\u00a0» refusé\u00a0: la date indiquée (5 janvier "
        "2026) est "
        "postérieure à la fin de la convention, le 31 décembre 2025\u00a0; cette fin est appliquée "
        "par le service à son échéance.",
        id="after-the-end",
    ),
    pytest.param(
        lambda: GuardRejected(REFERENCE, "sign", "conditions_not_met"),
        "«\u00a0Enregistrer une signature\u00a0» refusé\u00a0: ses conditions ne sont pas "
        "remplies.",
        id="conditions-not-met",
    ),
    pytest.param(
        on("execution", "bogus", "2025-06-02"),
        # each event as a person records it, as invalid_transition lists them (test_unknown_
        # event_words: English lists the names only)
        "L'événement «\u00a0bogus\u00a0» n'existe pas (événements possibles\u00a0: Soumettre à "
        "la signature, Enregistrer une signature, Abandonner la convention, Enregistrer la "
        "notification d'attribution, Enregistrer le versement, Enregistrer la réception du "
        "document, Ouvrir un litige (article 6), Enregistrer le règlement amiable, Enregistrer "
        "la saisine du tribunal, Clore le contentieux, Enregistrer une résiliation (article 7), "
        "Enregistrer la renonciation à un versement, Arrivée à terme, Résiliation effective).",
        id="unknown-event",
    ),
    # states/amendments.py: what an amendment changes
    pytest.param(
        changes(),
        "Modifications proposées\u00a0: un avenant doit modifier au moins un élément (terme de la "
        "convention, montant, délai de règlement amiable (jours), préavis de résiliation "
        "(mois), objectif de versement (jours), objectif de signature (jours), rappels avant "
        "le terme (jours), rappels avant la résiliation (jours), rappels avant la fin du "
        "règlement amiable (jours), rappels de versement (jours), fréquence des relances de "
        "signature (jours), rappel le jour où le tribunal peut être saisi, représentants "
        "d'une partie, montant d'un versement).",
        id="amendment-changes-nothing",
    ),
    pytest.param(
        changes(colour="blue"),
        "colour\u00a0: un avenant ne peut pas modifier cet élément (il peut modifier\u00a0: terme "
        "de la "
        "convention, montant, délai de règlement amiable (jours), préavis de résiliation "
        "(mois), objectif de versement (jours), objectif de signature (jours), rappels avant "
        "le terme (jours), rappels avant la résiliation (jours), rappels avant la fin du "
        "règlement amiable (jours), rappels de versement (jours), fréquence des relances de "
        "signature (jours), rappel le jour où le tribunal peut être saisi, représentants "
        "d'une partie, montant d'un versement).",
        id="amendment-cannot-change-this",
    ),
    pytest.param(
        changes(end_date="2025-01-01"),
        "Terme de la convention\u00a0: cette date (1er janvier 2025) précède la prise d'effet de "
        "la "
        "convention (12 mars 2025).",
        id="amendment-term-before-the-effect",
    ),
    pytest.param(
        changes(amount="beaucoup"),
        "Montant\u00a0: «\u00a0beaucoup\u00a0» n'est pas un montant en euros (par exemple "
        "200 000,00\u00a0; 200000.00 est aussi accepté).",
        id="amendment-amount",
    ),
    pytest.param(
        changes(amount="200 000,00"),
        "Montant\u00a0: c'est déjà sa valeur (200000.00)\u00a0: un avenant modifie une condition.",
        id="amendment-changes-nothing-of-a-term",
    ),
    pytest.param(
        changes(**{"reminders.expiry": "90,soixante"}),
        "Rappels avant le terme (jours)\u00a0: «\u00a090,soixante\u00a0» n'est pas une liste de "
        "jours, par "
        "exemple 90,60,30,7.",
        id="not-a-list-of-days",
    ),
    pytest.param(
        changes(**{"reminders.expiry": "1000"}),
        "Rappels avant le terme (jours)\u00a0: indiquez de 1 à 12 délais, chacun de 0 à 730 jours.",
        id="offsets-out-of-range",
    ),
    pytest.param(
        changes(dispute_window_days="trente"),
        "Délai de règlement amiable (jours)\u00a0: «\u00a0trente\u00a0» n'est pas un nombre "
        "entier.",
        id="not-a-whole-number",
    ),
    pytest.param(
        changes(dispute_window_days="400"),
        "Délai de règlement amiable (jours)\u00a0: 400 n'est pas compris entre 1 et 365.",
        id="not-between",
    ),
    pytest.param(
        changes(**{"signatory.crpv": "Jeanne Martin"}),
        "Représentants de la partie crpv\u00a0: «\u00a0Jeanne Martin\u00a0» n'est pas de la forme "
        "«\u00a0"
        "Nom|Fonction|adresse@example.org\u00a0».",
        id="not-a-representative",
    ),
    pytest.param(
        changes(**{"signatory.ccas": "Jeanne Martin|Directrice|jeanne@example.org"}),
        "Représentants de la partie ccas\u00a0: la convention n'a pas de partie «\u00a0ccas\u00a0» "
        "(parties\u00a0: "
        "metropole, crpv).",
        id="amendment-no-party",
    ),
    pytest.param(
        changes(**{"signatory.crpv": f"Martial Alvarez|Vice-Président|{METROPOLE}"}),
        "Représentants de la partie crpv\u00a0: martial.alvarez@example.org signe déjà pour la "
        "partie «\u00a0"
        "metropole\u00a0»\u00a0: une même personne ne signe qu'une fois.",
        id="already-signs-for",
    ),
    # states/amendments.py: an amendment's events
    pytest.param(
        amendment_event("submit", "2025-06-10", state="signature"),
        "«\u00a0Soumettre l'avenant n°\u00a01 à la signature\u00a0» refusé\u00a0: la convention "
        "est en "
        "signature, et non"
        " en vigueur\u00a0: un avenant n'est possible que pendant qu'elle est en vigueur (de sa "
        "dernière"
        " signature à son terme)\u00a0; après son terme, ce serait une nouvelle convention.",
        id="amendment-convention-not-in-force",
    ),
    pytest.param(
        amendment_event("submit", "2026-12-01"),
        "«\u00a0Soumettre l'avenant n°\u00a01 à la signature\u00a0» refusé\u00a0: la date indiquée "
        "(1er "
        "décembre 2026) "
        "est postérieure à aujourd'hui (25 novembre 2026).",
        id="amendment-after-today",
    ),
    pytest.param(
        amendment_event("submit", "2025-06-01"),
        "«\u00a0Soumettre l'avenant n°\u00a01 à la signature\u00a0» refusé\u00a0: la date indiquée "
        "(1er juin "
        "2025) est "
        "antérieure au 10 juin 2025, date du dernier événement enregistré (de la convention ou de "
        "l'avenant) ou de sa prise d'effet.",
        id="amendment-before-its-last-event",
    ),
    pytest.param(
        signing(
            Amendment(1, created_on=date(2025, 6, 10), signatures={CRPV: date(2025, 6, 11)}),
            "2025-06-12",
        ),
        "«\u00a0Enregistrer une signature de l'avenant n°\u00a01\u00a0» refusé\u00a0: "
        "mustapha.berra@example.org a déjà "
        "signé, le 11 juin 2025.",
        id="amendment-already-signed",
    ),
    pytest.param(
        signing(Amendment(1, created_on=date(2025, 6, 10)), "2026-01-05"),
        "«\u00a0Enregistrer une signature de l'avenant n°\u00a01\u00a0» refusé\u00a0: la signature "
        "du 5 "
        "janvier 2026 est"
        " postérieure au terme de la convention (31 décembre 2025)\u00a0: signé après le terme, un "
        "avenant serait une nouvelle convention.",
        id="amendment-signed-after-the-term",
    ),
    pytest.param(
        signing(
            Amendment(
                1,
                created_on=date(2025, 6, 10),
                changes={"end_date": "2025-06-01"},
                signatures={METROPOLE: date(2025, 6, 11)},
            ),
            "2025-06-12",
        ),
        "«\u00a0Enregistrer une signature de l'avenant n°\u00a01\u00a0» refusé\u00a0: son nouveau "
        "terme (1er "
        "juin 2025) "
        "serait déjà passé à sa prise d'effet, le 12 juin 2025.",
        id="amendment-term-over-at-its-effect",
    ),
    # workflow/usecases/amendments.py: its guards, with the code and parameters it gives
    pytest.param(
        lambda: GuardRejected(REFERENCE, "amend", "convention_not_in_force", state="cancelled"),
        "«\u00a0Proposer un avenant\u00a0» refusé\u00a0: la convention est abandonnée avant "
        "signature, et non en "
        "vigueur\u00a0: un avenant n'est possible que pendant qu'elle est en vigueur (de sa "
        "dernière "
        "signature à son terme)\u00a0; après son terme, ce serait une nouvelle convention.",
        id="amend-not-in-force",
    ),
    pytest.param(
        lambda: GuardRejected(
            REFERENCE, "amend", "amendment_pending", pending=2, state="signature"
        ),
        "«\u00a0Proposer un avenant\u00a0» refusé\u00a0: l'avenant n°\u00a02 est encore en "
        "signature\u00a0: menez-le jusqu'à sa dernière signature, ou abandonnez-le, d'abord.",
        id="amend-one-at-a-time",
    ),
    pytest.param(
        lambda: UnknownAmendment(REFERENCE, 7),
        f"La convention {REFERENCE} n'a pas d'avenant n°\u00a07.",
        id="no-amendment",
    ),
    # workflow/http/convention_pages.py
    pytest.param(
        lambda: form_version("v12"),
        "Version de la page\u00a0: «\u00a0v12\u00a0» n'est pas un numéro de version.",
        id="not-a-version",
    ),
]


def _error(build: Callable[[], object]) -> ConvflowError:
    """The error `build` raises, or the one it returns."""
    try:
        made = build()
    except ConvflowError as error:
        return error
    assert isinstance(made, ConvflowError), f"{build} neither raised nor built an error"
    return made


@pytest.mark.parametrize(("build", "expected"), CASES)
def test_the_dashboard_says_each_refusal_in_french(build: Callable[[], object], expected: str):
    said = french(_error(build))

    assert said == expected
    assert not ENGLISH.search(said.replace(METROPOLE, "").replace(CRPV, "")), said


def test_unreadable_values_in_a_refusal_are_kept_as_written():
    error = GuardRejected(REFERENCE, "pay", "dated_in_future", on="2025-02-30", today=TODAY)

    assert say(error, FRENCH).problem == (
        "la date indiquée (2025-02-30) est postérieure à aujourd'hui (25 novembre 2026)"
    )


def test_a_refusal_is_data_first_and_words_in_each_language():
    error = _error(on("dispute", "go_to_court", "2025-06-20"))

    assert (error.code, error.params) == (
        "amicable_window_open",
        {"reference": REFERENCE, "event": "go_to_court", "court_from": "2025-07-03"},
    )  # fmt: skip
    assert say(error, ENGLISH_WORDS).as_json() == {
        "code": "amicable_window_open",
        "params": error.params,
        "message": f"{REFERENCE}: 'go_to_court' refused: the amicable window of article 6 is "
        "still open; a party may go to court from 2025-07-03",
    }
    assert say(error, FRENCH).message == (
        "«\u00a0Enregistrer la saisine du tribunal\u00a0» refusé\u00a0: la période de règlement "
        "amiable de "
        "l'article 6 court encore\u00a0: le tribunal peut être saisi à partir du 3 juillet 2025"
    )
    assert str(error) == (
        f"amicable_window_open (reference={REFERENCE}, event=go_to_court, court_from=2025-07-03)"
    )


def test_an_invalid_input_is_said_beside_its_field():
    said = say(_error(lambda: parse_amount("beaucoup")), FRENCH)

    assert said.field == "amount"
    assert said.problem == (
        "«\u00a0beaucoup\u00a0» n'est pas un montant en euros (par exemple 200 000,00\u00a0; "
        "200000.00 est aussi accepté)"
    )
    assert said.message == f"Montant versé, en euros\u00a0: {said.problem}"


def test_the_command_line_names_what_a_person_types_after_each_label():
    error = _error(lambda: record(convention_in("draft"), "pay", TODAY, amount="1"))

    assert say(error, Words("fr", names=True)).message == (
        "«\u00a0Enregistrer le versement (pay)\u00a0» n'est pas possible quand la convention est "
        "en "
        "préparation (draft) (possibles\u00a0: Soumettre à la signature (submit), Abandonner la "
        "convention (cancel))"
    )


def test_a_failure_of_the_due_pass_is_told_to_the_administrators_in_french():
    told = failure_text(CourtNotYetOpen("AMP-CRPV-PACA-2025", date(2025, 7, 3)))

    assert "3 juillet 2025" in told and "court_from" not in told
    assert failure_text(RuntimeError("disk full")) == "disk full"
    assert failure_text(RuntimeError()) == "RuntimeError"


def test_a_file_refusal_names_the_convention_amount_as_the_file_calls_it():
    # An event's `amount` is the amount paid; a convention file's is the convention's own.
    error = ConventionFileError("convention.toml", 14, "amount", "not_an_amount", value="abc")

    assert say(error, Words("fr", names=True)).message == (
        "convention.toml, ligne 14\u00a0: Montant (€ TTC) (amount)\u00a0: «\u00a0abc\u00a0» n'est "
        "pas un montant en "
        "euros (par exemple 200 000,00\u00a0; 200000.00 est aussi accepté)"
    )


def test_a_name_of_the_wrong_form_is_refused_with_the_form_in_words_not_its_expression():
    error = ConventionFileError(
        "convention.toml", 5, "reference", "pattern_mismatch", value="AMP 2025",
        pattern=REFERENCE_FORM,
    )  # fmt: skip

    assert say(error, FRENCH).problem == (
        "«\u00a0AMP 2025\u00a0» n'a pas la forme attendue\u00a0: de 1 à 64 caractères\u00a0: "
        "lettres sans accent, "
        "chiffres, «\u00a0.\u00a0», «\u00a0_\u00a0», «\u00a0/\u00a0» ou «\u00a0-\u00a0», le "
        "premier étant une lettre ou un chiffre"
    )
    assert error.params["pattern"] == REFERENCE_FORM  # scripts still read the expression


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("A\u202eB", "A\\u202eB"),  # right-to-left override: would reverse the rest of the line
        ("A\u2066B", "A\\u2066B"),  # left-to-right isolate
        ("A\u200bB", "A\\u200bB"),  # zero-width space: two names that look the same
        ("A\x85B", "A\\x85B"),  # a C1 control (next line)
        ("A\x1b[2JB", "A\\x1b[2JB"),  # an escape sequence (clears the screen)
    ],
)
def test_invisible_and_reordering_characters_are_written_out_in_a_refusal(typed, shown):
    said = say(UnknownConvention(typed), FRENCH).message

    assert said == f"aucune convention n'a la référence «\u00a0{shown}\u00a0»"


def test_french_spacing_and_accents_are_shown_as_they_are():
    # U+00A0 and U+202F (the narrow no-break space of French amounts) are not format characters
    said = say(UnknownConvention("Métropole\u00a0Été\u202f2025"), FRENCH).message

    assert "Métropole\u00a0Été\u202f2025" in said


def test_a_measure_is_written_with_the_decimal_comma_in_french():
    assert Words("fr")("{free} GiB free", free=77.6).startswith("77,6")
    assert Words("en")("{free} GiB free", free=77.6) == "77.6 GiB free"


@pytest.mark.parametrize("source", [intake_api.SOURCE, intake_pages.SOURCE])
def test_fields_that_came_from_no_file_are_refused_naming_the_field_not_a_file(source):
    # The API's body and the dashboard's form are no file: « API : Intitulé : ... » read as if
    # a file were called « API ». Scripts still read `file`.
    error = ConventionFileError(
        source, None, "title", "empty_text",
        others=[{"field": "amount", "line": None, "code": "amount_expected", "params": {}}],
    )  # fmt: skip

    assert say(error, FRENCH).message == (
        "Intitulé\u00a0: ne doit pas être vide\u00a0; aussi\u00a0: Montant (€ TTC)\u00a0: un "
        "montant en euros est "
        'attendu, par exemple "200000.00"'
    )
    assert error.params["file"] == source


@pytest.mark.parametrize(
    "code",
    ["dispute_not_notified", "dispute_letter_not_collected", "letter_date_missing",
     "document_too_big"],
)  # fmt: skip
def test_a_refusal_that_follows_a_setting_names_it_only_in_the_command_line_s_hint(code):
    # « selon le réglage uncollected_letter » reached the dashboard and the API's clients.
    params = {"article": "article 6", "basis": "dispatch", "size": 9, "most": 5}
    error = ConvflowError(code, **{key: params[key] for key in CODES[code]})

    assert not re.search(r"[a-z]+_[a-z_]+", say(error, FRENCH).message)
    assert "convflow config" in str(hint(error, FRENCH))


# --- Counts and sizes: thousands apart, sizes in the unit people read ------------------------

COUNTED = sorted(code for code, kinds in CODES.items() if "count" in kinds.values())
SIZED = sorted(code for code, kinds in CODES.items() if "bytes" in kinds.values())


@pytest.mark.parametrize("code", COUNTED)
def test_a_count_in_a_refusal_has_its_thousands_apart_in_french(code):
    """The tester read « 25000 caractères », « au plus 1000 caractères (5000 saisis) »."""
    params = {name: 25_000 if kind == "count" else _sample(kind) for name, kind in
              CODES[code].items()}  # fmt: skip

    french = say(ConvflowError(code, **params), Words("fr")).message
    english = say(ConvflowError(code, **params), Words("en")).message

    assert "25\u202f000" in french and "25000" not in french, french
    assert "25000" in english  # as a script reads it back, as amounts are


@pytest.mark.parametrize("code", SIZED)
def test_a_size_in_a_refusal_is_said_in_mo_not_in_bytes(code):
    """The tester read « 52428800 octets »."""
    params = {name: 50 * 1024 * 1024 if kind == "bytes" else _sample(kind) for name, kind in
              CODES[code].items()}  # fmt: skip

    french = say(ConvflowError(code, **params), Words("fr")).message

    assert "50\u00a0Mo" in french and "52428800" not in french and "octets" not in french


def _sample(kind):
    return {"text": "abc", "path": "/srv/x.toml", "number": 3, "state": "draft"}[kind]


@pytest.mark.parametrize(
    ("size", "french", "english"),
    [(800, "800 octets", "800 bytes"), (1024, "1\u00a0ko", "1 KB"), (1536, "1,5\u00a0ko", "1.5 KB"),
     (20 * 1024 * 1024, "20\u00a0Mo", "20 MB"),
     (20 * 1024 * 1024 + 1, "20,1\u00a0Mo", "20.1 MB"),  # past the limit: never said equal
     (3 * 1024**3, "3\u00a0Go", "3 GB"), (2048 * 1024**3, "2\u202f048\u00a0Go", "2048 GB")],
)  # fmt: skip
def test_a_size_is_said_in_the_largest_unit_it_makes_one_of(size, french, english):
    assert (Words("fr").size(size), Words("en").size(size)) == (french, english)


def test_the_sizes_the_documents_refusals_say_are_in_mo():
    said = {
        code: say(InvalidInput("file", code, **params), Words("fr")).problem
        for code, params in (
            ("document_too_large", {"most": str(20 * 1024 * 1024)}),  # as text, as raised
            ("document_too_big", {"size": 25 * 1024 * 1024, "most": 20 * 1024 * 1024}),
            ("pdf_too_many_pages", {"most": 500}),
            ("pdf_page_too_full", {"page": 1, "most": 25_000}),
        )
    }

    assert (
        said["document_too_large"] == "le document dépasse la taille acceptée (20\u00a0Mo au plus)"
    )
    assert said["document_too_big"].startswith(
        "le fichier fait 25\u00a0Mo, au-delà de la limite de 20\u00a0Mo fixée par les réglages"
    )
    assert "plus de 500\u00a0pages" in said["pdf_too_many_pages"]
    assert "porte plus de 25\u202f000\u00a0caractères" in said["pdf_page_too_full"]
