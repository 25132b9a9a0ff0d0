"""The tables: conventions, their parties and signatories, signatures, history, deadlines, outbox.

SQLModel declares them (and Alembic reads this metadata); the repositories read and write
them with SQLAlchemy Core statements, mapping rows to the plain domain objects of `states`.
States, kinds and statuses are plain strings checked by the domain, not database ENUMs
(docs/LIBRARY-PITFALLS.md: native ENUMs do not follow migrations).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Row,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import Money, UTCDateTime

# Named constraints, so Alembic's batch mode can alter them on SQLite.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _fk(target: str) -> Any:
    return Field(sa_column=Column(Integer, ForeignKey(target, ondelete="RESTRICT"), nullable=False))


class ConventionRow(SQLModel, table=True):
    """A convention: its consolidated terms, its state and what its events recorded."""

    __tablename__ = "convention"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=64, unique=True)
    title: str = Field(sa_type=Text)
    object: str = Field(sa_type=Text)
    place: str = Field(max_length=200)
    amount: Decimal = Field(sa_type=Money)
    end_date: date
    clauses: dict[str, Any] = Field(sa_type=JSON)
    state: str = Field(max_length=32, index=True)
    version: int = Field(default=1)
    submitted_on: date | None = None
    effective_date: date | None = None
    notified_on: date | None = None
    paid_on: date | None = None
    paid_amount: Decimal | None = Field(default=None, sa_type=Money)
    payments: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON)
    award: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    open_data: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    financial_report: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    committee: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    dispute: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    notice: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    last_event_on: date | None = None
    # The convention's own last event, and its terms' last change (migration 0024).
    own_event_on: date | None = None
    own_event: str | None = Field(default=None, max_length=32)
    # While its automatic end is its own last event: its last event before it (migration 0028).
    own_event_before_end_on: date | None = None
    own_event_before_end: str | None = Field(default=None, max_length=32)
    terms_changed_on: date | None = None
    terms_changed_by: int | None = None
    original_terms: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


# Rows that belong to one convention are keyed by it first and, on SQLite, stored WITHOUT
# ROWID: they sit together on disk and need no second index, so a recorded event writes few
# pages (bench/transitions.py measures the cost of each page on a durable commit).
_CLUSTERED = {"sqlite_with_rowid": False}


class PartyRow(SQLModel, table=True):
    """A party to a convention, known by its short key."""

    __tablename__ = "party"
    __table_args__ = (_CLUSTERED,)

    convention_id: int = Field(foreign_key="convention.id", primary_key=True)
    key: str = Field(max_length=64, primary_key=True)
    name: str = Field(max_length=300)
    position: int
    siret: str | None = Field(default=None, max_length=14)
    rna: str | None = Field(default=None, max_length=10)


_CURRENT = text("replaced_by IS NULL")


class SignatoryRow(SQLModel, table=True):
    """A person who signs for a party; `replaced_by` names the amendment that appointed
    someone else (the row stays, with its signatures)."""

    __tablename__ = "signatory"
    # An email names one current signatory of a convention; a person replaced, then appointed
    # again (under a new title, say), has an old row and a current one.
    __table_args__ = (
        Index("uq_signatory_current_email", "convention_id", "email", unique=True,
              sqlite_where=_CURRENT, postgresql_where=_CURRENT),
        # A convention's signatories, replaced ones included (its page lists them all).
        Index("ix_signatory_convention", "convention_id"),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = _fk("convention.id")
    party_key: str = Field(max_length=64)
    name: str = Field(max_length=300)
    title: str = Field(max_length=300)
    email: str = Field(max_length=320)
    position: int
    replaced_by: int | None = None


class SignatureRow(SQLModel, table=True):
    """A signature given, of the convention or of amendment n°`amendment` (append-only)."""

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_signatory", "signatory_id"), _CLUSTERED)

    convention_id: int = Field(foreign_key="convention.id", primary_key=True)
    event_seq: int = Field(primary_key=True)
    signatory_id: int = _fk("signatory.id")
    signed_on: date
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    amendment: int | None = None


class EventRow(SQLModel, table=True):
    """One line of a convention's history (append-only: the database refuses changes)."""

    __tablename__ = "event"
    __table_args__ = (_CLUSTERED,)

    convention_id: int = Field(foreign_key="convention.id", primary_key=True)
    seq: int = Field(primary_key=True)
    name: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str = Field(max_length=32)
    occurred_on: date
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=200)
    inputs: dict[str, Any] = Field(sa_type=JSON)
    amendment: int | None = None  # the amendment this event is about, if any
    # The chain (states.chain): the hash of the line before, and of this one after it.
    previous_hash: str | None = Field(default=None, max_length=64)
    content_hash: str | None = Field(default=None, max_length=64)
    # Its actor and inputs were redacted by an erasure (rule 21): the only change the database
    # lets through, once; the erasure's line attests the line's new hash.
    redacted: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})


