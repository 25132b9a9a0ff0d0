"""The letters the clauses call for, written from the convention and the computed dates.

- `dispute`: the registered letter that opens a dispute (article 6), stating the difficulty
  the administrator typed and how the amicable period is counted;
- `termination`: the registered letter of termination (article 7), stating when it takes
  effect, or that the term comes first;
- `award`: the notification of the award (article 2), with the payment it opens;
- `amendment`: the draft of an amendment (article 5) still to be signed, each change stated
  as an article and the convention's terms as they will read once it is in force.

Each states how its dates were computed in one plain sentence, from states/ (never by hand).
The letter is returned as bytes (`render_letter`); attaching it as a paper is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from states.amendments import Amendment, consolidated, instalment_number
from states.calendar import french_date, french_day, french_days, french_euros
from states.convention import Convention, Party
from states.deadlines import LegalSettings, RegisteredLetter, payment_target, termination_notice
from states.due import notice_overridden
from states.errors import GuardRejected, InvalidInput
from states.inputs import check_text
from states.lifecycle import DISPUTABLE, IN_FORCE
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.letters.render import HOW, KINDS, render_docx, render_pdf
from workflow.usecases.documents import Attach, attach
from workflow.usecases.preview import preview

FORMATS = ("pdf", "docx")
WHEN = {
    "dispute": DISPUTABLE,
    "termination": ("notification", "payment", "execution"),
    "award": ("notification", "payment", "execution"),
    "amendment": IN_FORCE,
}
"""The states a letter may be written in."""
_COUNTED = {"receipt": "reçue", "dispatch": "envoyée", "presentation": "présentée"}
_BASIS = {"receipt": "de la réception", "dispatch": "de l'envoi",
          "presentation": "de la première présentation"}  # fmt: skip


def send_letter(
    app: App, reference: str, kind: str, fmt: str, on: date, actor: str, now: datetime, *,
    difficulty: str = "", party: str | None = None, amendment: int | None = None,
    before_keeping: Callable[[bytes], object] | None = None,
) -> tuple[bytes, dict[str, Any]]:  # fmt: skip
    """The letter, and the paper it becomes in the convention's file (kind `letter`, or
    `amendment` for an amendment's draft, kept with that amendment): a letter generated for
    sending is kept with what it said. `before_keeping` is given the letter before it is kept
    (the command line writes its file there): when it raises, nothing is kept."""
    content, drafted = _written(app, reference, kind, fmt, on, difficulty, party, amendment)
    if before_keeping is not None:
        before_keeping(content)
    number = drafted.number if drafted is not None else None
    name = f"lettre-{kind}-{on.isoformat()}.{fmt}"
    paper_kind = "amendment" if number is not None else "letter"
    command = Attach(reference, content, name, paper_kind, actor, amendment=number)
    return content, attach(app, command, now)


def render_letter(
    app: App, reference: str, kind: str, fmt: str, on: date, *, difficulty: str = "",
    party: str | None = None, amendment: int | None = None,
) -> bytes:  # fmt: skip
    """The letter `kind` of convention `reference`, dated `on`, as PDF or Word bytes; for
    `amendment`, the amendment n°`amendment` (default: the one being drafted or signed)."""
    return _written(app, reference, kind, fmt, on, difficulty, party, amendment)[0]


def _written(
    app: App, reference: str, kind: str, fmt: str, on: date, difficulty: str,
    party: str | None, amendment: int | None,
) -> tuple[bytes, Amendment | None]:  # fmt: skip
    """The letter's bytes, and the amendment it drafts (None for the other letters)."""
    if kind not in KINDS:
        raise InvalidInput("kind", "unknown_letter", kind=kind, kinds=list(KINDS))
    if fmt not in FORMATS:
        raise InvalidInput("format", "unknown_letter_format", format=fmt, formats=list(FORMATS))
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        drafted = (_open_amendment(uow, convention, amendment) if kind == "amendment"
                   else None)  # fmt: skip
    facts = letter_facts(convention, kind, on, app.legal, difficulty=difficulty, party=party,
                         amendment=drafted)  # fmt: skip
    content = render_pdf(kind, facts) if fmt == "pdf" else render_docx(kind, facts)
    return content, drafted


