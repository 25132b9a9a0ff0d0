"""`convflow history` showed a line's amounts as recorded, « amount=5000.00 », where the rest of
the command line says « 5 000,00 € » (its thousands apart by a narrow no-break space, a
no-break space before the sign). Its text now says them so: a payment, an amendment's amount. Its
--json, the dossier's historique.csv (the hashed content's reading) and `verify --dossier` keep
the value as recorded; the dossier's PDF already said amounts in euros, and still does."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from notifications import euros
from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow

FIVE_THOUSAND = "5\u202f000,00\u00a0€"
"""5 000,00 € as the command line writes it (Babel's French: a narrow no-break space between
the thousands, a no-break space before the euro sign)."""


@pytest.fixture
def paid(convflow: Convflow, cli_clock: CliClock, tmp_path: Path) -> Convflow:
    """The reference convention for 5 000,00 €, signed, notified and paid; an amendment to
    5 500,00 € drafted."""
    small = tmp_path / "small.toml"
    small.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'amount = "200000.00"', 'amount = "5000.00"'), encoding="utf-8")  # fmt: skip
    cli_clock.now = datetime(2025, 4, 2, 10, 0, tzinfo=UTC)
    convflow.ok("import", "--without-history", str(small))
    for args in (["submit", "--on", "2025-03-03"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
                 ["sign", f"signatory={CRPV}", "--on", "2025-03-10"],
                 ["notify", "--on", "2025-03-20"],
                 ["pay", "amount=5000.00", "--on", "2025-04-01"]):  # fmt: skip
        convflow.ok("event", REF, *args)
    convflow.ok("amend", REF, "amount=5500.00", "--on", "2025-04-02")
    return convflow


def test_the_history_says_its_amounts_as_the_command_line_does(paid: Convflow) -> None:
    text = paid.ok("history", REF)

    assert euros(Decimal("5000.00")) == FIVE_THOUSAND  # the project's one helper
    assert f"amount={FIVE_THOUSAND}" in text, text  # the payment
    assert f"amount={euros(Decimal('5500.00'))}" in text, text  # the amendment's amount
    assert "amount=5000.00" not in text and "amount=5500.00" not in text


def test_its_json_and_english_keep_the_amount_as_recorded(paid: Convflow) -> None:
    rows = paid.json("history", REF)

    assert [row["inputs"]["amount"] for row in rows if "amount" in row["inputs"]] == [
        "5000.00", "5500.00",
    ]  # fmt: skip
    assert "amount=5000.00" in paid.english("history", REF).stdout


def test_the_dossier_keeps_the_recorded_amount_and_verifies(paid: Convflow, tmp_path: Path) -> None:
    archive = tmp_path / "dossier.zip"
    paid.ok("dossier", REF, "-o", str(archive))

    with zipfile.ZipFile(archive) as dossier:
        history = dossier.read("historique.csv").decode("utf-8")
        pdf = dossier.read("historique.pdf")
    assert "amount=5000.00" in history and FIVE_THOUSAND not in history
    assert paid.json("verify", "--dossier", str(archive))["problems"] == []
    assert "tout est intact" in paid.ok("verify", "--dossier", str(archive))
    from pypdf import PdfReader

    read = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    spaced = read.replace("\u202f", " ").replace("\xa0", " ")
    assert "Montant versé, en euros : 5 000,00 €" in spaced, spaced
    assert "5000.00" not in read
