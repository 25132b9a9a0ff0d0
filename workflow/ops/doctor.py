"""`convflow doctor`: what an operator checks before (or instead of) calling for help.

Each check says ok, warn or fail, what it saw, and for anything but ok what to do. Nothing is
changed: the database is only read, the SMTP server only greeted (EHLO, and STARTTLS when it is
configured: never a login, never a message), the mail folder tried by a file removed at once.
What it saw and what to do are sentences of the message catalogue with their values: the
command line says them in its language.
"""

from __future__ import annotations

import os
import pwd
import shutil
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from states.errors import ConvflowError, InvalidInput
from storage.engine import (
    DatabaseFolderUnusable,
    DatabaseUnreachable,
    is_sqlite,
    sqlite_path,
    url_password,
)
from storage.urls import masked_url
from workflow.bootstrap import App, SchemaNotReady
from workflow.failures import SMTP_FIXES, ConnectionFailure, connection_failure
from workflow.scheduler.listening import HostNotLocal, PortTaken, beyond_loopback, bind_http
from workflow.scheduler.service import mail_identity_missing
from workflow.settings import Refused, Settings
from workflow.wording.catalogue import gettext_noop as _

__all__ = ["CHECKS", "NEEDS", "Finding", "check_mail", "examine", "exposure", "unread_settings"]

Verdict = Literal["ok", "warn", "fail"]
LOW_DISK = 1 << 30  # 1 GiB: below this, a SQLite file and its WAL may not grow for long
CLOCK_SKEW_SECONDS = 5.0


CHECKS = (_("settings"), _("database"), _("clock"), _("mail"), _("time zone"), _("holidays"),
          _("disk"), _("http"))  # fmt: skip
"""The checks, by the names `--json` gives (and the catalogue says)."""


@dataclass(frozen=True)
class Finding:
    """One check's outcome: what was checked, the verdict, what was seen, what to do.

    `seen` and `fix` are sentences of the catalogue (in English), `values` what they name;
    `refusal`, when what was seen is one of convflow's refusals, is said as `{error}`.
    """

    check: str
    verdict: Verdict
    seen: str
    fix: str = ""
    values: Mapping[str, object] = field(default_factory=dict)
    refusal: ConvflowError | None = None


NEEDS: dict[str, tuple[str, ...]] = {
    "database": ("database_url", "sqlite_synchronous"),
    "mail": ("smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_tls", "smtp_timeout",
             "mail_dir"),
    "disk": ("mail_dir", "database_url"),
    "http": ("http_host", "http_port"),
}  # fmt: skip
"""The settings each check reads: with one of them refused, the check is not made."""


def examine(
    settings: Settings, open_app: Callable[[], App], refused: Sequence[Refused] = ()
) -> list[Finding]:
    """Every check, in the order an operator would look: settings, database, mail, time, disk.

    `refused` are the settings whose values were refused (each has its default in `settings`):
    each is a finding of its own, and a check that reads one of them is not made.
    """
    unread = {item.spec.name: item.error.field for item in refused if item.spec is not None}
    checks: list[tuple[str, Callable[[], Iterable[Finding]]]] = [
        ("database", lambda: _database(settings, open_app)),
        ("mail", lambda: [check_mail(settings)]),
        ("time", _time),
        ("disk", lambda: _disk(settings)),
        ("http", lambda: _http(settings)),
    ]
    findings = [*_settings(settings, refused)]
    for check, run in checks:
        missing = list(dict.fromkeys(unread[name] for name in NEEDS.get(check, ())
                                     if name in unread))  # fmt: skip
        findings += [_not_checked(check, missing)] if missing else run()
    return findings


