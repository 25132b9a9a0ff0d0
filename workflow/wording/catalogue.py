"""The message catalogue: every word people read, in French and in English, as gettext files.

One `.po` file per language (`locale/<language>/LC_MESSAGES/convflow.po`), managed with Babel
(`make messages` brings them up to date with the code, see `workflow.wording.extract`). They are
the only source: no compiled file is kept in git, none to keep in step.

Compiling a `.po` with Babel costs about 25 ms at every start of a command, so the compiled
catalogue is kept beside it (`convflow.mo`, git-ignored) with the SHA-256 of the `.po` text it was
made from, as an entry of its own (context `convflow-source`, msgid `sha256`: Babel's catalogue
drops a header it does not know). A process reads that `.mo` when its recorded hash is the `.po`'s
of now; otherwise it compiles the `.po` in memory, as before, and tries to leave the `.mo` for the
next one (a temporary file in the same folder, then `os.replace`: two processes writing at once
leave one whole file). A folder it may not write (a read-only install, systemd's
`ProtectSystem=strict`), or any other OSError, or a damaged `.mo`, only means compiling again:
never an error, never a message. The container image compiles its catalogues once when it is built
(examples/deploy/Containerfile). Fuzzy entries are left out, as Babel's `write_mo` does.
A kept `.mo` is read with the standard library's gettext: Babel (tens of milliseconds to import)
is imported only to compile, so that `convflow --help` says its words without it.

Entries come in four sorts, told apart by their gettext context (msgctxt):
- no context: a sentence of an entry point, its msgid the English text ('{reference}: imported
  in state {state}'); the English catalogue leaves it untranslated;
- `error`, `frame`, `hint`: a refusal's code, the frames that say what it is about (the field,
  the event refused, the file), the command line's hints; their msgid is the code, both
  languages say it;
- a label's context (`state`, `event`, `action`, `field`...): a public name's label; its msgid
  is the name, which the English catalogue keeps;
- `help`: a piece of what `--help` shows (a paragraph of a command's docstring, an option's
  help, click's own words), its msgid the English text, which the English catalogue keeps
  (workflow.cli.help_words).
"""

from __future__ import annotations

import contextlib
import gettext
import hashlib
import os
import stat
import struct
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT_LANGUAGE: Language = "fr"
DOMAIN = "convflow"
LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_CONTEXT, SOURCE_ID = "convflow-source", "sha256"
"""Where a compiled catalogue records the SHA-256 of the `.po` text it was compiled from."""
Translations = gettext.GNUTranslations
"""A language's catalogue: `gettext(message)`, `pgettext(context, message)`."""


def gettext_noop(message: str) -> str:
    """Marks a sentence for the catalogue where it is not said at once (`make messages`)."""
    return message


def po_path(language: Language) -> Path:
    """Where the catalogue of `language` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: Language) -> Path:
    """Where the compiled catalogue of `language` is kept, beside its `.po` (git-ignored)."""
    return po_path(language).with_suffix(".mo")


@cache
def translations(language: Language) -> Translations:
    """The catalogue of `language` as its `.po` file says now (fuzzy entries left out): its
    compiled `.mo` when that was made from this very text, else compiled again (and kept)."""
    po, mo = po_path(language), mo_path(language)
    source = po.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    kept = _kept(mo, digest)
    if kept is not None:
        return kept
    compiled = _compiled(source, language, digest)
    _keep(mo, compiled, po)
    return Translations(BytesIO(compiled))


def _kept(path: Path, digest: str) -> Translations | None:
    """The `.mo` at `path` if it was compiled from the `.po` text whose hash is `digest`."""
    try:
        with path.open("rb") as mo:
            kept = Translations(mo)
    # What gettext raises on a damaged file: a bad magic number or offsets past the end
    # (OSError), a short header (struct.error), undecodable text (ValueError), a bad charset.
    except (OSError, ValueError, LookupError, struct.error):
        return None
    return kept if kept.pgettext(SOURCE_CONTEXT, SOURCE_ID) == digest else None


def _compiled(source: bytes, language: Language, digest: str) -> bytes:
    """The `.po` text `source` compiled to a `.mo`, its hash recorded in it."""
    # Babel's catalogue reader and writer, only for a process that compiles (about 3 ms).
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(BytesIO(source), locale=language, domain=DOMAIN)
    catalog.add(SOURCE_ID, digest, context=SOURCE_CONTEXT)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    return compiled.getvalue()


def _keep(path: Path, compiled: bytes, source: Path) -> None:
    """Leave `compiled` at `path` for the next process, readable by whoever reads `source`;
    where it cannot be written, nothing is (the next process compiles again)."""
    import tempfile  # only for a process that compiled: one reading the kept `.mo` needs none

    try:
        handle, temporary = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(compiled)
            os.fchmod(out.fileno(), stat.S_IMODE(source.stat().st_mode) & 0o666)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


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
    "SOURCE_CONTEXT",
    "SOURCE_ID",
    "Language",
    "Translations",
    "gettext_noop",
    "language_of",
    "mo_path",
    "negotiate",
    "po_path",
    "translations",
]
