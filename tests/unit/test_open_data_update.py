"""Rule 19 after an amendment: the worked examples of docs/LEGAL-DEADLINES.md, and the
setting `open_data_on_amendment` (changed, always, never)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.deadlines import LegalSettings
from states.open_data import publication_update
from tests.unit.builders import convention_in

SIGNED = date(2025, 11, 12)  # Wednesday: + 3 months, Thursday 12 February 2026


def update(policy: str, **changes: object):  # type: ignore[no-untyped-def]
    before = convention_in("execution")
    after = replace(before, **changes)  # type: ignore[arg-type]
    return publication_update(before, after, "avenant n°1", SIGNED,
                              LegalSettings(open_data_on_amendment=policy))  # type: ignore[arg-type]  # fmt: skip


def test_a_new_amount_is_published_again_within_three_months():
    deadline = update("changed", amount=Decimal("250000.00"))

    assert deadline is not None
    assert (deadline.kind, deadline.due_date) == ("publication", date(2026, 2, 12))


def test_a_new_term_after_the_payment_changes_nothing_published():
    assert update("changed", end_date=date(2026, 12, 31)) is None


@pytest.mark.parametrize(("policy", "expected"), [("always", date(2026, 2, 12)), ("never", None)])
def test_the_setting_can_always_or_never_ask_for_the_update(policy, expected):
    found = update(policy, end_date=date(2026, 12, 31))
    assert (found.due_date if found else None) == expected
    assert update("never", amount=Decimal("250000.00")) is None


def test_a_subsidy_brought_under_the_threshold_is_not_published_again():
    assert update("always", amount=Decimal("20000.00")) is None


def test_an_explanation_stored_before_says_its_amount_as_the_one_at_the_signature() -> None:
    """Finance tester's L6: an email quotes the stored explanation beside the subsidy of the
    day, which an avenant may have raised: « la subvention de 200 000,00 € dépasse » was
    written at the signature, and is said so."""
    from states.open_data import amount_at_signature

    stored = ("Données essentielles (loi 2000-321, art. 10 ; décret 2017-779, art. 2) : la "
              "subvention de 200\u202f000,00\u00a0€ dépasse 23\u202f000,00\u00a0€ ; la Métropole "
              "publie…")  # fmt: skip
    assert amount_at_signature(stored) == stored.replace(
        "subvention de 200\u202f000,00\u00a0€ dépasse",
        "subvention, de 200\u202f000,00\u00a0€ à la signature de la convention, dépasse",
    )
    assert amount_at_signature("Calcul : rien à dire.") == "Calcul : rien à dire."
