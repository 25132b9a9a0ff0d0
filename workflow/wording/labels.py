"""Labels of the public names (states, events, inputs, deadline kinds...), defined once.

A public name (`execution`, `give_notice`, `end_date`) is said through the message catalogue,
under the gettext context of its sort (`state`, `event`...): French gives its label, English
keeps the name itself. `GLOSSARY` (`workflow.wording.glossary`) lists every name that has a
label, by sort; `make messages` puts each in the catalogue and a test fails when one has no
French label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from states.committee import committee_words
from workflow.wording.catalogue import DEFAULT_LANGUAGE, Language, gettext_noop, translations

if TYPE_CHECKING:
    from workflow.wording.glossary import GLOSSARY


def label(sort: str, name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """The label of a public name of this sort; the name itself when it has none."""
    said = str(translations(language).pgettext(sort, name))
    return said


def state(name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A convention's state: 'en exécution'."""
    return label("state", name, language)


def event(name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A convention's event as the history names it: 'Versement'."""
    return label("event", name, language)


OVERRIDDEN_STATE = gettext_noop("running to its term (notice given, without effect)")
"""The state `termination` under a notice the term overrides, as the emails say it
(notifications/templates/_macros.txt, state_said), and the pages, the command line and the
refusals naming the convention's state after them (`invalid_transition`, `award_not_now`,
`letter_not_now`...: their `notice_overridden`)."""


FINANCIAL_REPORT_RECEIVED = gettext_noop("Financial report received")
"""A `report_received` line whose `report` input is `financial`: the financial report of rule
20 (docs/LEGAL-DEADLINES.md), not an instalment's document, whatever the state it came in."""


def recorded_event(
    name: str, inputs: Mapping[str, Any] | None, language: Language = DEFAULT_LANGUAGE
) -> str:
    """A recorded line's event, named after what it records: `report_received report=financial`
    is « Compte rendu financier reçu », in payment or execution as after the end; the event's
    own label otherwise (`event`, which lists of possible events keep: there it may be either)."""
    if name == "report_received" and (inputs or {}).get("report") == "financial":
        return str(translations(language).gettext(FINANCIAL_REPORT_RECEIVED))
    return event(name, language)


def amendment_event(name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """An amendment's event as the history names it: 'Signature de l'avenant'."""
    return label("amendment_event", name, language)


def input_name(key: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """An event's input as the history names it: 'Lettre reçue le'."""
    return label("input", key, language)


def deadline(kind: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A deadline kind: 'terme de la convention'."""
    return label("deadline", kind, language)


_NAMED_COMMITTEE = {
    ("event", "committee_meeting"): gettext_noop("Meeting {of_committee}"),
    ("event", "committee_cadence"): gettext_noop("Cadence {of_committee}"),
    ("action", "committee_meeting"): gettext_noop("Record a meeting {of_committee}"),
    ("deadline", "committee"): gettext_noop("next meeting {of_committee}"),
    ("email", "reminder_committee"): gettext_noop("Reminder: {committee} to convene"),
}
"""The labels that name the steering committee, for a committee the convention names
otherwise than the model's Comité technique; `of_committee` (« de la Commission de suivi ») and
`committee` (« Commission de suivi », « comité « COPIL » », as the email's subject says it) are
French: the labels are French, English keeps the public names."""


def for_committee(
    sort: str, name: str, committee: str | None, language: Language = DEFAULT_LANGUAGE
) -> str:
    """The label of a public name of this sort, naming the committee as its convention does:
    the catalogue's own for the model's Comité technique (`committee` None, or that one);
    « prochaine réunion de la Commission de suivi », « Réunion du Comité de pilotage » for
    another (states.committee.committee_words)."""
    said = _NAMED_COMMITTEE.get((sort, name))
    words = committee_words(committee, "")
    if said is None or words.model or language != "fr":
        return label(sort, name, language)
    text = str(translations(language).gettext(said))
    return text.format(of_committee=words.of(), committee=words.noun)


def email(kind: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """What an email is about: 'Demande de signature'."""
    return label("email", kind, language)


def reminder_reason(reason: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """Why a due reminder did not go out (a reason of `states.due`): 'regroupé avec un rappel
    plus récent'."""
    return label("reminder_reason", reason, language)


def deadline_reason(reason: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """Why a passed deadline is not announced by its own email (a reason of `states.due`)."""
    return label("deadline_reason", reason, language)


def term(key: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """What an amendment changes, in lower case: 'terme de la convention', 'représentants de
    la partie crpv'."""
    from states.amendments import REPRESENTATIVES, instalment_number  # see __getattr__

    if key.startswith("signatory.") and key != REPRESENTATIVES:
        party = key.removeprefix("signatory.")
        return label("term", "signatory.{party}", language).format(party=party)
    number = instalment_number(key)
    if number is not None:
        return label("term", "instalment.{number}.amount", language).format(number=number)
    return label("term", key, language)


def __getattr__(name: str) -> Any:
    """`GLOSSARY`, imported from `workflow.wording.glossary` when
    first asked: saying a label must not import the whole domain."""
    if name == "GLOSSARY":
        from workflow.wording import glossary

        return getattr(glossary, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "GLOSSARY",
    "OVERRIDDEN_STATE",
    "amendment_event",
    "deadline",
    "deadline_reason",
    "email",
    "event",
    "input_name",
    "label",
    "reminder_reason",
    "state",
    "term",
]