def unread_settings(
    error: ConvflowError, unknown: Sequence[tuple[str, str | None]] = ()
) -> list[Finding]:
    """What doctor says when the settings file itself cannot be read: that, the CONVFLOW_*
    variables that are no setting, each check that reads settings as not made (the file may
    set any of them), and the checks that read none."""
    unread = Finding("settings", "fail", _("{error}"), _("correct the settings file, or name "
                                                         "another (--config, CONVFLOW_CONFIG)"),
                     refusal=error)  # fmt: skip
    not_checked = {
        check: Finding(check, "warn", _("not checked: the settings file could not be read"),
                       _("correct the settings file, then run `convflow doctor` again"))
        for check in NEEDS
    }  # fmt: skip
    return [unread, *_unknown_variables(unknown), not_checked["database"], not_checked["mail"],
            *_time(), not_checked["disk"], not_checked["http"]]  # fmt: skip


def _not_checked(check: str, missing: list[str]) -> Finding:
    # Two sentences, not one: French agrees the verb with one setting or several.
    seen = (_("not checked: {settings} could not be read") if len(missing) == 1
            else _("not checked: the settings {settings} could not be read"))  # fmt: skip
    return Finding(check, "warn", seen,
                   _("correct the settings above, then run `convflow doctor` again"),
                   {"settings": ", ".join(missing)})  # fmt: skip


def _settings(settings: Settings, refused: Sequence[Refused] = ()) -> Iterator[Finding]:
    yield from (_refused(item) for item in refused)
    if not refused and settings.file:
        yield Finding("settings", "ok", _("read from the file {file} and the environment"),
                      values={"file": settings.file})  # fmt: skip
    elif not refused:
        yield Finding("settings", "ok", _("read from the environment"))
    yield from _unknown_variables(settings.unknown)
    yield from _secrets(settings, {item.spec.name for item in refused if item.spec})
    identity = {"smtp_host", "mail_from", "service_contact"}
    if identity & {item.spec.name for item in refused if item.spec}:
        return
    if missing := mail_identity_missing(settings):
        yield Finding(
            "settings",
            "fail",
            _("emails would leave by SMTP without the service's identity ({missing})"),
            _(
                "set the service's name and address (CONVFLOW_MAIL_FROM) and how partners reach "
                "it (CONVFLOW_SERVICE_CONTACT): serve and run-due refuse to start without them"
            ),
            {"missing": ", ".join(missing)},
        )


_REFUSED_FIXES = {
    "smtp_login_incomplete": _("set {missing} too, or unset {setting}: an SMTP login is both"),
    "setting_set_twice": _("keep one of the lines that set {name}, and remove the other"),
}
"""What to do of a refused setting, when it is not to give it a value it takes."""


def _refused(item: Refused) -> Finding:
    """A refused setting, or a settings file's key that sets nothing, and what to do."""
    values = {"setting": item.error.field, **item.error.own_params}
    if item.spec is None:  # a key of the file that names no setting
        fix = (
            _("rename {setting} to {closest}, or remove it: it sets nothing")
            if item.error.params.get("closest")
            else _("remove {setting}: it sets nothing (`convflow config` lists the settings)")
        )
    elif item.error.code in _REFUSED_FIXES:
        fix = _REFUSED_FIXES[item.error.code]
    elif default := _shown_default(item.spec.default):
        values["default"] = default
        fix = _(
            "give {setting} one of the values it takes, or unset it for its default ({default})"
        )
    else:
        fix = _("give {setting} a value it takes, or unset it")
    return Finding("settings", "fail", _("{error}"), fix, values, item.error)  # fmt: skip


def _unknown_variables(unknown: Iterable[tuple[str, str | None]]) -> Iterator[Finding]:
    """Each CONVFLOW_* variable that is no setting: ignored, so a misspelt one (
    CONVFLOW_SMTP_PASSWRD) leaves its setting unset. A warning, as every command says it."""
    for name, closest in unknown:
        error = InvalidInput(name, "unknown_setting", closest=closest)
        fix = (_("convflow ignores it: rename it {closest}, or remove it") if closest
               else _("convflow ignores it: remove it, or name a setting `convflow config` "
                      "lists"))  # fmt: skip
        yield Finding("settings", "warn", _("{error}"), fix, {"closest": closest or ""}, error)


