"""The financial report (rule 20 of docs/LEGAL-DEADLINES.md): its worked examples, and the
settings the law does not support refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.deadlines import LegalSettings
from states.errors import GuardRejected, InvalidInput
from states.financial_report import FinancialReport, checked, financial_report
from states.payments import Instalment
from tests.unit.builders import (
    CRPV,
    CRPV_SIGNED,
    METROPOLE,
    METROPOLE_SIGNED,
    NOTIFIED,
    PAID,
    SUBMITTED,
    record,
    reference_convention,
    refusal,
)

DEFAULTS = LegalSettings()


@pytest.mark.parametrize(
    ("report", "raw_end", "due"),
    [
        # the reference convention's 2025 subsidy, if a report is owed: 1 January → 30 June
        (FinancialReport("by_convention", 2025), date(2026, 6, 30), date(2026, 6, 30)),
        # 2028: the six months end on Saturday 30 June 2029, extended to Monday 2 July
        (FinancialReport("by_convention", 2028), date(2029, 6, 30), date(2029, 7, 2)),
        # a year from October 2024 to September 2025: 1 October → 31 March (not 30 March)
        (FinancialReport("by_convention", 2025, (9, 30)), date(2026, 3, 31), date(2026, 3, 31)),
    ],
)
def test_the_report_is_due_six_months_after_the_financial_year(report, raw_end, due):
    deadline = financial_report(report, DEFAULTS)

    assert deadline is not None
    assert (deadline.raw_end, deadline.due_date) == (raw_end, due)
    assert "loi n°\u00a02000-321 du 12 avril 2000, art. 10" in deadline.explanation


def test_without_extension_of_acts_the_saturday_stays_the_last_day():
    deadline = financial_report(FinancialReport("by_convention", 2028),
                                LegalSettings(extend_acts=False))  # fmt: skip

    assert deadline is not None and deadline.due_date == date(2029, 6, 30)
    assert "Pas de prorogation" in deadline.explanation


def test_the_explanation_says_why_the_report_is_owed():
    by_law = financial_report(FinancialReport("by_law", 2025, (12, 31), True, True), DEFAULTS)
    by_convention = financial_report(FinancialReport("by_convention", 2025), DEFAULTS)

    assert by_law is not None and by_convention is not None
    assert (
        "dû par la loi\u00a0: le bénéficiaire est un organisme de droit privé" in by_law.explanation
    )
    assert "exigé par la convention" in by_convention.explanation
    assert "l'exercice 2025, clos le mercredi 31 décembre 2025" in by_law.explanation


def test_a_year_not_ending_in_december_is_named_by_its_dates():
    deadline = financial_report(FinancialReport("by_convention", 2025, (9, 30)), DEFAULTS)

    assert deadline is not None
    assert "l'exercice du mardi 1er octobre 2024 au mardi 30 septembre 2025" in (
        deadline.explanation
    )


def test_no_report_no_deadline():
    assert financial_report(FinancialReport(), DEFAULTS) is None


@pytest.mark.parametrize(
    ("report", "code"),
    [
        (FinancialReport("by_law", 2025), "report_not_by_law"),  # a public beneficiary
        (FinancialReport("by_law", 2025, (12, 31), True, False), "report_not_by_law"),
        (FinancialReport("by_convention"), "report_year_missing"),
        (FinancialReport("not_required", 2025), "report_year_without_report"),  # none owed
        (FinancialReport("by_convention", 1999), "number_out_of_range"),
        (FinancialReport("by_convention", 2025, (2, 29)), "not_a_year_end"),
        (FinancialReport("by_convention", 2025, (13, 1)), "not_a_year_end"),
        (FinancialReport("sometimes", 2025), "unknown_report_basis"),  # type: ignore[arg-type]
    ],
)
def test_a_setting_the_law_does_not_support_is_refused(report, code):
    with pytest.raises(InvalidInput) as refused:
        checked(report)
    assert refused.value.code == code


def test_with_an_instalment_also_waiting_for_its_report_the_record_must_say_which():
    convention = reference_convention()
    convention.clauses = replace(convention.clauses, instalments=(
        Instalment(1, Decimal("120000.00"), "notification"),
        Instalment(2, Decimal("80000.00"), "report", report="bilan d'activité"),
    ))  # fmt: skip
    convention.financial_report = FinancialReport("by_convention", 2025)
    record(convention, "submit", SUBMITTED)
    record(convention, "sign", METROPOLE_SIGNED, signatory=METROPOLE)
    record(convention, "sign", CRPV_SIGNED, signatory=CRPV)
    record(convention, "notify", NOTIFIED)
    record(convention, "pay", PAID, amount="120000.00")

    with pytest.raises(GuardRejected) as ambiguous:
        record(convention, "report_received", date(2025, 6, 2))
    assert refusal(ambiguous.value) == (
        "which_report",
        {"event": "report_received", "instalment": 2},
    )

    with pytest.raises(InvalidInput) as unknown:
        record(convention, "report_received", date(2025, 6, 2), report="annual")
    assert unknown.value.code == "unknown_report"

    financial = record(convention, "report_received", date(2025, 6, 2), report="financial")
    assert financial.inputs == {"report": "financial"}
    assert convention.financial_report.received_on == date(2025, 6, 2)
    instalment = record(convention, "report_received", date(2025, 6, 3))  # the only one left
    assert instalment.inputs == {"instalment": "2"}


def test_the_calendar_alarm_comes_with_the_first_reminder():
    from states.convention import ReminderOffsets
    from states.reminders import first_reminder_days

    offsets = ReminderOffsets()
    assert first_reminder_days("financial_report", offsets) == 30
    assert first_reminder_days("publication", offsets) == 30
