"""`convflow import` of many files (several FILEs, a directory): each file all or nothing, its
line written as soon as it is committed, what is left aside said.

Each file's line goes out (flushed) when its file is committed: an import killed halfway has
said which files it loaded, even with its output redirected to a file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from states.calendar import civil_date
from states.errors import ConvflowError, DuplicateReference, InvalidInput
from states.visible import visible
from workflow.bootstrap import App
from workflow.cli.context import CliContext
from workflow.files.convention_file import read_file
from workflow.files.scdl import is_scdl_file, read_scdl
from workflow.files.spreadsheet import KINDS, Row, read_spreadsheet
from workflow.usecases.commands import ImportConvention
from workflow.usecases.conventions import (
    differing_rows,
    import_convention,
    import_conventions,
    loaded_problems,
    loaded_references,
)
from workflow.usecases.intake_drafts import save_drafts
from workflow.wording.hidden_rows import hidden_rows_warning
from workflow.wording.past_terms import past_term_rows, past_terms_warning
from workflow.wording.refusals import hint, say, say_by_line
from workflow.wording.words import Words

IMPORTED = (".toml", *KINDS)
"""What a directory's files must end with to be imported (case aside)."""
DOCUMENTS = (".docx", ".pdf", ".txt", ".doc", ".odt", ".rtf")
"""A convention's document, which `convflow extract` reads (.txt, .pdf, .docx): never a file to
import, refused rather than read as TOML."""
NOT_IMPORTED = (*DOCUMENTS, ".ods", ".xls", ".xlsm", ".numbers")
"""Other kinds of files named to import, refused as such (a spreadsheet saved as .ods: save it
as .xlsx or CSV)."""


def refuse_not_importable(path: Path) -> None:
    """A file named to import that is of a kind convflow does not import (a document, an .ods
    spreadsheet), refused as a directory's import leaves it aside; a document pointed to
    `convflow extract`."""
    kind = path.suffix.lower()
    if kind in DOCUMENTS:
        raise InvalidInput("file", "document_not_an_import_file", value=str(path))
    if kind in NOT_IMPORTED:
        raise InvalidInput("file", "not_an_import_file", value=str(path))


@dataclass
class Batch:
    """One `convflow import` of many files, and what it has loaded so far."""

    context: CliContext
    actor: str
    skip_existing: bool
    without_history: bool
    loaded_by: dict[str, str] = field(default_factory=dict)
    """Each reference this import has loaded, with the file it came from."""
    by_line: dict[str, str] = field(default_factory=dict)
    """Each refused file's reason as its text line says it, when its problems are said each on
    its own line (refusals.say_by_line); --json's message keeps them in one sentence."""


def expand(paths: tuple[Path, ...]) -> tuple[list[Path], list[Path]]:
    """The files to import (those named, a directory's convention files and spreadsheets in
    name order) and a directory's other files, left aside; a directory that gives nothing to
    import is refused."""
    found: list[Path] = []
    aside: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file())
        kept = [p for p in files if p.suffix.lower() in IMPORTED]
        if not kept:
            raise InvalidInput("files", "nothing_to_import", value=str(path))
        found += kept
        aside += [p for p in files if p.suffix.lower() not in IMPORTED]
    return found, aside


def aside_report(path: Path, words: Words) -> dict[str, Any]:
    """A file of a directory left aside, and why, as `--json` gives it."""
    message = words("{file}: left aside: not a file to import (.toml, .csv or .xlsx)",
                    file=visible(str(path)))  # fmt: skip
    return {"file": str(path), "code": "not_an_import_file", "message": message}


def import_all(batch: Batch, files: list[Path], as_json: bool) -> Iterator[dict[str, Any]]:
    """Each file imported in turn, its report yielded once it is committed (or refused), its
    line written at once unless the reports are gathered for `--json`."""
    for path in files:
        report = _import_any(batch, path)
        if not as_json:
            _say(batch.context.words, report, batch.by_line.get(str(path)))
        yield report


