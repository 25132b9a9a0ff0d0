"""A sender that writes each email as an .eml file: development, dry runs, pickup folders."""

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from notifications.message import OutgoingEmail, to_bytes
from notifications.senders import DeliveryOutcome, DeliveryResult

__all__ = ["FolderSender", "file_name"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")


class FolderSender:
    """Writes each email to `directory`; the same message always lands in the same file."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        """Writes every email; a file system error makes that email TEMPORARY."""
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        """Writes the emails one at a time, each verdict as soon as the file is written."""
        for email in emails:
            yield self._deliver(email)

    def describe(self) -> str:
        """Where the emails go."""
        return f"dossier {self.directory}"

    def _deliver(self, email: OutgoingEmail) -> DeliveryResult:
        """Writes one email, or says why it could not."""
        path = self.directory / file_name(email.message_id)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, to_bytes(email))
        except OSError as error:
            detail = f"{type(error).__name__}: {error}"
            return DeliveryResult(email.message_id, DeliveryOutcome.TEMPORARY, detail)
        return DeliveryResult(email.message_id, DeliveryOutcome.SENT, f"written to {path}")


def file_name(message_id: str) -> str:
    """The .eml file name of a message: readable, safe, and distinct for distinct ids."""
    readable = _UNSAFE.sub("_", message_id.strip("<>"))[:80]
    # Sanitising may merge two ids ('a/b', 'a_b'): the digest keeps them apart.
    digest = hashlib.sha256(message_id.encode()).hexdigest()[:12]
    return f"{readable}-{digest}.eml"


def _write_atomically(path: Path, data: bytes) -> None:
    """Writes a file so that readers see either the old content or the new, never a part."""
    # mkstemp makes the file 0600: emails carry names and addresses, keep them private.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
