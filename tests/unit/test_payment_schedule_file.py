"""A payment schedule in a convention file: `[[payment.instalments]]`, read or refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from workflow.files.convention_file import ConventionFileError, parse_convention

EXAMPLE = Path(__file__).parents[2] / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"


def with_schedule(*instalments: str) -> str:
    """The reference convention's file (200 000 €, term 31 December 2025), its history left
    out, with these `[[payment.instalments]]` tables."""
    text = EXAMPLE.read_text(encoding="utf-8").split("[[history]]")[0]
    return text + "".join(f"\n[[payment.instalments]]\n{body}\n" for body in instalments)


def read(text: str):
    return parse_convention(text, "c.toml", payment_target_days=30, signature_target_days=7)


def refusal(text: str) -> tuple[str, dict[str, object]]:
    with pytest.raises(ConventionFileError) as refused:
        read(text)
    return refused.value.code, refused.value.params


def test_shares_and_amounts_become_amounts_to_the_cent() -> None:
    convention = read(with_schedule(
        'share = "30 %"',
        'amount = "80000.00"\ntrigger = "date"\non = 2025-06-30',
        'share = "30%"\ntrigger = "report"\nreport = "bilan final"',
    ))  # fmt: skip
    schedule = [(i.number, i.amount, i.trigger, i.on, i.report)
                for i in convention.clauses.instalments]  # fmt: skip
    assert schedule == [
        (1, Decimal("60000.00"), "notification", None, None),
        (2, Decimal("80000.00"), "date", date(2025, 6, 30), None),
        (3, Decimal("60000.00"), "report", None, "bilan final"),
    ]


def test_one_payment_on_notification_is_the_single_payment_of_the_reference() -> None:
    assert read(with_schedule('amount = "200000.00"')).clauses.instalments == ()
    assert read(with_schedule('share = "100 %"')).clauses.instalments == ()
    assert read(with_schedule()).clauses.instalments == ()


def test_an_amount_and_a_share_both_written_are_read_when_they_agree() -> None:
    """« 70 %, soit 140 000,00 € », as a convention writes it (and `convflow extract` drafts
    it): the amount is paid; a share written rounded agrees with the amount it rounds."""
    convention = read(with_schedule(
        'amount = "140000.00"\nshare = "70%"',
        'amount = "60000.00"\nshare = "30 %"\ntrigger = "report"\nreport = "bilan final"',
    ))  # fmt: skip
    assert [i.amount for i in convention.clauses.instalments] == [Decimal("140000.00"),
                                                                   Decimal("60000.00")]  # fmt: skip
    thirds = read(with_schedule(
        'amount = "66666.67"\nshare = "33,33 %"',
        'amount = "66666.67"\nshare = "33.33%"\ntrigger = "date"\non = 2025-06-30',
        'amount = "66666.66"\nshare = "33 %"\ntrigger = "report"\nreport = "bilan final"',
    ))  # fmt: skip
    assert sum(i.amount for i in thirds.clauses.instalments) == Decimal("200000.00")


def test_an_amount_and_a_share_that_disagree_are_refused_naming_the_instalment() -> None:
    code, params = refusal(with_schedule(
        'amount = "60000.00"\nshare = "30 %"',
        'amount = "141000.00"\nshare = "70 %"\ntrigger = "report"\nreport = "bilan final"',
    ))  # fmt: skip
    assert code == "instalment_amount_share_differ"
    said = ("field", "instalment", "share", "amount", "total", "share_amount")
    assert [params[k] for k in said] == [
        "payment.instalments[1].share",
        2,
        "70 %",
        "141000.00",
        "200000.00",
        "140000.00",
    ]
    # 33 % written whole: 66 666,67 € rounds to it, 68 000 € (34 %) does not
    assert refusal(with_schedule(
        'amount = "68000.00"\nshare = "33 %"', 'amount = "132000.00"\nshare = "67 %"',
    ))[0] == "instalment_amount_share_differ"  # fmt: skip


@pytest.mark.parametrize(
    ("instalments", "code"),
    [
        # three thirds rounded to the cent make 199 999,98 €, not 200 000 €: refused, not fixed
        (['share = "33.33 %"'] * 3, "instalments_do_not_add_up"),
        (
            ['amount = "100000.00"', 'amount = "99999.99"\ntrigger = "date"\non = 2025-06-30'],
            "instalments_do_not_add_up",
        ),
        (['amount = "190000.00"\nshare = "100 %"'], "instalment_amount_share_differ"),
        (['trigger = "notification"'], "instalment_amount_or_share"),
        (['amount = "200000.00"\ntrigger = "signature"'], "clause_not_supported"),
        (['amount = "200000.00"\ntrigger = "date"'], "instalment_date_for_date_only"),
        (['amount = "200000.00"\non = 2025-06-30'], "instalment_date_for_date_only"),
        (['amount = "200000.00"\ntrigger = "report"'], "instalment_report_for_report_only"),
        (['amount = "200000.00"\ntrigger = "date"\non = 2026-01-15'], "instalment_after_term"),
        (['share = "120 %"'], "not_a_share"),
        (['share = "moitié"'], "not_a_share"),
        (["amount = 200000.5"], "float_value"),
    ],
)
def test_a_schedule_that_does_not_hold_is_refused_naming_why(
    instalments: list[str], code: str
) -> None:
    assert refusal(with_schedule(*instalments))[0] == code


def test_the_refusal_of_a_sum_says_both_figures() -> None:
    code, params = refusal(with_schedule(*['share = "33.33 %"'] * 3))
    assert code == "instalments_do_not_add_up"
    assert (params["total"], params["instalments"]) == ("200000.00", "199980.00")
