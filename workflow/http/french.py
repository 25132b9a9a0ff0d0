"""The domain's refusals in French, for the dashboard.

The domain words its refusals in English (`InvalidInput.problem`, `GuardRejected.reason`,
`UnknownEvent`): the command line and the JSON API show them as they are, a public contract.
The dashboard says them in French through this catalogue: an ordered list of patterns over the
English texts, each with its French template. A template names the pattern's groups, and each
group is said in French according to its kind, the name without its trailing digits: `day` a
date ('3 juillet 2025'), `amount` a sum ('200 000,00 €'), `action` an event's button, and so
on (see `_KINDS`); any other group (`text`, `number`...) is kept as written.

A text no pattern matches stays in English: a new message in the domain shows as it is until
the catalogue learns it, never as an error page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from notifications import euros
from states.amendments import FIELD_LABELS
from states.calendar import french_day
from workflow.wording import dashboard as labels

_DAY = r"\d{4}-\d{2}-\d{2}"
_AMOUNT = r"-?\d+(?:\.\d+)?"
_NAME = r"[a-z_]+"

EXTRA_FIELDS = {
    "on": "Date de l'événement",
    "version": "Version de la page",
    "changes": "Modifications proposées",
}
"""Fields a refusal may name that are no event's input: the form's date, its version, and the
changes of an amendment as a whole."""

_BASES = {
    "receipt": "de réception",
    "dispatch": "d'envoi",
    "presentation": "de première présentation",
}


def _day(text: str) -> str:
    """A `YYYY-MM-DD` date in French: '3 juillet 2025'."""
    return french_day(date.fromisoformat(text))


def _amount(text: str) -> str:
    """An amount in euros in French: '200 000,00 €'."""
    return euros(Decimal(text))


def _items(text: str) -> list[str]:
    """The items of a comma-separated list."""
    return [item.strip() for item in text.split(",") if item.strip()]


def _events(text: str) -> str:
    """A list of event names, as the history names them."""
    return ", ".join(labels.event(name) for name in _items(text))


def _inputs(text: str) -> str:
    """A list of input keys, as the forms name them."""
    return ", ".join(labels.input_label(key) for key in _items(text))


def _term(key: str) -> str:
    """What an amendment may change, in lower case: 'terme de la convention'."""
    if key.startswith("signatory."):
        return "représentants d'une partie"
    return FIELD_LABELS.get(key, key)


def _terms(text: str) -> str:
    """A list of what an amendment may change."""
    return ", ".join(_term(key) for key in _items(text))


def _letter_date(key: str) -> str:
    """A letter's date, as the middle of a sentence names it: 'date d'envoi de la lettre'."""
    label = labels.input_label(key)
    return label[:1].lower() + label[1:]


_KINDS: dict[str, Callable[[str], str]] = {
    "day": _day,
    "amount": _amount,
    "action": labels.action,
    "events": _events,
    "inputs": _inputs,
    "terms": _terms,
    "letter_date": _letter_date,
    "state": labels.state,
    "amendment_state": labels.amendment_state,
    "basis": lambda basis: _BASES.get(basis, basis),
}
"""How each kind of group is said in French; the others are kept as written."""


def _said(name: str, value: str) -> str:
    """One group's value in French, by its kind; as written when it cannot be read."""
    kind = _KINDS.get(name.rstrip("0123456789"))
    if kind is None:
        return value
    try:
        return kind(value)
    except (ValueError, ArithmeticError, TypeError):
        return value


def _entry(pattern: str, template: str) -> tuple[re.Pattern[str], str]:
    """One line of the catalogue: the English text, whole, and its French template."""
    return re.compile(pattern, re.DOTALL), template


