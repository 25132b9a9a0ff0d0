"""`convflow extract`: a convention file drafted from the convention's own document.

Registered on the `convflow` group by `workflow.cli`.
"""

from __future__ import annotations

from pathlib import Path

import click

from workflow.cli.context import (
    OUTPUT,
    emit,
    force_option,
    json_option,
    refuse_to_replace,
    words_of,
    write_output,
)
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import FilePath
from workflow.files.extract import extract as read_clauses
from workflow.files.extract import read_document, to_json, to_toml


@click.command(cls=SaidCommand)
@click.argument("file", type=FilePath(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    help="Write the convention file there instead of printing it (a file already there is "
    "left as it is: refused, unless --force).",
)
@force_option
@json_option
def extract(file: Path, output: Path | None, force: bool, as_json: bool) -> None:
    """Read a convention's text (.txt, .pdf with a text layer, .docx) and print the convention
    file `convflow import` reads: each value under the sentence and article it comes from, the
    values only a person can give left as "" (reference, party keys, emails), and what the text
    did not say, with why.

    Rules, offline, no external service. Nothing is guessed: a value the text leaves unclear is
    left out with a warning. With --json: {"fields": {NAME: {"value", "article", "quote"}},
    "missing": [...], "warnings": [...]}; with -o as well, the convention file is written there
    all the same and the JSON says where, under "file".
    """
    if output is not None:  # before the work: the file a person completed is theirs
        refuse_to_replace(output, force)
    extraction = read_clauses(read_document(file))
    say = words_of(click.get_current_context()).sentence
    text = to_toml(extraction, say)
    if as_json:
        if output is not None:  # asked for: written, whatever is printed
            write_output(output, text)
        emit(to_json(extraction, say) | ({} if output is None else {"file": str(output)}))
        return
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, text)
    words = words_of(click.get_current_context())
    click.echo(words("Convention file drafted: {path} (values read: {found}; to fill in: "
                     "{missing}; warnings: {warnings})", path=str(output),
                     found=len(extraction.fields), missing=len(extraction.missing),
                     warnings=len(extraction.doubts)))  # fmt: skip
