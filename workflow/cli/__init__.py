"""The `convflow` command: one group, its commands attached from the modules of this package.

Exit codes: 0 success; 1 a refused command or invalid input (one line on stderr says why and
nothing changed); 2 a usage error.
"""

from __future__ import annotations

from pathlib import Path

import click

from workflow.cli.group import LazyCommand, LazyGroup
from workflow.cli.misuse import FilePath

__all__ = ["COMMANDS", "cli", "main"]

_CONVENTIONS, _DEADLINES, _SERVICE = (
    "workflow.cli.conventions", "workflow.cli.deadlines", "workflow.cli.service"
)  # fmt: skip
COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand("init", _CONVENTIONS, "init",
                "Create the database, or migrate it to the latest schema."),
    LazyCommand("import", _CONVENTIONS, "import_",
                "Load conventions in state `draft`: each FILE a convention file (TOML), a "
                "spreadsheet (CSV or XLSX, one convention per row: docs/spreadsheet-import.md) "
                "or a directory of them."),
    LazyCommand("drafts", "workflow.cli.drafts", "drafts",
                "List the drafts to complete made by importing an open-data (SCDL subventions) "
                "file: what each row gave, what a person must still fill (--discard N removes "
                "one)."),
    LazyCommand("extract", "workflow.cli.intake", "extract",
                "Read a convention's text (.txt, .pdf with a text layer, .docx) and print the "
                "convention file `convflow import` reads: each value under the sentence and "
                'article it comes from, the values only a person can give left as "" '
                "(reference, party keys, emails), and what the text did not say, with why."),
    LazyCommand("list", _CONVENTIONS, "list_",
                "List conventions with their state, term and next deadline."),
    LazyCommand("status", "workflow.cli.reading", "status",
                "Show where convention REFERENCE stands: state, terms, signatures, deadlines "
                "explained."),
    LazyCommand("history", _CONVENTIONS, "history",
                "Show every event recorded on REFERENCE: what, from which state to which, "
                "when, by whom."),
    LazyCommand("verify", _CONVENTIONS, "verify",
                "Check that every convention's history (or REFERENCE's) is as it was written, "
                "and that what is stored is what the history establishes."),
    LazyCommand("event", _CONVENTIONS, "event",
                "Record EVENT on convention REFERENCE (or on its amendment n°N, with "
                "--amendment N)."),
    LazyCommand("award", "workflow.cli.award", "award",
                "Record the award decision of convention REFERENCE, or complete it."),
    LazyCommand("erase", "workflow.cli.erasure", "erase",
                "Erase the personal data of convention REFERENCE's signatories, once its file is "
                "kept no longer."),
    LazyCommand("committee", "workflow.cli.committee", "committee",
                "Record, list or pace the meetings of the steering committee of convention "
                "REFERENCE."),
    LazyCommand("attach", "workflow.cli.documents", "attach_",
                "Attach FILE to convention REFERENCE (or to one of its history lines or "
                "amendments)."),
    LazyCommand("documents", "workflow.cli.documents", "documents_",
                "List the papers of convention REFERENCE."),
    LazyCommand("document", "workflow.cli.documents", "document",
                "Read a paper back by its SHA-256."),
    LazyCommand("dossier", "workflow.cli.documents", "dossier_",
                "Write convention REFERENCE's evidence bundle, one ZIP file."),
    LazyCommand("letter", "workflow.cli.letters", "letter",
                "Write the letter KIND of convention REFERENCE: dispute, termination, award or "
                "amendment."),
    LazyCommand("export", "workflow.cli.exports", "export",
                "Export the open data of the subsidies (SCDL subventions CSV)."),
    LazyCommand("amend", _CONVENTIONS, "amend",
                "Draft an amendment (avenant) to REFERENCE and print its number."),
    LazyCommand("amendments", _CONVENTIONS, "amendments_",
                "List the amendments of REFERENCE: state, changes (before → after), "
                "signatures."),
    LazyCommand("deadline", _DEADLINES, "deadline",
                "What-if calculator: the legal deadline for given dates, with its explanation."),
    LazyCommand("diagram", _DEADLINES, "diagram",
                "Print the lifecycle as a mermaid state diagram (drawn from the transitions "
                "table)."),
    LazyCommand("serve", _SERVICE, "serve", "Run the background service until SIGTERM or Ctrl-C."),
    LazyCommand("run-due", _SERVICE, "run_due_",
                "Do once what the service does when something falls due, then exit."),
    LazyCommand("reminders", _SERVICE, "reminders",
                "List the reminders of REFERENCE: planned instant (Paris time) and status."),
    LazyCommand("outbox", _SERVICE, "outbox",
                "List the emails convflow decided to send, newest first, and what became of "
                "them."),
    LazyCommand("cancel-email", "workflow.cli.cancel_email", "cancel_email",
                "Cancel email ID of the outbox (`convflow outbox` gives its number) while it "
                "waits for its next attempt: it is never tried again."),
    LazyCommand("emails", "workflow.cli.emails", "emails",
                "The emails convflow sends: each kind, its French name, to whom and when."),
    LazyCommand("simulate", _SERVICE, "simulate_",
                "Show every reminder and automatic event from now to --until, writing nothing."),
    LazyCommand("config", _SERVICE, "config",
                "Print every setting, its value and where it came from (passwords hidden)."),
    LazyCommand("token", "workflow.cli.tokens", "token",
                "Access tokens: `viewer` reads, `admin` reads and records events."),
    LazyCommand("doctor", "workflow.cli.ops", "doctor",
                "Check the settings, the database, mail delivery, time, disk and the HTTP port."),
)  # fmt: skip
"""Every command, imported when it runs (workflow.cli.group): `--help` lists their summaries."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--config",
    type=FilePath(dir_okay=False, path_type=Path),
    help="TOML settings file; CONVFLOW_* environment variables take precedence over it.",
)
@click.version_option(package_name="convflow")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """convflow: the lifecycle of the Métropole's partnership conventions.

    Load a convention from its TOML file, record its events (signatures, notification,
    payment, disputes, termination), and see its state, its history and its legally computed
    deadlines. Settings come from CONVFLOW_* environment variables (see `convflow config`);
    the database is CONVFLOW_DATABASE_URL (default: the SQLite file ./convflow.db).
    """
    from workflow.cli.context import CliContext  # settings and words: not for `--help`

    ctx.obj = CliContext(config)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    """Entry point of the `convflow` console script."""
    cli(prog_name="convflow")
