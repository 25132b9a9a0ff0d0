"""What every `convflow` command shares: its context, its options and how it prints.

Exit codes: 0 success; 1 a refused command or invalid input (one line on stderr says why and
nothing changed); 2 a usage error. With `--json`, a refusal is JSON on stdout instead:
`{"error": {"code", "params", "message"}}`, with the same exit code. The command line speaks
the language of `CONVFLOW_LANGUAGE` (French unless told `en`).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from states.errors import ConvflowError, InvalidInput
from states.inputs import check_actor, parse_day, parse_instant
from workflow.cli.group import JSON_WANTED, ConvflowGroup
from workflow.cli.misuse import BadValue, Misuse, Misused, misuse_of
from workflow.settings import Settings, load_settings
from workflow.wording.catalogue import Language, language_of
from workflow.wording.refusals import hint, say, say_by_line
from workflow.wording.words import Words

if TYPE_CHECKING:
    from workflow.bootstrap import App

__all__ = [
    "DATE",
    "INSTANT",
    "OUTPUT",
    "CliContext",
    "ConvflowGroup",
    "Misused",
    "actor_option",
    "checked_actor",
    "default_actor",
    "emit",
    "force_option",
    "json_option",
    "key_values",
    "log_line",
    "logs_as_json",
    "pass_context",
    "refuse",
    "refuse_to_replace",
    "usage_error",
    "words_of",
    "writable",
    "write_output",
]

F = TypeVar("F", bound=Callable[..., Any])


class Refused(click.ClickException):
    """A refusal said in the command line's language: 'Erreur : ...', exit code 1."""

    def __init__(self, message: str, words: Words) -> None:
        super().__init__(message)
        self.words = words

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.words("Error: {message}", message=self.format_message()), err=True)


def words_of(ctx: click.Context | None) -> Words:
    """The words of this command line: those of its settings, or of its environment when
    the settings themselves cannot be read."""
    context = ctx.find_object(CliContext) if ctx is not None else None
    if context is not None:
        return context.words
    return _words(language_of(os.environ.get("CONVFLOW_LANGUAGE")))


def _words(language: Language) -> Words:
    return Words(language, names=True)


def _said(error: ConvflowError, words: Words, by_line: bool = False) -> str:
    """A refusal in words, with its hint; `by_line`: a file's problems each on its own line
    (the text a person reads; a log's JSON line keeps it one line)."""
    said = say_by_line(error, words) if by_line else say(error, words).message
    helped = hint(error, words)
    return words.entry("frame", "with_hint", message=said, hint=helped) if helped else said


def refuse(ctx: click.Context, error: ConvflowError) -> NoReturn:
    """A refusal said in the command line's language: a usage error (exit code 2) when the
    command line was misused, exit code 1 otherwise; JSON on stdout with `--json`."""
    words = words_of(ctx)
    if isinstance(error, Misused):
        if ctx.meta.get(JSON_WANTED):
            _json(ctx, say(error, words).as_json(), 2)
        raise Misuse(_said(error, words), error.ctx, words) from None
    if ctx.meta.get(JSON_WANTED):
        _json(ctx, say(error, words).as_json(), 1)
    if logs_as_json(ctx):
        # The service's log is JSON (journald, docker): its refusal to start is one more line
        # of it, with its code, not a line of text among them. Same exit code.
        said = say(error, words)
        click.echo(_json_line("error", _service_logger(ctx), _said(error, words),
                              code=said.code, params=said.params), err=True)  # fmt: skip
        ctx.exit(1)
    raise Refused(_said(error, words, by_line=True), words) from None


SERVICE_COMMANDS = ("serve", "init")
"""The commands that run as the service, whose output is its log: `serve`, and `init`, which
the unit's ExecStartPre and the container's command run just before it (its one line would
otherwise be the only line of plain text in a JSON log, at every start)."""

_SERVICE_LOGGERS = {"serve": "convflow.service", "init": "convflow.init"}
"""The logger each service command's own lines are said by, in JSON."""


