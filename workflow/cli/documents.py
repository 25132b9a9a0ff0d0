"""`convflow attach`, `convflow documents`, `convflow document get`: a convention's papers.

A paper is stored in the database, addressed by its SHA-256, its type read from its content;
every read checks the bytes against their address, and a mismatch is an error, never a file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from states.documents import DOCUMENT_KINDS
from workflow.cli.context import (
    DATE,
    OUTPUT,
    CliContext,
    actor_option,
    emit,
    json_option,
    pass_context,
    write_output,
)
from workflow.cli.help_words import SaidCommand, SaidGroup
from workflow.cli.misuse import Choice, FilePath, WholeNumber
from workflow.cli.present import day_of, instant, table
from workflow.usecases.documents import Attach, attach, documents, read


@click.command(name="attach", cls=SaidCommand)
@click.argument("reference")
@click.argument("file", type=FilePath(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=Choice(DOCUMENT_KINDS), default="other", show_default=True,
              help="What the paper is.")  # fmt: skip
@click.option("--event", type=WholeNumber(1, 1_000_000), metavar="N",
              help="The history line it proves (convflow history REF numbers them).")  # fmt: skip
@click.option("--amendment", type=WholeNumber(1, 10_000), metavar="N",
              help="The amendment it belongs to.")  # fmt: skip
@click.option("--received-on", type=DATE,
              help="An acknowledgement of receipt: the date it bears.")  # fmt: skip
@actor_option("Who adds it.")
@json_option
@pass_context
def attach_(
    context: CliContext, reference: str, file: Path, kind: str, event: int | None,
    amendment: int | None, received_on: date | None, actor: str, as_json: bool,
) -> None:  # fmt: skip
    """Attach FILE to convention REFERENCE (or to one of its history lines or amendments)."""
    command = Attach(reference, file.read_bytes(), file.name, kind, actor, event, amendment,
                     received_on)  # fmt: skip
    app = context.app()
    done = attach(app, command, app.clock())
    if as_json:
        emit(done)
        return
    click.echo(context.words("{reference}: {name} attached ({kind}), {sha256}",
                             reference=reference, name=done["name"], kind=done["kind"],
                             sha256=done["sha256"]))  # fmt: skip


@click.command(name="documents", cls=SaidCommand)
@click.argument("reference")
@json_option
@pass_context
def documents_(context: CliContext, reference: str, as_json: bool) -> None:
    """List the papers of convention REFERENCE."""
    found = documents(context.app(), reference)
    if as_json:
        emit(found)
        return
    words = context.words
    rows = [[d["name"], words.label("document_kind", d["kind"]), d["media_type"], str(d["size"]),
             str(d["event"] or ""), day_of(words, d["added_at"]), d["sha256"][:16]]
            for d in found]  # fmt: skip
    headings = [words("name"), words("paper's nature"), words("type"), words("bytes"),
                words("line"), words("added"), "sha256"]  # fmt: skip
    click.echo(table(rows, headings) if rows else words("no document"))
    for d in found:
        for s in d["signatures"]:
            said = words("{name}: signed electronically by {signer}, {when}", name=d["name"],
                         signer=s["signer"], when=instant(words, s["signed_at"]))  # fmt: skip
            if not s["intact"]:
                said = words("{said} (changed since it was signed)", said=said)
            click.echo(said)


@click.group(name="document", cls=SaidGroup)
def document() -> None:
    """Read a paper back by its SHA-256."""


@document.command(name="get")
@click.argument("sha256")
@click.option("-o", "--output", type=OUTPUT, required=True, help="Where to write it.")
@pass_context
def get(context: CliContext, sha256: str, output: Path) -> None:
    """Write the paper whose SHA-256 is SHA256 to OUTPUT, its bytes checked first."""
    content, described = read(context.app(), sha256.strip().lower())
    write_output(output, content)
    click.echo(context.words("{name}: {size} bytes written to {path}", name=described["name"],
                             size=len(content), path=str(output)))  # fmt: skip


@click.command(name="dossier", cls=SaidCommand)
@click.argument("reference")
@click.option("-o", "--output", type=OUTPUT, required=True, help="The ZIP file to write.")
@pass_context
def dossier_(context: CliContext, reference: str, output: Path) -> None:
    """Write convention REFERENCE's evidence bundle, one ZIP file.

    \b
    It holds:
      historique.csv   the history, one line per recorded event
      historique.pdf   the same history, readable and printable
      etat.json        the status, as `convflow status REFERENCE --json` gives it
      pieces/          every paper attached (signed convention, letters...)
      courriels/       every email as it was sent (.eml, with its Message-ID)
      courriels.csv    what became of each email (sent, failed, not sent)
      MANIFEST.sha256  the SHA-256 of every other file

    \b
    To check it, unzip it and run, in its folder:
      sha256sum -c MANIFEST.sha256
    """
    from workflow.usecases.dossier import dossier

    app = context.app()
    content = dossier(app, reference, app.clock())
    write_output(output, content)
    click.echo(context.words("{reference}: dossier written to {path} ({size} bytes)",
                             reference=reference, path=str(output), size=len(content)))  # fmt: skip