SECRET_LEAST = 32
"""The fewest characters of a key convflow checks against (the sign-in form's, the metrics
token): 32 random characters are some 190 bits; a word or a short phrase can be guessed."""
_EXAMPLE_WORDS = ("changeme", "changez", "remplacer", "example", "exemple", "placeholder",
                  "xxxx")  # fmt: skip
_EXAMPLE_VALUES = frozenset({"secret", "password", "passwd", "motdepasse", "token", "convflow",
                             "admin", "test", "1234", "12345678"})  # fmt: skip
"""What marks a secret as an example's, left unchanged (examples/deploy/convflow.env says
CHANGE-ME), compared letters and digits only, in any case."""


def _is_example_secret(value: str) -> bool:
    """Whether a secret is an example's or a common word (CHANGE-ME-64-random-characters,
    `secret`), known to whoever read the example or guesses it first."""
    plain = "".join(character for character in value.lower() if character.isalnum())
    return plain in _EXAMPLE_VALUES or any(word in plain for word in _EXAMPLE_WORDS)


_SECRET_FIXES = {
    "session_secret": _("set it to a random key of at least {least} characters (`openssl rand "
                        "-base64 48`), or unset it: convflow then derives one from the "
                        "database's own salt"),
    "metrics_token": _("set it to a random token of at least {least} characters (`openssl rand "
                       "-base64 48`), or unset it: /metrics then answers loopback clients only"),
    "smtp_password": _("change the password, on the mail server and in {setting}"),
    "database_url": _("change the password, on the database server and in {setting}"),
}  # fmt: skip
"""What to do of each secret left as an example's, or too short."""


def _secrets(settings: Settings, refused: set[str]) -> Iterator[Finding]:
    """The secrets still as an example gave them (a FAIL: anyone who read it knows them), and
    the keys too short to resist a guess (a WARN). Passwords are the servers' own affair: only
    the example's are said."""
    given = {
        "session_secret": settings.session_secret,
        "metrics_token": settings.metrics_token,
        "smtp_password": settings.smtp_password,
        "database_url": url_password(settings.database_url),
    }
    for name, secret in given.items():
        if not secret or name in refused:
            continue
        values = {"setting": "CONVFLOW_" + name.upper(), "least": SECRET_LEAST,
                  "count": len(secret)}  # fmt: skip
        fix = _SECRET_FIXES[name]
        if _is_example_secret(secret):
            seen = (_("{setting} holds a password of an example (CHANGE-ME...), known to anyone "
                      "who read it") if name == "database_url"
                    else _("{setting} is still an example's value (CHANGE-ME...), known to "
                           "anyone who read it"))  # fmt: skip
            yield Finding("settings", "fail", seen, fix, values)
        elif name in ("session_secret", "metrics_token") and len(secret) < SECRET_LEAST:
            yield Finding("settings", "warn",
                          _("{setting} has only {count} characters: a key this short may be "
                            "guessed"), fix, values)  # fmt: skip


def _shown_default(default: object) -> str:
    if default is None or default == ():
        return ""
    if isinstance(default, bool):
        return "yes" if default else "no"
    return str(default)


