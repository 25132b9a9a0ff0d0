"""The reference convention's text gives, field for field, what its convention file says."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from workflow.files.extract import extract, read_document

from .renderings import to_docx, to_pdf

ROOT = Path(__file__).resolve().parents[2]
TEXT = ROOT / "docs" / "reference-convention-2025.txt"
EXAMPLE = tomllib.loads(
    (ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml").read_text("utf-8")
)

# Fields of the example file a person chose, not the convention's text: the service's
# reference, party keys, emails, internal targets and reminder offsets. `object` is a summary
# its editor wrote of article 1; the extractor quotes article 1 itself (checked below).
NOT_IN_THE_TEXT = {
    "reference", "object", "reminders", "payment_target_days", "signature_target_days", "key",
    "email", "history",  # its life after signature: the signed text leaves the dates blank
}  # fmt: skip


def from_the_text(data: object, prefix: str = "") -> dict[str, object]:
    """The example file's values that come from the convention's text, by dotted name."""
    flat: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_IN_THE_TEXT:
                flat.update(from_the_text(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            flat.update(from_the_text(value, f"{prefix}[{index}]"))
    else:
        flat[prefix] = data.isoformat() if hasattr(data, "isoformat") else data
    return flat


@pytest.fixture(params=["txt", "pdf", "docx"])
def reference(request, tmp_path):
    text = TEXT.read_text(encoding="utf-8")
    if request.param == "pdf":
        return extract(read_document(to_pdf(text, tmp_path / "reference.pdf")))
    if request.param == "docx":
        return extract(read_document(to_docx(text, tmp_path / "reference.docx")))
    return extract(read_document(TEXT))


def test_every_field_of_the_example_file_that_the_text_holds_comes_out_the_same(reference):
    expected = from_the_text(EXAMPLE)
    got = {name: reference.fields[name].value for name in expected if name in reference.fields}

    assert got == expected
    # title, amount, end_date, place; 2 clause values, 5 articles; 2 parties x (name, signatory
    # name and title)
    assert len(expected) == 17


def test_the_object_quotes_article_1(reference):
    found = reference.fields["object"]

    assert found.article == "article 1" == EXAMPLE["object"].rsplit("(", 1)[1].rstrip(").")
    assert found.value.startswith("Le CRPV propose d'élaborer une stratégie de modernisation")


def test_what_the_text_cannot_hold_is_listed_as_missing(reference):
    assert {
        "reference",
        "parties[0].key",
        "parties[1].key",
        "parties[0].signatories[0].email",
        "parties[1].signatories[0].email",
    } <= set(reference.missing)


def test_what_the_text_says_beyond_the_example_file(reference):
    assert {name: reference.fields[name].value for name in (
        "amount_basis", "takes_effect", "clauses.dispute_window_day_kind",
        "clauses.dispute_window_from", "clauses.termination_notice_from",
        "clauses.extension_by_amendment", "payment.instalments[0].amount",
        "payment.instalments[0].trigger", "committee.name", "committee.article",
    )} == {
        "amount_basis": "TTC", "takes_effect": "signature",
        "clauses.dispute_window_day_kind": "calendar", "clauses.dispute_window_from": "receipt",
        "clauses.termination_notice_from": "letter", "clauses.extension_by_amendment": True,
        "payment.instalments[0].amount": "200000.00",
        "payment.instalments[0].trigger": "notification",
        "committee.name": "Comité technique", "committee.article": "article 3",
    }  # fmt: skip


def test_the_one_correction_made_to_the_text_is_said(reference):
    assert reference.warnings == [
        "parties[0].signatories[0].title: « Vice-Présidente Délégué » made to agree with the "
        "civility of Martial Alvarez: « Vice-Président Délégué »"
    ]


def test_each_value_quotes_its_sentence_and_names_its_article(reference):
    dispute = reference.fields["clauses.dispute_window_days"]

    assert dispute.article == "article 6"
    assert "délai de 30 jours calendaires à compter de la réception" in dispute.quote
    assert reference.fields["end_date"].quote.startswith("Cette convention prend effet")
