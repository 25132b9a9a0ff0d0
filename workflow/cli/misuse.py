"""The command line used wrongly (exit code 2), said in its language rather than click's English.

click refuses what it parses itself (an unknown command or option, a missing argument, a value
none of the choices) with its own English sentences (« Error: No such option '--bogus'. »).
Each of its errors is turned here into one of convflow's codes (`states.errors.CODES`), from
the error's attributes (the option's name, click's suggestions, the parameter and its type),
then said through the catalogue as every refusal is: `refuse` prints it under the command's
usage, in French unless CONVFLOW_LANGUAGE=en, and `--json` gives it as data. The values a
parameter's type refuses (a choice, a whole number, a path) are refused by convflow's own
types, which keep the value given.

Light on purpose: `convflow --help` imports it (the settings file's option), not the words.
"""

from __future__ import annotations

import difflib
import os
import pathlib
import re
import shlex
from gettext import gettext  # as click translates its sentences
from typing import IO, TYPE_CHECKING, Any

import click

from states.errors import ConvflowError
from workflow.cli.help_words import said_formatter

if TYPE_CHECKING:
    from workflow.wording.words import Words

__all__ = [
    "BadValue",
    "Choice",
    "FilePath",
    "Misuse",
    "Misused",
    "MisusedValue",
    "WholeNumber",
    "misplaced_option",
    "misuse_of",
]


class Misused(ConvflowError):
    """The command line used wrongly (exit code 2): a code of convflow's, said as click's
    usage errors are, with the usage of the command it was raised in."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code, **params)
        self.ctx = click.get_current_context(silent=True)


class MisusedValue(Misused):
    """The command line used wrongly about one of its parameters, named as it is typed
    (`--state`, `EVENT`): the refusal is said « --state : … » (exit code 2)."""

    FRAME = ("field",)

    def __init__(self, field: str, code: str, /, **params: Any) -> None:
        self.field = field
        super().__init__(code, field=field, **params)


class BadValue(click.BadParameter):
    """An option's or an argument's value refused by convflow's own parsing: the group says
    its refusal as any other; invalid input (exit code 1) for a date or a file to write, a
    usage error (2) for what click would have refused (a choice, a number, a path)."""

    def __init__(self, refusal: ConvflowError, message: str, ctx: click.Context | None,
                 param: click.Parameter | None) -> None:  # fmt: skip
        super().__init__(message, ctx, param)
        self.refusal = refusal


class Misuse(click.UsageError):
    """A usage error in the command line's words: the command's usage, where its help is, and
    why (« Erreur : --bogus : option inconnue »), exit code 2."""

    def __init__(self, message: str, ctx: click.Context | None, words: Words) -> None:
        super().__init__(message, ctx)
        self.words = words

    def show(self, file: IO[Any] | None = None) -> None:
        words, ctx = self.words, self.ctx
        if ctx is not None:
            # The usage line as `--help` shows it (« COMMANDE [ARGUMENTS]... »).
            formatter = said_formatter(ctx, words.language)
            ctx.command.format_usage(ctx, formatter)
            click.echo(formatter.getvalue().rstrip("\n"), file=file, err=file is None)
            help_option = ctx.command.get_help_option(ctx)
            if help_option is not None:
                click.echo(words("Try '{command} {option}' for help.", command=ctx.command_path,
                                 option=max(help_option.opts, key=len)),
                           file=file, err=file is None)  # fmt: skip
            click.echo("", file=file, err=file is None)
        click.echo(words("Error: {message}", message=self.format_message()), file=file,
                   err=file is None)  # fmt: skip


def typed_name(param: click.Parameter | None) -> str:
    """A parameter as it is typed: an option by its longest name (`--received-on`), an
    argument by its name in the usage (`REFERENCE`)."""
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    if param is not None:
        return param.human_readable_name
    return "?"


def _refused(code: str, param: click.Parameter | None, ctx: click.Context | None,
             error: click.BadParameter, **params: Any) -> BadValue:  # fmt: skip
    refusal = MisusedValue(typed_name(param), code, **params)
    return BadValue(refusal, error.message, ctx, param)


class Choice(click.Choice[str]):
    """click's choice, a value none of them refused as `not_one_of` (the value, the choices)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            raise _refused("not_one_of", param, ctx, error, value=str(value),
                           choices=[str(choice) for choice in self.choices]) from None  # fmt: skip


