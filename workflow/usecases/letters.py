"""The letters the clauses call for, written from the convention and the computed dates.

- `dispute`: the registered letter that opens a dispute (article 6), stating the difficulty
  the administrator typed and how the amicable period is counted;
- `termination`: the registered letter of termination (article 7), stating when it takes
  effect, or that the term comes first;
- `award`: the notification of the award (article 2), with the payment it opens.

Each states how its dates were computed in one plain sentence, from states/ (never by hand).
The letter is returned as bytes (`render_letter`); attaching it as a paper is the caller's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from states.calendar import french_date, french_day, french_euros
from states.convention import Convention, Party
from states.deadlines import LegalSettings, RegisteredLetter, payment_target, termination_notice
from states.errors import GuardRejected, InvalidInput
from states.inputs import check_text
from states.lifecycle import DISPUTABLE
from workflow.bootstrap import App
from workflow.letters.render import HOW, KINDS, render_docx, render_pdf
from workflow.usecases.documents import Attach, attach

FORMATS = ("pdf", "docx")
WHEN = {
    "dispute": DISPUTABLE,
    "termination": ("notification", "payment", "execution"),
    "award": ("notification", "payment", "execution"),
}
"""The states a letter may be written in."""
_BASIS = {"receipt": "de la réception", "dispatch": "de l'envoi",
          "presentation": "de la première présentation"}  # fmt: skip


def send_letter(
    app: App, reference: str, kind: str, fmt: str, on: date, actor: str, now: datetime, *,
    difficulty: str = "", party: str | None = None,
) -> tuple[bytes, dict[str, Any]]:  # fmt: skip
    """The letter, and the paper it becomes in the convention's file (kind `letter`): a letter
    generated for sending is kept with what it said."""
    content = render_letter(app, reference, kind, fmt, on, difficulty=difficulty, party=party)
    name = f"lettre-{kind}-{on.isoformat()}.{fmt}"
    paper = attach(app, Attach(reference, content, name, "letter", actor), now)
    return content, paper


def render_letter(
    app: App, reference: str, kind: str, fmt: str, on: date, *, difficulty: str = "",
    party: str | None = None,
) -> bytes:  # fmt: skip
    """The letter `kind` of convention `reference`, dated `on`, as PDF or Word bytes."""
    if kind not in KINDS:
        raise InvalidInput("kind", "unknown_letter", kind=kind, kinds=list(KINDS))
    if fmt not in FORMATS:
        raise InvalidInput("format", "unknown_letter_format", format=fmt, formats=list(FORMATS))
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
    facts = letter_facts(convention, kind, on, app.legal, difficulty=difficulty, party=party)
    return render_pdf(kind, facts) if fmt == "pdf" else render_docx(kind, facts)


def letter_facts(
    convention: Convention, kind: str, on: date, legal: LegalSettings, *,
    difficulty: str = "", party: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What the letter says: its frame (sender, recipient, date, subject) and its facts."""
    if convention.state not in WHEN[kind]:
        raise GuardRejected(convention.reference, "letter", "letter_not_now", kind=kind,
                            state=convention.state)  # fmt: skip
    sender = _party(convention, party or convention.grantor().key)
    recipient = next(p for p in convention.parties if p.key != sender.key)
    facts = {
        **_frame(convention, sender, recipient, on),
        "reference": convention.reference,
        "title": convention.title,
        "sender_name": sender.name,
    }
    return {**facts, **_BODY[kind](convention, on, legal, difficulty)}


def _party(convention: Convention, key: str) -> Party:
    found = convention.party(key)
    if found is None:
        raise InvalidInput("party", "unknown_letter_party", party=key,
                           parties=[p.key for p in convention.parties])  # fmt: skip
    return found


def _frame(convention: Convention, sender: Party, recipient: Party, on: date) -> dict[str, Any]:
    own = [s for s in convention.signatories if s.party == sender.key]
    theirs = [s for s in convention.signatories if s.party == recipient.key]
    return {
        "sender": [sender.name],
        "recipient": [recipient.name]
        + ([f"À l’attention de {theirs[0].name}, {theirs[0].title}"] if theirs else []),
        "dated": f"{convention.place}, le {french_day(on)}",
        "salutation": "Madame, Monsieur,",
        "salutation_short": "Madame, Monsieur",
        "signature": [own[0].name, own[0].title] if own else [sender.name],
    }


