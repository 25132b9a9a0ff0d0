"""How a convention file's fields are written as the form's text, and read back: one place
decides it for each field, from what the file holds there, so that a draft's terms written into
its edit page come back from it unchanged."""

from __future__ import annotations

import pytest

from states.convention import Convention
from tests.drafts import DRAFTS
from workflow.files import fields
from workflow.files.convention_file import ConventionFileError, file_data, parse_mapping
from workflow.files.convention_file import parse_file as read_text
from workflow.http import intake_form

TARGETS = {"payment_target_days": 30, "signature_target_days": 7}


def draft(name: str) -> Convention:
    return read_text(DRAFTS[name], name, **TARGETS).convention


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_a_draft_written_as_the_form_s_text_reads_back_as_the_same_terms(name: str):
    convention = draft(name)

    text = fields.flat(file_data(convention))

    assert parse_mapping(fields.nested(text), name, **TARGETS).convention == convention


def test_each_field_is_written_as_the_administrator_reads_it():
    text = fields.flat(file_data(draft("rich")))

    assert text["reminders.expiry"] == "120, 30"
    assert text["reminders.payment"] == ""  # no reminder, not the default one
    assert text["reminders.court_possible"] == "non"
    assert text["reminders.signature_every_days"] == "10"
    assert text["financial_report.private_beneficiary"] == "oui"
    assert text["financial_report.year"] == "2026"
    assert text["payment.instalments[7].report"] == "bilan d'activité 2026"
    assert text["clauses.articles.committee"] == "article 4"


def test_what_each_field_holds_is_read_from_the_file_s_model():
    assert fields.kind("reminders.expiry") == "wholes"
    assert fields.kind("reminders.court_possible") == "flag"
    assert fields.kind("financial_report.earmarked") == "flag"
    assert fields.kind("financial_report.year") == "whole"
    assert fields.kind("clauses.payment_target_days") == "whole"
    assert fields.kind("parties[3].signatories[0].email") == "text"
    assert fields.kind("payment.instalments[6].on") == "text"
    assert fields.kind("amount") == "text"
    assert fields.kind("no_such_field") == "text"


def test_a_list_is_read_with_commas_or_spaces_and_a_blank_one_is_empty():
    assert fields.value_of("reminders.expiry", "90, 60,30 7") == [90, 60, 30, 7]
    assert fields.value_of("reminders.payment", "") == []
    assert fields.value_of("reminders.court_possible", "Oui") is True
    assert fields.value_of("financial_report.year", " 2026 ") == 2026


def test_text_that_is_not_what_the_field_holds_is_refused_naming_it():
    form = {**fields.flat(file_data(draft("rich"))), "reminders.expiry": "90, soixante",
            "reminders.court_possible": "peut-être", "financial_report.year": "2026a"}  # fmt: skip
    data, _ = intake_form.to_file(form)

    with pytest.raises(ConventionFileError) as refused:
        parse_mapping(data, "form", **TARGETS)

    problems = {refused.value.field: refused.value.code} | {
        other["field"]: other["code"] for other in refused.value.params["others"]
    }
    assert problems == {
        "reminders.expiry[1]": "not_a_whole_number",
        "reminders.court_possible": "not_yes_or_no",
        "financial_report.year": "not_a_whole_number",
    }


def test_line_breaks_a_browser_sends_are_read_as_the_file_writes_them():
    data, _ = intake_form.to_file({"object": "Première ligne\r\nseconde ligne"})

    assert data["object"] == "Première ligne\nseconde ligne"
