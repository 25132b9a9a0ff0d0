"""The message catalogue: every word people read, in French and in English, as gettext files.

One `.po` file per language (`locale/<language>/LC_MESSAGES/convflow.po`), managed with Babel
(`make messages` brings them up to date with the code, see `workflow.wording.extract`). They are
read as they are, with Babel, when first needed: no compiled file to keep in step.

Entries come in three sorts, told apart by their gettext context (msgctxt):
- no context: a sentence of an entry point, its msgid the English text ('{reference}: imported
  in state {state}'); the English catalogue leaves it untranslated;
- `error`, `frame`, `hint`: a refusal's code, the frames that say what it is about (the field,
  the event refused, the file), the command line's hints; their msgid is the code, both
  languages say it;
- a label's context (`state`, `event`, `action`, `field`...): a public name's label; its msgid
  is the name, which the English catalogue keeps.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT_LANGUAGE: Language = "fr"
DOMAIN = "convflow"
LOCALE_DIR = Path(__file__).with_name("locale")


def gettext_noop(message: str) -> str:
    """Marks a sentence for the catalogue where it is not said at once (`make messages`)."""
    return message


def po_path(language: Language) -> Path:
    """Where the catalogue of `language` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: Language) -> Translations:
    """The catalogue of `language`, read from its `.po` file (fuzzy entries left out)."""
    with po_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _known(tag: str | None) -> Language | None:
    code = (tag or "").strip().lower().replace("_", "-").split("-")[0]
    return "fr" if code == "fr" else "en" if code == "en" else None


def language_of(text: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """A language from its code ('fr', 'en-GB', 'FR'), or `default` when it is none of ours."""
    return _known(text) or default


def negotiate(accept_language: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """The language an HTTP client prefers among ours (`Accept-Language: en, fr;q=0.5`)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        if (language := _known(tag)) is not None:
            return language
    return default


__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "Language",
    "gettext_noop",
    "language_of",
    "negotiate",
    "po_path",
    "translations",
]
