"""`verify --dossier`'s problems as the administrator reads them.

workflow.usecases.dossier_check names each problem by codes (`--json` keeps them: a script
reads them): the file, the history line (0: none), the field (`listed`, `sha256`, `breach`,
`head`, or a column of historique.csv) and a detail (`absent`, `malformed`, `no_chain`, a
digest, what a cell says...). Here each one becomes a sentence of the catalogue.
"""

from __future__ import annotations

from workflow.usecases.dossier_check import DossierProblem
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

_FILE_SENTENCES = {
    ("listed", "absent"): gettext_noop("{file}: not in the dossier, although its manifest "
                                       "lists it"),
    ("listed", "unlisted"): gettext_noop("{file}: in the dossier, but not in its manifest"),
    ("listed", "unreadable"): gettext_noop("{file}: unreadable, neither a .zip archive nor "
                                           "a folder"),
}  # fmt: skip
"""The problems of a file as a whole, by field and detail."""
_UNLISTED_FILES = ("MANIFEST.sha256", "historique.csv")
"""Absent files a problem names though no manifest lists them (the manifest itself; the
history, which the check needs whether listed or not)."""


def dossier_problem(words: Words, problem: DossierProblem) -> str:
    """One problem of a dossier, said."""
    file, seq, field, detail = (problem["file"], problem["seq"], problem["field"],
                                problem["detail"])  # fmt: skip
    sentence = _FILE_SENTENCES.get((field, detail))
    if detail == "absent" and file in _UNLISTED_FILES:
        return words("{file}: not in the dossier", file=file)
    if sentence is not None:
        return words(sentence, file=file)
    if field == "sha256":
        return words("{file}: its SHA-256 digest is not the one its manifest gives (it is "
                     "{digest})", file=file, digest=detail)  # fmt: skip
    if field == "head":
        return _head(words, file, detail)
    if field == "breach":
        return words("{file}, line {seq}: {breach}", file=file, seq=seq,
                     breach=words.label("chain_breach", detail))  # fmt: skip
    if detail == "malformed" and field == "contenu haché":
        return words("{file}, line {seq}: its hashed content (column 'contenu haché') is not "
                     "a history line as the export writes it", file=file, seq=seq)  # fmt: skip
    if detail == "malformed":
        return words("{file}, line {seq}: malformed, not the columns of an exported history "
                     "line", file=file, seq=seq)  # fmt: skip
    return words("{file}, line {seq}, column '{column}': the cell says '{said}', which "
                 "the line's hashed content does not establish", file=file, seq=seq,
                 column=field, said=_cell(words, field, detail))  # fmt: skip


def _head(words: Words, file: str, detail: str) -> str:
    if detail == "no_chain":
        return words(
            "{file}: without the chain's columns (empreinte précédente, empreinte, contenu "
            "haché): exported before they existed, or changed",
            file=file,
        )
    if detail == "None":
        return words("{file}: states no chain head", file=file)
    return words("{file}: the chain head it states ({stated}) is not the last history line's "
                 "hash", file=file, stated=detail)  # fmt: skip


def _cell(words: Words, column: str, said: str) -> str:
    """What a cell says; the `données` cell's inputs (`amount=20000.00`) each by its label."""
    if column != "données":
        return said
    pairs = (item.partition("=") for item in said.split(" ; "))
    return " ; ".join(
        words("{name}: {value}", name=words.label("input", key), value=value) if equals else key
        for key, equals, value in pairs
    )
