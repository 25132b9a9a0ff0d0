"""`convflow doctor`: the operator's checks, and what to fix."""

from __future__ import annotations

import os
import sys

import click

from states.errors import ConvflowError
from workflow.cli.context import CliContext, emit, json_option, pass_context
from workflow.cli.help_words import SaidCommand
from workflow.ops.doctor import Finding, examine, unread_settings
from workflow.settings import load_every_setting, unknown_variables
from workflow.wording.refusals import say
from workflow.wording.words import Words

_MARKS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@click.command(cls=SaidCommand)
@json_option
@pass_context
def doctor(context: CliContext, as_json: bool) -> None:
    """Check the settings, the database, mail delivery, time, disk and the HTTP port.

    Changes nothing: the database is only read, the SMTP server only greeted (EHLO), the mail
    folder tried with a file removed at once. Each line says ok, WARN or FAIL, what was seen
    and, when not ok, what to do. Exits 1 when a check fails.
    """
    try:  # every refused setting is a finding of its own, not the end of the checks
        settings, refused = load_every_setting(file=context.config)
    except ConvflowError as error:  # the settings file itself cannot be read
        findings = unread_settings(error, unknown_variables(os.environ))
    else:
        context.use_settings(settings, warn=False)  # the report says the unknown variables
        findings = examine(settings, lambda: context.app(), refused)
    if as_json:  # in English, as a script reads it; the refusal's code besides, if any
        emit([_as_json(finding) for finding in findings])
    else:
        words = context.words
        width = max(len(words(finding.check)) for finding in findings)
        for finding in findings:
            seen, fix = _said(finding, words)
            click.echo(f"{_MARKS[finding.verdict]}  {words(finding.check):<{width}} {seen}")
            if fix:
                click.echo(f"{'':{width + 6}}→ {fix}")
    if any(finding.verdict == "fail" for finding in findings):
        sys.exit(1)


def _said(finding: Finding, words: Words) -> tuple[str, str]:
    """What a check saw and what to do, in the words of `words`."""
    values = dict(finding.values)
    if finding.refusal is not None:
        values["error"] = say(finding.refusal, words).message
    fix = words(finding.fix, **values) if finding.fix else ""
    return words(finding.seen, **values), fix


def _as_json(finding: Finding) -> dict[str, object]:
    seen, fix = _said(finding, Words("en"))
    found: dict[str, object] = {"check": finding.check, "verdict": finding.verdict, "seen": seen,
                                "fix": fix}  # fmt: skip
    if finding.refusal is not None:
        found["error"] = {"code": finding.refusal.code, "params": finding.refusal.params}
    return found
