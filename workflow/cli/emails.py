"""`convflow emails`: what convflow sends, to whom and when; `--sample` prints the gallery.

Registered on the `convflow` group by `workflow.cli`.
"""

from __future__ import annotations

from pathlib import Path

import click

from notifications import Renderer
from workflow.cli.context import OUTPUT, CliContext, emit, json_option, pass_context, write_output
from workflow.cli.help_words import SaidCommand
from workflow.cli.present import table
from workflow.usecases.gallery import email_gallery, email_kinds
from workflow.wording import labels


def _renderer(context: CliContext) -> Renderer:
    """The packaged templates, or those of CONVFLOW_TEMPLATES_DIR that override them."""
    folder = context.settings.templates_dir
    return Renderer(Path(folder) if folder else None)


@click.command(cls=SaidCommand)
@click.option(
    "--sample",
    is_flag=True,
    help="Print every email rendered for the reference convention (Markdown), as the partners "
    "receive it, with what the service's copy adds: the gallery a legal officer reviews.",
)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    help="With --sample: write the gallery to this file (make emails: docs/EMAILS.md).",
)
@json_option
@pass_context
def emails(context: CliContext, sample: bool, output: Path | None, as_json: bool) -> None:
    """The emails convflow sends: each kind, its French name, to whom and when.

    With --sample, every email in full, rendered with the templates in use; the packaged
    gallery is docs/EMAILS.md.
    """
    renderer = _renderer(context)
    if sample:
        gallery = email_gallery(renderer)
        if output is None:
            click.echo(gallery, nl=False)
        else:
            write_output(output, gallery)
        return
    kinds = email_kinds(renderer)
    rows = [
        {"kind": kind, "label": labels.email(kind), "when": labels.label("email_when", kind)}
        for kind in kinds
    ]
    if as_json:
        emit(rows)
        return
    words = context.words
    click.echo(table([[r["kind"], r["label"], r["when"]] for r in rows],
                     [words("email"), words("name"), words("to whom, when")]))  # fmt: skip