def _say(words: Words, report: dict[str, Any], by_line: str | None = None) -> None:
    """One file's line: on stdout what it loaded, on stderr why it was refused (`by_line`: its
    problems each on a line of their own); click.echo flushes it."""
    file, error = visible(report["file"]), report["error"]  # a name's \x1b or \n written out
    if error is not None:
        click.echo(words("{file}: refused, nothing loaded: {reason}", file=file,
                         reason=by_line or error["message"]), err=True)  # fmt: skip
    elif report["drafts"]:
        click.echo(words("{file}: {count} drafts to complete (convflow drafts)", file=file,
                         count=len(report["drafts"])))  # fmt: skip
    elif report["existing"]:
        click.echo(words("{file}: {count} conventions imported, {existing} already loaded left "
                         "as they were", file=file, count=len(report["imported"]),
                         existing=len(report["existing"])))  # fmt: skip
    else:
        click.echo(words("{file}: {count} conventions imported", file=file,
                         count=len(report["imported"])))  # fmt: skip
    for row in report["existing_differing"]:
        click.echo(_differing_note(words, file, row), err=True)
    if report["past_terms"]:
        past = report["past_terms"]
        lines = ", ".join(str(p["line"]) for p in past)
        click.echo(words("{file}: {warning} (lines {lines})", file=file, lines=lines,
                         warning=past_terms_warning(words, len(past))), err=True)  # fmt: skip
    if report["hidden_rows"]:
        hidden = [row["line"] for row in report["hidden_rows"]]
        click.echo(words("{file}: {warning}", file=file,
                         warning=hidden_rows_warning(words, hidden)), err=True)  # fmt: skip


def _differing_note(words: Words, file: str, row: dict[str, Any]) -> str:
    """A row left out as loaded already though it says otherwise: what was not taken, and how
    to take it."""
    fields = ", ".join(row["fields"])
    if row["state"] == "draft":
        return words(
            "{file}, line {line}: {reference} is loaded already and left as it was, though this "
            "row differs ({fields}): the row was not taken; correct the draft on the dashboard "
            "(its page, « Modifier le brouillon »)",
            file=file, line=row["line"], reference=row["reference"], fields=fields,
        )  # fmt: skip
    return words(
        "{file}, line {line}: {reference} is loaded already and left as it was, though this row "
        "differs ({fields}): the row was not taken; its terms change by an amendment signed by "
        "both parties (convflow amend {reference}, docs: README « Amendments »)",
        file=file, line=row["line"], reference=row["reference"], fields=fields,
    )  # fmt: skip


def _report(path: Path, **outcome: Any) -> dict[str, Any]:
    return {"file": str(path), "imported": [], "existing": [], "existing_differing": [],
            "past_terms": [], "hidden_rows": [], "drafts": [], "error": None,
            **outcome}  # fmt: skip


def _import_any(batch: Batch, path: Path) -> dict[str, Any]:
    """One file of a many-file import, its outcome as a report (never raised)."""
    words = batch.context.words
    try:
        refuse_not_importable(path)
        if is_scdl_file(path):
            app = batch.context.app()
            drafts = save_drafts(app, read_scdl(path), str(path), batch.actor, app.clock())
            return _report(path, drafts=drafts)
        if path.suffix.lower() in KINDS:
            return _import_sheet(batch, path)
        return _import_file(batch, path)
    except DuplicateReference as error:
        return _report(path, error=_duplicate(batch, error, words))
    except ConvflowError as error:
        said = say(error, words).as_json()
        if error.params.get("others"):
            batch.by_line[str(path)] = say_by_line(error, words)
        if error.code == "document_not_an_import_file":  # the command that reads it
            said["message"] = words.entry("frame", "with_hint", message=said["message"],
                                          hint=hint(error, words) or "")  # fmt: skip
        return _report(path, error=said)