def _database(settings: Settings, open_app: Callable[[], App]) -> Iterator[Finding]:
    where = masked_url(settings.database_url)
    try:
        app = open_app()
    except DatabaseUnreachable as error:  # the address once, then why in convflow's words
        failure = connection_failure(error.driver_error or error)
        yield Finding("database", "fail", _DATABASE_SEEN[_answered(failure)],
                      _database_fix(failure), {"where": where}, failure)  # fmt: skip
        return
    except ConvflowError as error:  # missing file, schema behind: one line
        if error.code in _SCHEMA_SEEN:  # after the check's name, not « la base de données » again
            yield Finding("database", "fail", _SCHEMA_SEEN[error.code], _database_fix(error),
                          {"where": where, **error.params}, error)  # fmt: skip
            return
        seen = _("{error}") if "url" in error.params else _("{where}: {error}")
        yield Finding("database", "fail", seen, _database_fix(error),
                      {"where": where}, error)  # fmt: skip
        return
    except Exception as error:  # anything else the driver says, in one line too
        failure = connection_failure(error)
        yield Finding("database", "fail", _DATABASE_SEEN[_answered(failure)],
                      _database_fix(failure), {"where": where}, failure)  # fmt: skip
        return
    try:
        now = app.clock()
        server_now = _database_clock(app)
        yield Finding("database", "ok", _("{where} answers, schema at the code's revision"),
                      values={"where": where})  # fmt: skip
        if server_now is not None:
            skew = abs((server_now - now).total_seconds())
            verdict: Verdict = "ok" if skew <= CLOCK_SKEW_SECONDS else "warn"
            yield Finding(
                "clock",
                verdict,
                _("this machine and the database server differ by {seconds} s"),
                ""
                if verdict == "ok"
                else _("synchronise both clocks (NTP): deadlines are applied at the second"),
                {"seconds": round(skew, 1)},
            )
    finally:
        app.close()


_SCHEMA_SEEN = {
    "schema_missing": _("{where} has no convflow schema; the code expects revision {expected}"),
    "schema_behind": _("{where} is at revision {revision}; the code expects revision {expected}"),
}  # fmt: skip
"""What the database check saw of a schema it cannot run on, its address said once."""
_DATABASE_SEEN = {
    False: _("{where} does not answer: {error}"),
    True: _("{where} refuses the connection: {error}"),
}
_ANSWERS = ("database_not_found", "authentication_refused", "server_answered")


def _answered(failure: ConnectionFailure) -> bool:
    """Whether the server answered, to refuse (no such database, no such user)."""
    return failure.code in _ANSWERS


def _database_fix(error: Exception) -> str:
    if isinstance(error, DatabaseFolderUnusable):
        return _(
            "set CONVFLOW_DATABASE_URL to a file in a folder the service's user may "
            "create, or write to"
        )
    if isinstance(error, SchemaNotReady) or (
        isinstance(error, ConnectionFailure) and error.code == "database_not_found"
    ):
        return _("run `convflow init` to create or migrate it")
    return _("check CONVFLOW_DATABASE_URL, that the server runs and accepts this user")


def _database_clock(app: App) -> datetime | None:
    if app.engine.dialect.name == "sqlite":
        return None  # the file has no clock of its own: this machine's is the only one
    with app.uow(read_only=True) as uow:
        return uow.listing.server_clock()


def check_mail(settings: Settings) -> Finding:
    """The mail check: the SMTP server greeted, or the mail folder tried by writing in it."""
    if not settings.smtp_host:
        folder = Path(settings.mail_dir).resolve()
        if not (place := _existing(folder)).is_dir():  # a file where the folder would be
            return Finding(
                "mail",
                "fail",
                _("no SMTP server: emails would be written to {folder}, but {place} is a file, "
                  "not a folder"),
                _("set CONVFLOW_MAIL_DIR to a folder (created if missing), or set "
                  "CONVFLOW_SMTP_HOST"),
                {"folder": folder, "place": place},
            )  # fmt: skip
        values = {"folder": folder, "user": _user()}
        if (refused := _write_refused(place)) is not None:
            return Finding(
                "mail",
                "fail",
                _("no SMTP server: emails would be written to {folder}, but the user {user} "
                  "cannot write in {place} ({reason})"),
                _("make {place} writable by the service's user, or set CONVFLOW_SMTP_HOST"),
                {**values, "place": place, "reason": refused},
            )  # fmt: skip
        seen = (
            _(
                "no SMTP server: emails are written to {folder} (checked as root, who may "
                "write anywhere: run `convflow doctor` as the service's user to check its "
                "rights)"
            )
            if os.geteuid() == 0
            else _(
                "no SMTP server: emails are written to {folder} (the user {user} may write there)"
            )
        )
        return Finding("mail", "ok", seen, values=values)  # fmt: skip
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        greeting = _greet(settings)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        failure = connection_failure(error)
        return Finding("mail", "fail", _("SMTP {where}: {error}"), _mail_fix(failure),
                       {"where": where}, failure)  # fmt: skip
    values = {"where": where, "tls": settings.smtp_tls, "greeting": greeting.said}
    if settings.smtp_user and not greeting.offers_login:
        # Every delivery would fail on login ("SMTP AUTH extension not supported") and be
        # retried for a day: the EHLO answer already says so.
        return Finding(
            "mail",
            "fail",
            _("SMTP {where} ({tls}) offers no login (AUTH), yet CONVFLOW_SMTP_USER is set"),
            SMTP_FIXES["login_not_offered"],
            values,
        )  # fmt: skip
    return Finding("mail", "ok", _("SMTP {where} ({tls}) greets: {greeting}"), values=values)


