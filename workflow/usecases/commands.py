"""Commands (what someone asks) and events (what happened), as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from states.convention import Convention


@dataclass(frozen=True)
class PastEvent:
    """An event of a convention's life before it was loaded, with the date it happened."""

    event: str
    on: date
    inputs: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None  # where its file writes it, for a refusal


@dataclass(frozen=True)
class ImportConvention:
    """Load a convention, described by a file, in `draft`, then replay its past events."""

    convention: Convention
    actor: str
    source: str = ""
    history: tuple[PastEvent, ...] = ()


@dataclass(frozen=True)
class RecordEvent:
    """Record a person's event on a convention (`sign`, `pay`, `open_dispute`...)."""

    reference: str
    event: str
    actor: str
    on: date | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)
    expected_version: int | None = None


@dataclass(frozen=True)
class ConventionImported:
    """A convention was loaded."""

    reference: str
    state: str
    version: int


@dataclass(frozen=True)
class DeadlineOpened:
    """A deadline a recorded event started."""

    kind: str
    due_date: date
    expires_at: datetime
    ends_by: str | None = None
    """For a termination: what ends the convention, `termination` (the notice comes first)
    or `expiry` (the term comes first: the notice is without effect)."""
    notice_end: date | None = None
    """For a termination: the day the notice alone would end."""


@dataclass(frozen=True)
class EventRecorded:
    """An event was recorded: the convention moved from one state to another."""

    reference: str
    event: str
    from_state: str
    to_state: str
    on: date
    actor: str
    inputs: Mapping[str, str]
    version: int
    deadlines: tuple[DeadlineOpened, ...] = ()


@dataclass(frozen=True)
class DueActionTaken:
    """What the service did about one deadline that fell due."""

    reference: str
    deadline: str
    due_at: datetime
    action: str  # "expire", "terminate", "passed", or "announce" (due_at: the announcement's)
    to_state: str
    email: str | None = None  # the email it queues: the end's, or the announcement's
    reason: str | None = None  # why a passed deadline is not announced (states.due.Reason)
    committee_name: str | None = None  # the name its convention gives its committee (None:
    # the model's), with which `run-due` names the committee's next meeting
    ends_at: datetime | None = None  # an announcement's deadline's own end (due_at: the email's)
    message_ids: tuple[str, ...] = ()  # an announcement's emails as queued: what became of
    # them, `run-due` reads in the delivery that follows
