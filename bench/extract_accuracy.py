"""Field accuracy of `convflow extract` on its corpus: right, wrong, missing, for each document.

`python -m bench.extract_accuracy` prints the table for the text files and for their PDF and
Word renderings (made on the fly with fpdf2 and python-docx). A value is *right* when it equals
the expected one, *wrong* when it differs or is not expected at all, *missing* when expected
but not given; a wrong value is *flagged* when a warning names its field. The target: 95 % of
fields right and no wrong value unflagged.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workflow.files.extract import Document, Extraction, extract, read_document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "extract" / "corpus"
TARGET = 0.95


@dataclass(frozen=True)
class Case:
    """A corpus document: its text file and the fields a careful reader enters from it."""

    name: str
    text: Path
    expected: dict[str, object]
    flagged: tuple[str, ...]


@dataclass
class Score:
    """Right, wrong and missing fields of one extraction against its expected file."""

    name: str
    right: list[str] = field(default_factory=list)
    wrong: list[tuple[str, object, object, bool]] = field(
        default_factory=list
    )  # name, got, want, flagged
    missing: list[str] = field(default_factory=list)
    unflagged_doubts: list[str] = field(default_factory=list)  # expected warnings not given

    @property
    def total(self) -> int:
        return len(self.right) + len(self.wrong) + len(self.missing)

    @property
    def silent_wrong(self) -> list[str]:
        return [name for name, _, _, flagged in self.wrong if not flagged]


def cases() -> list[Case]:
    """Every corpus document with its expected fields (the reference's text is in docs/)."""
    found = []
    for expected in sorted(CORPUS.glob("*.expected.json")):
        name = expected.name.removesuffix(".expected.json")
        text = CORPUS / f"{name}.txt"
        if not text.exists():
            text = ROOT / "docs" / f"{name}.txt"
        data = json.loads(expected.read_text(encoding="utf-8"))
        found.append(Case(name, text, data["fields"], tuple(data.get("flagged", ()))))
    return found


def score(
    name: str, extraction: Extraction, expected: dict[str, object], flagged: Iterable[str] = ()
) -> Score:
    """Compare an extraction with the expected fields, field by field."""
    result = Score(name)
    got = {key: f.value for key, f in extraction.fields.items()}
    warned = extraction.flagged
    for key, want in expected.items():
        if key not in got:
            result.missing.append(key)
        elif got[key] == want:
            result.right.append(key)
        else:
            result.wrong.append((key, got[key], want, _flagged(key, warned)))
    for key in got.keys() - expected.keys():
        result.wrong.append((key, got[key], None, _flagged(key, warned)))
    result.unflagged_doubts = [key for key in flagged if not _flagged(key, warned)]
    return result


def _flagged(key: str, warned: set[str]) -> bool:
    return any(key == w or key.startswith(w + ".") or key.startswith(w + "[") for w in warned)


Reader = Callable[[Case, Path], Document]


def read_text(case: Case, _: Path) -> Document:
    return read_document(case.text)


def read_pdf(case: Case, folder: Path) -> Document:
    from tests.extract.renderings import to_pdf

    return read_document(to_pdf(case.text.read_text(encoding="utf-8"), folder / f"{case.name}.pdf"))


def read_docx(case: Case, folder: Path) -> Document:
    from tests.extract.renderings import to_docx

    return read_document(
        to_docx(case.text.read_text(encoding="utf-8"), folder / f"{case.name}.docx")
    )


FORMATS: dict[str, Reader] = {"txt": read_text, "pdf": read_pdf, "docx": read_docx}


def run(formats: Iterable[str] = FORMATS) -> dict[str, list[Score]]:
    """Score every corpus document in each format."""
    results: dict[str, list[Score]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in formats:
            results[kind] = [
                score(c.name, extract(FORMATS[kind](c, Path(folder))), c.expected, c.flagged)
                for c in cases()
            ]
    return results


def accuracy(scores: list[Score]) -> float:
    total = sum(s.total for s in scores)
    return sum(len(s.right) for s in scores) / total if total else 0.0


def table(results: dict[str, list[Score]]) -> str:
    """The accuracy table: one line per document and format, then the totals."""
    lines = [
        f"{'document':<40} {'format':<6} {'right':>5} {'wrong':>5} {'flagged':>7} {'missing':>7}"
    ]
    for kind, scores in results.items():
        for s in scores:
            flagged = len(s.wrong) - len(s.silent_wrong)
            counts = f"{len(s.right):>5} {len(s.wrong):>5} {flagged:>7} {len(s.missing):>7}"
            lines.append(f"{s.name:<40} {kind:<6} {counts}")
    lines.append("")
    for kind, scores in results.items():
        silent = sum(len(s.silent_wrong) for s in scores)
        lines.append(
            f"{kind:<6} accuracy {accuracy(scores):.1%} of {sum(s.total for s in scores)} fields; "
            f"unflagged wrong values: {silent}"
        )
    return "\n".join(lines)


def details(results: dict[str, list[Score]]) -> str:
    """Every wrong and missing field, for whoever improves the rules."""
    lines = []
    for kind, scores in results.items():
        for s in scores:
            for name, got, want, flagged in s.wrong:
                mark = "flagged" if flagged else "SILENT"
                lines.append(f"{kind} {s.name}: wrong {name} = {got!r}, expected {want!r} ({mark})")
            for name in s.missing:
                lines.append(f"{kind} {s.name}: missing {name}")
            for name in s.unflagged_doubts:
                lines.append(f"{kind} {s.name}: no warning for {name}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    kinds = [a for a in argv if a in FORMATS] or list(FORMATS)
    results = run(kinds)
    print(table(results))
    if "-v" in argv:
        print(details(results))
    met = all(
        accuracy(s) >= TARGET and not any(x.silent_wrong for x in s) for s in results.values()
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
