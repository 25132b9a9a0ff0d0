"""`--help` in the command line's language: each piece of it said through the catalogue.

The English of the code is the source text: a command's docstring, an option's `help=`, click's
own words ("Usage:", "Show this message and exit."). Each is an entry of the catalogue under
the context `help`, its msgid that English: a paragraph of a help text on one line (click wraps
it again), a `\\b` block line by line as it is shown (click keeps it). `make messages` finds them
by walking the command tree (`help_messages`); `--help` looks each up by its English when it is
shown (`SaidCommand`, `SaidGroup`): nothing is written twice, and a new option without its French
fails the catalogue's tests.

What a person types stays as it is inside the French: option and command names, metavars
(REFERENCE, FILE), backquoted commands. Only `--help` is said here; a usage error (a missing
argument, an unknown option) is said where the group handles errors (workflow.cli.group).

`convflow --help` reads the compiled catalogue only (workflow.wording.catalogue): no Babel, no
command's module, its commands listed from their summaries (workflow.cli.group.LazyGroup).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial, reduce
from typing import Any

import click

from notifications.typography import NO_BREAK_SPACE, french_text
from workflow.wording.catalogue import Language, language_of, translations

__all__ = [
    "CLICK_WORDS",
    "HELP",
    "SaidCommand",
    "SaidFormatter",
    "SaidGroup",
    "SaidHelp",
    "help_language",
    "help_messages",
    "messages_of",
    "said_formatter",
    "said_text",
    "tied",
]

HELP = "help"
"""The catalogue's context of what `--help` shows."""
Say = Callable[[str], str]
"""A piece of help (its English) in the help's language."""

USAGE, COMMAND_ARGS = "Usage:", "COMMAND [ARGS]..."
DEFAULT, REQUIRED, ENV_VAR = "default: {default}", "required", "env var: {var}"
EXTRAS = "{extras}; {extra}"
"""How click joins an option's extras ("default: 30; 1<=x<=365"): French puts a space before
its semicolon."""
HEADINGS = ("Options", "Commands", "Positional arguments")
"""The headings click writes (`Options` becomes the entry "Options:")."""
CLICK_WORDS = (USAGE, *(f"{heading}:" for heading in HEADINGS), COMMAND_ARGS, DEFAULT, REQUIRED,
               ENV_VAR, EXTRAS)  # fmt: skip
"""Click's own words in a help: its headings, the usage line's, an option's extras ("[default:
30]") and how they are joined; an option's own help ("Show this message and exit.") is found
with the option."""
RAW = "\b"
"""Click's mark of a paragraph it shows as it is, line by line."""
NO_BREAK = NO_BREAK_SPACE
"""The no-break space: click's wrapping (Python's textwrap) breaks a line only at an ASCII
space, never at this one."""


def tied(text: str) -> str:
    """French text with its signs tied to their words by a no-break space, so that click's
    wrapping never starts a line with « : » (nor « ; », « ? », « ! », « » »).

    The catalogue already writes them so (tests/unit/test_french_spacing.py); this holds what a
    help shows besides it, by the emails' very rule (notifications.typography)."""
    return french_text(text)


def _paragraphs(text: str) -> Iterator[list[str]]:
    """The paragraphs of a help text as click's wrapping tells them apart (an empty line
    between two), each as its lines."""
    lines: list[str] = []
    for line in text.splitlines():
        if line:
            lines.append(line)
        elif lines:
            yield lines
            lines = []
    if lines:
        yield lines


def _message(lines: list[str]) -> str:
    """A paragraph's entry in the catalogue: a `\\b` block its lines as they are shown, any
    other paragraph its words on one line."""
    if lines[0].strip() == RAW:
        return "\n".join(lines[1:])
    return " ".join(" ".join(lines).split())


def messages_of(text: str | None) -> list[str]:
    """The catalogue's entries of a help text, one a paragraph."""
    return [_message(lines) for lines in _paragraphs(text or "") if _message(lines)]


