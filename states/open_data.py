"""The essential data of a subsidy convention, as the SCDL « subventions » schema publishes them
(docs/LEGAL-DEADLINES.md rule 19; docs/scdl/README.md, column by column).

Pure: a convention and the grantor's identity in, one row per beneficiary out, or the reason a
row cannot be published yet (a value the schema requires is missing). Nothing here is guessed:
a SIRET is checked (14 digits, Luhn), the object is the one written for publication when the
title is too long, the payment dates are the recorded ones or the convention's period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from states.calendar import add_months, end_of_day, french_date, french_euros
from states.convention import Convention, Party
from states.deadlines import BY_SETTING, ComputedDeadline, LegalSettings
from states.payments import SINGLE_PAYMENT, progress_of

COLUMNS = (
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
    "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
    "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention",
    "dispositifAide",
)  # fmt: skip
"""The schema's 16 fields, in its order (the header a validator compares)."""
MAX_OBJECT = 256
THRESHOLD = Decimal("23000")
"""Rule 19: above this amount, a subsidy's essential data are published."""
_RNA = re.compile(r"^W[0-9]{9}$")


def is_siret(text: str) -> bool:
    """A SIRET: 14 digits whose Luhn sum is a multiple of 10 (the check Validata runs)."""
    if not re.fullmatch(r"\d{14}", text):
        return False
    total = 0
    for position, digit in enumerate(reversed(text)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def is_rna(text: str) -> bool:
    """An association's RNA number: W and 9 digits."""
    return bool(_RNA.match(text))


@dataclass(frozen=True)
class Grantor:
    """Who grants: its official name and SIRET (settings)."""

    name: str
    siret: str


@dataclass(frozen=True)
class Unpublishable:
    """A beneficiary's row that cannot be published yet: which field, and why (a code)."""

    reference: str
    beneficiary: str
    field: str
    code: str


def publication(signed_on: date, amount: Decimal, threshold: Decimal) -> ComputedDeadline | None:
    """The day the essential data must be published by (rule 19): three months from the
    signature, de quantième à quantième, not extended; None at or below the threshold."""
    if amount <= threshold:
        return None
    due = add_months(signed_on, 3)
    lines = [
        f"Données essentielles (loi 2000-321, art. 10\u00a0; décret 2017-779, art. 2)\u00a0: la "
        f"subvention, {_AT_SIGNATURE.format(amount=french_euros(amount))}, dépasse "
        f"{french_euros(threshold)}\u00a0; la Métropole publie ses données essentielles au plus "
        f"tard trois mois après la signature de la convention, le {french_date(signed_on)}.",
        f"Calcul\u00a0: de quantième à quantième\u00a0: {french_date(signed_on)} + 3 mois = "
        f"{french_date(due)}\u00a0; pas de report au jour ouvrable suivant (une obligation de la "
        "Métropole elle-même).",
        "Publication\u00a0: le fichier des données essentielles (schéma "
        "«\u00a0subventions\u00a0») sur le site "
        "de la Métropole ou sur data.gouv.fr.",
    ]
    return _publication(signed_on, due, lines)


_AT_SIGNATURE = "de {amount} à la signature de la convention"
"""The amount the initial publication's explanation names: the one at the signature, which an
avenant may have changed by the time an email quotes it (beside the amount of the day)."""
_AMOUNT_AS_STORED = re.compile(
    r"la subvention de ([0-9][0-9\u202f\u00a0 ]*,[0-9]{2}\u00a0€) dépasse"
)
"""How an explanation stored before said it: « la subvention de 200 000,00 € dépasse »."""


def amount_at_signature(explanation: str) -> str:
    """A publication's explanation as an email quotes it: the amount it names said as the
    amount at the signature, for one stored before it said so (an avenant may have raised the
    subsidy since: the email's body says the amount of the day)."""
    if "la subvention de " not in explanation:  # every email asks: no regex for nothing
        return explanation
    return _AMOUNT_AS_STORED.sub(
        lambda found: "la subvention, " + _AT_SIGNATURE.format(amount=found.group(1)) + ", dépasse",
        explanation,
    )


def publication_update(
    before: Convention, after: Convention, amendment: str, signed_on: date,
    settings: LegalSettings, number: int = 0,
) -> ComputedDeadline | None:  # fmt: skip
    """The update of the published data an amendment in force calls for (rule 19, setting
    `open_data_on_amendment`): the Métropole's own practice, no text requires it; three months
    from the amendment's last signature, de quantième à quantième, not extended; None when the
    subsidy is not published or, by default, when the amendment changes none of the published
    data (a new term with its payment already made, a new representative, a clause the open
    data do not show). `amendment` names it ("avenant n°1"), `number` is its number.

    Its explanation is read by the partners in every email about it: it says the setting in
    words, never its key, and no command (the service's note in the email carries them)."""
    policy = settings.open_data_on_amendment
    if policy == "never" or not due_for_publication(after, settings.open_data_threshold):
        return None
    changed = _published(before) != _published(after)
    if policy == "changed" and not changed:
        return None
    due = add_months(signed_on, 3)
    lines = update_explanation(amendment, signed_on, changed, settings)
    return replace(
        _publication(signed_on, due, lines),
        amendment=number,
        amount_changed=before.amount != after.amount,
    )


def update_explanation(
    amendment: str, signed_on: date, changed: bool, settings: LegalSettings
) -> list[str]:
    """The lines that explain an update of the published data after `amendment`, in force on
    `signed_on` (`changed`: it changes a published datum): the one place the Métropole's
    practice is worded; `for_partners` turns its setting into the practice a partner reads
    (the email gallery's sample shows them, workflow.usecases.gallery)."""
    due = add_months(signed_on, 3)
    why = ("il change une donnée publiée" if changed
           else "la Métropole met à jour ses données après chaque avenant")  # fmt: skip
    return [
        f"Mise à jour des données essentielles après l'{amendment}, en vigueur le "
        f"{french_date(signed_on)}\u00a0: {why}. Aucun texte n'impose cette mise à jour\u00a0: le "
        "délai "
        "de trois mois du décret 2017-779 (art. 2) court de la signature de la convention et ne "
        "vaut que pour sa publication initiale. C'est la pratique de la Métropole, qui reprend "
        f"ce délai compté de la signature de l'avenant {BY_SETTING}"
        f"{settings.on_amendment_text()}).",
        f"Calcul\u00a0: de quantième à quantième\u00a0: {french_date(signed_on)} + 3 mois = "
        f"{french_date(due)}\u00a0; pas de report au jour ouvrable suivant.",
        "Publication\u00a0: le fichier des données essentielles mis à jour, sur le site de la "
        "Métropole ou sur data.gouv.fr.",
    ]


def _publication(signed_on: date, due: date, lines: list[str]) -> ComputedDeadline:
    """A `publication` deadline: three months after a signature, never extended."""
    return ComputedDeadline(
        kind="publication",
        trigger_date=signed_on,
        raw_end=due,
        due_date=due,
        expires_at=end_of_day(due),
        explanation="\n".join(lines),
    )


def _published(convention: Convention) -> tuple[tuple[tuple[str, str], ...], ...]:
    """What the open data publish of a convention, grantor aside: each beneficiary's columns,
    as they read whether or not the row can be published yet."""
    grantor = Grantor("", "")
    return tuple(
        tuple(sorted(_row(convention, grantor, party).items())) for party in convention.parties[1:]
    )


def due_for_publication(convention: Convention, threshold: Decimal = THRESHOLD) -> bool:
    """Rule 19: signed (in force or ended after being in force), and above the threshold."""
    return convention.effective_date is not None and convention.amount > threshold


def _in_parts(convention: Convention) -> bool:
    """Whether the subsidy is paid in several times: in instalments, or in a single payment an
    amendment raising the amount completed with a balance (due, or paid on a later day; a
    balance paid the very day of the first part changes no published date)."""
    if convention.clauses.instalments:
        return True
    if convention.paid_on is None:
        return False
    latest = progress_of(convention.paid_so_far(), SINGLE_PAYMENT).paid_on
    return convention.balance_due() > 0 or latest not in (None, convention.paid_on)


def _payment_dates(convention: Convention) -> str:
    """The payment's date once a payment made in one time is recorded. Otherwise a period (the
    schema's form for payments in several times, or a single payment of unknown date): from
    the convention's date to its last payment once all is paid, to its term before; a single
    payment completed by its balance is written as instalments are, never as its first
    part's day alone."""
    assert convention.effective_date is not None
    if not _in_parts(convention) and convention.paid_on is not None:
        return convention.paid_on.isoformat()
    paid = sorted(p.paid_on for p in convention.paid_so_far() if p.paid_on is not None)
    start = convention.effective_date
    end = paid[-1] if paid and not convention.unpaid_instalments() else convention.end_date
    return f"{start.isoformat()}/{end.isoformat()}"


def _object(convention: Convention) -> str | None:
    if convention.open_data_object:
        return convention.open_data_object
    return convention.object if len(convention.object) <= MAX_OBJECT else None


def rows(
    convention: Convention, grantor: Grantor
) -> tuple[list[dict[str, str]], list[Unpublishable]]:
    """The convention's rows (one per beneficiary: every party but the grantor), and those
    that cannot be published yet. Several beneficiaries would need each one's share, which
    a convention file does not give yet: refused, said so."""
    beneficiaries = convention.parties[1:]
    found: list[dict[str, str]] = []
    refused: list[Unpublishable] = []
    for party in beneficiaries:
        problem = _problem(convention, party, len(beneficiaries))
        if problem is not None:
            refused.append(Unpublishable(convention.reference, party.name, *problem))
            continue
        found.append(_row(convention, grantor, party))
    return found, refused


def _problem(convention: Convention, party: Party, count: int) -> tuple[str, str] | None:
    if count > 1:
        return "pourcentageSubvention", "open_data_several_beneficiaries"
    if not party.siret and not party.rna:
        return "idBeneficiaire", "open_data_identifier_missing"
    if _object(convention) is None:
        return "objet", "open_data_object_too_long"
    return None


def _row(convention: Convention, grantor: Grantor, party: Party) -> dict[str, str]:
    assert convention.effective_date is not None
    award = convention.award
    return {
        "nomAttribuant": grantor.name,
        "idAttribuant": grantor.siret,
        "dateConvention": convention.effective_date.isoformat(),
        "referenceDecision": award.reference if award is not None else "",
        "nomBeneficiaire": party.name,
        "idBeneficiaire": party.siret or "",
        "rnaBeneficiaire": party.rna or "",
        "objet": _object(convention) or "",
        "montant": f"{convention.amount:.2f}",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné" if _in_parts(convention) else "unique",
        "datesPeriodeVersement": _payment_dates(convention),
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }
