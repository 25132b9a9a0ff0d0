"""A file's bytes read as UTF-8 text, or refused saying where the first byte that is not is.

A CSV saved by Excel as « CSV (séparateur : point-virgule) » is in Windows-1252, a TOML saved
by an old editor in Latin-1: their accented letters are not UTF-8. convflow does not guess the
encoding (Windows-1252, Latin-1 and Mac Roman read the same bytes as different letters, and a
wrong guess would store a misspelt name in the convention's record): it refuses, saying the
line and the character where the first such byte is and how to save the file in UTF-8. A byte
order mark first (Excel's « CSV UTF-8 », Notepad) is left out.
"""

from __future__ import annotations

from pathlib import Path

from workflow.files.convention_file import ConventionFileError

__all__ = ["read_utf8", "undecodable_at", "utf8_text"]


def read_utf8(path: Path, source: str | None = None, *, spreadsheet: bool = False) -> str:
    """The text of the file at `path`; raise naming `source` (the path by default)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConventionFileError(source or str(path), None, "file", "file_not_found") from None
    return utf8_text(data, source or str(path), spreadsheet=spreadsheet)


def utf8_text(data: bytes, source: str, *, spreadsheet: bool = False) -> str:
    """`data` as UTF-8 text, a byte order mark first left out; refused as `file_not_utf8`
    (`spreadsheet_not_utf8` for a CSV: Excel's remedy) at the line of the first bad byte."""
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
