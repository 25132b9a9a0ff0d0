"""The beneficiary's financial report (*compte rendu financier*), docs/LEGAL-DEADLINES.md rule 20.

Loi 2000-321, art. 10: « Lorsque la subvention est affectée à une dépense déterminée,
l'organisme de droit privé bénéficiaire doit produire un compte rendu financier […] dans les six
mois suivant la fin de l'exercice pour lequel elle a été attribuée. » Whether a convention owes
one is a setting per convention (`basis`): by law (a private-law beneficiary and an earmarked
subsidy, both stated), by the convention (the service requires it where the law does not), or
not required (the default: a public beneficiary such as the reference convention's GIP).

Pure: the setting and the legal settings in, the deadline and its explanation out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from states.calendar import add_months, end_of_day, french_date
from states.deadlines import ComputedDeadline, LegalSettings, extend_act
from states.errors import InvalidInput

Basis = Literal["by_law", "by_convention", "not_required"]
BASES: tuple[Basis, ...] = ("by_law", "by_convention", "not_required")
SOURCE = (
    "loi n°\u00a02000-321 du 12 avril 2000, art. 10\u00a0; arrêté du 11 octobre 2006 "
    "(Cerfa n°\u00a015059)"
)


@dataclass(frozen=True)
class FinancialReport:
    """What a convention says of its financial report, and when it was received.

    `year` is the financial year the subsidy is granted for, named by the year it ends in;
    `year_end` the beneficiary's financial year end (month, day), 31 December by default.
    """

    basis: Basis = "not_required"
    year: int | None = None
    year_end: tuple[int, int] = (12, 31)
    private_beneficiary: bool = False
    earmarked: bool = False
    received_on: date | None = None

    @property
    def required(self) -> bool:
        """Whether the beneficiary owes one."""
        return self.basis != "not_required"

    @property
    def year_ends_on(self) -> date:
        """The last day of the financial year the subsidy is granted for."""
        assert self.year is not None  # checked when the setting is read
        month, day = self.year_end
        return date(self.year, month, day)

    def received(self, on: date) -> FinancialReport:
        """The same setting, the report received on `on`."""
        return replace(self, received_on=on)


def checked(report: FinancialReport) -> FinancialReport:
    """Refuse a setting the law does not support; the setting as given otherwise."""
    if report.basis not in BASES:
        raise InvalidInput("financial_report.basis", "unknown_report_basis", basis=report.basis,
                           bases=list(BASES))  # fmt: skip
    if report.basis == "by_law" and not (report.private_beneficiary and report.earmarked):
        raise InvalidInput("financial_report.basis", "report_not_by_law")
    if not report.required and report.year is not None:
        # The year says which financial year a report owed covers; with none owed it says
        # nothing, and would be dropped unsaid: whoever wrote it meant a report to be owed.
        raise InvalidInput("financial_report.year", "report_year_without_report",
                           year=report.year)  # fmt: skip
    if report.required and report.year is None:
        raise InvalidInput("financial_report.year", "report_year_missing")
    if report.year is not None and not 2000 <= report.year <= 2100:
        raise InvalidInput("financial_report.year", "number_out_of_range", value=report.year,
                           low=2000, high=2100)  # fmt: skip
    month, day = report.year_end
    try:
        date(2001, month, day)  # 29 February is not a financial year's end
    except ValueError:
        raise InvalidInput("financial_report.year_end", "not_a_year_end",
                           value=f"{month:02d}-{day:02d}") from None  # fmt: skip
    return report


def financial_report(report: FinancialReport, settings: LegalSettings) -> ComputedDeadline | None:
    """The day the financial report is due (rule 20): the six months that follow the end of
    the financial year, from the day after it to the eve of the same day six months later;
    extended to the next working day when acts are (rule 6). None when none is required.

    Its explanation is read by the partners in every email about it: it names no setting's
    key and no command (the service's note in the email carries them)."""
    if not report.required:
        return None
    year_end = report.year_ends_on
    first = year_end + timedelta(days=1)
    raw_end = add_months(first, 6) - timedelta(days=1)
    lines = [
        f"Compte rendu financier ({SOURCE})\u00a0: {_why(report)}\u00a0; il est déposé auprès de "
        "la "
        "Métropole dans les six mois suivant la fin de l'exercice pour lequel la subvention a été "
        f"attribuée, l'exercice {exercise(report)}, clos le {french_date(year_end)}.",
        f"Calcul\u00a0: les six mois courent du {french_date(first)} à la veille du même jour six "
        f"mois plus tard, le {french_date(raw_end)}.",
    ]
    due = extend_act(raw_end, settings, lines)
    lines.append("Rappels au signataire du bénéficiaire\u00a0; le service enregistre sa réception.")
    return ComputedDeadline(
        kind="financial_report",
        trigger_date=year_end,
        raw_end=raw_end,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
    )


def _why(report: FinancialReport) -> str:
    if report.basis == "by_law":
        return ("dû par la loi\u00a0: le bénéficiaire est un organisme de droit privé et la "
                "subvention "
                "est affectée à une dépense déterminée")  # fmt: skip
    return ("exigé par la convention\u00a0; la loi ne l'impose qu'à un organisme de droit privé "
            "pour "
            "une subvention affectée")  # fmt: skip


def exercise(report: FinancialReport) -> str:
    """The financial year as a letter names it: « 2025 », or « du … au … »."""
    if report.year_end == (12, 31):
        return str(report.year)
    start = report.year_ends_on + timedelta(days=1)
    return f"du {french_date(add_months(start, -12))} au {french_date(report.year_ends_on)}"
