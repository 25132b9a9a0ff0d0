"""The reference convention and the events of its 2025 life, built from real domain objects.

The convention is the one signed between the Métropole Aix-Marseille-Provence and the GIP CRPV
PACA (examples/convention-metropole-amp-crpv-paca-2025.toml): two parties, one signatory each,
200 000,00 € paid once after notification, in force from the last signature to 31 December 2025.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from states.convention import Clauses, Convention, Party, Signatory
from states.deadlines import LegalSettings
from states.errors import ConvflowError
from states.lifecycle import Outcome, fire

REFERENCE = "AMP-CRPV-PACA-2025"
METROPOLE = "martial.alvarez@example.org"
CRPV = "mustapha.berra@example.org"
TERM = date(2025, 12, 31)
AMOUNT = Decimal("200000.00")

TODAY = date(2026, 11, 25)
SETTINGS = LegalSettings()
AGENT = "agent.politique-ville@example.org"
SERVICE = "convflow"

# The reference timeline of 2025.
SUBMITTED = date(2025, 3, 3)
METROPOLE_SIGNED = date(2025, 3, 10)
CRPV_SIGNED = date(2025, 3, 12)  # the last signature: the convention takes effect (article 4)
NOTIFIED = date(2025, 3, 20)
PAID = date(2025, 4, 15)
NOTICE_RECEIVED = date(2025, 5, 5)  # + 6 months: Wednesday 5 November 2025, before the term
NOTICE_ENDS = date(2025, 11, 5)
DISPUTE_RECEIVED = date(2025, 6, 2)  # + 30 days: Wednesday 2 July 2025
DISPUTE_WINDOW_ENDS = date(2025, 7, 2)
COURT_OPENS = date(2025, 7, 3)


def refusal(error: ConvflowError) -> tuple[str, dict[str, Any]]:
    """A refusal as data: its code and parameters, without the convention's reference (nor
    the amendment's number when it is about none)."""
    params = {
        key: value
        for key, value in error.params.items()
        if key != "reference" and not (key == "amendment" and value is None)
    }
    return error.code, params


def reference_convention() -> Convention:
    """The reference convention as imported: a draft, nothing signed yet."""
    return Convention(
        reference=REFERENCE,
        title="Convention de partenariat Métropole AMP – GIP CRPV PACA 2025",
        object="Accompagnement des équipes territoriales de la politique de la ville (article 1)",
        place="Marseille",
        amount=AMOUNT,
        end_date=TERM,
        clauses=Clauses(),
        parties=[
            Party("metropole", "Métropole Aix-Marseille-Provence"),
            Party("crpv", "GIP Centre de Ressources pour la Politique de la Ville PACA"),
        ],
        signatories=[
            Signatory(
                "metropole",
                "Martial Alvarez",
                "Vice-Président délégué, pour la Présidente",
                METROPOLE,
            ),
            Signatory("crpv", "Mustapha Berra", "Directeur-ordonnateur", CRPV),
        ],
    )


def record(
    convention: Convention,
    trigger: str,
    on: date,
    *,
    today: date = TODAY,
    settings: LegalSettings = SETTINGS,
    **inputs: str,
) -> Outcome:
    """An administrator records `trigger`, dated `on`, with its inputs."""
    return fire(
        convention,
        trigger,
        on=on,
        actor=AGENT,
        settings=settings,
        today=today,
        inputs=inputs,
    )


def apply_deadline(convention: Convention, trigger: str, on: date) -> Outcome:
    """The service applies a deadline that fell (`expire` or `terminate`) on the day it ends."""
    return fire(
        convention,
        trigger,
        on=on,
        actor=SERVICE,
        settings=SETTINGS,
        today=TODAY,
        by_service=True,
    )


def receive_dispute_letter(
    convention: Convention, received: date = DISPUTE_RECEIVED, party: str = "crpv"
) -> Outcome:
    """A party's registered letter opening a dispute (article 6), recorded on its receipt."""
    return record(convention, "open_dispute", received, party=party, received=received.isoformat())


def receive_termination_letter(
    convention: Convention, received: date = NOTICE_RECEIVED, party: str = "metropole"
) -> Outcome:
    """A party's registered letter terminating the convention (article 7), on its receipt."""
    return record(convention, "give_notice", received, party=party, received=received.isoformat())


def convention_in(state: str, *, disputed_from: str = "execution") -> Convention:
    """The reference convention brought to `state` by the events of its 2025 timeline.

    `termination` is reached from execution; a `dispute` (and the `litigation` after it) is
    opened from `disputed_from`.
    """
    in_dispute = state in ("dispute", "litigation")
    road_end = disputed_from if in_dispute else state
    convention = reference_convention()
    for step in _ROAD[1 : _ROAD.index(road_end) + 1]:
        _STEP_INTO[step](convention)
    if in_dispute:
        receive_dispute_letter(convention)
    if state == "litigation":
        record(convention, "go_to_court", COURT_OPENS)
    assert convention.state == state, f"the builder reached {convention.state}, not {state}"
    return convention


_ROAD = ("draft", "signature", "notification", "payment", "execution", "termination")


def _submit(convention: Convention) -> None:
    record(convention, "submit", SUBMITTED)


def _sign_both(convention: Convention) -> None:
    record(convention, "sign", METROPOLE_SIGNED, signatory=METROPOLE)
    record(convention, "sign", CRPV_SIGNED, signatory=CRPV)


def _notify(convention: Convention) -> None:
    record(convention, "notify", NOTIFIED)


def _pay(convention: Convention) -> None:
    record(convention, "pay", PAID, amount="200000.00")


def _give_notice(convention: Convention) -> None:
    receive_termination_letter(convention)


_STEP_INTO = {
    "signature": _submit,
    "notification": _sign_both,
    "payment": _notify,
    "execution": _pay,
    "termination": _give_notice,
}