def _open_amendment(uow: UnitOfWork, convention: Convention, number: int | None) -> Amendment:
    """The amendment a draft letter is written for: the one asked for, or the open one."""
    found = uow.amendments.for_convention(uow.conventions.id_of(convention.reference))
    open_ = [a for a in found if a.state in DRAFTED]
    if number is None:
        if not open_:
            raise GuardRejected(convention.reference, "letter", "no_amendment_to_draft")
        return open_[-1]
    chosen = next((a for a in found if a.number == number), None)
    if chosen is None:
        raise InvalidInput("amendment", "no_such_amendment_here", amendment=number)
    if chosen.state not in DRAFTED:
        raise GuardRejected(convention.reference, "letter", "amendment_letter_not_now",
                            number=number, state=chosen.state)  # fmt: skip
    return chosen


def letter_facts(
    convention: Convention, kind: str, on: date, legal: LegalSettings, *,
    difficulty: str = "", party: str | None = None, amendment: Amendment | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What the letter says: its frame (sender, recipient, date, subject) and its facts."""
    if convention.state not in WHEN[kind]:
        raise GuardRejected(convention.reference, "letter", "letter_not_now", kind=kind,
                            state=convention.state,
                            notice_overridden=notice_overridden(convention))  # fmt: skip
    sender = _party(convention, party or convention.grantor().key)
    recipient = next(p for p in convention.parties if p.key != sender.key)
    facts = {
        **_frame(convention, sender, recipient, on),
        "reference": convention.reference,
        "title": convention.title,
        "sender_name": sender.name,
    }
    if kind == "amendment":
        assert amendment is not None  # render_letter found it, or refused
        return {**facts, **amendment_facts(convention, amendment, on, legal)}
    return {**facts, **_BODY[kind](convention, on, legal, difficulty)}


def _party(convention: Convention, key: str) -> Party:
    found = convention.party(key)
    if found is None:
        raise InvalidInput("party", "unknown_letter_party", party=key,
                           parties=[p.key for p in convention.parties])  # fmt: skip
    return found


_ELIDED = frozenset("AEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")
"""The first letters before which « de » is elided (« d’Élodie », « d’Yves », « d’Hélène »:
a first name's H is mute but for a few, which this does not know)."""


def of_name(name: str) -> str:
    """« de » before a person's name, elided before a vowel: « d’Élodie Martin », « de
    Martial Alvarez »."""
    return f"d’{name}" if name[:1].upper() in _ELIDED else f"de {name}"


def _frame(convention: Convention, sender: Party, recipient: Party, on: date) -> dict[str, Any]:
    own = [s for s in convention.signatories if s.party == sender.key]
    theirs = [s for s in convention.signatories if s.party == recipient.key]
    return {
        "sender": [sender.name],
        "recipient": [recipient.name]
        + ([f"À l’attention {of_name(theirs[0].name)}, {theirs[0].title}"] if theirs else []),
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
        # the Métropole's choice (CONVFLOW_EXTEND_ACTS): the letter says what it means, not
        # that it is a setting
        else "il n’est pas prorogé au jour ouvrable suivant"
    )
    return {
        "mention": "Lettre recommandée avec demande d’avis de réception",
        "subject": f"Différend relatif à la convention {convention.reference} ({article})",
        "article": article, "days": days, "difficulty": text,
        "how": f"{HOW}le délai de {french_days(days, calendar=True)} court à compter de la "
        "réception de "
        "la présente lettre, le jour de la réception n’étant pas compté (CPC art. 641)\u00a0; "
        f"{extended}\u00a0; la date de réception sera celle de l’avis de réception.",
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
            f"de {months} mois à compter {basis} de la présente lettre\u00a0: au plus tôt le "
            f"{french_date(earliest.due_date)}, si la lettre est reçue le jour même de son envoi."
        )
    return {
        "mention": "Lettre recommandée avec demande d’avis de réception",
        "subject": f"Résiliation de la convention {convention.reference} ({article})",
        "article": article, "effect": effect,
        "how": f"{HOW}{months} mois de quantième à quantième à compter {basis} de la lettre "
        "(CPC art. 641 al. 2), sans report au jour ouvrable suivant (Cass. civ. 3e, 8 mars "
        "2018, n°\u00a017-11.312)\u00a0; si le terme vient avant, la convention expire à son "
        "terme.",
    }  # fmt: skip


def _award(convention: Convention, on: date, legal: LegalSettings, _: str) -> dict[str, Any]:
    clauses = convention.clauses
    days, article = clauses.payment_target_days, clauses.articles.payment
    if clauses.instalments:
        payment = (f"Elle est versée en {len(clauses.instalments)} fois, selon l’échéancier de "
                   "la convention.")  # fmt: skip
    else:
        due = payment_target(on, days, article).due_date
        payment = ("Elle est versée en une seule fois à la suite de la présente "
                   "notification\u00a0; "
                   f"le service vise un versement au plus tard le {french_date(due)}.")  # fmt: skip
    assert convention.effective_date is not None  # a letter of `award` needs the signature
    return {
        "mention": "Notification d’attribution",
        "subject": f"Notification d’attribution — convention {convention.reference}",
        "article": article, "amount": french_euros(convention.amount), "payment": payment,
        "signed": french_date(convention.effective_date),
        "decision": convention.award.reference if convention.award else "",
        "how": f"{HOW}{french_days(days, calendar=True)} à compter de la présente notification, "
        "datée du "
        f"{french_day(on)}\u00a0: un objectif interne du service, non un délai légal.",
    }  # fmt: skip


_BODY = {"dispute": _dispute, "termination": _termination, "award": _award}


DRAFTED = ("draft", "signature")
"""The amendment states a draft letter is written in: before its last signature."""
CONTRACTUAL = ("end_date", "amount", "dispute_window_days", "termination_notice_months")
"""What an amendment changes in the convention's stipulations; the other changeable values
(the service's internal targets and reminders) are not written into the amendment's text."""


def amendment_facts(
    convention: Convention, amendment: Amendment, on: date, legal: LegalSettings
) -> dict[str, Any]:
    """The draft amendment: each contractual change as an article, the terms consolidated."""
    after = consolidated(convention, amendment)
    keys = [k for k in amendment.changes
            if k in CONTRACTUAL or k.startswith(("signatory.", "instalment."))]  # fmt: skip
    if not keys:
        raise GuardRejected(convention.reference, "letter", "amendment_letter_without_terms",
                            number=amendment.number)  # fmt: skip
    articles = convention.clauses.articles
    termination = next(row for row in preview(after, on, legal) if row.kind == "termination")
    moved = "end_date" in amendment.changes
    how = (
        f"{HOW}l’avenant prend effet à la date de sa dernière signature "
        f"({articles.amendment})\u00a0; "
        f"pour modifier la convention, elle doit intervenir au plus tard le "
        f"{french_date(convention.end_date)}, son terme actuel (signé après, ce serait une "
        "nouvelle convention)"
    )
    if moved:
        how += (
            f"\u00a0; avec le nouveau terme du {french_date(after.end_date)}, une lettre de "
            f"résiliation {_COUNTED[legal.termination_letter_date]} au plus tard le "
            f"{french_date(termination.fixed or after.end_date)} prend effet avant lui (préavis "
            f"de {after.clauses.termination_notice_months} mois de quantième à quantième, "
            f"{articles.termination})"
        )
    return {
        "mention": "Projet d’avenant",
        "subject": f"Avenant n°\u00a0{amendment.number} à la convention {convention.reference} "
        f"({articles.amendment})",
        "article": articles.amendment,
        "number": amendment.number,
        "changes": [_change(convention, after, key) for key in keys],
        "consolidated": _consolidated(after),
        "how": how + ".",
    }  # fmt: skip


def _change(before: Convention, after: Convention, key: str) -> str:
    """One article of the amendment, in the words of a convention."""
    articles = before.clauses.articles
    if key == "end_date":
        verb = "reporté" if after.end_date > before.end_date else "avancé"
        return (f"Le terme de la convention ({articles.term}), fixé au "
                f"{french_date(before.end_date)}, est {verb} au "
                f"{french_date(after.end_date)}.")  # fmt: skip
    if key == "amount":
        return (f"Le montant de la subvention, fixé à {french_euros(before.amount)}, est porté "
                f"à {french_euros(after.amount)}.")  # fmt: skip
    number = instalment_number(key)
    if number is not None:
        return _instalment_change(before, after, number)
    if key == "dispute_window_days":
        return (f"Le délai de règlement amiable des différends ({articles.dispute}) passe de "
                f"{french_days(before.clauses.dispute_window_days)} à "
                f"{french_days(after.clauses.dispute_window_days)}.")  # fmt: skip
    if key == "termination_notice_months":
        return (f"Le préavis de résiliation ({articles.termination}) passe de "
                f"{before.clauses.termination_notice_months} à "
                f"{after.clauses.termination_notice_months} mois.")  # fmt: skip
    party = key.removeprefix("signatory.")
    found = before.party(party)
    now = "\u00a0; ".join(f"{s.name}, {s.title}" for s in after.signatories if s.party == party)
    was = "\u00a0; ".join(f"{s.name}, {s.title}" for s in before.signatories if s.party == party)
    return (
        f"Représentation de {found.name if found else party}\u00a0: {now} "
        f"(en remplacement de {was})."
    )


def _instalment_change(before: Convention, after: Convention, number: int) -> str:
    """The article setting instalment `number`'s new amount, and the total it makes."""
    articles = before.clauses.articles
    was = next(i.amount for i in before.clauses.instalments if i.number == number)
    set_to = next(i.amount for i in after.clauses.instalments if i.number == number)
    verb = "porté" if set_to > was else "ramené"
    return (f"Le versement n°\u00a0{number} de la subvention ({articles.payment}), fixé à "
            f"{french_euros(was)}, est {verb} à {french_euros(set_to)}\u00a0; le montant de la "
            f"subvention, somme des versements, passe de {french_euros(before.amount)} à "
            f"{french_euros(after.amount)}.")  # fmt: skip


def _schedule(after: Convention) -> str:
    """The instalments the amount is paid in, as the consolidated terms say them (none for a
    single payment): ' (versements : n° 1 : 27 000,00 € ; n° 2 : 21 000,00 €)'."""
    parts = "\u00a0; ".join(f"n°\u00a0{i.number}\u00a0: {french_euros(i.amount)}"
                            for i in after.clauses.instalments)  # fmt: skip
    return f" (versements\u00a0: {parts})" if parts else ""


def _consolidated(after: Convention) -> str:
    """The convention's terms once the amendment is in force, in one sentence."""
    clauses = after.clauses
    return (
        f"terme le {french_date(after.end_date)}\u00a0; montant "
        f"{french_euros(after.amount)}{_schedule(after)}\u00a0; "
        f"règlement amiable des différends en {french_days(clauses.dispute_window_days)}\u00a0; "
        "préavis "
        f"de résiliation de {clauses.termination_notice_months} mois\u00a0; représentants\u00a0: "
        + "\u00a0; ".join(f"{s.name} ({s.title})" for s in after.signatories)
    )