def _dispute(
    convention: Convention, on: date, legal: LegalSettings, difficulty: str
) -> dict[str, Any]:
    text = check_text(difficulty.strip(), "difficulty", 4000)
    if not text:
        raise InvalidInput("difficulty", "difficulty_required")
    days, article = convention.clauses.dispute_window_days, convention.clauses.articles.dispute
    extended = (
        "s’il expire un samedi, un dimanche ou un jour férié, il est prorogé au premier jour "
        "ouvrable suivant (CPC art. 642)"
        if legal.extend_acts
        else "il n’est pas prorogé au jour ouvrable suivant (réglage du service)"
    )
    return {
        "mention": "Lettre recommandée avec demande d’avis de réception",
        "subject": f"Différend relatif à la convention {convention.reference} ({article})",
        "article": article, "days": days, "difficulty": text,
        "how": f"{HOW}le délai de {days} jours calendaires court à compter de la réception de "
        "la présente lettre, le jour de la réception n’étant pas compté (CPC art. 641) ; "
        f"{extended} ; la date de réception sera celle de l’avis de réception.",
    }  # fmt: skip


def _termination(convention: Convention, on: date, legal: LegalSettings, _: str) -> dict[str, Any]:
    clauses = convention.clauses
    months, article = clauses.termination_notice_months, clauses.articles.termination
    earliest = termination_notice(
        RegisteredLetter(dispatched=on, presented=on, received=on), months, legal,
        term=convention.end_date, article=article, term_source=clauses.articles.term,
    )  # fmt: skip
    basis = _BASIS[legal.termination_letter_date]
    if earliest.ends_by == "expiry":
        effect = (
            f"Le délai de préavis de {months} mois ne pouvant expirer avant le terme de la "
            f"convention, le {french_date(convention.end_date)}, la convention prendra fin à "
            "son terme, sans que la présente résiliation ait à produire effet."
        )
    else:
        effect = (
            f"Conformément à l’{article}, la résiliation prendra effet à l’expiration d’un délai "
            f"de {months} mois à compter {basis} de la présente lettre : au plus tôt le "
            f"{french_date(earliest.due_date)}, si la lettre est reçue le jour même de son envoi."
        )
    return {
        "mention": "Lettre recommandée avec demande d’avis de réception",
        "subject": f"Résiliation de la convention {convention.reference} ({article})",
        "article": article, "effect": effect,
        "how": f"{HOW}{months} mois de quantième à quantième à compter {basis} de la lettre "
        "(CPC art. 641 al. 2), sans report au jour ouvrable suivant (Cass. civ. 3e, 8 mars "
        "2018, n° 17-11.312) ; si le terme vient avant, la convention expire à son terme.",
    }  # fmt: skip


def _award(convention: Convention, on: date, legal: LegalSettings, _: str) -> dict[str, Any]:
    clauses = convention.clauses
    days, article = clauses.payment_target_days, clauses.articles.payment
    if clauses.instalments:
        payment = (f"Elle est versée en {len(clauses.instalments)} fois, selon l’échéancier de "
                   "la convention.")  # fmt: skip
    else:
        due = payment_target(on, days, article).due_date
        payment = ("Elle est versée en une seule fois à la suite de la présente notification ; "
                   f"le service vise un versement au plus tard le {french_date(due)}.")  # fmt: skip
    assert convention.effective_date is not None  # a letter of `award` needs the signature
    return {
        "mention": "Notification d’attribution",
        "subject": f"Notification d’attribution — convention {convention.reference}",
        "article": article, "amount": french_euros(convention.amount), "payment": payment,
        "signed": french_date(convention.effective_date),
        "decision": convention.award.reference if convention.award else "",
        "how": f"{HOW}{days} jours calendaires à compter de la présente notification, datée du "
        f"{french_day(on)} : un objectif interne du service, non un délai légal.",
    }  # fmt: skip


_BODY = {"dispute": _dispute, "termination": _termination, "award": _award}