PENDING = text("status = 'pending'")
ANNOUNCING = text("announce_at IS NOT NULL")
PLANNED = text("status = 'planned'")
# The outbox's partial indexes' conditions, also written as is in the queries that should use
# them: SQLite uses a partial index only for a condition it can match literally, never for a
# bound parameter (a claim read every row, 4.8 ms at 50 000 emails; 0.07 ms with these).
OUTBOX_WAITING = text("status IN ('pending', 'uncertain')")
OUTBOX_SENDING = text("status = 'sending'")
OUTBOX_UNSENT = text("status IN ('pending', 'uncertain', 'sending')")
"""An email not sent yet and still to be: waiting for an attempt, or claimed by a sender. A
later email of its convention is not sent to the recipients it has still to reach before it is
sent or given up (failed); emails that will never leave (late, withheld, cancelled) hold back
none."""
_FAILED = text("status = 'failed'")


class DeadlineRow(SQLModel, table=True):
    """A computed deadline: when it falls, why, and what became of it.

    An event opens at most one deadline of each kind, and of each instalment for `payment`
    (0 for every other kind, and for a single payment): (convention, opening event, kind,
    instalment) is unique. Only pending deadlines are indexed by the instant they expire
    (below), and only passed ones whose announcement waits by its instant. Rows carry their
    explanation (a kilobyte or so): too large to cluster WITHOUT ROWID efficiently.
    """

    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("convention_id", "opened_by_seq", "kind", "instalment"),)

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = _fk("convention.id")
    opened_by_seq: int
    kind: str = Field(max_length=32)
    instalment: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    status: str = Field(max_length=16)
    trigger_date: date
    raw_end: date
    due_date: date
    expires_at: datetime = Field(sa_type=UTCDateTime)
    explanation: str = Field(sa_type=Text)
    details: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    announce_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """Passed, when the email announcing it is due (the reminder hour after it fell:
    states.due.announcement_at), while it waits; NULL when there is none, or once queued."""


