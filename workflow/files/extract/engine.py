"""`extract(document)`: every clause reader run over one document, their findings put together."""

from __future__ import annotations

from collections.abc import Callable

from .clauses.committee import read_committee
from .clauses.common import Reading
from .clauses.dispute import read_dispute
from .clauses.heading import read_object, read_title
from .clauses.payment import read_money
from .clauses.signatories import read_parties
from .clauses.term import read_amendment, read_extension, read_term
from .clauses.termination import read_termination
from .documents import Document
from .hyphens import dehyphenated
from .layout import lay_out
from .model import Extraction, Findings, Gap, gettext_noop
from .wording import compounds

READERS: tuple[Callable[[Reading], None], ...] = (
    read_title,
    read_object,
    read_parties,
    read_money,
    read_term,
    read_extension,
    read_amendment,
    read_dispute,
    read_termination,
    read_committee,
)


def extract(document: Document) -> Extraction:
    """The convention file's fields read from a convention's text, with what is missing and why."""
    document = dehyphenated(document)
    layout = lay_out(document)
    reading = Reading(layout, compounds(document.text.replace("-\n", "-")), Findings())
    if not layout.articles:
        reading.findings.note("articles", gettext_noop(
            "no « Article N » heading found (sections numbered « 1. », « I – » are not read): "
            "the clauses were not read"))  # fmt: skip
    for reader in READERS:
        reader(reading)
    findings = reading.findings
    gaps = [
        Gap(name, reason, values)
        for name, (reason, values) in findings.gaps.items()
        if name not in findings.fields
    ]
    return Extraction(
        document.source, dict(findings.fields), gaps, [*findings.doubts, *findings.notes]
    )
