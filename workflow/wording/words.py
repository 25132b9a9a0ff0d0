"""The words of one language, as an entry point speaks them: sentences, labels and values.

`Words("fr")("{reference}: imported in state {state}", reference=..., state=...)` finds the
sentence in the catalogue and puts each value in as French reads it: a date '3 juillet 2025',
an amount '200 000,00 €', a measure '77,6'. English keeps the forms a script reads back: ISO
dates, amounts as written, public names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from notifications import date_fr, date_fr_full, datetime_fr, end_fr, euros
from notifications.formatting import number_fr
from workflow.wording import labels
from workflow.wording.catalogue import (
    DEFAULT_LANGUAGE,
    Language,
    Translations,
    gettext_noop,
    translations,
)

NONE, UNKNOWN = gettext_noop("none"), gettext_noop("unknown")
PARIS_TIME = gettext_noop("{moment} (Paris time)")
SIZES = (
    (1024**3, gettext_noop("{size} GB")),
    (1024**2, gettext_noop("{size} MB")),
    (1024, gettext_noop("{size} KB")),
)
"""The units a size is said in, largest first (1 Mo = 1 048 576 octets, as Windows counts)."""
BYTES = gettext_noop("{size} bytes")
TOKEN_HOLDER = gettext_noop("{name} (access token)")
"""Who recorded an event through a token, as people read it: 'alice (jeton d'accès)'."""
TOKEN_SUFFIX = " (token)"
"""How the history records a token's holder ('alice (token)', `Principal.actor`): stored as
it is, said in words (`Words.actor`)."""
TYPED = frozenset({"state", "event", "action", "amendment_event", "amendment_action", "input",
                   "field", "term", "role"})  # fmt: skip
"""The sorts of public names a person types on the command line."""
Day = date
_INDEXES = re.compile(r"\[\d+\]|(?<=\.)\d+\.|\.\d+$")  # parties[0].name, parties.0.name
_PARTY_COLUMN = re.compile(r"^party\d+_(signatory_)?(\w+)$")  # a spreadsheet's party2_name
_CLAUSE_COLUMNS = (
    "dispute_window_days", "termination_notice_months", "payment_target_days",
    "signature_target_days",
)  # fmt: skip


def _sheet_column_field(key: str) -> str:
    """The file field a spreadsheet's column fills (`party2_signatory_email` fills
    `parties.signatories.email`); any other key as it is."""
    if key in _CLAUSE_COLUMNS:
        return f"clauses.{key}"
    if found := _PARTY_COLUMN.match(key):
        return f"parties.{'signatories.' if found.group(1) else ''}{found.group(2)}"
    return key