def _mail_fix(failure: ConnectionFailure) -> str:
    if failure.code in SMTP_FIXES:  # the settings delivery holds the emails for
        return SMTP_FIXES[failure.code]
    return _("check CONVFLOW_SMTP_HOST, _PORT and _TLS, and that this machine may reach it")


@dataclass(frozen=True)
class _Greeting:
    said: str  # the first line of the server's EHLO answer
    offers_login: bool  # it lists AUTH (after STARTTLS, when that is configured)


def _greet(settings: Settings) -> _Greeting:
    timeout = min(float(settings.smtp_timeout), 10.0)
    host, port = str(settings.smtp_host), int(settings.smtp_port)
    context = ssl.create_default_context()
    client: smtplib.SMTP = (
        smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        if settings.smtp_tls == "tls"
        else smtplib.SMTP(host, port, timeout=timeout)
    )
    with client:
        code, answer = client.ehlo()
        if code != 250:
            raise smtplib.SMTPResponseException(code, answer)
        if settings.smtp_tls == "starttls":
            client.starttls(context=context)
            client.ehlo()  # servers often offer AUTH only once the link is encrypted
        said = answer.decode("utf-8", "replace").splitlines()[0][:80]
        return _Greeting(said, client.has_extn("auth"))


def _time() -> Iterator[Finding]:
    try:
        paris = datetime.now(UTC).astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:
        yield Finding(
            "time zone",
            "fail",
            _("Europe/Paris is unknown to this machine"),
            _("install the tzdata package (pip or the system's)"),
        )
        return
    yield Finding("time zone", "ok", _("Europe/Paris is {time} (UTC{offset})"),
                  values={"time": f"{paris:%Y-%m-%d %H:%M}", "offset": f"{paris:%z}"})  # fmt: skip
    year = paris.year
    known = holidays.country_holidays("FR", years=[year, year + 1])
    verdict: Verdict = "ok" if len(known) >= 22 else "warn"
    yield Finding(
        "holidays",
        verdict,
        _("{count} French public holidays known for {year} and {next_year}"),
        "" if verdict == "ok" else _("upgrade the holidays package"),
        {"count": len(known), "year": year, "next_year": year + 1},
    )


def _disk(settings: Settings) -> Iterator[Finding]:
    places = {_("mail folder ({place}): {free} GiB free"): Path(settings.mail_dir)}
    if is_sqlite(settings.database_url):
        path = sqlite_path(settings.database_url)
        if path is not None:
            places[_("database file ({place}): {free} GiB free")] = path.parent
    for seen, place in places.items():
        existing = _existing(place.resolve())
        free = shutil.disk_usage(existing).free
        verdict: Verdict = "ok" if free >= LOW_DISK else "warn"
        yield Finding(
            "disk",
            verdict,
            seen,
            "" if verdict == "ok" else _("free some space: a full disk stops every commit"),
            {"place": existing, "free": round(free / (1 << 30), 1)},
        )


