"""The unit of work: one database transaction around one command, committed or rolled back whole."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction

from storage.amendments import AmendmentRepository
from storage.conventions import ConventionRepository
from storage.deadlines import DeadlineRepository
from storage.documents import DocumentRepository
from storage.engine import READ_ONLY
from storage.erasure import ErasureRepository
from storage.history import HistoryChains
from storage.intake_drafts import IntakeDraftRepository
from storage.outbox import OutboxRepository
from storage.queries import ListingQueries
from storage.reminders import ReminderRepository
from storage.tokens import TokenRepository
from storage.web_sessions import WebSessionRepository


class UnitOfWork:
    """A transaction and the repositories that work inside it.

    Leaving the `with` block without :meth:`commit` rolls everything back: a refused command, a
    crash in the middle or a conflict leaves the database exactly as it was.
    """

    conventions: ConventionRepository
    deadlines: DeadlineRepository
    reminders: ReminderRepository
    outbox: OutboxRepository
    amendments: AmendmentRepository
    listing: ListingQueries
    tokens: TokenRepository
    history: HistoryChains
    web_sessions: WebSessionRepository
    intake_drafts: IntakeDraftRepository
    connection: Connection

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._transaction: RootTransaction | None = None

    @property
    def lock_rows(self) -> bool:
        """True when the backend honours SELECT ... FOR UPDATE (PostgreSQL, not SQLite)."""
        return self._engine.dialect.name != "sqlite"

    def __enter__(self) -> UnitOfWork:
        connection = self._engine.connect()
        if self._read_only:
            connection = connection.execution_options(**READ_ONLY)
        self.connection = connection
        self._transaction = connection.begin()
        self.conventions = ConventionRepository(connection, self.lock_rows)
        self.deadlines = DeadlineRepository(connection, self.lock_rows)
        self.reminders = ReminderRepository(connection, self.lock_rows)
        self.outbox = OutboxRepository(connection, self.lock_rows)
        self.amendments = AmendmentRepository(connection)
        self.listing = ListingQueries(connection)
        self.tokens = TokenRepository(connection)
        self.history = HistoryChains(connection)
        self.web_sessions = WebSessionRepository(connection)
        self.documents = DocumentRepository(connection)
        self.erasure = ErasureRepository(connection)
        self.intake_drafts = IntakeDraftRepository(connection, self.lock_rows)
        return self

    def commit(self) -> None:
        """Make everything done in this unit of work durable."""
        assert self._transaction is not None
        self._transaction.commit()

    def rollback(self) -> None:
        """Undo everything done in this unit of work."""
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.connection.close()
