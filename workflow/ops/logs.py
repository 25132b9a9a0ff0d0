"""One log format for the service and the HTTP access log: readable text, or JSON lines.

Every line has its instant (UTC, ISO 8601), its level and its logger; the convention's
reference and the event or deadline, where a line is about one, passed as `extra=`:

    log.info("expiry applied", extra={"reference": "AMP-CRPV-PACA-2025", "event": "expire"})

gives in text `2026-12-31T23:00:01.204Z INFO convflow.service: [AMP-CRPV-PACA-2025 expire]
expiry applied`, and in JSON `{"ts": ..., "level": "INFO", "logger": ..., "reference": ...,
"event": ..., "message": ...}`. Secrets never reach a line: every configured secret, bearer
tokens and the value of every query parameter whose name says it is a secret (`token`, `key`,
`secret`, `password`, `session`, `signature`...: see SECRET_NAMES) are masked before a line is
written, wherever an address appears in it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from storage.urls import MASK, SECRET_NAMES, masked_parameters

__all__ = ["CONTEXT_FIELDS", "FACTS", "SECRET_NAMES", "configure_logging", "json_line", "redact"]

CONTEXT_FIELDS = ("reference", "event")
"""What a line may say it is about, beside its message."""

QUIET = ("apscheduler", "transitions", "alembic", "multipart")
"""Libraries whose INFO lines (each job run, each callback, each migration step) say nothing an
administrator needs: only their warnings are kept."""

_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with bearer tokens, the values of query parameters named as secrets and the
    given secrets masked."""
    text = masked_parameters(_BEARER.sub(rf"\g<1>{MASK}", text))
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def _instant(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _context(record: logging.LogRecord) -> dict[str, str]:
    return {
        name: str(getattr(record, name))
        for name in CONTEXT_FIELDS
        if getattr(record, name, None) is not None
    }


class _Formatter(logging.Formatter):
    """The message with its exception, if any, and the secrets masked."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def message(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return redact(text, self.secrets)


class TextFormatter(_Formatter):
    """`INSTANT LEVEL logger [reference event] message`, for people reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        about = " ".join(_context(record).values())
        prefix = f"{_instant(record)} {record.levelname} {record.name}:"
        if about:
            prefix += f" [{about}]"
        return f"{prefix} {self.message(record)}"


class JsonFormatter(_Formatter):
    """One JSON object a line, for log collectors (journald, Loki, ELK)."""

    def format(self, record: logging.LogRecord) -> str:
        facts = getattr(record, FACTS, None) or {}
        line: dict[str, Any] = {
            "ts": _instant(record),
            "level": record.levelname,
            "logger": record.name,
            **_context(record),
            # a line's own facts (the service's banner: its database, where mail goes...),
            # never in the place of the fields every line has
            **{key: value for key, value in facts.items() if key not in _FIXED},
            "message": self.message(record),
        }
        return redact(json.dumps(line, ensure_ascii=False), self.secrets)


FACTS = "facts"
"""`extra={"facts": {...}}`: what a line states, each a field of its JSON object (the text
format says them in its message instead)."""
_FIXED = frozenset({"ts", "level", "logger", "message", *CONTEXT_FIELDS})


def json_line(level: str, logger: str, message: str, **facts: Any) -> str:
    """One line as JsonFormatter writes it, for what is said before logging is set up (a
    refusal to start, a setting not understood) in JSON mode."""
    record = logging.LogRecord(logger, logging.getLevelName(level.upper()), "", 0, message,
                               None, None)  # fmt: skip
    setattr(record, FACTS, facts)
    return JsonFormatter(()).format(record)


def configure_logging(
    form: str = "text",
    level: str = "info",
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every log line (convflow's, uvicorn's access log) to `stream` in one format."""
    known = tuple(sorted((s for s in secrets if s), key=len, reverse=True))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(known) if form == "json" else TextFormatter(known))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()  # uvicorn's own handlers would print a second format
        logger.setLevel(logging.NOTSET)  # the root's level decides, for every line alike
        logger.propagate = True
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler
