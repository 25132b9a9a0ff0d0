"""Settings: environment variables first, then an optional TOML file, then embedded defaults.

Every setting has a name, an environment variable, a default and a description, so
`convflow config` can show each one with where its value came from (passwords hidden).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from notifications.addresses import address_problem
from states.award import SIGNATURE_CHECKS
from states.calendar import HolidayCalendar, holiday_subdivisions
from states.deadlines import (
    LETTER_BASES,
    UNCOLLECTED_READINGS,
    LegalSettings,
    LetterBasis,
    UncollectedReading,
)
from states.due import EXTENSION_GRACE_DAYS
from states.errors import InvalidInput
from states.open_data import is_siret
from states.spelling import closest
from storage.urls import (
    UNESCAPED,
    bad_port,
    bracket_unclosed,
    masked_url,
    unescaped_in_credentials,
)
from workflow.files.toml_text import TomlSyntaxError, read_toml

Source = Literal["environment", "file", "default"]
SmtpTls = Literal["none", "starttls", "tls"]


class _Invalid(ValueError):
    """A value a setting refuses: one of convflow's codes and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def _text(value: str) -> str:
    return value.strip()


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
"""A whole number as a setting is written: 0-9 only (int() also reads full-width `１５`, other
scripts' digits and `1_000`, which README says are refused)."""


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        text = str(value).strip()
        if WHOLE_NUMBER.fullmatch(text) is None:
            raise _Invalid("not_a_whole_number", value=str(value))
        number = int(text)
        if not low <= number <= high:
            raise _Invalid("number_out_of_range", value=number, low=low, high=high)
        return number

    return parse


def _siret(value: str) -> str:
    text = str(value).replace(" ", "").strip()
    if not is_siret(text):
        raise _Invalid("not_a_siret", value=str(value))
    return text


def _flag(value: str) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "yes", "true", "on", "oui"):
        return True
    if text in ("0", "no", "false", "off", "non"):
        return False
    raise _Invalid("not_yes_or_no", value=str(value))


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        text = str(value).strip().lower()
        if text not in choices:
            raise _Invalid("not_one_of", value=str(value), choices=choices)
        return text

    return parse


def _emails(value: str | list[str]) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value).split(",")
    emails = tuple(item.strip() for item in items if item.strip())
    for email in emails:
        if address_problem(email):
            raise _Invalid("not_an_email", value=email)
    return emails


def _folder(value: str) -> str | None:
    """A folder that exists (the administrator's email templates), or None when unset."""
    text = str(value).strip()
    if not text:
        return None
    if not Path(text).is_dir():
        raise _Invalid("not_a_directory", value=text)
    return text


_DATABASE_URL = re.compile(r"^(sqlite(\+pysqlite)?:///.*|postgresql(\+psycopg)?://.+)$")


def _database_url(value: str) -> str:
    """A SQLite file or a PostgreSQL database, as SQLAlchemy names them."""
    text = str(value).strip()
    if not _DATABASE_URL.match(text):
        raise _Invalid("not_a_database_url", value=masked_url(text))
    if unescaped := unescaped_in_credentials(text):
        # SQLAlchemy would cut the password at its first `@` and take the rest for the host:
        # refused here, before a driver's message could show that rest.
        raise _Invalid(
            "database_url_unescaped",
            value=masked_url(text),
            characters=", ".join(f"{c} → {UNESCAPED[c]}" for c in unescaped),
        )
    if bracket_unclosed(text):
        raise _Invalid("not_a_database_url", value=masked_url(text))
    if (port := bad_port(text)) is not None:
        # SQLAlchemy raises on a port it cannot read as a number, libpq refuses 99999 only
        # when it connects, and port 0 silently means the default one.
        raise _Invalid("database_url_bad_port", value=masked_url(text), port=port)
    return text


def _mailbox(value: str) -> str:
    """One sender, 'Display name <address>' or a bare address; the name may hold commas."""
    text = str(value).strip()
    if address_problem(text):
        raise _Invalid("not_an_email", value=text)
    return text


