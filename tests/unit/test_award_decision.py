"""The award decision (rules 15 to 18 of docs/LEGAL-DEADLINES.md), each worked example of the
rule's table as a test."""

from __future__ import annotations

from datetime import date

import pytest

from states.award import AwardDecision, check_signature, prefect_referral, third_party_challenge
from states.calendar import HolidayCalendar

CALENDAR = HolidayCalendar()
ADOPTED = date(2025, 2, 13)
FEB_18 = date(2025, 2, 18)


def decision(**days: date) -> AwardDecision:
    return AwardDecision("DEL-2025-0042", ADOPTED, **days)


# --- Rule 15: when it is enforceable ---------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "enforceable"),
    [
        pytest.param({"published_on": date(2025, 2, 17), "received_by_prefect_on": FEB_18},
                     FEB_18, id="published, then received: the receipt"),
        pytest.param({"notified_on": date(2025, 2, 19), "received_by_prefect_on": FEB_18},
                     date(2025, 2, 19), id="received, then notified: the notification"),
        pytest.param({"published_on": date(2025, 2, 17)}, None,
                     id="no transmission: not enforceable"),
    ],
)  # fmt: skip
def test_rule_15_the_decision_is_enforceable_on_the_later_of_its_publicity_and_its_receipt(
    days: dict[str, date], enforceable: date | None
):
    assert decision(**days).enforceable_on() == enforceable


def test_rule_15_what_is_missing_is_said():
    text = decision(published_on=date(2025, 2, 17)).enforceability_text()

    assert "pas encore exécutoire\u00a0: il manque sa réception en préfecture" in text


# --- Rule 16: the prefect's referral ---------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "raw", "last"),
    [
        pytest.param(date(2025, 2, 18), date(2025, 4, 18), date(2025, 4, 22),
                     id="Saturday, Sunday, then Easter Monday"),
        pytest.param(date(2025, 10, 31), date(2025, 12, 31), date(2026, 1, 2),
                     id="1 January is a holiday"),
        pytest.param(date(2025, 12, 19), date(2026, 2, 19), date(2026, 2, 20),
                     id="no adjustment"),
    ],
)  # fmt: skip
def test_rule_16_the_prefects_window_is_two_months_franc_from_the_receipt(
    received: date, raw: date, last: date
):
    window = prefect_referral(decision(received_by_prefect_on=received), CALENDAR)

    assert window is not None
    assert (window.kind, window.raw_end, window.due_date) == ("prefect_referral", raw, last)
    assert window.flags == ("information",)
    assert "recours gracieux" in window.explanation


def test_rule_16_no_window_before_the_prefecture_receives_it():
    assert prefect_referral(decision(published_on=date(2025, 2, 17)), CALENDAR) is None


# --- Rule 17: third parties' challenge -------------------------------------------------------


def test_rule_17_published_17_february_the_window_ends_on_good_friday_not_a_holiday_here():
    window = third_party_challenge(decision(published_on=date(2025, 2, 17)), CALENDAR)

    assert window is not None
    assert (window.raw_end, window.due_date) == (date(2025, 4, 17), date(2025, 4, 18))
    assert "Tarn-et-Garonne" in window.explanation


def test_rule_17_not_published_no_period_runs_against_third_parties():
    assert third_party_challenge(decision(notified_on=date(2025, 2, 19)), CALENDAR) is None


# --- Rule 18: signing before it is enforceable ----------------------------------------------

ENFORCEABLE_18_FEBRUARY = {
    "published_on": date(2025, 2, 17), "received_by_prefect_on": date(2025, 2, 18),
}  # fmt: skip


@pytest.mark.parametrize(
    ("signed_on", "setting", "refused", "flag"),
    [
        (date(2025, 3, 5), "refuse", None, None),
        (date(2025, 3, 5), "warn", None, None),
        (date(2025, 2, 14), "refuse", "signed_before_award_enforceable", None),
        (date(2025, 2, 14), "warn", None, "avant exécutoire"),
        (date(2025, 2, 18), "refuse", None, "même jour"),
        (date(2025, 2, 18), "warn", None, "même jour"),
        (date(2025, 2, 12), "refuse", "signed_before_award_adopted", None),
        (date(2025, 2, 12), "warn", "signed_before_award_adopted", None),
    ],
)
def test_rule_18_the_metropoles_signature_against_the_enforceable_date(
    signed_on: date, setting: str, refused: str | None, flag: str | None
):
    verdict = check_signature(decision(**ENFORCEABLE_18_FEBRUARY), signed_on, setting)  # type: ignore[arg-type]

    assert (verdict.refused, verdict.flag) == (refused, flag)


def test_rule_18_the_refusal_names_the_enforceable_date():
    verdict = check_signature(decision(**ENFORCEABLE_18_FEBRUARY), date(2025, 2, 14), "refuse")

    assert verdict.params == {"enforceable_on": date(2025, 2, 18)}


def test_rule_18_a_decision_not_yet_enforceable_refuses_without_a_date_to_name():
    verdict = check_signature(decision(published_on=date(2025, 2, 17)), date(2025, 3, 5), "refuse")

    assert verdict.refused == "award_not_enforceable"


def test_rule_18_no_decision_recorded_nothing_to_check():
    assert check_signature(None, date(2025, 3, 5), "refuse").refused is None