class WholeNumber(click.IntRange):
    """click's whole number, within bounds when given: `not_a_whole_number`, or the bounds
    it is outside of (`number_out_of_range`, `number_too_small`, `number_too_large`)."""

    def _describe_range(self) -> str:
        """The bounds `--help` shows after the option's help (« x>=1 »): none without bounds
        (click would show « x<=None »)."""
        if self.min is None and self.max is None:
            return ""
        return super()._describe_range()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return int(super().convert(value, param, ctx))
        except click.BadParameter as error:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise _refused("not_a_whole_number", param, ctx, error,
                               value=str(value)) from None  # fmt: skip
            low, high = self.min, self.max
            if low is not None and high is not None:
                raise _refused("number_out_of_range", param, ctx, error, value=number,
                               low=low, high=high) from None  # fmt: skip
            if low is not None:
                raise _refused("number_too_small", param, ctx, error,
                               least=low) from None  # fmt: skip
            raise _refused("number_too_large", param, ctx, error, most=high) from None


class FilePath(click.Path):
    """click's path to a file, refused as `path_not_found`, `path_is_a_directory` or
    `path_not_readable` (the path given), as `--help` shows it."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            given = os.fsdecode(value)
            path = pathlib.Path(given)
            if not path.exists():
                code = "path_not_found"
            elif path.is_dir() and not self.dir_okay:
                code = "path_is_a_directory"
            elif self.readable and not os.access(path, os.R_OK):
                code = "path_not_readable"
            else:  # what convflow does not ask (writable, executable, a file for a folder)
                raise
            raise _refused(code, param, ctx, error, value=given) from None


_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<arguments>.*)\)$")
_NO_COMMAND = re.compile(r"^No such command (?P<name>'.*'|\".*\")\.$")


def misuse_of(error: click.UsageError) -> ConvflowError:
    """click's usage error as one of convflow's codes, from its attributes; what click says
    in no attribute (extra arguments, a missing command) from the sentence click wrote; any
    other as `usage_error`, click's words kept as its detail."""
    refusal = getattr(error, "refusal", None)
    if isinstance(refusal, ConvflowError):
        return refusal
    said = _said_by_attributes(error)
    if said is not None:
        return said
    message = error.message
    group = error.ctx.command if error.ctx is not None else None
    if message == "Missing command." and isinstance(group, click.Group) and error.ctx:
        return Misused("missing_command", commands=_visible(group, error.ctx))
    if found := _EXTRA.match(message):
        return Misused("extra_arguments", arguments=found.group("arguments").split(" "))
    if (found := _NO_COMMAND.match(message)) and error.ctx is not None:  # click before 8.4
        return _unknown_command(found.group("name")[1:-1], error.ctx)
    return Misused("usage_error", detail=error.format_message())


def _said_by_attributes(error: click.UsageError) -> ConvflowError | None:
    """The errors click says with attributes: an unknown option or command, an option's
    value missing or given to a flag, a missing parameter."""
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)  # click 8.4 and later
    if no_such_command is not None and isinstance(error, no_such_command) and error.ctx:
        return _unknown_command(error.command_name, error.ctx)
    if isinstance(error, click.NoSuchOption):
        if error.possibilities:
            return MisusedValue(error.option_name, "unknown_option_suggested",
                                suggestions=list(error.possibilities))  # fmt: skip
        return MisusedValue(error.option_name, "unknown_option")
    if isinstance(error, click.BadOptionUsage):
        return MisusedValue(error.option_name, _option_usage(error))
    if isinstance(error, click.MissingParameter) and error.param is not None:
        return _missing(error.param)
    return None


def _option_usage(error: click.BadOptionUsage) -> str:
    """A flag given a value (`--json=1`), or an option without its value (`--on` last): as
    the command's option is, or (an option of a subcommand of a group) as click said it, in
    its own words of a flag."""
    command = error.ctx.command if error.ctx is not None else None
    for param in command.params if command is not None else ():
        if isinstance(param, click.Option) and error.option_name in param.opts:
            return "option_takes_no_value" if param.is_flag or param.count else "option_needs_value"
    flag = gettext("Option {name!r} does not take a value.").format(name=error.option_name)
    return "option_takes_no_value" if error.message == flag else "option_needs_value"


