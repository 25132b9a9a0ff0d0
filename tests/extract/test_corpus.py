"""Field accuracy on the corpus: at least 95 % right, and no wrong value that no warning flags,
for the text files and for their PDF and Word renderings."""

from __future__ import annotations

import re

import pytest

from bench.extract_accuracy import TARGET, accuracy, cases, details, run, table

# The convention file's field names the extractor may give (docs/convention-file-extraction.md).
FIELD = re.compile(
    r"^(?:title|object|amount|amount_basis|end_date|takes_effect|place"
    r"|parties\[\d+\]\.(?:name|signatories\[\d+\]\.(?:name|title))"
    r"|clauses\.(?:dispute_window_(?:days|day_kind|from)|termination_notice_(?:months|days|from)"
    r"|extension_by_amendment|articles\.(?:payment|term|amendment|dispute|termination|committee))"
    r"|payment\.instalments\[\d+\]\.(?:amount|share|trigger|on|report)"
    r"|committee\.(?:name|article))$"
)


def test_the_corpus_is_the_reference_and_at_least_twelve_other_conventions():
    names = [case.name for case in cases()]

    assert "reference-convention-2025" in names
    assert len(names) >= 13


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_expected_files_use_the_convention_file_s_names(case):
    assert [name for name in case.expected if not FIELD.match(name)] == []


@pytest.mark.parametrize("kind", ["txt", "pdf", "docx"])
def test_accuracy_on_the_corpus(kind):
    results = run([kind])
    scores = results[kind]
    print("\n" + table(results))

    assert accuracy(scores) >= TARGET, details(results)
    assert [s.silent_wrong for s in scores if s.silent_wrong] == [], details(results)
    assert [(s.name, s.unflagged_doubts) for s in scores if s.unflagged_doubts] == []