class AmendmentRow(SQLModel, table=True):
    """An amendment (avenant n°`number`) and what it proposes, who signed, what it changed."""

    __tablename__ = "amendment"
    __table_args__ = (UniqueConstraint("convention_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = _fk("convention.id")
    number: int
    state: str = Field(max_length=16)
    changes: dict[str, Any] = Field(sa_type=JSON)
    applied: dict[str, Any] = Field(sa_type=JSON)
    signatures: dict[str, Any] = Field(sa_type=JSON)
    created_on: date
    submitted_on: date | None = None
    effective_date: date | None = None
    last_event_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ReminderRow(SQLModel, table=True):
    """A reminder planned before (or, for signatures and the court, after) a deadline.

    Planned in the transaction that opens its deadline, cancelled in the one that makes it
    moot; `status` says what became of it: planned, sent (handed to the outbox), coalesced
    (a later one of the same deadline went instead), skipped (its deadline had passed) or
    cancelled.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        # Led by the convention: also serves its listings and cancellations.
        UniqueConstraint("convention_id", "deadline_id", "label"),
        Index("ix_reminder_planned", "planned_at", sqlite_where=PLANNED, postgresql_where=PLANNED),
    )

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = _fk("convention.id")
    deadline_id: int = _fk("deadline.id")
    kind: str = Field(max_length=32)
    template: str = Field(max_length=64)
    label: str = Field(max_length=32)
    days_before: int
    planned_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(max_length=16)
    outbox_id: int | None = None
    note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxRow(SQLModel, table=True):
    """An email decided in a transaction, waiting to be (or already) delivered.

    It keeps what the email says as a context snapshot, rendered by the dispatcher: the same
    snapshot and templates give the same message on every attempt, under the same Message-ID.
    `status`: pending (waiting for its next attempt), uncertain (waiting too, after an attempt
    whose message went out with no answer: the server may have it), sending (claimed by a
    sender: `claim_token` names the claim, `claimed_at` is when it was claimed or last
    renewed), sent, failed, or cancelled (never tried again: moot when it was to leave, or
    cancelled by an administrator while it waited, `convflow cancel-email`; `last_error` says
    why, `delivered_to` whom it reached before). `attempts` counts the attempts made,
    `unanswered` those of them left with no answer. `held_code`: while the email is held
    because the mail server refuses convflow's mail settings, why (a code of
    workflow.failures.SETTINGS_REFUSED); NULL once anything else became of it (its
    `last_error` is then no hold's).
    """

    __tablename__ = "outbox"
    # Partial indexes: each holds only the few rows in its status, and costs nothing once
    # an email is sent. The Message-ID is derived from the (unique) idempotency key.
    __table_args__ = (
        Index("ix_outbox_waiting", "next_attempt_at", sqlite_where=OUTBOX_WAITING,
              postgresql_where=OUTBOX_WAITING),
        Index("ix_outbox_sending", "claimed_at", sqlite_where=OUTBOX_SENDING,
              postgresql_where=OUTBOX_SENDING),
        Index("ix_outbox_failed", "id", sqlite_where=_FAILED, postgresql_where=_FAILED),
        Index("ix_outbox_convention", "convention_id"),
        # The emails not sent yet in the order they were queued, which the claim walks, and
        # each convention's, which it reads to let no email overtake an earlier one to the
        # same recipient (migration 0025).
        Index("ix_outbox_unsent", "id", sqlite_where=OUTBOX_UNSENT,
              postgresql_where=OUTBOX_UNSENT),
        Index("ix_outbox_unsent_by_convention", "convention_id", "id",
              sqlite_where=OUTBOX_UNSENT, postgresql_where=OUTBOX_UNSENT),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int | None = Field(default=None, foreign_key="convention.id")
    kind: str = Field(max_length=64)
    message_id: str = Field(max_length=255)
    idempotency_key: str = Field(max_length=255, unique=True)
    sender: str = Field(max_length=320)
    recipients: list[str] = Field(sa_type=JSON)
    cc: list[str] = Field(sa_type=JSON)
    context: dict[str, Any] = Field(sa_type=JSON)
    subject: str | None = Field(default=None, sa_type=Text)
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_token: str | None = Field(default=None, max_length=32)
    unanswered: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    held_code: str | None = Field(default=None, max_length=64)  # migration 0022
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)  # migration 0023
    """When it may leave at the earliest, when later than `created_at` (when it was queued):
    the end of a convention, queued at 24:00, is told at the reminder hour. Its Date header."""
    delivered_to: list[str] | None = Field(default=None, sa_type=JSON)  # migration 0027
    """The recipients the mail server took it for, as To and Cc name them (NULL or empty:
    nobody yet). Its next attempt goes to the others alone."""
    refused_to: list[str] | None = Field(default=None, sa_type=JSON)  # migration 0027
    """The recipients the mail server refused for good (a 5xx), reported to the
    administrators; never tried again. As `delivered_to`."""


class ApiTokenRow(SQLModel, table=True):
    """An access token of the HTTP API and the dashboard: who holds it and what it may do.

    Only the SHA-256 of the token is kept; the token itself is shown once, when created.
    A revoked token stays, so the history's actors keep a name that means something.
    """

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=200)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InstallationRow(SQLModel, table=True):
    """This database's own identity (one row): a random salt that makes the Message-IDs of its
    emails its own, so that two databases (staging and production, SQLite and PostgreSQL, a
    rebuilt one) never send different emails under the same Message-ID."""

    __tablename__ = "installation"

    id: int = Field(default=1, primary_key=True)
    salt: str = Field(max_length=64)


class WebSessionRow(SQLModel, table=True):
    """A dashboard session: the token it signed in with, until when, and whether it was
    signed out. Kept in the database so that a sign-out holds across restarts and on every
    instance; only the SHA-256 of the cookie's value is kept."""

    __tablename__ = "web_session"

    session_hash: str = Field(max_length=64, primary_key=True)
    token_id: int = Field(foreign_key="api_token.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DocumentBlobRow(SQLModel, table=True):
    """A document's bytes, stored once whatever the number of conventions that hold it, and
    addressed by their SHA-256 (checked again at every read)."""

    __tablename__ = "document_blob"

    sha256: str = Field(max_length=64, primary_key=True)
    size: int
    content: bytes = Field(sa_type=LargeBinary)


class DocumentRow(SQLModel, table=True):
    """A paper of a convention: what it is, the event (history line) or amendment it is the
    proof of, its name and sniffed type, who added it and when; a receipt's date when the
    administrator confirmed it; the electronic signatures a PDF carries (signer, signing time,
    intact), read once when it is attached."""

    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = _fk("convention.id")
    event_seq: int | None = None
    amendment: int | None = None
    kind: str = Field(max_length=32)
    name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, foreign_key="document_blob.sha256", index=True)
    received_on: date | None = None
    added_by: str = Field(max_length=200)
    added_at: datetime = Field(sa_type=UTCDateTime)
    signatures: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON)


class SigninFailureRow(SQLModel, table=True):
    """A refused sign-in, by the address it came from: the throttle counts them."""

    __tablename__ = "signin_failure"
    __table_args__ = (Index("ix_signin_failure_address_at", "address", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    failed_at: datetime = Field(sa_type=UTCDateTime)


class IntakeDraftRow(SQLModel, table=True):
    """A convention to complete, read from an open-data (SCDL) row: the convention file's
    fields it gave (dotted names, as text), the file's other columns as written, the fields a
    person still has to fill, and where it came from. Completing it creates the convention
    and marks this row with its reference, in one transaction."""

    __tablename__ = "intake_draft"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=400, index=True)
    fields: dict[str, Any] = Field(sa_type=JSON)
    facts: dict[str, Any] = Field(sa_type=JSON)
    missing: list[str] = Field(sa_type=JSON)
    source: str = Field(max_length=300)
    line: int
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    completed_as: str | None = Field(default=None, max_length=64)
    """The convention it became, once completed: kept so that the same subsidy imported
    again is known as loaded (the convention holds no award decision yet)."""


convention_table = ConventionRow.__table__  # type: ignore[attr-defined]
party_table = PartyRow.__table__  # type: ignore[attr-defined]
signatory_table = SignatoryRow.__table__  # type: ignore[attr-defined]
signature_table = SignatureRow.__table__  # type: ignore[attr-defined]
event_table = EventRow.__table__  # type: ignore[attr-defined]
deadline_table = DeadlineRow.__table__  # type: ignore[attr-defined]
outbox_table = OutboxRow.__table__  # type: ignore[attr-defined]
reminder_table = ReminderRow.__table__  # type: ignore[attr-defined]
amendment_table = AmendmentRow.__table__  # type: ignore[attr-defined]
api_token_table = ApiTokenRow.__table__  # type: ignore[attr-defined]
installation_table = InstallationRow.__table__  # type: ignore[attr-defined]
metadata = SQLModel.metadata

# For the dashboard's lists (migration 0003): which conventions have a deadline within N days,
# answered from the index alone. SQLite counts a partial index as covering only when it holds
# the columns of its own WHERE, hence `status`.
Index(
    "ix_deadline_pending_due",
    deadline_table.c.expires_at,
    deadline_table.c.convention_id,
    deadline_table.c.status,
    sqlite_where=PENDING,
    postgresql_where=PENDING,
)
# A reference is one whatever its case (`CONV-2025-001` and `conv-2025-001` name one
# convention to a person): an import looks up the references it brings, case aside, in this
# index (migration 0020), a few queries for a spreadsheet's thousands of rows. Not unique: a
# database may already hold two references that differ only by case, from before it.
Index("ix_convention_reference_lower", func.lower(convention_table.c.reference))

# The announcements waiting (migration 0021): a handful of rows at any time, between a
# deadline's fall at 24:00 and the reminder hour; the service's next wake-up reads the first.
Index(
    "ix_deadline_announcing",
    deadline_table.c.announce_at,
    deadline_table.c.convention_id,
    sqlite_where=ANNOUNCING,
    postgresql_where=ANNOUNCING,
)

AnyRow = Row[*tuple[Any, ...]]
"""A result row of any shape (SQLAlchemy 2.1 types rows by their columns)."""
web_session_table = WebSessionRow.__table__  # type: ignore[attr-defined]
signin_failure_table = SigninFailureRow.__table__  # type: ignore[attr-defined]
document_blob_table = DocumentBlobRow.__table__  # type: ignore[attr-defined]
document_table = DocumentRow.__table__  # type: ignore[attr-defined]
intake_draft_table = IntakeDraftRow.__table__  # type: ignore[attr-defined]
