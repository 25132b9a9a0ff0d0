"""`convflow doctor`: what an operator checks before (or instead of) calling for help.

Each check says ok, warn or fail, what it saw, and for anything but ok what to do. Nothing is
changed: the database is only read, the SMTP server only greeted (EHLO, and STARTTLS when it is
configured: never a login, never a message).
"""

from __future__ import annotations

import os
import shutil
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from storage.engine import is_sqlite, safe_url, sqlite_path
from workflow.bootstrap import App
from workflow.settings import Settings

__all__ = ["Finding", "examine"]

Verdict = Literal["ok", "warn", "fail"]
LOW_DISK = 1 << 30  # 1 GiB: below this, a SQLite file and its WAL may not grow for long
CLOCK_SKEW_SECONDS = 5.0


@dataclass(frozen=True)
class Finding:
    """One check's outcome: what was checked, the verdict, what was seen, what to do."""

    check: str
    verdict: Verdict
    seen: str
    fix: str = ""


def examine(settings: Settings, open_app: Callable[[], App]) -> list[Finding]:
    """Every check, in the order an operator would look: settings, database, mail, time, disk."""
    return [
        *_settings(settings),
        *_database(settings, open_app),
        _mail(settings),
        *_time(),
        *_disk(settings),
        _port(settings),
    ]


def _settings(settings: Settings) -> Iterator[Finding]:
    source = f"the file {settings.file} and the environment" if settings.file else "environment"
    yield Finding("settings", "ok", f"read from the {source}")
    if settings.smtp_host and settings.mail_from.endswith("@localhost>"):
        yield Finding(
            "settings",
            "warn",
            f"emails would leave as {settings.mail_from}",
            "set CONVFLOW_MAIL_FROM to the service's name and address",
        )


def _database(settings: Settings, open_app: Callable[[], App]) -> Iterator[Finding]:
    where = safe_url(settings.database_url)
    try:
        app = open_app()
    except Exception as error:  # missing file, unreachable server, schema behind: one line
        yield Finding("database", "fail", f"{where}: {error}", _database_fix(str(error)))
        return
    try:
        now = app.clock()
        server_now = _database_clock(app)
        yield Finding("database", "ok", f"{where} answers, schema at the code's revision")
        if server_now is not None:
            skew = abs((server_now - now).total_seconds())
            verdict: Verdict = "ok" if skew <= CLOCK_SKEW_SECONDS else "warn"
            yield Finding(
                "clock",
                verdict,
                f"this machine and the database server differ by {skew:.1f} s",
                ""
                if verdict == "ok"
                else "synchronise both clocks (NTP): deadlines are applied at the second",
            )
    finally:
        app.close()


def _database_fix(message: str) -> str:
    if "convflow init" in message or "revision" in message:
        return "run `convflow init` to create or migrate it"
    return "check CONVFLOW_DATABASE_URL, that the server runs and accepts this user"


def _database_clock(app: App) -> datetime | None:
    if app.engine.dialect.name == "sqlite":
        return None  # the file has no clock of its own: this machine's is the only one
    with app.uow(read_only=True) as uow:
        return uow.listing.server_clock()


def _mail(settings: Settings) -> Finding:
    if not settings.smtp_host:
        folder = Path(settings.mail_dir).resolve()
        writable = _writable(folder)
        return Finding(
            "mail",
            "ok" if writable else "fail",
            f"no SMTP server: emails are written to {folder}",
            "" if writable else f"make {folder} writable, or set CONVFLOW_SMTP_HOST",
        )
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        greeting = _greet(settings)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        return Finding(
            "mail",
            "fail",
            f"SMTP {where}: {type(error).__name__}: {error}",
            "check CONVFLOW_SMTP_HOST, _PORT and _TLS, and that this machine may reach it",
        )
    return Finding("mail", "ok", f"SMTP {where} ({settings.smtp_tls}) greets: {greeting}")


def _greet(settings: Settings) -> str:
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
            client.ehlo()
        return answer.decode("utf-8", "replace").splitlines()[0][:80]


def _time() -> Iterator[Finding]:
    try:
        paris = datetime.now(UTC).astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:
        yield Finding(
            "time zone",
            "fail",
            "Europe/Paris is unknown to this machine",
            "install the tzdata package (pip or the system's)",
        )
        return
    yield Finding("time zone", "ok", f"Europe/Paris is {paris:%Y-%m-%d %H:%M} (UTC{paris:%z})")
    year = paris.year
    known = holidays.country_holidays("FR", years=[year, year + 1])
    verdict: Verdict = "ok" if len(known) >= 22 else "warn"
    yield Finding(
        "holidays",
        verdict,
        f"{len(known)} French public holidays known for {year} and {year + 1}",
        "" if verdict == "ok" else "upgrade the holidays package",
    )


def _disk(settings: Settings) -> Iterator[Finding]:
    places = {"mail folder": Path(settings.mail_dir)}
    if is_sqlite(settings.database_url):
        path = sqlite_path(settings.database_url)
        if path is not None:
            places["database file"] = path.parent
    for what, place in places.items():
        existing = _existing(place.resolve())
        free = shutil.disk_usage(existing).free
        verdict: Verdict = "ok" if free >= LOW_DISK else "warn"
        yield Finding(
            "disk",
            verdict,
            f"{what} ({existing}): {free / (1 << 30):.1f} GiB free",
            "" if verdict == "ok" else "free some space: a full disk stops every commit",
        )


def _port(settings: Settings) -> Finding:
    host, port = str(settings.http_host), int(settings.http_port)
    try:
        with socket.create_connection((host, port), timeout=1):
            pass
    except OSError:
        return Finding("http", "ok", f"{host}:{port} is free for the dashboard")
    return Finding(
        "http",
        "warn",
        f"{host}:{port} is already taken (a running service, or another program)",
        "if no convflow service runs, set CONVFLOW_HTTP_PORT: `serve` would refuse to start",
    )


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _writable(folder: Path) -> bool:
    target = _existing(folder)
    return target.is_dir() and os.access(target, os.W_OK)
