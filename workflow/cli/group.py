"""The `convflow` group: its commands named here, each module imported when its command runs.

`convflow --help` and a command that reads one convention must start fast: a command's module
(and what it needs: the database layer, the HTTP server, the file readers) is imported only when
that command is invoked. The help lists each command from its summary kept here; a test keeps
every summary equal to its command's docstring.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Any, NoReturn

import click

from states.errors import ConvflowError
from workflow.cli.help_words import SaidGroup

__all__ = ["ConvflowGroup", "LazyCommand", "LazyGroup"]

JSON_WANTED = "convflow.json"


@dataclass(frozen=True)
class LazyCommand:
    """A command known by its name and summary, its module imported when it runs."""

    name: str
    module: str
    attribute: str
    summary: str  # the first paragraph of its docstring, as the help lists it

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module), self.attribute)
        assert isinstance(command, click.Command), self
        return command


class ConvflowGroup(click.Group):
    """Turns convflow's refusals into one line in the command line's language and exit code 1
    (2 for a usage error), or into JSON on stdout with `--json`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[JSON_WANTED] = "--json" in args
        undecodable = _not_utf8(args)
        if undecodable is not None:
            # Python hands such bytes over as lone surrogates, which no database, JSON or
            # terminal takes: refused here, once, for every command (exit code 2).
            from workflow.cli.context import refuse
            from workflow.cli.misuse import Misused

            refusal = Misused("not_utf8", argument=undecodable)
            refusal.ctx = ctx
            refuse(ctx, refusal)
        given = list(args)  # click's parser consumes `args`
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:  # the group's own options: `convflow --bogus`
            if isinstance(error, click.NoSuchOption):  # or a command's: `convflow --json status`
                from workflow.cli.misuse import misplaced_option

                misplaced = misplaced_option(ctx, given, error)
                if misplaced is not None:
                    error.refusal = misplaced  # type: ignore[attr-defined]
                    error.ctx = misplaced.ctx
            _said_usage_error(ctx, error)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConvflowError as error:
            from workflow.cli.context import refuse  # its words, only for a refusal

            refuse(ctx, error)
        except click.UsageError as error:
            _said_usage_error(ctx, error)
        except Exception as error:
            said = _database_refusal(ctx, error)
            if said is None:
                raise
            from workflow.cli.context import refuse

            refuse(ctx, said)


def _said_usage_error(ctx: click.Context, error: click.UsageError) -> NoReturn:
    """A usage error, click's or convflow's, said in the command line's words (exit code 2;
    1 for an option's value convflow's own parsing refused, a date or a file to write, which
    is invalid input as every other); `convflow` alone still shows the help."""
    from workflow.cli.misuse import Misuse

    if isinstance(error, Misuse | click.exceptions.NoArgsIsHelpError):
        raise error  # already said; or no error at all, the help
    if error.ctx is None and ctx.invoked_subcommand and isinstance(ctx.command, click.Group):
        # click's parser names no command (`event REF sign --on`): the one invoked, for its
        # usage and its options
        command = ctx.command.get_command(ctx, ctx.invoked_subcommand)
        if command is not None:
            error.ctx = click.Context(command, info_name=ctx.invoked_subcommand, parent=ctx)
    from workflow.cli.context import usage_error

    usage_error(ctx, error)


def _database_refusal(ctx: click.Context, error: Exception) -> ConvflowError | None:
    """A database error no use case expected (a permission, an encoding, a server gone in
    the middle), said in one line instead of a traceback; None for any other error."""
    if "sqlalchemy" not in sys.modules:  # no database was opened through it
        return None
    from storage.engine import refusal_of
    from workflow.cli.context import CliContext

    context = ctx.find_object(CliContext)
    url = context.settings.database_url if context is not None else ""
    return refusal_of(url, error)


def _not_utf8(args: list[str]) -> str | None:
    """The first argument that was not UTF-8 on the command line, its bytes shown as escapes
    (`caf\\xe9`); None when all were."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return os.fsencode(arg).decode("utf-8", "backslashreplace")
    return None


class LazyGroup(SaidGroup, ConvflowGroup):
    """A ConvflowGroup whose commands are imported when invoked, listed from their summaries;
    its `--help` in the command line's language (workflow.cli.help_words)."""

    def __init__(self, *args: Any, lazy: tuple[LazyCommand, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = {command.name: command for command in lazy}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = super().get_command(ctx, cmd_name)
        if known is None and cmd_name in self.lazy:
            known = self.lazy[cmd_name].load()
            self.add_command(known, cmd_name)
        return known

    def listed(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command if it was imported, else its summary standing for it: listing the
        commands imports none of them."""
        if name in self.commands or name not in self.lazy:
            return super().listed(ctx, name)
        return click.Command(name, help=self.lazy[name].summary)
