"""The what-if calculator of legal deadlines, and the lifecycle diagram."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from states.deadlines import (
    ComputedDeadline,
    LegalSettings,
    RegisteredLetter,
    dispute_window,
    expiry,
    termination_notice,
)
from states.lifecycle import mermaid_diagram
from workflow.cli.context import (
    DATE,
    CliContext,
    Misused,
    emit,
    json_option,
    pass_context,
    words_of,
)
from workflow.cli.help_words import SaidCommand, SaidGroup
from workflow.cli.misuse import WholeNumber
from workflow.usecases.iso import instant
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

ENDS_BY = {"termination": gettext_noop("the termination"), "expiry": gettext_noop("its term")}
"""What ends the convention (`ends_by`), as the text output says it."""


@click.group(cls=SaidGroup)
def deadline() -> None:
    """What-if calculator: the legal deadline for given dates, with its explanation."""


def _with_reading(
    letter: RegisteredLetter, legal: LegalSettings, words: Words,
    said: tuple[tuple[str, str], ...], extra: dict[str, Any],
) -> tuple[tuple[tuple[str, str], ...], dict[str, Any]]:  # fmt: skip
    """For a letter never collected (or an LRE not accepted in time), the setting that reads
    it (rule 22) named for the operator: the explanation, which partners and the dashboard also
    read, says only « réglages du service »."""
    if not (letter.uncollected or letter.lre_accepted_late(legal)):
        return said, extra
    value = legal.uncollected_letter
    line = (words("setting"), f"uncollected_letter = {value} (convflow config)")
    return (*said, line), {**extra, "settings": {"uncollected_letter": value}}


def _deadline_output(
    computed: Any, extra: dict[str, Any], as_json: bool, words: Words,
    said: tuple[tuple[str, str], ...] = (),
) -> None:  # fmt: skip
    """The calculation: `extra` its keys beyond the common ones for --json, `said` the same
    as the lines a person reads (label, value in words)."""
    data = {
        "kind": computed.kind,
        "raw_end": computed.raw_end.isoformat(),
        "deadline": computed.due_date.isoformat(),
        "expires_at": instant(computed.expires_at),
        "explanation": computed.explanation,
        "flags": list(computed.flags),
        **extra,
    }
    if as_json:
        emit(data)
        return
    rows = [
        (words("deadline"), _due_text(computed, words)),
        (words("expires at"), words.end(computed.expires_at)),
        *said,
    ]  # fmt: skip
    width = max(len(heading) for heading, _ in rows) + 2
    for heading, value in rows:
        click.echo(f"{heading:<{width}}{value}")
    click.echo("")
    click.echo(computed.explanation)


def _due_text(computed: ComputedDeadline, words: Words) -> str:
    """The deadline's day, with its weekday; when its period ended on a non-working day and was
    extended to the next working day, that first end too (`raw_end` in --json), said for what
    it is. A term that comes before a notice's end is said by the lines that follow."""
    due = words.long_date(computed.due_date)
    if computed.raw_end >= computed.due_date or computed.ends_by == "expiry":
        return due
    return words("{day} (instead of {raw_end}, a non-working day: moved to the next working day)",
                 day=due, raw_end=words.long_date(computed.raw_end))  # fmt: skip


@deadline.command()
@click.option(
    "--received",
    type=DATE,
    help="Receipt of the registered letter (date or ISO instant); required unless the letter "
    "was never collected (--uncollected with --presented).",
)
@click.option("--presented", type=DATE, help="First presentation of the letter.")
@click.option("--dispatched", type=DATE, help="Dispatch of the letter.")
@click.option(
    "--uncollected", is_flag=True, help="The letter was never collected (pli avisé non réclamé)."
)
@click.option("--electronic", is_flag=True, help="An electronic registered letter (LRE).")
@click.option(
    "--days", default=30, show_default=True, type=WholeNumber(1, 365), help="Amicable window."
)
@json_option
@pass_context
def dispute(
    context: CliContext, received: date | None, presented: date | None, dispatched: date | None,
    uncollected: bool, electronic: bool, days: int, as_json: bool,
) -> None:  # fmt: skip
    """End of the amicable window of article 6 and the first day a party may go to court."""
    if received is None and not uncollected:
        raise Misused("received_required")
    letter = RegisteredLetter(dispatched, presented, received, uncollected, electronic)
    computed = dispute_window(letter, days, context.settings.legal)
    assert computed.earliest_court_date is not None
    extra = {"earliest_court_date": computed.earliest_court_date.isoformat()}
    words = context.words
    said: tuple[tuple[str, str], ...] = (
        (words("court possible from"), words.long_date(computed.earliest_court_date)),
    )
    said, extra = _with_reading(letter, context.settings.legal, words, said, extra)
    _deadline_output(computed, extra, as_json, words, said)


@deadline.command()
@click.option(
    "--received",
    type=DATE,
    help="Receipt of the registered letter; required unless the letter was never collected "
    "(--uncollected with --presented).",
)
@click.option("--dispatched", type=DATE, help="Dispatch of the letter.")
@click.option("--presented", type=DATE, help="First presentation of the letter.")
@click.option(
    "--uncollected", is_flag=True, help="The letter was never collected (pli avisé non réclamé)."
)
@click.option("--electronic", is_flag=True, help="An electronic registered letter (LRE).")
@click.option("--term", type=DATE, help="The convention's end date, if it may come first.")
@click.option(
    "--months", default=6, show_default=True, type=WholeNumber(1, 120), help="Notice period."
)
@json_option
@pass_context
def termination(
    context: CliContext, received: date | None, dispatched: date | None,
    presented: date | None, uncollected: bool, electronic: bool, term: date | None,
    months: int, as_json: bool,
) -> None:  # fmt: skip
    """When a termination by registered letter takes effect (article 7), the term permitting.
    A letter never collected counts as the setting uncollected_letter reads it (rule 22)."""
    if received is None and not uncollected:
        raise Misused("received_required")
    letter = RegisteredLetter(dispatched, presented, received, uncollected, electronic)
    computed = termination_notice(letter, months, context.settings.legal, term=term)
    assert computed.effective_end is not None and computed.notice_end is not None
    assert computed.ends_by is not None
    extra = {
        "effective_end": computed.effective_end.isoformat(),
        "notice_end": computed.notice_end.isoformat(),
        "ends_by": computed.ends_by,
        "by_basis": [
            {
                "basis": basis,
                "letter_date": start.isoformat(),
                "notice_end": end.isoformat(),
                "effective_end": (term if term is not None and term <= end else end).isoformat(),
            }
            for basis, start, end in computed.by_basis
        ],
    }
    words = context.words
    said: tuple[tuple[str, str], ...] = (
        (words("effective end"), words.long_date(computed.effective_end)),
        (words("end of notice"), words.long_date(computed.notice_end)),
        (words("ends by"), words(ENDS_BY[computed.ends_by])),
    )
    said, extra = _with_reading(letter, context.settings.legal, words, said, extra)
    _deadline_output(computed, extra, as_json, words, said)


@deadline.command(name="expiry")
@click.option("--term", type=DATE, required=True, help="The convention's end date.")
@json_option
@click.pass_context
def expiry_(ctx: click.Context, term: date, as_json: bool) -> None:
    """When a convention ends at its term (article 4): 24:00 in Paris on its end date."""
    _deadline_output(expiry(term), {}, as_json, words_of(ctx))


@click.command(cls=SaidCommand)
def diagram() -> None:
    """Print the lifecycle as a mermaid state diagram (drawn from the transitions table)."""
    click.echo(mermaid_diagram(), nl=False)