def _targets(batch: Batch) -> dict[str, int]:
    settings = batch.context.settings
    return {"payment_target_days": settings.payment_target_days,
            "signature_target_days": settings.signature_target_days}  # fmt: skip


def _import_sheet(batch: Batch, path: Path) -> dict[str, Any]:
    """A spreadsheet, all or nothing; with --skip-existing, its rows already loaded left out."""
    app = batch.context.app()
    also = None if batch.skip_existing else _loaded_rows(app)
    read = read_spreadsheet(path, **_targets(batch), also=also)
    rows = [(r.number, r.convention) for r in read]
    existing: list[str] = []
    differing: list[dict[str, Any]] = []
    if batch.skip_existing:
        loaded = loaded_references(app, [c.reference for _, c in rows])
        existing = [c.reference for _, c in rows if c.reference in loaded]
        differing = differing_rows(app, [(n, c) for n, c in rows if c.reference in loaded])
        rows = [(n, c) for n, c in rows if c.reference not in loaded]
    with _progress(len(rows), path) as bar:
        done = import_conventions(app, rows, batch.actor, str(path), app.clock(), bar.update)
    for result in done:
        batch.loaded_by[result.reference] = str(path)
    taken = {d.reference for d in done}
    past = past_term_rows([r for r in read if r.convention.reference in taken],
                          civil_date(app.clock()))  # fmt: skip
    past_terms = [{"line": r.number, "reference": r.convention.reference,
                   "end_date": r.convention.end_date.isoformat()} for r in past]  # fmt: skip
    hidden = [{"line": r.number, "reference": r.convention.reference}
              for r in read if r.hidden and r.convention.reference in taken]  # fmt: skip
    return _report(path, imported=[d.reference for d in done], existing=existing,
                   existing_differing=differing, past_terms=past_terms,
                   hidden_rows=hidden)  # fmt: skip


def _loaded_rows(app: App) -> Callable[[list[Row]], list[dict[str, Any]]]:
    """The rows of a refused spreadsheet whose reference is loaded already, named with its
    other problems."""
    return lambda rows: loaded_problems(app, [(r.number, r.convention) for r in rows])


def _import_file(batch: Batch, path: Path) -> dict[str, Any]:
    """A convention file (TOML), with its history unless --without-history."""
    app = batch.context.app()
    described = read_file(path, **_targets(batch))
    history = () if batch.without_history else described.history
    command = ImportConvention(described.convention, batch.actor, str(path), history)
    try:
        result = import_convention(app, command, app.clock())
    except DuplicateReference:
        if not batch.skip_existing:
            raise
        return _report(path, existing=[described.convention.reference])
    batch.loaded_by[result.reference] = str(path)
    return _report(path, imported=[result.reference])


def _duplicate(batch: Batch, error: DuplicateReference, words: Words) -> dict[str, Any]:
    """A reference already loaded, said once: the file of this import that loaded it, if one
    did; otherwise that --skip-existing leaves it and loads the others (a run started again)."""
    other = batch.loaded_by.get(error.reference)
    if other is None:
        message, helped = say(error, words).message, hint(error, words)
        if helped is not None:
            message = words.entry("frame", "with_hint", message=message, hint=helped)
        return {"code": error.code, "params": error.params, "message": message}
    message = words("the reference « {reference} » is that of {other}, loaded just before by "
                    "this same import", reference=error.reference, other=other)  # fmt: skip
    params = {**error.params, "loaded_by": other}
    return {"code": error.code, "params": params, "message": message}


def _progress(rows: int, path: Path) -> Any:
    """A progress bar on a terminal for a large spreadsheet; nothing otherwise."""
    if rows >= 500 and sys.stderr.isatty():
        return click.progressbar(length=rows, label=str(path), file=sys.stderr)
    return _Silent()


class _Silent:
    """A progress bar that shows nothing (not a terminal, or a small file)."""

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, steps: int) -> None:
        """Nothing to show."""