def _dates(value: str | list[str]) -> tuple[date, ...]:
    items = value if isinstance(value, list) else str(value).split(",")
    try:
        return tuple(date.fromisoformat(str(item).strip()) for item in items if str(item).strip())
    except ValueError:
        raise _Invalid("not_a_date_list", value=str(value)) from None


def _optional_text(value: str) -> str | None:
    text = str(value).strip()
    return text or None


def _subdivision(value: Any) -> str | None:
    text = _optional_text(value)
    if text is not None and text not in holiday_subdivisions():
        raise _Invalid("not_a_holiday_subdivision", value=text, known=holiday_subdivisions())
    return text


@dataclass(frozen=True)
class Spec:
    """One setting: its name, environment variable, parser, default and meaning."""

    name: str
    parse: Callable[[Any], Any]
    default: Any
    description: str
    secret: bool = False

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return "CONVFLOW_" + self.name.upper()


SPECS: tuple[Spec, ...] = (
    Spec(
        "database_url",
        _database_url,
        "sqlite:///convflow.db",
        "SQLAlchemy URL: a SQLite file, or postgresql+psycopg://user@host/db",
    ),
    Spec(
        "sqlite_synchronous",
        _choice("normal", "full", "extra"),
        "full",
        "SQLite durability (full: each commit reaches the disk)",
    ),
    Spec("smtp_host", _optional_text, None, "SMTP server; unset: emails go to mail_dir as .eml"),
    Spec("smtp_port", _integer(1, 65535), 25, "SMTP port"),
    Spec("smtp_user", _optional_text, None, "SMTP login"),
    Spec("smtp_password", _optional_text, None, "SMTP password", secret=True),
    Spec("smtp_tls", _choice("none", "starttls", "tls"), "none", "SMTP transport security"),
    Spec("smtp_timeout", _integer(1, 600), 30, "SMTP timeout in seconds"),
    Spec(
        "smtp_data_timeout",
        _integer(1, 3600),
        600,
        "seconds to wait for the SMTP server's answer once a message is sent (RFC 5321: 10 "
        "minutes; shorter risks a second copy of a message the server was still accepting)",
    ),
    Spec("mail_dir", _text, "mail", "folder for .eml files when no SMTP server is set"),
    Spec(
        "templates_dir",
        _folder,
        None,
        "folder of email templates that override the packaged ones, by name",
    ),
    Spec("mail_from", _mailbox, "convflow <convflow@localhost>", "sender of every email"),
    Spec(
        "admin_emails",
        _emails,
        (),
        "the service's administrators (comma-separated): alerts, summaries and, unless "
        "admin_copies is off, a copy of every email with the service's internal note",
    ),
    Spec(
        "admin_copies",
        _flag,
        True,
        "send the administrators their own copy of each email to the partners, with the "
        "service's internal note (what to do next, who recorded it)",
    ),
    Spec(
        "late_record_days",
        _integer(0, 3650),
        2,
        "an event dated more than this many days before it is recorded emails no partner: "
        "the administrators get one summary of such late records per run",
    ),
    Spec(
        "extension_grace_days",
        _integer(0, 60),
        EXTENSION_GRACE_DAYS,
        "calendar days after the term the service waits before recording the expiry while an "
        "extension is in signature: a last signature dated on or before the term, received "
        "meanwhile, brings it into force; 0: the expiry is recorded at the term",
    ),
    Spec(
        "reminder_hour",
        _integer(0, 23),
        9,
        "hour (Europe/Paris) reminders, and the announcements of passed deadlines, are sent at",
    ),
    Spec(
        "chain_heads_daily",
        _flag,
        True,
        "email the administrators each day, from the reminder hour, every convention's last "
        "history hash (convflow verify checks the history against them)",
    ),
    Spec(
        "wake_interval",
        _integer(1, 3600),
        60,
        "safety interval (seconds) at which the service looks for due work",
    ),
    Spec(
        "watch_interval",
        _integer(1, 3600),
        5,
        "how often (seconds) the service looks for work recorded by another process (the "
        "command line) that falls due before its next wake-up",
    ),
    Spec(
        "retry_base_seconds",
        _integer(1, 86400),
        60,
        "first retry delay after a temporary delivery failure (doubles each time, max 1 h)",
    ),
    Spec(
        "max_attempts",
        _integer(1, 1000),
        24,
        "delivery attempts before an email is marked failed and administrators alerted",
    ),
    Spec(
        "claim_lease_seconds",
        _integer(1, 86400),
        900,
        "a claim on emails not renewed for this long (its sender died) is taken back and its "
        "emails sent again; senders renew theirs every third of it",
    ),
    Spec("dashboard_url", _optional_text, None, "public address of the dashboard, for links"),
    Spec(
        "service_contact",
        _optional_text,
        None,
        "how partners reach the service (an email address, a phone), shown in every email",
    ),
    Spec(
        "session_secret",
        _optional_text,
        None,
        "key signing the sign-in form's nonce (unset: derived from the database's own salt)",
        secret=True,
    ),
    Spec(
        "language",
        _choice("fr", "en"),
        "fr",
        "language of the command line, and of the API's messages when a client asks none",
    ),
    Spec("http_host", _text, "127.0.0.1", "address the HTTP API and dashboard listen on"),
    Spec(
        "log_format",
        _choice("text", "json"),
        "text",
        "service and HTTP access log format: readable text, or one JSON object a line",
    ),
    Spec(
        "log_level",
        _choice("debug", "info", "warning", "error"),
        "info",
        "the least severe log lines written",
    ),
    Spec(
        "metrics_token",
        _optional_text,
        None,
        "token /metrics requires (Authorization: Bearer); unset: /metrics answers loopback only",
        secret=True,
    ),
    Spec("http_port", _integer(1, 65535), 8000, "port of the HTTP API and dashboard"),
    Spec(
        "extend_acts",
        _flag,
        True,
        "extend the dispute window to the next working day (CPC 642 al. 2)",
    ),
    Spec(
        "extend_notices",
        _flag,
        False,
        "extend the termination notice to the next working day (case law says no)",
    ),
    Spec(
        "termination_letter_date",
        _choice(*LETTER_BASES),
        "receipt",
        "which date of the termination letter starts the notice",
    ),
    Spec(
        "uncollected_letter",
        _choice(*UNCOLLECTED_READINGS),
        "first_presentation",
        "a registered letter never collected, articles 6 and 7 alike: counts from its first "
        "presentation (administrative courts), or notifies nothing (civil courts)",
    ),
    Spec(
        "award_before_enforceable",
        _choice(*SIGNATURE_CHECKS),
        "refuse",
        "the Métropole signing before the award decision is enforceable: refused, or accepted "
        "and flagged (signing before it is adopted is always refused)",
    ),
    Spec(
        "document_max_bytes",
        _integer(1024, 1024 * 1024 * 1024),
        20 * 1024 * 1024,
        "the largest document a convention's paper trail takes (bytes)",
    ),
    Spec(
        "file_retention_years",
        _integer(1, 100),
        10,
        "years a convention's file is kept once closed, before its signatories' personal data "
        "may be erased (the archives' DUA)",
    ),
    Spec(
        "erase_requires_archives_reference",
        _flag,
        True,
        "`convflow erase` asks for the reference of the file's transfer to the archives or of "
        "its elimination visa (Code du patrimoine R212-14)",
    ),
    Spec(
        "open_data_grantor_name",
        _text,
        "Métropole d'Aix-Marseille-Provence",
        "the grantor's official name in the open data (SCDL nomAttribuant)",
    ),
    Spec(
        "open_data_grantor_siret",
        _siret,
        "20005480700017",
        "the grantor's SIRET in the open data (SCDL idAttribuant)",
    ),
    Spec(
        "open_data_threshold",
        _integer(0, 10_000_000),
        23000,
        "subsidies above this amount (euros) are published (décret 2017-779)",
    ),
    Spec(
        "open_data_on_amendment",
        _choice("changed", "always", "never"),
        "changed",
        "after an amendment in force, the open data are updated within three months: when it "
        "changes a published datum, always, or never (no text requires it)",
    ),
    Spec(
        "holiday_subdivision",
        _subdivision,
        None,
        "holidays subdivision code (unset: metropolitan France)",
    ),
    Spec("extra_holidays", _dates, (), "further official non-working days (YYYY-MM-DD, ...)"),
    Spec(
        "lre_acceptance_days",
        _integer(1, 60),
        15,
        "days a recipient has to accept an electronic registered letter (CPCE)",
    ),
    Spec(
        "payment_target_days",
        _integer(1, 365),
        30,
        "default internal payment target after notification (days)",
    ),
    Spec(
        "signature_target_days",
        _integer(1, 365),
        7,
        "default days after submission before the first signature reminder",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The service's settings, with where each value came from."""

    values: Mapping[str, Any]
    sources: Mapping[str, Source] = field(default_factory=dict)
    file: Path | None = None
    unknown: tuple[tuple[str, str | None], ...] = ()
    """CONVFLOW_* variables of the environment that are no setting, each with the closest."""

    # Each setting's type, for the type checker (read through __getattr__ at run time; a test
    # checks these against SPECS, where each one is documented, parsed and given its default).
    database_url: ClassVar[str]
    sqlite_synchronous: ClassVar[str]
    smtp_host: ClassVar[str | None]
    smtp_port: ClassVar[int]
    smtp_user: ClassVar[str | None]
    smtp_password: ClassVar[str | None]
    smtp_tls: ClassVar[Literal["none", "starttls", "tls"]]
    smtp_timeout: ClassVar[int]
    smtp_data_timeout: ClassVar[int]
    mail_dir: ClassVar[str]
    templates_dir: ClassVar[str | None]
    mail_from: ClassVar[str]
    admin_emails: ClassVar[tuple[str, ...]]
    admin_copies: ClassVar[bool]
    late_record_days: ClassVar[int]
    extension_grace_days: ClassVar[int]
    reminder_hour: ClassVar[int]
    chain_heads_daily: ClassVar[bool]
    wake_interval: ClassVar[int]
    watch_interval: ClassVar[int]
    retry_base_seconds: ClassVar[int]
    max_attempts: ClassVar[int]
    claim_lease_seconds: ClassVar[int]
    dashboard_url: ClassVar[str | None]
    service_contact: ClassVar[str | None]
    session_secret: ClassVar[str | None]
    language: ClassVar[str]
    http_host: ClassVar[str]
    log_format: ClassVar[Literal["text", "json"]]
    log_level: ClassVar[str]
    metrics_token: ClassVar[str | None]
    http_port: ClassVar[int]
    extend_acts: ClassVar[bool]
    extend_notices: ClassVar[bool]
    termination_letter_date: ClassVar[str]
    uncollected_letter: ClassVar[str]
    award_before_enforceable: ClassVar[str]
    open_data_grantor_name: ClassVar[str]
    open_data_grantor_siret: ClassVar[str]
    open_data_threshold: ClassVar[int]
    open_data_on_amendment: ClassVar[str]
    file_retention_years: ClassVar[int]
    erase_requires_archives_reference: ClassVar[bool]
    document_max_bytes: ClassVar[int]
    holiday_subdivision: ClassVar[str | None]
    extra_holidays: ClassVar[tuple[date, ...]]
    lre_acceptance_days: ClassVar[int]
    payment_target_days: ClassVar[int]
    signature_target_days: ClassVar[int]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def legal(self) -> LegalSettings:
        """The legal choices of docs/LEGAL-DEADLINES.md, for the deadline engine."""
        return LegalSettings(
            extend_acts=self.values["extend_acts"],
            extend_notices=self.values["extend_notices"],
            termination_letter_date=cast(LetterBasis, self.values["termination_letter_date"]),
            calendar=HolidayCalendar(
                subdivision=self.values["holiday_subdivision"],
                extra_days=self.values["extra_holidays"],
            ),
            lre_acceptance_days=self.values["lre_acceptance_days"],
            uncollected_letter=cast(UncollectedReading, self.values["uncollected_letter"]),
            award_before_enforceable=self.values["award_before_enforceable"],
            open_data_threshold=Decimal(self.values["open_data_threshold"]),
            open_data_on_amendment=self.values["open_data_on_amendment"],
        )

    def shown(self) -> list[tuple[Spec, str, Source]]:
        """Every setting with its printable value and source; secrets hidden."""
        rows = []
        for spec in SPECS:
            value = self.values[spec.name]
            if spec.secret and value:
                text = "********"
            elif spec.name == "database_url":
                text = masked_url(str(value))
            elif isinstance(value, tuple):
                text = ", ".join(str(v) for v in value)
            elif value is None:
                text = ""
            elif isinstance(value, bool):
                text = "yes" if value else "no"
            else:
                text = str(value)
            rows.append((spec, text, self.sources.get(spec.name, "default")))
        return rows

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with some values replaced (tests and the command line's own options)."""
        merged = {**self.values, **values}
        overridden: dict[str, Source] = dict.fromkeys(values, "environment")
        sources = {**self.sources, **overridden}
        return Settings(merged, sources, self.file)


def load_settings(environ: Mapping[str, str] | None = None, file: Path | None = None) -> Settings:
    """Settings from `environ` (default: the process environment) and an optional TOML file.

    The file is `file`, else the one `CONVFLOW_CONFIG` names; its keys are the setting names.
    """
    settings, refused = _load(environ, file, every=False)
    if refused:
        raise refused[0].error
    return settings


@dataclass(frozen=True)
class Refused:
    """A setting whose value is refused: which one, and why (the variable or the file's key
    it was read from is the refusal's `field`). `spec` is None for a settings file's key that
    names no setting (`smtp_hots`): it sets nothing."""

    spec: Spec | None
    error: InvalidInput


def load_every_setting(
    environ: Mapping[str, str] | None = None, file: Path | None = None
) -> tuple[Settings, list[Refused]]:
    """Like `load_settings`, but every refused value is said, not only the first: each one
    refused is given its default in the settings returned (for `convflow doctor`, which
    carries on with what does not need it), and so is every key of the settings file that is
    no setting or is given twice. A settings file that cannot be read at all (missing, not
    UTF-8, not TOML) is still refused (InvalidInput)."""
    return _load(environ, file, every=True)


def _load(
    environ: Mapping[str, str] | None, file: Path | None, every: bool
) -> tuple[Settings, list[Refused]]:
    environ = os.environ if environ is None else environ
    path = file or (Path(environ["CONVFLOW_CONFIG"]) if environ.get("CONVFLOW_CONFIG") else None)
    from_file = _read_file(path) if path else _SettingsFile("", {}, {})
    refused = list(from_file.refused)
    if refused and not every:
        return Settings({}, {}, path), refused[:1]
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    unknown = unknown_variables(environ)
    set_twice = {item.spec.name for item in refused if item.spec is not None}
    for spec in SPECS:
        raw, source = _raw_value(spec, environ, from_file.values)
        if spec.name in set_twice and source == "file":  # refused: which value is meant?
            raw, source = None, "default"
        try:
            values[spec.name] = spec.default if raw is None else spec.parse(raw)
        except _Invalid as error:
            refusal = (
                InvalidInput(spec.env, error.code, **error.params)
                if source == "environment"
                else from_file.refusal(spec.name, error.code, **error.params)
            )
            refused.append(Refused(spec, refusal))
            if not every:
                break
            values[spec.name], source = spec.default, "default"
        sources[spec.name] = source
    if every or not refused:  # a pair is read once both of its settings are
        for spec, half in _half_logins(values, sources, from_file):
            refused.append(Refused(spec, half))
            for name in (spec.name, *_TOGETHER[spec.name]):  # no login: their defaults
                values[name], sources[name] = _SPEC[name].default, "default"
    return Settings(values, sources, path, unknown), refused


_SPEC = {spec.name: spec for spec in SPECS}

_TOGETHER = {"smtp_user": ("smtp_password",), "smtp_password": ("smtp_user",)}
"""Settings that mean nothing one without the other: an SMTP login is a user and its password
(smtplib cannot log in with one of them; refused when the settings are read, not when the
first email leaves)."""


def _half_logins(
    values: Mapping[str, Any], sources: Mapping[str, Source], from_file: _SettingsFile
) -> list[tuple[Spec, InvalidInput]]:
    """The SMTP login given by half: the setting given, refused, naming the one missing (as
    it would be written where the given one is: a variable, or the file's key)."""
    refused: list[tuple[Spec, InvalidInput]] = []
    for name, partners in _TOGETHER.items():
        missing = [_SPEC[partner] for partner in partners if values.get(partner) is None]
        if values.get(name) is None or not missing:
            continue  # neither given, or both
        spec = _SPEC[name]
        error = (
            from_file.refusal(name, "smtp_login_incomplete", missing=missing[0].name)
            if sources.get(name) == "file"
            else InvalidInput(spec.env, "smtp_login_incomplete", missing=missing[0].env)
        )
        refused.append((spec, error))
    return refused


NOT_SETTINGS = frozenset({
    "CONVFLOW_CONFIG",  # names the settings file
    "CONVFLOW_ACTOR",  # who the command line records as
    # the test suite's own switches
    "CONVFLOW_REQUIRE_POSTGRES", "CONVFLOW_REQUIRE_BROWSER", "CONVFLOW_TEST_POSTGRES_URL",
    "CONVFLOW_CHROMIUM", "CONVFLOW_FAULTS_SCALE", "CONVFLOW_FAULTS_REPORT", "CONVFLOW_FAULTS_SEED",
})  # fmt: skip
"""CONVFLOW_* variables read elsewhere than the settings: never reported as unknown."""


def unknown_variables(environ: Mapping[str, str]) -> tuple[tuple[str, str | None], ...]:
    """Every CONVFLOW_* variable that is no setting (a typo would be silently ignored), each
    with the closest setting's variable, if one is close."""
    known = [spec.env for spec in SPECS]
    return tuple(
        (name, closest(name, known))
        for name in sorted(environ)
        if name.startswith("CONVFLOW_") and name not in known and name not in NOT_SETTINGS
    )


def _raw_value(
    spec: Spec, environ: Mapping[str, str], from_file: Mapping[str, Any]
) -> tuple[Any, Source]:
    if spec.env in environ:
        return environ[spec.env], "environment"
    if spec.name in from_file:
        return from_file[spec.name], "file"
    return None, "default"


class SettingsFileError(InvalidInput):
    """A settings file refused at one of its lines, as a convention file is: the file, the
    line (when it is known), and the key written there (`toml` for a line assigning none,
    `file` for the whole file)."""

    FRAME: ClassVar[tuple[str, ...]] = ("field", "file", "line")

    def __init__(
        self, file: str, line: int | None, field: str, code: str, /, **params: Any
    ) -> None:
        self.file, self.line = file, line
        super().__init__(field, code, file=file, line=line, **params)


@dataclass(frozen=True)
class _SettingsFile:
    """What a settings file sets, by setting name, and where: each name's key as written
    (`reminder_hour` or `CONVFLOW_REMINDER_HOUR`) and the line it is on."""

    path: str
    values: Mapping[str, Any]
    keys: Mapping[str, tuple[str, int | None]]
    refused: tuple[Refused, ...] = ()
    """Its keys that set nothing: each one that names no setting, and each setting given a
    second time (its first value is not taken either: which one was meant is unknown)."""

    def refusal(self, name: str, code: str, /, **params: Any) -> SettingsFileError:
        """The value of setting `name` refused, said at its key and line in the file."""
        key, line = self.keys.get(name, (name, None))
        return SettingsFileError(self.path, line, key, code, **params)


def _read_file(path: Path) -> _SettingsFile:
    """The settings file at `path`, read; refused as a convention file is when it cannot be
    (its line, and why in convflow's words rather than tomllib's English)."""
    source = str(path)
    data = _settings_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        from workflow.files.utf8 import undecodable_at  # the file readers: only when refused

        _refuse_wide(data, source)  # UTF-16 with its byte order mark
        bad_line, column, byte = undecodable_at(data, error.start)
        raise SettingsFileError(source, bad_line, "file", "file_not_utf8", byte=byte,
                                column=column, detail=str(error)) from None  # fmt: skip
    if "\x00" in text:  # UTF-16 without its mark decodes, a NUL in every Latin letter
        _refuse_wide(data, source)
    try:
        table = read_toml(text)
    except TomlSyntaxError as error:
        raise SettingsFileError(source, error.line, error.key, error.code, **error.params) from None
    lines = text.splitlines()
    settings: dict[str, Any] = {}
    keys: dict[str, tuple[str, int | None]] = {}
    refused: list[Refused] = []
    for key, value in table.items():
        line = _line_of(lines, key)
        name = key.lower().removeprefix("convflow_")  # reminder_hour or CONVFLOW_REMINDER_HOUR
        if name not in _SPEC:
            unknown = SettingsFileError(source, line, key, "unknown_setting",
                                        closest=_closest_key(key))  # fmt: skip
            refused.append(Refused(None, unknown))
        elif name in settings:
            twice = SettingsFileError(source, line, key, "setting_set_twice", name=name)
            refused.append(Refused(_SPEC[name], twice))
        else:
            settings[name] = value
            keys[name] = (key, line)
    return _SettingsFile(source, settings, keys, tuple(refused))


def _closest_key(key: str) -> str | None:
    """The setting a settings file's unknown key most likely meant, written as the key is
    (`smtp_host` for `smtp_hots`, `CONVFLOW_SMTP_HOST` for `CONVFLOW_SMTP_HOTS`)."""
    if key.lower().startswith("convflow_"):
        return closest(key, [spec.env for spec in SPECS])
    return closest(key, [spec.name for spec in SPECS])


SETTINGS_FILE_MOST = 1024 * 1024
"""The largest settings file read (bytes): the settings fit in a few kB; past a megabyte it is
no settings file, and reading it whole would only fill the memory."""


def _settings_bytes(path: Path) -> bytes:
    """The bytes of the settings file at `path`, if it is a regular file of at most
    SETTINGS_FILE_MOST bytes; refused otherwise, before anything is read from it.

    A device never ends (/dev/zero fills the memory), /dev/null is always empty (it would
    set nothing, silently), a named pipe waits for a writer that may never come: none is a
    settings file. (workflow.files.extract.regular_file reads a document so; the extractor's
    package is not imported here, at every start of the command line.)"""
    source = str(path)
    try:
        # Non-blocking: opening a named pipe for reading otherwise waits for its writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        raise InvalidInput(source, "settings_file_not_found") from None
    except PermissionError:
        raise InvalidInput(source, "settings_file_not_readable") from None
    except OSError as error:  # a disk error: the system's words, said as its own
        raise InvalidInput(source, "settings_file_invalid", detail=_system_words(error)) from None
    mode = os.fstat(descriptor).st_mode  # what was opened, not the name: nothing swapped
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        code = "settings_file_is_a_directory" if stat.S_ISDIR(mode) else "file_not_regular"
        raise InvalidInput(source, code)
    with open(descriptor, "rb") as stream:
        try:
            data = stream.read(SETTINGS_FILE_MOST + 1)
        except OSError as error:
            raise InvalidInput(source, "settings_file_invalid",
                               detail=_system_words(error)) from None  # fmt: skip
    if len(data) > SETTINGS_FILE_MOST:
        raise InvalidInput(source, "settings_file_too_large", most=SETTINGS_FILE_MOST)
    return data


def _system_words(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _refuse_wide(data: bytes, source: str) -> None:
    """Refuse a settings file in UTF-16 (Notepad's « Unicode ») or UTF-32 as such, with its
    own remedy, as a convention file is (workflow.files.utf8)."""
    from workflow.files.utf8 import wide_encoding  # the file readers: only when refused

    if (wide := wide_encoding(data)) is not None:
        raise SettingsFileError(source, None, "file", "file_utf16", encoding=wide)


def _line_of(lines: list[str], key: str) -> int | None:
    """The line (from 1) where `key` is given a value, or opens a table; None when it cannot
    be found (a dotted key, a quoted one written otherwise)."""
    written = re.compile(
        rf"""^\s*(?:["']?{re.escape(key)}["']?\s*=|\[+\s*{re.escape(key)}\s*[\].])"""
    )
    return next((number for number, line in enumerate(lines, 1) if written.match(line)), None)