def logs_as_json(ctx: click.Context) -> bool:
    """Whether `ctx` runs one of the service's commands with its log in JSON
    (CONVFLOW_LOG_FORMAT=json): what it says is then said as lines of that log."""
    if _command_of(ctx) not in SERVICE_COMMANDS:
        return False
    context = ctx.find_object(CliContext)
    try:
        form = context.settings.log_format if context is not None else None
    except ConvflowError:  # the settings themselves refused: as the environment says
        form = None
    return str(form or os.environ.get("CONVFLOW_LOG_FORMAT", "")).strip().lower() == "json"


def _service_logger(ctx: click.Context) -> str:
    """The logger of the service command `ctx` runs."""
    return _SERVICE_LOGGERS.get(_command_of(ctx) or "", "convflow.service")


def log_line(ctx: click.Context, level: str, message: str, **facts: Any) -> None:
    """Say `message` as one line of the service's JSON log, on stderr as the log is, by the
    logger of the command `ctx` runs; `facts` are fields of that line."""
    click.echo(_json_line(level, _service_logger(ctx), message, **facts), err=True)


def _command_of(ctx: click.Context) -> str | None:
    """The convflow command `ctx` runs (its group's context, or the command's own)."""
    root = ctx.find_root()
    return root.invoked_subcommand or (ctx.info_name if ctx is not root else None)


def _json_line(level: str, logger: str, message: str, **facts: Any) -> str:
    from workflow.ops.logs import json_line  # the log's own format, only when it is JSON

    return json_line(level, logger, message, **facts)


def usage_error(ctx: click.Context, error: click.UsageError) -> NoReturn:
    """click's usage error said as convflow's (workflow.cli.misuse): in the command line's
    language under the usage of the command it was made in, or as JSON on stdout with
    `--json`; exit code 2 (1 for an option's value convflow's own parsing refused: a date)."""
    refusal = misuse_of(error)
    if isinstance(refusal, Misused) and error.ctx is not None:
        refusal.ctx = error.ctx  # the command whose usage it shows
    refuse(ctx, refusal)


def _json(ctx: click.Context, error: dict[str, Any], exit_code: int) -> NoReturn:
    emit({"error": error})
    ctx.exit(exit_code)


def actor_option(help_text: str) -> Callable[[F], F]:
    """`--by`: who records what a command does (the history's "par"), your login by default,
    refused when empty or only spaces, too long or with control characters."""
    return click.option("--by", "actor", default=default_actor, callback=checked_actor,
                        show_default="your login", help=help_text)  # fmt: skip


def json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(function)


def emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def default_actor() -> str:
    return os.environ.get("CONVFLOW_ACTOR") or getpass.getuser()


def checked_actor(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """`--by`: the name the history records, refused when empty or only spaces, too long or
    with control characters, before anything is read or written."""
    return check_actor(value)


def utc_now() -> datetime:
    """The real clock, as workflow.bootstrap's (without importing the database layer): the
    command line's every "now" is read here (`CliContext.now`), the tests fix it here."""
    return datetime.now(UTC)


class CliContext:
    """Settings read once; the app (and its database) opened only when a command needs it."""

    def __init__(self, config: Path | None) -> None:
        self.config = config
        self._settings: Settings | None = None
        self._app: App | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(file=self.config)
            self._warn_unknown(self._settings)
        return self._settings

    def use_settings(self, settings: Settings, *, warn: bool = True) -> None:
        """Take these settings (read otherwise than `settings` would), warning of unknown
        variables as it would (unless `warn` is off: `doctor` says them in its report)."""
        self._settings = settings
        if warn:
            self._warn_unknown(settings)

    def _warn_unknown(self, settings: Settings) -> None:
        """A mistyped CONVFLOW_* variable would be ignored in silence: say so, once."""
        words = _words(language_of(settings.language))
        ctx = click.get_current_context(silent=True)
        as_json = ctx is not None and settings.log_format == "json" and logs_as_json(ctx)
        for name, closest in settings.unknown:
            if closest:
                said = words("warning: {name} is not a convflow setting; did you mean {closest}?",
                             name=name, closest=closest)  # fmt: skip
            else:
                said = words("warning: {name} is not a convflow setting (see convflow config)",
                             name=name)  # fmt: skip
            if as_json:  # the service's log is JSON: one more line of it
                said = _json_line("warning", "convflow.settings", said, setting=name)
            click.echo(said, err=True)

    @property
    def words(self) -> Words:
        """The command line's words, in the language its settings say."""
        try:
            language = language_of(self.settings.language)
        except ConvflowError:  # the settings cannot be read: say so in the environment's
            language = language_of(os.environ.get("CONVFLOW_LANGUAGE"))
        return _words(language)

    def now(self) -> datetime:
        """This instant, on the command line's clock: what a read is judged against."""
        return utc_now()

    def app(self, *, check_schema: bool = True) -> App:
        if self._app is None:
            from workflow.bootstrap import App  # the database layer, only for a command using it

            self._app = App.create(self.settings, check_schema=check_schema)
            self._app.clock = self.now  # one clock for the whole command line
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


pass_context = click.make_pass_decorator(CliContext)


def _field(param: click.Parameter | None, default: str) -> str:
    """The field a refusal of an option's value is about: the option as it is typed
    (`--received-on`: received_on)."""
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len).lstrip("-").replace("-", "_")
    return param.name if param is not None and param.name else default


