"""A path given to read is a regular file, or it is refused before a byte is read.

A device never ends (/dev/zero, /dev/urandom: read whole, it fills the memory) and a named
pipe waits for a writer that may never come: neither is a file a person means to import.
(`convflow extract` reads its document through workflow.files.extract.regular_file, which
refuses these with the same code, and a folder too.)
"""

from __future__ import annotations

import stat
from pathlib import Path

from workflow.files.convention_file import ConventionFileError

__all__ = ["check_regular_file"]


def check_regular_file(path: Path, source: str | None = None) -> None:
    """Refuse, as `file_not_regular` naming `source` (the path by default), a path that is
    there and is neither a regular file nor a directory (a directory keeps its own answers;
    a missing path is left to the reading, which says it is not found)."""
    try:
        mode = path.stat().st_mode  # follows a link: a link to /dev/zero is /dev/zero
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ConventionFileError(source or str(path), None, "file", "file_not_regular")