def said_text(text: str, say: Say) -> str:
    """A help text in the help's language, paragraph by paragraph, each indented as it was
    (click wraps the French again where the English was wrapped)."""
    said = []
    for lines in _paragraphs(text):
        message = _message(lines)
        if not message:
            said.append("\n".join(lines))
        elif lines[0].strip() == RAW:
            said.append(f"{lines[0]}\n{say(message)}")
        else:
            indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
            said.append(f"{indent}{say(message)}")
    return "\n\n".join(said)


def _help_text(command: click.Command) -> str:
    """A command's help as click shows it: cleaned, cut at its form feed."""
    return inspect.cleandoc(command.help or "").partition("\f")[0]


def help_language(ctx: click.Context) -> Language:
    """The command line's language: its settings' once the group has read its own options
    (`convflow status --help`: as `convflow status` speaks, CONVFLOW_LANGUAGE's when they
    cannot be read), else CONVFLOW_LANGUAGE's (`convflow --help`, which reads no settings and
    imports nothing for them)."""
    if ctx.find_root().obj is None:
        return language_of(os.environ.get("CONVFLOW_LANGUAGE"))
    from workflow.cli.context import words_of  # imported by the group's callback already

    return words_of(ctx).language


class SaidFormatter(click.HelpFormatter):
    """Click's formatter saying the usage line's prefix, the headings and the help texts in
    the help's language (`say`); in French (`tie`), each sign kept on the line of the word
    before it."""

    def __init__(self, say: Say, tie: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.say = say
        self.tie = tie

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        said = f"{self.say(USAGE)} " if prefix is None else prefix
        super().write_usage(prog, args, prefix=said)

    def write_heading(self, heading: str) -> None:
        # French puts a space before its colon: the entry is the heading with its colon.
        self.write(f"{'':>{self.current_indent}}{self.say(f'{heading}:')}\n")

    def write_text(self, text: str) -> None:
        said = said_text(text, self.say)
        super().write_text(tied(said) if self.tie else said)

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:  # fmt: skip
        if self.tie:
            rows = [(first, tied(second)) for first, second in rows]
        super().write_dl(rows, col_max, col_spacing)


def said_formatter(ctx: click.Context, language: Language) -> SaidFormatter:
    """A formatter of `ctx`'s width saying a help, or a usage line, in `language`."""
    say = partial(translations(language).pgettext, HELP)
    return SaidFormatter(say, tie=language == "fr", width=ctx.terminal_width,
                         max_width=ctx.max_content_width)  # fmt: skip


def _saying(formatter: click.HelpFormatter) -> Say:
    """What the formatter says the help with: the English itself for click's own formatter."""
    return formatter.say if isinstance(formatter, SaidFormatter) else str


def _said_extras(extras: str, param: click.Parameter, say: Say) -> str:
    """Click's extras of an option's help ("[default: 30; required]"), its words said."""
    items = []
    for item in extras.split("; "):
        key, _, value = item.partition(": ")
        if item == REQUIRED:
            item = say(REQUIRED)
        elif key == "default":
            shown = getattr(param, "show_default", None)
            if isinstance(shown, str) and value == f"({shown})":
                value = f"({say(shown)})"  # show_default="your login"
            item = say(DEFAULT).format(default=value)
        elif key == "env var":
            item = say(ENV_VAR).format(var=value)
        items.append(item)
    return reduce(lambda extras, extra: say(EXTRAS).format(extras=extras, extra=extra), items)


def _said_record(param: click.Parameter, ctx: click.Context, say: Say) -> tuple[str, str] | None:
    """An option's line in the help (`--days INTEGER RANGE`, what it means and its extras),
    said in the help's language."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    spec, text = record
    own = getattr(param, "help", None) or ""
    if not text.startswith(own):  # not as click writes it: said as a whole
        return spec, said_text(text, say)
    rest = text[len(own) :].strip()
    said = said_text(own, say)
    if rest.startswith("[") and rest.endswith("]"):
        extras = f"[{_said_extras(rest[1:-1], param, say)}]"
        said = f"{said}  {extras}" if said else extras
    return spec, said


class SaidHelp(click.Command):
    """A command whose `--help` is said in the command line's language.

    Only `get_help` says it: the usage line of a usage error is said by the group's handling
    of errors (workflow.cli.misuse.Misuse), with the same `format_usage`."""

    def get_help(self, ctx: click.Context) -> str:
        formatter = said_formatter(ctx, help_language(ctx))
        self.format_help(ctx, formatter)
        return formatter.getvalue().rstrip("\n")

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        say = _saying(formatter)
        pieces = [say(piece) if piece == COMMAND_ARGS else piece
                  for piece in self.collect_usage_pieces(ctx)]  # fmt: skip
        formatter.write_usage(ctx.command_path, " ".join(pieces))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        say = _saying(formatter)
        rows = [row for param in self.get_params(ctx) if not isinstance(param, click.Argument)
                if (row := _said_record(param, ctx, say)) is not None]  # fmt: skip
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The arguments' section (click 8.5), shown when one of them has a help."""
        arguments = [param for param in self.get_params(ctx) if isinstance(param, click.Argument)]
        if any(getattr(argument, "help", None) is not None for argument in arguments):
            say = _saying(formatter)
            rows = [
                (argument.make_metavar(ctx), said_text(getattr(argument, "help", None) or "", say))
                for argument in arguments
            ]
            with formatter.section("Positional arguments"):
                formatter.write_dl(rows)


class SaidCommand(SaidHelp):
    """A convflow command: `--help` in the command line's language."""


class SaidGroup(SaidHelp, click.Group):
    """A group of convflow commands: its `--help` in the command line's language, its
    commands listed each by the start of its help said in that language."""

    command_class = SaidCommand
    group_class = type  # a group made with `@group.group()` is one of these too

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def listed(self, ctx: click.Context, name: str) -> click.Command | None:
        """What the list of commands says `name` is (the command itself here)."""
        return self.get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists them, each command with the first sentence of its help in the help's
        language, whole: wrapped under the command where it is long, never cut with « ... »
        (click cuts a summary at the terminal's width, so that `convflow --help` listed 21
        of its 30 commands in words that stopped mid-phrase)."""
        listed = [(name, self.listed(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in listed
                 if command is not None and not command.hidden]  # fmt: skip
        if not shown:
            return
        say = _saying(formatter)
        rows = [(name, _short_help(command, say)) for name, command in shown]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


WHOLE = 10_000
"""A summary's limit that no first sentence reaches: click then stops at the sentence's end."""


def _short_help(command: click.Command, say: Say) -> str:
    """What a list of commands says of `command`: the first sentence of its help (or its
    short help), said in the help's language."""
    if command.short_help:
        short = said_text(inspect.cleandoc(command.short_help), say)
        said = click.Command(command.name, short_help=short)
    else:
        said = click.Command(command.name, help=said_text(_help_text(command), say))
    return said.get_short_help_str(WHOLE)


def help_messages(group: click.Group, name: str) -> Iterator[tuple[str, str]]:
    """Every piece of help the command tree of `group` can show, with the first command whose
    `--help` shows it: (English text, `convflow status`). Each command's module is imported:
    for `make messages`, never for `--help`."""
    for word in CLICK_WORDS:
        yield word, name
    yield from _messages(group, _context(group, name, None), name)


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    """A context as click makes it to run `command`, its settings (`-h`) included: click keeps
    the help option it first made for a command."""
    return click.Context(command, info_name=name, parent=parent, **command.context_settings)


def _messages(command: click.Command, ctx: click.Context, path: str) -> Iterator[tuple[str, str]]:
    texts = [_help_text(command), command.short_help, command.epilog]
    for param in command.get_params(ctx):
        texts.append(getattr(param, "help", None))
        shown = getattr(param, "show_default", None)
        if isinstance(shown, str):
            texts.append(shown)
    for text in texts:
        for message in messages_of(inspect.cleandoc(text or "")):
            yield message, path
    if isinstance(command, click.Group):
        # A lazy command's summary is the first paragraph of its help: the same entry (a test
        # holds it), so the commands are read only as they are.
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _messages(sub, _context(sub, name, ctx), f"{path} {name}")