class _Date(click.ParamType[date]):
    """A date (YYYY-MM-DD) or an ISO instant, converted to its civil date in Paris."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value), _field(param, "date"))
        except ConvflowError as error:
            raise BadValue(error, say(error, words_of(ctx)).problem, ctx, param) from None


class _Instant(click.ParamType[datetime]):
    """An ISO instant with its timezone (a bare date means 00:00 in Paris)."""

    name = "INSTANT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(str(value), _field(param, "now"))
        except ConvflowError as error:
            raise BadValue(error, say(error, words_of(ctx)).problem, ctx, param) from None


class _Output(click.ParamType[Path]):
    """A file the command writes (`-o FILE`): refused before any work is done when it could
    not be written (its folder missing or closed to us, a folder given for a file)."""

    name = "FILE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        try:
            return writable(path, _field(param, "output"))
        except ConvflowError as error:
            raise BadValue(error, say(error, words_of(ctx)).problem, ctx, param) from None


DATE, INSTANT, OUTPUT = _Date(), _Instant(), _Output()


def writable(path: Path, field: str = "output") -> Path:
    """`path`, once it is known that a file can be written there; the refusal otherwise."""
    text = str(path)
    if "\x00" in text:
        raise InvalidInput(field, "control_characters")
    if path.is_dir():
        raise InvalidInput(field, "output_is_a_directory", value=text)
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(field, "not_a_directory", value=str(folder))
    if path.exists():
        if not os.access(path, os.W_OK):
            raise InvalidInput(field, "output_not_writable", value=text)
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(field, "output_not_writable", value=str(folder))
    return path


def refuse_to_replace(path: Path, force: bool, field: str = "output") -> None:
    """Refuse to write over a file already there, unless `force`: what a person completed or
    edited by hand (a drafted convention file, a letter in Word) is not lost to a second run.
    What is no regular file (/dev/stdout, a pipe) is written to as it is."""
    if path.is_file() and not force:
        raise InvalidInput(field, "output_exists", value=str(path))


def force_option(f: F) -> F:
    """`--force`: write the -o file even when one is already there (replaced)."""
    return click.option(
        "--force",
        is_flag=True,
        help="Replace the -o file if it exists (by default refused, the file left as it is).",
    )(f)


def write_output(path: Path, content: bytes | str, field: str = "output") -> None:
    """Write a command's file (text as UTF-8, as it is), or refuse naming why it could not be
    (a disk full, a folder removed since it was checked)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # A file is written beside its place, then put there: a command stopped halfway (a full
    # disk, a kill) leaves the former file or none, never half an export a script would read.
    # What is no regular file (/dev/stdout, a pipe) is written as it is: it cannot be replaced.
    regular = path.is_file() or not path.exists()
    target = path.with_name(f".{path.name}.{os.getpid()}.partial") if regular else path
    try:
        target.write_bytes(data)
        if regular:
            os.replace(target, path)
    except OSError as error:
        if regular:
            target.unlink(missing_ok=True)
        reason = error.strerror or type(error).__name__
        raise InvalidInput(field, "output_not_written", value=str(path), reason=reason) from None


def key_values(values: Sequence[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise Misused("not_key_value", item=item)
        if key in pairs:
            raise Misused("given_twice", key=key, first=pairs[key], second=value)
        pairs[key] = value
    return pairs
