"""A file named on the command line, read only if it is a file saved on disk.

`/dev/zero` never ends, `/dev/null` is always empty, a named pipe (FIFO) waits for a writer
that may never come, `/dev/stdin` waits for the keyboard: reading them blocks or fills the
memory. Only a regular file (or a link to one) is read, and never more than the caller allows.
For every command that reads a file it is given (`convflow extract` for now; here, in the
extractor's package, because the extractor imports nothing of workflow's).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["NotAFile", "read_regular"]


class NotAFile(Exception):
    """Nothing can be read at the path: `code` says why, as a refusal's code
    (`file_not_found`: nothing there; `file_not_regular`: a folder, a device, a pipe, a
    socket). The caller raises its own refusal with it, naming the path its own way."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def read_regular(path: Path, most: int) -> bytes:
    """The bytes of the regular file at `path`, at most `most` + 1 of them (one more than the
    caller allows tells it the file is larger, without reading a file of any size)."""
    try:
        # Non-blocking: opening a named pipe for reading otherwise waits for its writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        raise NotAFile("file_not_found") from None
    # What was opened is checked, not the name: nothing can be swapped in between.
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotAFile("file_not_regular")
    with open(descriptor, "rb") as stream:
        return stream.read(most + 1)
