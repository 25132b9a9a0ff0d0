"""A file's bytes read as UTF-8 text, or refused saying where the first byte that is not is.

A CSV saved by Excel as « CSV (séparateur : point-virgule) » is in Windows-1252, a TOML saved
by an old editor in Latin-1: their accented letters are not UTF-8. convflow does not guess the
encoding (Windows-1252, Latin-1 and Mac Roman read the same bytes as different letters, and a
wrong guess would store a misspelt name in the convention's record): it refuses, saying the
line and the character where the first such byte is and how to save the file in UTF-8. A byte
order mark first (Excel's « CSV UTF-8 », Notepad) is left out.

A text in UTF-16 (Notepad's « Unicode », Excel's « Texte Unicode ») is refused as such, with its
own remedy, rather than by its first byte: its byte order mark says it, or, without one, a NUL
every other byte (UTF-16 writes each Latin letter in two bytes, one of them 0). UTF-32, rarer,
is said the same way.
"""

from __future__ import annotations

from pathlib import Path

from workflow.files.convention_file import ConventionFileError
from workflow.files.regular import check_regular_file

__all__ = ["read_utf8", "undecodable_at", "utf8_text", "wide_encoding"]


def read_utf8(path: Path, source: str | None = None, *, spreadsheet: bool = False) -> str:
    """The text of the file at `path`; raise naming `source` (the path by default)."""
    check_regular_file(path, source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConventionFileError(source or str(path), None, "file", "file_not_found") from None
    return utf8_text(data, source or str(path), spreadsheet=spreadsheet)


def utf8_text(data: bytes, source: str, *, spreadsheet: bool = False) -> str:
    """`data` as UTF-8 text, a byte order mark first left out; refused as `file_not_utf8`
    (`spreadsheet_not_utf8` for a CSV: Excel's remedy) at the line of the first bad byte;
    UTF-16 refused as `file_utf16` (`spreadsheet_utf16`)."""
    wide = wide_encoding(data)
    if wide is not None:
        code = "spreadsheet_utf16" if spreadsheet else "file_utf16"
        raise ConventionFileError(source, None, "file", code, encoding=wide)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column, byte = undecodable_at(data, error.start)
        code = "spreadsheet_not_utf8" if spreadsheet else "file_not_utf8"
        raise ConventionFileError(
            source, line, "file", code, byte=byte, column=column,
            detail=str(error),  # the codec's words, for a script; not said
        ) from None  # fmt: skip


def undecodable_at(data: bytes, start: int) -> tuple[int, int, str]:
    """Where the byte at `start` that is not UTF-8 is: its line, its character in the line
    (both from 1) and the byte itself, as a person reads it (0xE9)."""
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", "replace").lstrip("\ufeff")) + 1
    return line, column, f"0x{data[start]:02X}"


_WIDE_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
)  # fmt: skip
_SAMPLE = 4096


def wide_encoding(data: bytes) -> str | None:
    """ "UTF-16" (or "UTF-32") when `data` is text in it: by its byte order mark, or by NUL
    bytes every other byte, in three pairs of bytes out of four at least, and hardly ever
    between them (neither UTF-8 nor any 8-bit encoding writes text so); None otherwise."""
    for mark, name in _WIDE_MARKS:
        if data.startswith(mark):
            return name
    sample = data[: _SAMPLE - _SAMPLE % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    for nul, other in ((sample[1::2], sample[0::2]), (sample[0::2], sample[1::2])):
        if nul.count(0) * 4 >= pairs * 3 and other.count(0) * 8 <= pairs:
            return "UTF-16"
    return None