@dataclass(frozen=True)
class Words:
    """What one entry point says, in one language.

    `names`: after the label of a name a person types, that name (the command line speaks
    French, but its arguments are `execution`, `pay`, `amount`).
    """

    language: Language = DEFAULT_LANGUAGE
    names: bool = False

    @property
    def catalogue(self) -> Translations:
        """This language's catalogue."""
        return translations(self.language)

    def __call__(self, message: str, /, **values: object) -> str:
        """A sentence of the catalogue, its `{values}` put in as this language reads them."""
        text: str = self.catalogue.gettext(message)
        return text.format(**{name: self.value(value) for name, value in values.items()})

    def sentence(self, message: str, values: Mapping[str, object], /) -> str:
        """A sentence whose values come as a mapping, a list's items each said as this
        language says it ('20 000,00 €, 25 000,00 €'): how the extraction's warnings and
        drafted file are said (`workflow.files.extract` keeps them in English)."""
        said = {
            name: self.listing(self.value(item) for item in value)
            if isinstance(value, list | tuple) else value
            for name, value in values.items()
        }  # fmt: skip
        return self(message, **said)

    def entry(self, context: str, key: str, /, **values: str) -> str:
        """An entry of the catalogue under a context (a refusal's code, a frame, a hint), its
        values already said."""
        text = str(self.catalogue.pgettext(context, key))
        return text.format(**values)

    def has(self, context: str, key: str) -> bool:
        """True when the catalogue says this entry (otherwise gettext gives the key back)."""
        text = str(self.catalogue.pgettext(context, key))
        return text != key

    def label(self, sort: str, name: str) -> str:
        """A public name's label; followed by the name itself for the command line."""
        said = labels.label(sort, name, self.language)
        return self._with_name(said, name) if sort in TYPED else said

    def recorded_event(self, name: str, inputs: Mapping[str, Any] | None) -> str:
        """A recorded line's event (labels.recorded_event), followed by its name for the
        command line: « Compte rendu financier reçu (report_received) » for the financial
        report, « Document reçu pour un versement (report_received) » for an instalment's."""
        return self._with_name(labels.recorded_event(name, inputs, self.language), name)

    def committee_label(self, sort: str, name: str, committee: str | None) -> str:
        """`label`, naming the steering committee as its convention does (`committee`, its
        name; labels.for_committee): « Réunion de la Commission de suivi »."""
        said = labels.for_committee(sort, name, committee, self.language)
        return self._with_name(said, name) if sort in TYPED else said

    def named(self, sort: str, name: str, committee: str | None = None) -> str:
        """A public name's label followed by the name itself for the command line, whatever
        its sort: an email's kind (`signature_requested`) that `--json` and the logs show;
        the steering committee named as its convention names it (`committee`, its name)."""
        said = labels.for_committee(sort, name, committee, self.language)
        return self._with_name(said, name)

    def actor(self, actor: str) -> str:
        """Who recorded an event, as the history stores it, said: a token's holder
        'alice (token)' is 'alice (jeton d'accès)' in French; a person's name as it is."""
        if actor.endswith(TOKEN_SUFFIX):
            return self(TOKEN_HOLDER, name=actor.removesuffix(TOKEN_SUFFIX))
        return actor

    def _with_name(self, said: str, name: str) -> str:
        return f"{said} ({name})" if self.names and said != name else said

    def field(self, key: str) -> str:
        """The field a refusal is about, as a form asks it: 'Montant versé, en euros'; a term
        an amendment changes when it is one ('change.end_date', 'signatory.crpv')."""
        name = key.removeprefix("change.")
        amended = name.startswith(("signatory.", "instalment."))
        if amended or (name != key and name in labels.GLOSSARY["term"]):
            said = labels.term(name, self.language)
            if said == name:  # no label in this language: the name as it is typed
                return name
            return self._with_name(said[:1].upper() + said[1:], name)
        return self.label("field", name)

    def file_field(self, key: str) -> str:
        """A field of a convention file, as the file's form names it: 'Montant (€ TTC)' for
        `amount` (the convention's amount, where an event's `amount` is the one paid); a field
        the form does not name (a history entry's) as `field` says it."""
        generic = _sheet_column_field(_INDEXES.sub("", key))
        if generic not in labels.GLOSSARY["file_field"]:
            return self.field(key)
        said = labels.label("file_field", generic, self.language)
        return self._with_name(said, key) if said != generic else key

    def amendment_action(self, name: str, number: object) -> str:
        """What recording an amendment's event is called: 'Signer l'avenant n°2'."""
        said = labels.label("amendment_action", name, self.language).format(number=number)
        return self._with_name(said, name)

    def value(self, value: object) -> str:
        """A value in a sentence: dates, instants and amounts as this language writes them."""
        if isinstance(value, datetime):
            return self.instant(value)
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, Decimal):
            return self.amount(value)
        if isinstance(value, float):
            return self.measure(value)
        if isinstance(value, list | tuple):
            return self.listing(str(item) for item in value)
        return str(value)

    def date(self, day: Day) -> str:
        """A civil date: '3 juillet 2025', or ISO '2025-07-03' in English."""
        return date_fr(day) if self.language == "fr" else day.isoformat()

    def long_date(self, day: Day) -> str:
        """A civil date with its weekday: 'mercredi 2 juillet 2025', or ISO in English."""
        return date_fr_full(day) if self.language == "fr" else day.isoformat()

    def instant(self, moment: datetime) -> str:
        """An instant: 'jeudi 3 juillet 2025 à 10:00 (heure de Paris)', or ISO in English."""
        if self.language == "fr":
            return self(PARIS_TIME, moment=datetime_fr(moment))
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

    def end(self, moment: datetime) -> str:
        """The instant a deadline ends, as the emails say it: at midnight in Marseille, the
        day that ends 'samedi 2 janvier 2027 à 24\u00a0h (heure de Paris)', not 00:00 of the next
        day; ISO in English, as `instant`."""
        if self.language == "fr":
            return self(PARIS_TIME, moment=end_fr(moment))
        return self.instant(moment)

    def amount(self, amount: Decimal) -> str:
        """An amount in euros: '200 000,00 €', or '200000.00' in English."""
        return euros(amount) if self.language == "fr" else f"{amount:.2f}"

    def count(self, number: int) -> str:
        """A whole number that counts: '25 000' in French, its thousands apart by a narrow
        no-break space as Babel writes them (and amounts); '25000' in English, as a script
        reads it back."""
        return number_fr(number) if self.language == "fr" else str(number)

    def size(self, size: int) -> str:
        """A size in bytes in the largest unit it makes one of: '20 Mo', '1,5 Ko', '800
        octets'; to the tenth, rounded up, so that a size past a limit is never said below
        it ('20,1 Mo' for one byte past 20 Mo)."""
        from babel.numbers import format_decimal

        for unit, said in SIZES:
            if size >= unit:
                tenths = Decimal(-(-size * 10 // unit)) / 10
                grouped = "#,##0.#" if self.language == "fr" else "0.#"  # English: as `count`
                figure = format_decimal(tenths, format=grouped, locale=self._locale)
                return self(said, size=figure)
        return self(BYTES, size=self.count(size))

    @property
    def _locale(self) -> str:
        return "fr_FR" if self.language == "fr" else "en"

    def measure(self, value: float) -> str:
        """A measure to a tenth (gibibytes, seconds): '77,6' in French, '77.6' in English."""
        from babel.numbers import format_decimal

        return format_decimal(
            value, format="#,##0.0", locale="fr_FR" if self.language == "fr" else "en"
        )

    def listing(self, items: Iterable[str]) -> str:
        """Items one after the other, or 'none'."""
        return ", ".join(items) or self(NONE)


__all__ = ["NONE", "UNKNOWN", "Words"]
