"""`convflow doctor`: the operator's checks, and what to fix."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from workflow.cli.context import CliContext, emit, json_option, pass_context
from workflow.ops.doctor import examine

_MARKS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@click.command()
@json_option
@pass_context
def doctor(context: CliContext, as_json: bool) -> None:
    """Check the settings, the database, mail delivery, time, disk and the HTTP port.

    Changes nothing: the database is only read and the SMTP server only greeted (EHLO). Each
    line says ok, WARN or FAIL, what was seen and, when not ok, what to do. Exits 1 when a
    check fails.
    """
    findings = examine(context.settings, lambda: context.app())
    if as_json:
        emit([asdict(finding) for finding in findings])
    else:
        for finding in findings:
            click.echo(f"{_MARKS[finding.verdict]}  {finding.check:<10} {finding.seen}")
            if finding.fix:
                click.echo(f"{'':16}→ {finding.fix}")
    if any(finding.verdict == "fail" for finding in findings):
        sys.exit(1)