CATALOGUE: list[tuple[re.Pattern[str], str]] = [
    # Inputs of an event (states/inputs.py).
    _entry(
        rf"unknown input for '(?P<action>{_NAME})' \(accepted: no inputs\)",
        "cette donnée n'est pas attendue : « {action} » n'en prend aucune",
    ),
    _entry(
        rf"unknown input for '(?P<action>{_NAME})' \(accepted: (?P<inputs>.*)\)",
        "cette donnée n'est pas attendue pour « {action} » (données acceptées : {inputs})",
    ),
    _entry(rf"required by '(?P<action>{_NAME})'", "obligatoire pour « {action} »"),
    _entry(
        r"'(?P<text>.*)' is not a date \(YYYY-MM-DD\) or an ISO instant with its timezone",
        "« {text} » n'est pas une date au format AAAA-MM-JJ, ni un instant ISO avec son "
        "fuseau horaire",
    ),
    _entry(
        r"the instant '(?P<text>.*)' needs a timezone \(Z or \+01:00\)",
        "l'instant « {text} » doit indiquer son fuseau horaire (Z ou +01:00)",
    ),
    _entry(r"'(?P<text>.*)' is not an ISO instant", "« {text} » n'est pas un instant ISO"),
    _entry(
        r"'(?P<text>.*)' is not an amount in euros \(e\.g\. 200000\.00 or 200 000,00\)",
        "« {text} » n'est pas un montant en euros (par exemple 200000.00 ou 200 000,00)",
    ),
    _entry(r"'(?P<text>.*)' is not an amount", "« {text} » n'est pas un montant"),
    _entry(r"the amount must be positive", "le montant doit être supérieur à zéro"),
    _entry(r"'(?P<text>.*)' is not yes or no", "« {text} » ne vaut ni oui ni non"),
    # Registered letters (states/deadlines.py, states/rules.py).
    _entry(
        rf"(?P<day>{_DAY}) is before (?P<letter_date>{_NAME}) (?P<day2>{_DAY})",
        "cette date ({day}) précède la {letter_date} ({day2})",
    ),
    _entry(
        r"a letter marked uncollected has no receipt date",
        "une lettre signalée comme non réclamée n'a pas de date de réception",
    ),
    _entry(
        r"the date the letter was received is required",
        "la date de réception de la lettre est obligatoire",
    ),
    _entry(
        r"an uncollected letter needs the date of its first presentation",
        "pour une lettre non réclamée, indiquez la date de sa première présentation",
    ),
    _entry(
        r"the termination letter was never collected \(or an LRE not accepted in time\): "
        r"the termination is not notified",
        "la lettre de résiliation n'a jamais été retirée (ou la lettre recommandée électronique "
        "n'a pas été acceptée à temps) : la résiliation n'est pas notifiée",
    ),
    _entry(
        r"the letter was never collected: the termination is not notified \((?P<article>.*)\)",
        "la lettre n'a jamais été retirée : la résiliation n'est pas notifiée ({article})",
    ),
    _entry(
        rf"the notice counts from the letter's (?P<basis>{_NAME}) date \(setting "
        rf"termination_letter_date=(?P<setting>{_NAME})\), which is missing",
        "le préavis court à compter de la date {basis} de la lettre (réglage "
        "termination_letter_date={setting}), qui n'est pas renseignée",
    ),
    _entry(
        rf"(?P<day>{_DAY}) is after the event's date \((?P<day2>{_DAY})\); date the event "
        r"with --on",
        "cette date ({day}) est postérieure à celle de l'événement ({day2}) : indiquez la date "
        "de l'événement",
    ),
    _entry(
        rf"the letter \((?P<day>{_DAY})\) predates the convention's effect \((?P<day2>{_DAY})\)",
        "la lettre ({day}) est antérieure à la prise d'effet de la convention ({day2})",
    ),
    _entry(
        rf"this letter ended the convention on (?P<day>{_DAY}), before the date it is recorded "
        rf"at \((?P<day2>{_DAY})\); record it at its own date \(--on (?P<day3>{_DAY})\)",
        "cette lettre a mis fin à la convention le {day}, avant la date de son enregistrement "
        "({day2}) : enregistrez-la à sa propre date ({day3})",
    ),
    _entry(r"no termination notice is running", "aucun préavis de résiliation n'est en cours"),
    # Parties, signatories, payment, court (states/rules.py, states/amendments.py).
    _entry(
        r"no party '(?P<text>.*)' \(parties: (?P<parties>.*)\)",
        "la convention n'a pas de partie « {text} » (parties : {parties})",
    ),
    _entry(
        r"'(?P<text>.*)' is not a signatory \((?P<known>.*)\)",
        "« {text} » n'est pas signataire de la convention (signataires : {known})",
    ),
    _entry(
        rf"(?P<email>\S+) already signed on (?P<day>{_DAY})",
        "{email} a déjà signé, le {day}",
    ),
    _entry(
        rf"it predates the submission \((?P<day>{_DAY})\)",
        "cette date précède la soumission à la signature ({day})",
    ),
    _entry(
        rf"it predates the convention's effect \((?P<day>{_DAY})\)",
        "cette date précède la prise d'effet de la convention ({day})",
    ),
    _entry(
        rf"amount (?P<amount>{_AMOUNT}) differs from the amount due (?P<amount2>{_AMOUNT}) "
        r"\((?P<article>[^:]*): a single payment\)",
        "le montant saisi ({amount}) n'est pas le montant dû ({amount2}) : le versement est "
        "unique ({article})",
    ),
    _entry(
        rf"the amicable window of article 6 is still open; a party may go to court "
        rf"from (?P<day>{_DAY})",
        "la période de règlement amiable de l'article 6 court encore : le tribunal peut être "
        "saisi à partir du {day}",
    ),
    # The date of an event (states/lifecycle.py, states/amendments.py).
    _entry(r"its conditions are not met", "ses conditions ne sont pas remplies"),
    _entry(
        rf"it is dated (?P<day>{_DAY}), after today \((?P<day2>{_DAY})\)",
        "la date indiquée ({day}) est postérieure à aujourd'hui ({day2})",
    ),
    _entry(
        rf"it is dated (?P<day>{_DAY}), before the last recorded event \((?P<day2>{_DAY})\)",
        "la date indiquée ({day}) est antérieure au dernier événement enregistré ({day2})",
    ),
    _entry(
        rf"it is dated (?P<day>{_DAY}), after the convention's end on (?P<day2>{_DAY}); "
        r"run `convflow run-due` to apply the end",
        "la date indiquée ({day}) est postérieure à la fin de la convention, le {day2} ; cette "
        "fin est appliquée par le service à son échéance",
    ),
    _entry(
        rf"it is dated (?P<day>{_DAY}), before (?P<day2>{_DAY})",
        "la date indiquée ({day}) est antérieure au {day2}, date du dernier événement "
        "enregistré (de la convention ou de l'avenant) ou de sa prise d'effet",
    ),
    # Amendments (states/amendments.py, workflow/amendments.py).
    _entry(
        r"an amendment changes at least one of: (?P<terms>.*)",
        "un avenant doit modifier au moins un élément ({terms})",
    ),
    _entry(
        r"an amendment cannot change this \(it may change: (?P<terms>.*)\)",
        "un avenant ne peut pas modifier cet élément (il peut modifier : {terms})",
    ),
    _entry(
        r"(?P<email>\S+) already signs for (?P<party>.*)",
        "{email} signe déjà pour la partie « {party} » : une même personne ne signe qu'une fois",
    ),
    _entry(
        rf"(?P<day>{_DAY}) is before the convention's effective date \((?P<day2>{_DAY})\)",
        "cette date ({day}) précède la prise d'effet de la convention ({day2})",
    ),
    _entry(
        r"already (?P<text>.*): an amendment changes a term",
        "c'est déjà sa valeur ({text}) : un avenant modifie une condition",
    ),
    _entry(
        r"'(?P<text>.*)' is not a list of days, e\.g\. 90,60,30,7",
        "« {text} » n'est pas une liste de jours, par exemple 90,60,30,7",
    ),
    _entry(
        r"give between (?P<low>\d+) and (?P<high>\d+) offsets, each from (?P<first>\d+) "
        r"to (?P<last>\d+) days",
        "indiquez de {low} à {high} délais, chacun de {first} à {last} jours",
    ),
    _entry(r"'(?P<text>.*)' is not a whole number", "« {text} » n'est pas un nombre entier"),
    _entry(
        r"(?P<number>-?\d+) is not between (?P<low>-?\d+) and (?P<high>-?\d+)",
        "{number} n'est pas compris entre {low} et {high}",
    ),
    _entry(
        r"'(?P<text>.*)' is not 'Name\|Title\|email@example\.org'",
        "« {text} » n'est pas de la forme « Nom|Fonction|adresse@example.org »",
    ),
    _entry(
        rf"the convention is (?P<state>{_NAME}), not in force: an amendment after its end "
        r"would be a new convention",
        "la convention est {state}, et non en vigueur : un avenant après sa fin serait une "
        "nouvelle convention",
    ),
    _entry(
        rf"the convention is (?P<state>{_NAME}): an amendment is possible only while it is in "
        r"force \(from its last signature to its end\); after its term it would be a new "
        r"convention",
        "la convention est {state} : un avenant n'est possible que pendant qu'elle est en "
        "vigueur (de sa dernière signature à son terme) ; après son terme, ce serait une "
        "nouvelle convention",
    ),
    _entry(
        rf"avenant n°(?P<number>\d+) is still (?P<amendment_state>{_NAME}): sign or abandon "
        r"it first",
        "l'avenant n°{number} est encore {amendment_state} : faites-le signer ou "
        "abandonnez-le d'abord",
    ),
    _entry(
        rf"signed on (?P<day>{_DAY}), after the convention's term \((?P<day2>{_DAY})\): signed "
        r"after the term, an amendment would be a new convention \(.*\)",
        "la signature du {day} est postérieure au terme de la convention ({day2}) : signé "
        "après le terme, un avenant serait une nouvelle convention",
    ),
    _entry(
        rf"its new term \((?P<day>{_DAY})\) would already be over when it takes effect on "
        rf"(?P<day2>{_DAY})",
        "son nouveau terme ({day}) serait déjà passé à sa prise d'effet, le {day2}",
    ),
    _entry(
        r"(?P<reference>.+): no amendment n°(?P<number>\d+) \(see `convflow amendments`\)",
        "la convention {reference} n'a pas d'avenant n°{number}",
    ),
    # Events and forms (states/errors.py, workflow/http/convention_pages.py).
    _entry(
        r"unknown event '(?P<text>.*)' \(events: (?P<events>.*)\)",
        "l'événement « {text} » n'existe pas (événements possibles : {events})",
    ),
    _entry(
        r"'(?P<text>.*)' is not a version number",
        "« {text} » n'est pas un numéro de version",
    ),
]
"""The English refusals a person can meet on the dashboard, the specific ones first."""


def translate(text: str) -> str | None:
    """The French of an English refusal, or None when the catalogue does not know it."""
    for pattern, template in CATALOGUE:
        found = pattern.fullmatch(text)
        if found is not None:
            words = {name: _said(name, value) for name, value in found.groupdict().items()}
            return template.format(**words)
    return None


def to_french(text: str) -> str:
    """An English refusal in French; the text as it is when the catalogue does not know it."""
    return translate(text) or text


def sentence(text: str) -> str:
    """A refusal as a sentence of its own: its French with a capital and a full stop, or the
    English text unchanged when the catalogue does not know it."""
    french = translate(text)
    if french is None:
        return text
    return f"{french[:1].upper()}{french[1:]}."


def field_label(key: str) -> str:
    """The field a refusal is about, as the forms name it."""
    term = key.removeprefix("change.")
    if term.startswith("signatory."):
        return labels.amendment_field(term)
    return EXTRA_FIELDS.get(key) or labels.input_label(key)
