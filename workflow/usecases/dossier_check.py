"""`convflow verify --dossier`: an exported dossier checked by itself, without the database.

The manifest against every file; each line of historique.csv hashed again from the content its
hash covers (the column `contenu haché`, states.chain), chained to the line before (a line an
erasure redacted holding as the erasure's line attests); each readable cell of the line
against that content (a date, an input changed in the readable columns is named); and the
last line's hash against the chain's head in etat.json. Whoever rewrote all of them at once
is still caught by the head: compare it with the administrators' daily summary.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict

from states.chain import HistoryLine, canonical, first_break
from states.recording_order import dated_before
from workflow.usecases import csv_export
from workflow.usecases.iso import instant
from workflow.usecases.views import HistoryRow


class DossierProblem(TypedDict):
    """What does not hold in a dossier: the file, the history line (0: none) and the field."""

    file: str
    seq: int
    field: str  # sha256, listed, breach (altered, removed, unchained), a column's name, head
    detail: str


class DossierCheckView(TypedDict):
    """What `verify --dossier` found: files and lines read, the chain's head, the problems."""

    dossier: str
    files: int
    lines: int
    head: str
    problems: list[DossierProblem]


def check_dossier(path: Path) -> DossierCheckView:
    """Check the dossier at `path` (the .zip `convflow dossier` wrote, or its unzipped folder)."""
    report: DossierCheckView = {"dossier": str(path), "files": 0, "lines": 0, "head": "",
                                "problems": []}  # fmt: skip
    try:
        files = _read(path)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError):
        report["problems"].append(_problem(path.name, 0, "listed", "unreadable"))
        return report
    report["files"] = len(files)
    report["problems"] += _manifest(files)
    history = files.get("historique.csv")
    if history is None:
        report["problems"].append(_problem("historique.csv", 0, "listed", "absent"))
        return report
    try:
        rows = list(csv.reader(io.StringIO(history.decode("utf-8-sig")), delimiter=";"))
    except (UnicodeDecodeError, csv.Error):
        rows = []
    if not rows or rows[0][_CHAIN] != csv_export.CHAIN_HEADERS or rows[0][_CHAIN.stop :] not in (
        [], csv_export.LATE_HEADERS  # a dossier written before lines recorded late were marked
    ):  # fmt: skip
        report["problems"].append(_problem("historique.csv", 0, "head", "no_chain"))
        return report
    lines = _lines(rows[1:], report, len(rows[0]))
    if len(rows[0]) > _CHAIN.stop:
        report["problems"] += _late(rows[1:], lines)
    report["lines"] = len(lines)
    broken = first_break(lines)
    if broken is not None:
        report["problems"].append(_problem("historique.csv", broken.seq, "breach", broken.breach))
    report["head"] = lines[-1][2] or "" if lines else ""
    report["problems"] += _head(files.get("etat.json"), report["head"])
    return report


def _read(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*"))
                if f.is_file()}  # fmt: skip
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def _problem(file: str, seq: int, field: str, detail: str) -> DossierProblem:
    return {"file": file, "seq": seq, "field": field, "detail": detail}


def _manifest(files: dict[str, bytes]) -> list[DossierProblem]:
    """Every file listed with its SHA-256, as `sha256sum -c` reads it; none left out."""
    manifest = files.get("MANIFEST.sha256")
    if manifest is None:
        return [_problem("MANIFEST.sha256", 0, "listed", "absent")]
    listed: dict[str, str] = {}
    for text in manifest.decode("utf-8").splitlines():
        digest, _, name = text.partition("  ")
        listed[name] = digest
    found = []
    for name, digest in listed.items():
        if name not in files:
            found.append(_problem(name, 0, "listed", "absent"))
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            found.append(_problem(name, 0, "sha256", hashlib.sha256(files[name]).hexdigest()))
    found += [_problem(name, 0, "listed", "unlisted") for name in files
              if name not in listed and name != "MANIFEST.sha256"]  # fmt: skip
    return found


_CHAIN = slice(len(csv_export.HISTORY_HEADERS), len(csv_export.HISTORY_HEADERS) + 3)
"""Where the chain's columns are: after the readable ones, before LATE_HEADERS (if any)."""


def _lines(
    rows: list[list[str]], report: DossierCheckView, width: int
) -> list[tuple[HistoryLine, str | None, str | None]]:
    """Each row's line as its hashed content says it, with its hashes; a readable cell that
    says otherwise is a problem, named by its column."""
    lines: list[tuple[HistoryLine, str | None, str | None]] = []
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            report["problems"].append(_problem("historique.csv", number, "n°", "malformed"))
            continue
        before, after, content = row[_CHAIN]
        line = _parsed(content)
        if line is None or canonical(line).decode("utf-8") != content:
            report["problems"].append(_problem("historique.csv", number, "contenu haché",
                                               "malformed"))  # fmt: skip
            continue
        expected = [csv_export.cell(v) for v in csv_export.history_cells(_row_of(line))]
        # a dossier written before an amendment's states were said in French: as it said them
        cells = csv_export.history_cells(_row_of(line), before_amendment_states=True)
        former = [csv_export.cell(v) for v in cells]
        for header, said, cell, old in zip(csv_export.HISTORY_HEADERS, row, expected, former,
                                           strict=False):  # fmt: skip
            if _said(header, said) not in (_said(header, cell), _said(header, old)):
                report["problems"].append(_problem("historique.csv", line.seq, header, said))
        lines.append((line, before, after))
    return lines


def _late(
    rows: list[list[str]], lines: list[tuple[HistoryLine, str | None, str | None]]
) -> list[DossierProblem]:
    """The column of lines recorded late against the lines as hashed (states.recording_order):
    a mark added, removed or moved is named by its line."""
    marked = {row[0]: row[-1] for row in rows if row}
    late = dated_before([_row_of(line) for line, _, _ in lines])
    header = csv_export.LATE_HEADERS[0]
    said = {line.seq: marked.get(str(line.seq), "") for line, _, _ in lines}
    return [_problem("historique.csv", seq, header, cell) for seq, cell in said.items()
            if cell != csv_export.late_cell(late.get(seq))]  # fmt: skip


def _said(header: str, cell: str) -> object:
    """A readable cell as compared: the inputs in any order (the database keeps its own)."""
    return sorted(cell.split(" ; ")) if header == "données" else cell


def _parsed(content: str) -> HistoryLine | None:
    try:
        data: dict[str, Any] = json.loads(content)
        return HistoryLine(
            data["reference"], int(data["seq"]), data["name"], data["from_state"],
            data["to_state"], date.fromisoformat(data["occurred_on"]),
            datetime.fromisoformat(data["recorded_at"].replace("Z", "+00:00")), data["actor"],
            data["inputs"], data["amendment"],
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _row_of(line: HistoryLine) -> HistoryRow:
    return {"seq": line.seq, "event": line.name, "from_state": line.from_state,
            "to_state": line.to_state, "date": line.occurred_on.isoformat(),
            "recorded_at": instant(line.recorded_at) or "", "actor": line.actor,
            "inputs": dict(line.inputs), "amendment": line.amendment}  # fmt: skip


def _head(state: bytes | None, head: str) -> list[DossierProblem]:
    """The chain's head etat.json states, against the last line's hash."""
    try:
        stated = json.loads(state or b"{}").get("chain", {}).get("head")
    except (ValueError, AttributeError):
        stated = None
    if stated != head:
        return [_problem("etat.json", 0, "head", str(stated))]
    return []
