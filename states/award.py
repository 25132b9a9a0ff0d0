"""The award decision (délibération d'attribution): when it is enforceable, the two windows it
opens, and whether the Métropole may sign before it (docs/LEGAL-DEADLINES.md, rules 15 to 18).

Pure rules, the clock and the holiday calendar passed in. The windows are information: convflow
shows them (the prefect's referral, third parties' challenge), it does not act on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from states.calendar import HolidayCalendar, add_months, french_date, french_day
from states.deadlines import ComputedDeadline, information_deadline

SignatureCheck = Literal["refuse", "warn"]
SIGNATURE_CHECKS: tuple[SignatureCheck, ...] = ("refuse", "warn")
"""What a signature for the Métropole before the decision is enforceable does (rule 18)."""


@dataclass(frozen=True)
class AwardDecision:
    """The délibération that awards the subsidy: its reference, the day it was adopted, and
    the days of its formalities (publication, notification to the beneficiary, receipt by the
    prefecture), each unknown until recorded."""

    reference: str
    adopted_on: date
    published_on: date | None = None
    notified_on: date | None = None
    received_by_prefect_on: date | None = None

    def publicity_on(self) -> date | None:
        """Its first publicity formality: publication or notification, whichever came first."""
        known = [day for day in (self.published_on, self.notified_on) if day is not None]
        return min(known) if known else None

    def enforceable_on(self) -> date | None:
        """The day it became enforceable (rule 15): the later of its first publicity and its
        receipt by the prefecture; None while either is missing."""
        publicity = self.publicity_on()
        if publicity is None or self.received_by_prefect_on is None:
            return None
        return max(publicity, self.received_by_prefect_on)

    def enforceability_text(self) -> str:
        """Why it is (or is not yet) enforceable, in one French sentence."""
        day = self.enforceable_on()
        if day is not None:
            return (
                f"Délibération {self.reference} exécutoire le {french_date(day)}\u00a0: publicité "
                "le "
                f"{french_date(self.publicity_on() or day)}, réception en préfecture le "
                f"{french_date(self.received_by_prefect_on or day)} (CGCT L2131-1, L5211-3)."
            )
        missing = []
        if self.publicity_on() is None:
            missing.append("sa publication ou sa notification")
        if self.received_by_prefect_on is None:
            missing.append("sa réception en préfecture")
        return (
            f"Délibération {self.reference} adoptée le {french_date(self.adopted_on)}, pas encore "
            f"exécutoire\u00a0: il manque {' et '.join(missing)} (CGCT L2131-1, L5211-3)."
        )


def _two_months_franc(
    start: date, calendar: HolidayCalendar, lines: list[str]
) -> tuple[date, date]:
    """Two months from `start`, de quantième à quantième, then the period is franc (the day of
    expiry does not count: one more day), then moved to the next working day (rules 16, 17)."""
    raw = add_months(start, 2)
    franc = raw + timedelta(days=1)
    lines.append(
        f"Calcul\u00a0: {french_day(start)} + 2 mois = {french_day(raw)}\u00a0; le délai est "
        "franc (ni le "
        f"jour de départ ni celui de l'échéance ne comptent)\u00a0: {french_day(franc)}."
    )
    last = franc
    while (reason := calendar.non_working_reason(last)) is not None:
        lines.append(f"Le {french_day(last)} est un {reason}\u00a0: report au jour suivant.")
        last += timedelta(days=1)
    return raw, last


def prefect_referral(decision: AwardDecision, calendar: HolidayCalendar) -> ComputedDeadline | None:
    """The window in which the prefect may refer the decision to the administrative court
    (rule 16): two months, franc, from its receipt by the prefecture; None before it."""
    received = decision.received_by_prefect_on
    if received is None:
        return None
    lines = [
        f"Déféré préfectoral (CGCT L2131-6, L5211-3)\u00a0: le préfet peut déférer la délibération "
        f"{decision.reference} au tribunal administratif dans les deux mois suivant sa "
        f"transmission, reçue en préfecture le {french_date(received)}."
    ]
    raw, last = _two_months_franc(received, calendar, lines)
    lines += [
        f"Dernier jour où un déféré serait dans les délais\u00a0: {french_date(last)}\u00a0; la "
        "délibération en est à l'abri le lendemain.",
        "Information seulement\u00a0: le délai est prolongé si le préfet demande des pièces "
        "complémentaires ou forme un recours gracieux dans les deux mois, ce que convflow ne "
        "peut pas savoir\u00a0: le service l'enregistre.",
    ]
    return information_deadline("prefect_referral", received, raw, last, lines)


def third_party_challenge(
    decision: AwardDecision, calendar: HolidayCalendar
) -> ComputedDeadline | None:
    """The window of third parties' challenge (rule 17): two months, franc, from its
    publication; None when it is not published (no period runs against third parties)."""
    published = decision.published_on
    if published is None:
        return None
    lines = [
        f"Recours des tiers (CJA R421-1)\u00a0: deux mois à compter de la publication de la "
        f"délibération {decision.reference}, le {french_date(published)}."
    ]
    raw, last = _two_months_franc(published, calendar, lines)
    lines += [
        f"Dernier jour d'un recours dans les délais\u00a0: {french_date(last)}.",
        "Information seulement, avec une réserve\u00a0: une fois la convention signée, les tiers "
        "pourraient devoir contester la convention elle-même dans les deux mois de sa "
        "publicité (CE Ass., 4 avril 2014, Département de Tarn-et-Garonne, n°\u00a0358994)\u00a0; "
        "que "
        "cela couvre la décision d'attribution d'une subvention n'est pas tranché.",
    ]
    return information_deadline("third_party_challenge", published, raw, last, lines)


@dataclass(frozen=True)
class SignatureVerdict:
    """What rule 18 says of a signature for the Métropole on `signed_on`: refused (with the
    code and its parameters), or accepted with a flag ('même jour', 'avant exécutoire')."""

    refused: str | None = None
    params: dict[str, date] | None = None
    flag: str | None = None


def check_signature(
    decision: AwardDecision | None, signed_on: date, setting: SignatureCheck
) -> SignatureVerdict:
    """Rule 18, for the Métropole's signature: before the decision is adopted, always refused
    (no authority to sign); before it is enforceable, refused or warned as the setting says;
    on the day it became enforceable, accepted and flagged. No decision recorded: nothing to
    check (the convention predates the rule, or its decision is kept elsewhere)."""
    if decision is None:
        return SignatureVerdict()
    if signed_on < decision.adopted_on:
        return SignatureVerdict("signed_before_award_adopted", {"adopted_on": decision.adopted_on})
    enforceable = decision.enforceable_on()
    if enforceable is None or signed_on < enforceable:
        if setting == "warn":
            return SignatureVerdict(flag="avant exécutoire")
        if enforceable is None:
            return SignatureVerdict("award_not_enforceable", {"adopted_on": decision.adopted_on})
        return SignatureVerdict("signed_before_award_enforceable", {"enforceable_on": enforceable})
    if signed_on == enforceable:
        return SignatureVerdict(flag="même jour")
    return SignatureVerdict()