def _missing(param: click.Parameter) -> ConvflowError:
    name = typed_name(param)
    if isinstance(param.type, click.Choice):
        return MisusedValue(name, "missing_choice", choices=[str(c) for c in param.type.choices])
    if isinstance(param, click.Option):
        return MisusedValue(name, "missing_option")
    return MisusedValue(name, "missing_argument")


def _visible(group: click.Group, ctx: click.Context) -> list[str]:
    """The commands of a group its help lists (the lazy group's included)."""
    names = group.list_commands(ctx)
    lazy = getattr(group, "lazy", {})
    return [name for name in names
            if name in lazy or not getattr(group.commands.get(name), "hidden", False)]  # fmt: skip


def _unknown_command(name: str, ctx: click.Context) -> ConvflowError:
    """An unknown command, with the close ones the group has (click looks only among the
    commands already imported: the lazy group imports them when they run)."""
    group = ctx.command
    known = _visible(group, ctx) if isinstance(group, click.Group) else []
    close = difflib.get_close_matches(name, known)
    if close:
        return MisusedValue(name, "unknown_command_suggested", suggestions=close)
    return MisusedValue(name, "unknown_command")


def misplaced_option(
    ctx: click.Context, args: list[str], error: click.NoSuchOption
) -> Misused | None:
    """An option of a command given before it (`convflow --json status REF`), which the group
    does not know: `option_of_command`, with the command line it meant, the command's options
    moved after its name (« convflow status --json REF »); None when the command named in `args`
    (or its subcommand) has no such option either: click's error is then said as it is."""
    group: click.Command = ctx.command
    line, pending, path, parent = [ctx.command_path], list(args), [], ctx
    while isinstance(group, click.Group):
        at = _command_at(group, ctx, pending)
        command = group.get_command(ctx, pending[at]) if at is not None else None
        if at is None or command is None:
            return None
        name = pending[at]
        path.append(name)
        parent = click.Context(command, info_name=name, parent=parent)  # its usage's path
        own, moved, others = _sorted_out(group, command, pending[:at])
        if any(arg.split("=", 1)[0] == error.option_name for arg in moved):
            corrected = [*line, *own, name, *moved, *pending[at + 1 :]]
            refusal = Misused("option_of_command", field=error.option_name,
                              command=" ".join(path), corrected=shlex.join(corrected))  # fmt: skip
            # said under the usage of the command the option belongs to
            refusal.ctx = parent
            return refusal
        # a subcommand's option given before its group (`convflow --json export scdl`)
        line, pending, group = [*line, *own, name], [*moved, *others, *pending[at + 1 :]], command
    return None


def _command_at(group: click.Group, ctx: click.Context, args: list[str]) -> int | None:
    """Where the first name of one of the group's commands is in `args`, or None."""
    names = set(group.list_commands(ctx))
    for index, arg in enumerate(args):
        if arg == "--":
            return None
        if arg in names:
            return index
    return None


def _sorted_out(group: click.Command, command: click.Command,
                args: list[str]) -> tuple[list[str], list[str], list[str]]:  # fmt: skip
    """The arguments given before `command`'s name: the group's own options, the command's
    options (each with its value), and the others."""
    own: list[str] = []
    moved: list[str] = []
    others: list[str] = []
    items = iter(args)
    for arg in items:
        name = arg.split("=", 1)[0]
        option = _option_named(group, name) if arg.startswith("-") else None
        into = own
        if option is None:
            option = _option_named(command, name) if arg.startswith("-") else None
            into = moved if option is not None else others
        into.append(arg)
        if option is not None and "=" not in arg and not (option.is_flag or option.count):
            value = next(items, None)  # its value (`--on 2025-03-03`, `--config FILE`)
            if value is not None:
                into.append(value)
    return own, moved, others


def _option_named(command: click.Command, name: str) -> click.Option | None:
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None
