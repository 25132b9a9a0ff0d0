"""`make messages`: bring the catalogues up to date with the code (`python -m
workflow.wording.extract`).

The template (`locale/convflow.pot`) is built from what the code declares: every refusal code
of `states.errors.CODES` (with its parameters, for the translator), the frames and hints of
`workflow.wording.refusals`, every public name of `workflow.wording.labels.GLOSSARY`, the
sentences the entry points say through `words("...")` (found by Babel's extractor), and what
`convflow ... --help` shows (context `help`: found by walking the command tree, each command
imported; workflow.cli.help_words). Each
language's `.po` is then updated from it with Babel: new entries arrive empty, entries the code
no longer has are dropped. Translate the empty ones, then run the tests: they fail while a
French text is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from states.errors import CODES, FRAME_KINDS
from workflow.cli import cli
from workflow.cli.help_words import HELP, help_messages
from workflow.wording.catalogue import DOMAIN, LANGUAGES, LOCALE_DIR, po_path
from workflow.wording.glossary import GLOSSARY
from workflow.wording.refusals import FRAMES, HINTS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("workflow",)
KEYWORDS = {"words": None, "gettext_noop": None, "_": None}
"""The calls whose first argument is a sentence of the catalogue (`_` is `gettext_noop` where a
module marks many)."""
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
EPOCH = datetime(2026, 12, 1, tzinfo=UTC)
"""The template's date, kept fixed: `make messages` on unchanged code changes no file."""


def new_catalog(language: str | None = None) -> Catalog:
    """An empty catalogue of convflow's, with its header."""
    return Catalog(
        locale=language, domain=DOMAIN, project="convflow", version="0.1.0",
        copyright_holder="Métropole Aix-Marseille-Provence", charset="utf-8", msgid_bugs_address="",
        creation_date=EPOCH, revision_date=EPOCH, fuzzy=False,
        last_translator="convflow", language_team=language or "",
        header_comment="# The words of convflow (see workflow/wording/catalogue.py).\n",
    )  # fmt: skip


def sentences() -> Iterator[tuple[str, str, int]]:
    """The sentences the code says through `words(...)`: (text, file, line)."""
    for folder in SOURCES:
        found = extract_from_dir(
            ROOT / folder, [("**.py", "python")], keywords=KEYWORDS, comment_tags=()
        )
        for filename, line, message, _, _ in found:
            if isinstance(message, str):
                yield message, f"{folder}/{filename}", line


def helps() -> dict[str, list[str]]:
    """What `--help` shows, each piece with the commands whose help shows it."""
    shown: dict[str, list[str]] = {}
    for message, command in help_messages(cli, "convflow"):
        commands = shown.setdefault(message, [])
        if command not in commands:
            commands.append(command)
    return shown


def template() -> Catalog:
    """Every entry the code needs the catalogue to hold."""
    catalog = new_catalog()
    for code, params in CODES.items():
        frame = ", ".join(f"{name} ({kind})" for name, kind in params.items()) or "none"
        catalog.add(code, context="error", auto_comments=[f"parameters: {frame}"])
    for frame, names in FRAMES.items():
        comment = ", ".join(f"{n} ({FRAME_KINDS.get(n, 'text')})" for n in names)
        catalog.add(frame, context="frame", auto_comments=[f"parameters: {comment}"])
    for code in HINTS:
        catalog.add(code, context="hint", auto_comments=["the command line's hint"])
    for sort, names in GLOSSARY.items():
        for name in names:
            catalog.add(name, context=sort)
    for message, filename, line in sentences():
        known = catalog.get(message)
        if known is None:
            catalog.add(message, locations=[(filename, line)], flags=["python-brace-format"])
        else:
            known.locations.append((filename, line))
    for message, commands in helps().items():
        more = f" and {len(commands) - 1} more" if len(commands) > 1 else ""
        catalog.add(message, context=HELP, auto_comments=[f"`{commands[0]} --help`{more}"])
    return catalog


def update() -> list[Path]:
    """Write the template and bring each language's catalogue up to date with it."""
    built = template()
    with TEMPLATE.open("wb") as out:
        write_po(out, built, width=100, omit_header=False, sort_output=False)
    written = [TEMPLATE]
    for language in LANGUAGES:
        path = po_path(language)
        with path.open("rb") as po:
            catalog = read_po(po, locale=language, domain=DOMAIN)
        catalog.update(built, no_fuzzy_matching=True)
        catalog.obsolete.clear()  # a code no longer raised leaves the catalogue
        with path.open("wb") as out:
            write_po(out, catalog, width=100, sort_output=False, include_previous=False)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - run by `make messages`
    for path in update():
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")