def _http(settings: Settings) -> Iterator[Finding]:
    port = _port(settings)
    yield port
    if not isinstance(port.refusal, HostNotLocal) and (exposed := exposure(settings)):
        yield exposed  # a host that is not this machine's is already a failure to fix first


def exposure(settings: Settings) -> Finding | None:
    """A warning when the dashboard would listen beyond loopback (CONVFLOW_HTTP_HOST): what
    other machines may then reach, and what still protects it. Not refused: a reverse proxy on
    another machine, or a container's published port, needs it."""
    host = str(settings.http_host)
    if not beyond_loopback(host):
        return None
    if settings.metrics_token:
        fix = _(
            "if that is meant (a reverse proxy, a container), what protects it: every page and "
            "API route asks for a token (`convflow token`), and /metrics for "
            "CONVFLOW_METRICS_TOKEN; put HTTPS in front, or tokens and session cookies cross "
            "the network in clear. Otherwise set CONVFLOW_HTTP_HOST=127.0.0.1"
        )
    else:
        fix = _(
            "if that is meant (a reverse proxy, a container), what protects it: every page and "
            "API route asks for a token (`convflow token`), and /metrics answers loopback "
            "clients only (CONVFLOW_METRICS_TOKEN unset); put HTTPS in front, or tokens and "
            "session cookies cross the network in clear. Otherwise set "
            "CONVFLOW_HTTP_HOST=127.0.0.1"
        )
    return Finding(
        "http",
        "warn",
        _("{address} is beyond this machine's loopback: other machines may reach the "
          "dashboard, the API and the probes /healthz and /readyz (open without a token)"),
        fix,
        {"address": f"{host}:{settings.http_port}"},
    )  # fmt: skip


def _port(settings: Settings) -> Finding:
    """Whether `serve` could listen where it is told to: taken as it would take it, let go."""
    host, port = str(settings.http_host), int(settings.http_port)
    address = {"address": f"{host}:{port}"}
    try:
        bind_http(host, port).close()
    except PortTaken as taken:
        if taken.code == "port_in_use":
            return Finding(
                "http",
                "warn",
                _("{address} is already taken (a running service, or another program)"),
                _("if no convflow service runs, set CONVFLOW_HTTP_PORT: `serve` would refuse "
                  "to start"),
                address,
            )  # fmt: skip
        return Finding("http", "fail", _("{error}"), _("set another CONVFLOW_HTTP_PORT"),
                       refusal=taken)  # fmt: skip
    except HostNotLocal as wrong:
        return Finding("http", "fail", _("{error}"),
                       _("set CONVFLOW_HTTP_HOST to an address of this machine (127.0.0.1 by "
                         "default)"), refusal=wrong)  # fmt: skip
    return Finding("http", "ok", _("{address} is free for the dashboard"), values=address)


def _existing(path: Path) -> Path:
    """The nearest of `path` and its parents that exists (that this user may see: a parent
    it may not search hides what is below it)."""
    while path != path.parent:
        try:
            if path.exists():
                return path
        except OSError:  # PermissionError: a parent this user may not search
            pass
        path = path.parent
    return path


def _write_refused(folder: Path) -> str | None:
    """Why a file cannot be written in `folder` (the system's words), or None when it can:
    tried for real, a file created and removed at once, as this process's user. os.access
    asks of the real user and the permission bits: yes for root everywhere, yes for a process
    whose effective user is another, blind to a full disk or a security module's refusal."""
    try:
        descriptor, name = tempfile.mkstemp(prefix=".convflow-doctor-", dir=folder)
    except OSError as error:
        return error.strerror or type(error).__name__
    os.close(descriptor)
    os.unlink(name)
    return None


def _user() -> str:
    """The user this process runs as, by name (its number when it has none)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a container's user without a line in /etc/passwd
        return str(os.geteuid())
