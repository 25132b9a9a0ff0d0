"""Realistic contexts for every kind of notification, built on the reference convention.

Used by the tests and by previews: what the workflow layer passes, as plain data.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from notifications.errors import UnknownTemplate
from notifications.formatting import date_fr, date_fr_full, end_fr, euros

__all__ = ["REFERENCE", "VARIANTS", "sample_context", "sample_variants"]

REFERENCE = "AMP-CRPV-PACA-2025"
_TITLE = (
    "Convention de partenariat entre la Métropole Aix-Marseille-Provence et le GIP CRPV PACA "
    "relative à la réalisation d’un accompagnement nécessaire à la mise en œuvre du contrat "
    "de ville métropolitain 2024-2030"
)
_OBJECT = (
    "Accompagnement des équipes territoriales de la politique de la ville dans la mise en "
    "œuvre du contrat de ville métropolitain 2024-2030 : projets de quartier, financements, "
    "ressources thématiques, participation des habitants."
)
_AMOUNT = Decimal("200000.00")
_END = date(2025, 12, 31)
_SERVICE = "Claire Dumas (service Politique de la ville)"

Context = dict[str, Any]


VARIANTS = {
    "instalments": f"si la convention était versée en deux fois : {euros(Decimal('120000'))} "
    f"à la suite de la notification d’attribution, puis {euros(Decimal('80000'))} à la "
    "réception du bilan d’activité 2025",
    "amendment": "après l’avenant n°\u00a01, signé le 12 novembre 2025, qui porte la subvention à "
    f"{euros(Decimal('250000'))} : la mise à jour des données publiées, pratique de la "
    "Métropole (aucun texte ne l’impose)",
    "committee_name": "si la convention nommait autrement son comité de suivi : une "
    "« Commission de suivi » (article 3), dont convflow ne connaît que le nom et l’article",
    "notice_running": "si le GIP avait notifié sa résiliation par une lettre reçue le "
    "15 septembre 2025 : son préavis de six mois, sans effet avant le terme du 31 décembre 2025, "
    "met fin à la convention le 15 mars 2026 une fois le terme prolongé (règle 26)",
    "dispute_after_end": "si un litige, notifié par la lettre du GIP reçue le 15 décembre 2025, "
    "restait ouvert au terme de la convention : la clause de règlement des différends lui survit "
    "(code civil, art. 1230, par analogie)",
    "amendment_lapsed": "si l’avenant n°\u00a01 (prolongation au 30 juin 2026), signé par le GIP "
    "seul, attendait encore la signature de la Métropole au terme de la convention, et que le "
    "service n’en a reçu aucune datée du terme dans les 7 jours qu’il attend ensuite\u00a0: il "
    "devient caduc avec elle",
    "amendment_lapsed_termination": "si l’avenant n°\u00a01 (prolongation au 30 juin 2026), "
    "signé par le GIP seul, attendait encore la signature de la Métropole quand la résiliation "
    "a pris effet, le 14 octobre 2025\u00a0: il devient caduc avec la convention",
    "balance_after_end": "si la convention était versée en deux fois et que le bilan d’activité "
    f"2025 n’était pas reçu à son terme\u00a0: le solde de {euros(Decimal('80000'))} reste dû "
    "après sa fin (règle 25\u00a0: ce qui a été acquis pendant la convention reste dû)",
    "notice_overridden": "si la convention était versée en deux fois, le bilan d’activité "
    "2025 pas encore reçu, et que le GIP avait notifié le 15 octobre 2025 une résiliation dont le "
    "préavis de six mois finirait après le terme\u00a0: elle reste sans effet",
    "term_extended": "si l’avenant n°\u00a01 avait prolongé la convention au 30 juin 2026\u00a0: "
    "elle arrive au terme qu’il a fixé",
    "late_agreement": "si l’accord n’était intervenu qu’après la fin de la période amiable, le "
    "28 mars 2025\u00a0: un accord reste possible après elle et clôt le litige",
    "instalment_amended": "si la convention était versée en deux fois et qu’un avenant en "
    f"vigueur le 15 avril 2025 portait le versement n°\u00a01, déjà versé, de "
    f"{euros(Decimal('120000'))} à {euros(Decimal('130000'))}\u00a0: le solde de "
    f"{euros(Decimal('10000'))} reste à verser (règle 26 bis)",
    "balance_forgone": "si la convention était versée en deux fois, qu’un avenant en vigueur le "
    f"15 avril 2025 portait le versement n°\u00a01, déjà versé, de {euros(Decimal('120000'))} à "
    f"{euros(Decimal('130000'))}, et que la Métropole renonçait le 20 mai 2025 au solde de "
    f"{euros(Decimal('10000'))}\u00a0: ce qui a été versé reste versé (règle 25)",
    "paid_while_held": "si le versement n’était effectué que le 2 janvier 2026, après le terme, "
    "alors que l’avenant n°\u00a01 (prolongation au 30 juin 2026), signé par le GIP seul, "
    "attendait encore la signature de la Métropole\u00a0: la fin de la convention est en "
    "suspens (règle 27)",
    "extension_in_signature": "si l’avenant n°\u00a01 (prolongation au 30 juin 2026), signé "
    "par la Métropole, attendait encore la signature du GIP\u00a0: le rappel du terme le nomme, "
    "et qui doit encore signer",
    "expiry_held": "si le terme était passé, l’avenant n°\u00a01 (prolongation au 30 juin 2026) "
    "attendant encore la signature du GIP\u00a0: seule une signature datée du terme au plus tard "
    "peut encore être enregistrée, jusqu’au 7 janvier 2026 (règle 27)",
    "partly_delivered": "si le serveur de messagerie avait accepté le courriel pour la "
    "Métropole et refusé pour de bon l’adresse du GIP\u00a0: les administrateurs savent qui l’a "
    "reçu et qui ne l’a pas reçu",
}
"""The other cases an email's wording depends on, each as the gallery names it."""


def sample_variants(kind: str) -> list[str]:
    """The variants of `kind` with a sample of their own (see VARIANTS), in that order."""
    return [variant for variant in VARIANTS if kind in _VARIANT_BUILDERS[variant]]


def sample_context(kind: str, audience: str = "partners", variant: str | None = None) -> Context:
    """The context the templates of `kind` receive, for the reference convention, as the
    partners read it or (`audience="service"`) as the service's copy with its internal note;
    with a `variant`, in that other case (`sample_variants(kind)`)."""
    builders = _BUILDERS if variant is None else _VARIANT_BUILDERS.get(variant, {})
    try:
        build = builders[kind]
    except KeyError:
        raise UnknownTemplate(kind, builders) from None
    context: Context = {
        "kind": kind,
        "audience": audience,
        "reply_to": "politique-ville@example.org",
        "deadline": None,
        "event": None,
        "amendment": None,
        "failure": None,
        "late": [],
        "overdue": [],
        "overdue_more": 0,
        "horizon": 2,
        "day": None,
        "heads": [],
        "links": {
            "status_command": f"convflow status {REFERENCE}",
            "dashboard_url": f"https://convflow.example.org/conventions/{REFERENCE}",
            "contact": "politique-ville@example.org, 04 91 00 00 00",
        },
    }
    context.update(build())
    return context


def _convention(
    state: str, label: str, *, signed: int = 2, end_date: date = _END
) -> dict[str, Any]:
    """The reference convention in a state, with its first `signed` signatures recorded."""
    # The GIP signs first, on 20 January; the Métropole's signature on 27 January is the last.
    crpv_signed = date(2025, 1, 20) if signed >= 1 else None
    metropole_signed = date(2025, 1, 27) if signed >= 2 else None
    return {
        "reference": REFERENCE,
        "title": _TITLE,
        "object": _OBJECT,
        "amount": _AMOUNT,
        "end_date": end_date,
        "effective_date": metropole_signed,
        "state": state,
        "state_label": label,
        "place": "Marseille",
        "parties_nature": "public",  # the Métropole and a GIP (LEGAL-NOTES.md, point 4)
        "clauses": {
            "dispute_window_days": 30,
            "termination_notice_months": 6,
            "payment_target_days": 30,
            "articles": {
                "payment": "article 2",
                "term": "article 4",
                "amendment": "article 5",
                "dispute": "article 6",
                "termination": "article 7",
            },
        },
        "parties": [
            _party(
                "metropole",
                "Métropole Aix-Marseille-Provence",
                "Martial Alvarez",
                "Vice-Président délégué",
                "martial.alvarez@example.org",
                metropole_signed,
            ),
            _party(
                "crpv",
                "GIP Centre de Ressources pour la Politique de la Ville PACA",
                "Mustapha Berra",
                "Directeur-ordonnateur",
                "mustapha.berra@example.org",
                crpv_signed,
            ),
        ],
    }


def _party(
    key: str, name: str, person: str, title: str, email: str, signed_on: date | None
) -> dict[str, Any]:
    """A party with its single signatory."""
    signatory = {"name": person, "title": title, "email": email, "signed_on": signed_on}
    return {"key": key, "name": name, "signatories": [signatory]}


def _deadline(
    kind: str,
    label: str,
    due: date,
    expires_at: datetime,
    explanation: list[str],
    *,
    days_before: int | None = None,
    earliest_court_date: date | None = None,
) -> dict[str, Any]:
    """A computed deadline as states/ explains it to the partners (workflow.usecases.emails:
    no setting, no « réglage »)."""
    return {
        "kind": kind,
        "kind_label": label,
        "due_date": due,
        "expires_at": expires_at,
        "explanation": "\n".join(explanation),
        "earliest_court_date": earliest_court_date,
        "days_before": days_before,
    }


def _noticed(deadline: dict[str, Any], day: date) -> dict[str, Any]:
    """A deadline announced as passed, unmet, on the day the service noticed it."""
    return {**deadline, "noticed_on": day}


def _event(name: str, label: str, day: date, actor: str, **inputs: str) -> dict[str, Any]:
    """An event of the convention's history (a payment's mandate also as its own key, as
    event_snapshot keeps it)."""
    event = {"name": name, "label": label, "occurred_on": day, "actor": actor, "inputs": inputs}
    if "Mandat" in inputs:
        event["mandate"] = inputs["Mandat"]
    return event


def _expiry(days_before: int | None = None) -> dict[str, Any]:
    """The term of article 4: 31 December 2025 at 24:00, Paris (23:00 UTC)."""
    return _deadline(
        "expiry",
        "Terme de la convention (article 4)",
        _END,
        datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        [
            "Article 4 : la convention prend effet à sa signature et trouve son terme "
            f"au {date_fr(_END)}.",
            f"Elle reste en vigueur jusqu’au {end_fr(_END)} (heure de Paris).",
            "Un terme contractuel n’est pas reporté au jour ouvrable suivant "
            "(pas d’application de l’article 642 du code de procédure civile).",
            "Seul un avenant signé par les deux parties avant le terme peut le reporter "
            "(articles 4 et 5).",
        ],
        days_before=days_before,
    )


def _termination(days_before: int | None = None) -> dict[str, Any]:
    """Article 7: six months from the receipt of the letter, 14 April 2025."""
    received, effective = date(2025, 4, 14), date(2025, 10, 14)
    return _deadline(
        "termination",
        "Prise d’effet de la résiliation (article 7)",
        effective,
        datetime(2025, 10, 14, 22, 0, tzinfo=UTC),
        [
            "Article 7 : la résiliation prend effet à l’expiration d’un délai de 6 mois à compter "
            "de la lettre recommandée avec avis de réception.",
            f"Date retenue par le service : réception de la lettre, le {date_fr_full(received)}.",
            f"Délai en mois, de quantième à quantième : {date_fr(received)} + 6 mois = "
            f"{date_fr(effective)} (code de procédure civile, article 641).",
            "Délai de préavis : pas de report au jour ouvrable suivant "
            "(Cass. civ. 3e, 8 mars 2018, n°\u00a017-11.312).",
            f"La convention reste en vigueur jusqu’au {end_fr(effective)} "
            f"(heure de Paris), avant son terme du {date_fr(_END)}.",
        ],
        days_before=days_before,
    )


def _dispute_window(days_before: int | None = None) -> dict[str, Any]:
    """Article 6: thirty calendar days from the receipt of the letter, extended to Monday."""
    received, raw, due = date(2025, 2, 20), date(2025, 3, 22), date(2025, 3, 24)
    court = date(2025, 3, 25)
    return _deadline(
        "dispute_window",
        "Fin de la période de règlement amiable (article 6)",
        due,
        datetime(2025, 3, 24, 23, 0, tzinfo=UTC),
        [
            "Article 6 : à défaut d’accord dans un délai de 30 jours calendaires à compter de la "
            "réception de la lettre recommandée avec avis de réception, chacune des parties peut "
            "saisir le tribunal compétent.",
            f"Réception de la lettre : {date_fr_full(received)} ; ce jour ne compte pas "
            "(code de procédure civile, article 641).",
            f"Fin brute du délai : {date_fr_full(raw)} ({date_fr(received)} + 30 jours).",
            f"Le {date_fr(raw)} est un samedi : le délai est prorogé au premier jour ouvrable "
            f"suivant, le {date_fr_full(due)} (code de procédure civile, article 642).",
            f"La période amiable se termine le {end_fr(due)} (heure de Paris) ; "
            f"le tribunal peut être saisi à partir du {date_fr_full(court)}.",
        ],
        days_before=days_before,
        earliest_court_date=court,
    )


def _committee(days_before: int | None = None) -> dict[str, Any]:
    """The steering committee's next meeting (article 3), six months after the last one."""
    held, due = date(2025, 3, 27), date(2025, 9, 27)
    return _deadline(
        "committee",
        "Prochaine réunion du Comité technique",
        due,
        datetime(2025, 9, 27, 22, 0, tzinfo=UTC),
        [
            f"Article 3 : un Comité technique ; le service le réunit tous les 6 mois. Dernière "
            f"réunion : {date_fr_full(held)}.",
            f"Prochaine réunion au plus tard six mois après : {date_fr_full(due)}, sans report.",
        ],
        days_before=days_before,
    )


COMMISSION = {
    "name": "Commission de suivi",
    "article": "article 3",
    "noun": "Commission de suivi",
    "a": "une Commission de suivi",
    "the": "la Commission de suivi",
    "of": "de la Commission de suivi",
    "the_short": "la commission",
    "of_short": "de la commission",
    "pronoun": "la",
    "model": False,
}
"""A committee the convention names otherwise, as the workflow names it (a test holds it to
states.committee's phrases)."""


def _commission(days_before: int | None = None) -> dict[str, Any]:
    """The next meeting of a committee named « Commission de suivi », as states/ explains it."""
    held, due = date(2025, 3, 27), date(2025, 9, 27)
    return _deadline(
        "committee",
        "Prochaine réunion de la Commission de suivi",
        due,
        datetime(2025, 9, 27, 22, 0, tzinfo=UTC),
        [
            "Commission de suivi (article 3)\u00a0: le service a choisi de la réunir tous les 6 "
            "mois.",
            f"Calcul\u00a0: de quantième à quantième, depuis sa dernière réunion, le "
            f"{date_fr_full(held)}\u00a0: + 6 mois = {date_fr_full(due)}\u00a0; pas de report au "
            "jour ouvrable suivant (une réunion à convoquer, pas un délai légal).",
            "Information seulement\u00a0: la Métropole convoque la commission\u00a0; rien ne "
            "change pour la convention si la date passe. Le service enregistre la réunion une "
            "fois tenue.",
        ],
        days_before=days_before,
    )


def _publication(days_before: int | None = None) -> dict[str, Any]:
    """The open data of a subsidy above 23 000 €: three months after its signature."""
    signed, due = date(2025, 1, 27), date(2025, 4, 27)
    deadline = _deadline(
        "publication",
        "Publication des données essentielles",
        due,
        datetime(2025, 4, 27, 22, 0, tzinfo=UTC),
        [
            f"Signature de la convention : {date_fr_full(signed)} ; subvention de "
            f"{euros(_AMOUNT)}, au-dessus de 23 000 €.",
            f"Publication au plus tard trois mois après : {date_fr_full(due)}, sans report.",
        ],
        days_before=days_before,
    )
    return {**deadline, "signed_on": signed, "amendment": 0}


_AMENDED_AMOUNT = Decimal("250000.00")


def _publication_update(days_before: int | None = None) -> dict[str, Any]:
    """The update of the open data after amendment n°1, signed on 12 November 2025, which
    brings the subsidy to 250 000 €: the Métropole's own practice, three months after it.

    Its explanation here says no practice: the gallery (workflow.usecases.gallery) puts in
    the one states/ words (states.open_data.update_explanation, as the partners read it), so
    that the practice is written in one place; these lines stand in where notifications are
    rendered alone."""
    signed, due = date(2025, 11, 12), date(2026, 2, 12)
    deadline = _deadline(
        "publication",
        "Publication des données essentielles",
        due,
        datetime(2026, 2, 12, 23, 0, tzinfo=UTC),
        [
            f"Mise à jour des données essentielles après l'avenant n°\u00a01, en vigueur le "
            f"{date_fr_full(signed)}.",
            f"Mise à jour au plus tard trois mois après l'avenant : {date_fr_full(due)}, sans "
            "report.",
        ],
        days_before=days_before,
    )
    return {**deadline, "signed_on": signed, "amendment": 1, "amount_changed": True}


def _amended(state: str, label: str) -> dict[str, Any]:
    """The reference convention after amendment n°1: 250 000 €, until 31 December 2026."""
    return {**_convention(state, label, end_date=date(2026, 12, 31)), "amount": _AMENDED_AMOUNT}


def _financial_report(days_before: int | None = None) -> dict[str, Any]:
    """The financial report of a 2025 subsidy: six months after the year, 30 June 2026."""
    due = date(2026, 6, 30)
    return _deadline(
        "financial_report",
        "Compte rendu financier",
        due,
        datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
        [
            "Exercice 2025, clos le mercredi 31 décembre 2025.",
            f"Six mois du jeudi 1er janvier 2026 à la veille du même jour six mois plus tard : "
            f"{date_fr_full(due)}.",
        ],
        days_before=days_before,
    )


def _payment(days_before: int | None = None) -> dict[str, Any]:
    """The service's internal target: payment within 30 days of the notification of award."""
    notified, due = date(2025, 2, 3), date(2025, 3, 5)
    return _deadline(
        "payment",
        "Objectif interne de versement (article 2)",
        due,
        datetime(2025, 3, 5, 23, 0, tzinfo=UTC),
        [
            f"Article 2 : la participation de {euros(_AMOUNT)} est versée en une seule fois à la "
            "suite de la notification d’attribution.",
            f"Notification d’attribution : {date_fr_full(notified)}.",
            "Objectif interne du service : versement dans les 30 jours suivant la notification, "
            f"soit le {date_fr_full(due)}.",
            "Une subvention n’est pas un marché public : le délai de paiement de 30 jours du code "
            "de la commande publique ne s’applique pas. Cet objectif n’est pas un délai légal.",
        ],
        days_before=days_before,
    )


def _signature(days_before: int | None = None) -> dict[str, Any]:
    """The service's internal target: every signature within 21 days of the request."""
    requested, due = date(2025, 1, 13), date(2025, 2, 3)
    return _deadline(
        "signature",
        "Objectif de signature",
        due,
        datetime(2025, 2, 3, 23, 0, tzinfo=UTC),
        [
            f"Circuit de signature ouvert le {date_fr_full(requested)}.",
            "Objectif interne du service : toutes les signatures dans les 21 jours, "
            f"soit le {date_fr_full(due)}.",
            "Article 4 : la convention ne prend effet qu’à la date de la dernière signature.",
        ],
        days_before=days_before,
    )


def _amendment(effective: date | None = None) -> dict[str, Any]:
    """Amendment no. 1: the term moved from 31 December 2025 to 30 June 2026."""
    change = {
        "field": "end_date",
        "label": "Terme de la convention (article 4)",
        "before": date_fr(_END),
        "after": date_fr(date(2026, 6, 30)),
    }
    return {"number": 1, "changes": [change], "effective_date": effective}


def _amendment_in_signature() -> dict[str, Any]:
    """Amendment no. 1 in signature, signed by the Métropole, the GIP's signature missing."""
    missing = {"name": "Mustapha Berra", "title": "Directeur-ordonnateur", "party": _CRPV}
    return {**_amendment(), "state": "signature", "missing": [missing]}


def _letter(sent: date, received: date, sender: str) -> dict[str, str]:
    """The inputs recorded with a registered letter."""
    return {
        "Partie à l’initiative": sender,
        "Lettre envoyée le": date_fr(sent),
        "Lettre reçue le": date_fr(received),
    }


def _counted_from(basis: str, day: date) -> dict[str, Any]:
    """The registered letter's fact a deadline counts from, as an event carries it."""
    return {"counted_from": basis, "on": day, "uncollected": False, "electronic": False}


_METROPOLE = "Métropole Aix-Marseille-Provence"
_CRPV = "GIP CRPV PACA"
_IN_FORCE = ("execution", "en exécution")
_DISPUTE = ("dispute", "en litige")
_TERMINATION = ("termination", "résiliation notifiée (préavis en cours)")


def _signature_event() -> dict[str, Any]:
    """The circuit of signature opened by the service."""
    return _event(
        "signature_requested",
        "Circuit de signature ouvert",
        date(2025, 1, 13),
        _SERVICE,
        **{"Exemplaires": "2, à signer à Marseille"},
    )


def _dispute_event() -> dict[str, Any]:
    """The Métropole’s registered letter opening a dispute, received on 20 February 2025,
    recorded on the 21st."""
    inputs = _letter(date(2025, 2, 18), date(2025, 2, 20), _METROPOLE)
    inputs["Difficulté"] = "Retard dans la remise du bilan d’activité au Comité technique"
    event = _event("dispute_opened", "Litige notifié", date(2025, 2, 20), _SERVICE, **inputs)
    # recorded the next day: the email names that day apart from the letter's
    recorded = {"recorded_on": date(2025, 2, 21)}
    return {**event, **recorded, "letter": _counted_from("receipt", date(2025, 2, 20))}


def _notice_event() -> dict[str, Any]:
    """The GIP's registered letter of termination, received on 14 April 2025."""
    inputs = _letter(date(2025, 4, 10), date(2025, 4, 14), _CRPV)
    event = _event(
        "notice_given", "Lettre de résiliation reçue", date(2025, 4, 14), _SERVICE, **inputs
    )
    return {**event, "letter": _counted_from("receipt", date(2025, 4, 14))}


_BUILDERS: dict[str, Callable[[], Context]] = {
    "reminder_expiry": lambda: {"convention": _convention(*_IN_FORCE), "deadline": _expiry(30)},
    "reminder_termination": lambda: {
        "convention": _convention(*_TERMINATION),
        "deadline": _termination(30),
    },
    "reminder_dispute_window": lambda: {
        "convention": _convention(*_DISPUTE),
        "deadline": _dispute_window(7),
    },
    "reminder_court_possible": lambda: {
        "convention": _convention("dispute", "en litige (saisine du tribunal possible)"),
        "deadline": _dispute_window(0),
    },
    "reminder_signature": lambda: {
        "convention": _convention("signature", "en cours de signature", signed=1),
        "deadline": _signature(7),
    },
    "reminder_payment": lambda: {
        "convention": _convention("payment", "notifiée, en attente de versement"),
        "deadline": _payment(0),
    },
    "payment_overdue": lambda: {
        "convention": _convention("payment", "notifiée, en attente de versement"),
        "deadline": _noticed(_payment(), date(2025, 3, 6)),
    },
    "reminder_publication": lambda: {
        "convention": _convention(*_IN_FORCE),
        "deadline": _publication(30),
    },
    "publication_missed": lambda: {
        "convention": _convention(*_IN_FORCE),
        "deadline": _publication(),
    },
    "reminder_financial_report": lambda: {
        "convention": {
            **_convention("expired", "échue"),
            "financial_report": {"basis": "by_convention", "exercise": "2025"},
        },
        "deadline": _financial_report(30),
    },
    "financial_report_missed": lambda: {
        "convention": {
            **_convention("expired", "échue"),
            "financial_report": {"basis": "by_convention", "exercise": "2025"},
        },
        "deadline": _noticed(_financial_report(), date(2026, 7, 1)),
    },
    "reminder_committee": lambda: {
        "convention": _convention(*_IN_FORCE),
        "deadline": _committee(30),
    },
    "reminder_amendment_signature": lambda: {
        "convention": _convention(*_IN_FORCE),
        "deadline": _expiry(14),
        "amendment": _amendment(),
    },
    "signature_requested": lambda: {
        "convention": _convention("signature", "en cours de signature", signed=0),
        "deadline": _signature(),
        "event": _signature_event(),
    },
    "convention_in_force": lambda: {
        "convention": _convention("notification", "signée, notification d’attribution à faire"),
        "event": _event(
            "signature_recorded",
            "Dernière signature recueillie",
            date(2025, 1, 27),
            _SERVICE,
            **{"Signataire": f"Martial Alvarez ({_METROPOLE})"},
        ),
    },
    "award_notified": lambda: {
        "convention": _convention("payment", "notifiée, en attente de versement"),
        "deadline": _payment(),
        "event": _event(
            "award_notified",
            "Notification d’attribution",
            date(2025, 2, 3),
            _SERVICE,
            **{"Destinataire": _CRPV},
        ),
    },
    "payment_recorded": lambda: {
        "convention": _convention(*_IN_FORCE),
        "event": _event(
            "payment_recorded",
            "Versement enregistré",
            date(2025, 2, 27),
            "Direction des finances",
            **{"Montant": euros(_AMOUNT), "Mandat": "n°\u00a02025-004512"},
        ),
    },
    "payment_forgone": lambda: {
        "convention": _forgone_balance(),
        "event": _forgone_event(
            "bilan d’activité 2025 jamais transmis malgré deux relances", file_closed=True
        ),
    },
    "dispute_opened": lambda: {
        "convention": _convention(*_DISPUTE),
        "deadline": _dispute_window(),
        "event": _dispute_event(),
    },
    "amicable_window_closed": lambda: {
        "convention": _convention("dispute", "en litige (saisine du tribunal possible)"),
        "deadline": _dispute_window(),
        "event": _event(
            "amicable_window_closed",
            "Période amiable close sans accord",
            date(2025, 3, 25),
            "convflow (échéance automatique)",
        ),
    },
    "litigation_opened": lambda: {
        "convention": _convention("litigation", "au contentieux"),
        "event": _event(
            "litigation_opened",
            "Tribunal saisi",
            date(2025, 4, 2),
            _SERVICE,
            **{
                "Juridiction": "Tribunal administratif de Marseille",
                "Partie requérante": _METROPOLE,
            },
        ),
    },
    "dispute_settled": lambda: {
        "convention": _convention(*_IN_FORCE),
        "event": {
            **_event(
                "dispute_settled",
                "Règlement amiable",
                date(2025, 3, 12),
                _SERVICE,
                **{"Accord": "Protocole d’accord signé le 11 mars 2025"},
            ),
            "window_end": _dispute_window()["due_date"],
        },
    },
    "litigation_closed": lambda: {
        "convention": _convention(*_IN_FORCE),
        "event": _event(
            "litigation_closed",
            "Fin du contentieux",
            date(2025, 11, 5),
            _SERVICE,
            **{"Décision": "Tribunal administratif de Marseille, 4 novembre 2025, n°\u00a02504321"},
        ),
    },
    "financial_report_received": lambda: {
        "convention": {
            **_convention("expired", "échue"),
            "financial_report": {"basis": "by_convention", "exercise": "2025"},
        },
        "deadline": _financial_report(),
        "event": _event(
            "financial_report_received",
            "Compte rendu financier reçu",
            date(2026, 5, 18),
            _SERVICE,
            **{"Compte rendu": "compte rendu financier"},
        ),
    },
    "notice_given": lambda: {
        "convention": _convention(*_TERMINATION),
        # its reminders 30 and 7 days before the termination takes effect, still planned
        "deadline": {**_termination(), "end_reminders_planned": 2},
        "event": _notice_event(),
    },
    "convention_terminated": lambda: {
        "convention": _convention("terminated", "résiliée"),
        "deadline": _termination(),
        "event": _event(
            "convention_terminated",
            "Résiliation effective",
            date(2025, 10, 15),
            "convflow (échéance automatique)",
        ),
    },
    "convention_expired": lambda: {
        "convention": _convention("expired", "expirée"),
        "deadline": _expiry(),
        "event": _event(
            "convention_expired",
            "Terme atteint",
            date(2026, 1, 1),
            "convflow (échéance automatique)",
        ),
    },
    "convention_cancelled": lambda: {
        "convention": _convention("cancelled", "annulée", signed=1),
        "event": _event(
            "convention_cancelled",
            "Convention annulée",
            date(2025, 1, 24),
            _SERVICE,
            **{"Motif": "Projet remplacé par une nouvelle rédaction"},
        ),
    },
    "amendment_submitted": lambda: {
        "convention": _convention(*_IN_FORCE),
        "amendment": _amendment(),
        "event": _event(
            "amendment_submitted",
            "Avenant n°\u00a01 transmis pour signature",
            date(2025, 11, 12),
            _SERVICE,
        ),
    },
    "amendment_in_force": lambda: {
        "convention": _convention(*_IN_FORCE, end_date=date(2026, 6, 30)),
        "amendment": _amendment(date(2025, 12, 15)),
        "event": _event(
            "amendment_in_force",
            "Avenant n°\u00a01 signé par les deux parties",
            date(2025, 12, 15),
            _SERVICE,
        ),
    },
    "processing_failed": lambda: {
        "convention": _convention(*_IN_FORCE),
        "failure": {
            "error": "(sqlite3.OperationalError) database or disk is full",
            "noticed_on": date(2025, 12, 31),
        },
    },
    "delivery_failed": lambda: {
        "convention": _convention(*_IN_FORCE),
        "failure": {
            "subject": f"[{REFERENCE}] Rappel : la convention arrive à son terme "
            "le 31 décembre 2025 (dans 30 jours)",
            "recipients": ["mustapha.berra@example.org"],
            "error": "550 5.1.1 <mustapha.berra@example.org>: Recipient address rejected: "
            "User unknown in virtual mailbox table",
            "attempts": 3,
        },
    },
    "late_records": lambda: {
        "convention": None,
        "late": [
            {
                "reference": REFERENCE,
                "what": "Convention transmise pour signature — Soumise à signature",
                "on": date(2025, 1, 6),
            },
            {
                "reference": REFERENCE,
                "what": "Convention en vigueur — Signature",
                "on": date(2025, 1, 27),
            },
            {  # a reminder whose hour had passed when its deadline became known
                "reference": "AMP-EXEMPLE-2027",
                "what": "Rappel\u00a0: fin de la période amiable, J-7",
                "on": date(2025, 11, 27),
            },
            {  # the announcement of a deadline already passed when it became known
                "reference": "AMP-EXEMPLE-2027",
                "what": "Fin de la période amiable",
                "on": date(2025, 12, 4),
            },
        ],
        "overdue": [  # the oldest first
            {
                "reference": "AMP-ANCIEN-2015",
                "what": "compte rendu financier",
                "due_date": date(2016, 6, 30),
            },
            {
                "reference": REFERENCE,
                "what": "publication des données essentielles",
                "due_date": date(2025, 4, 27),
            },
        ],
        "overdue_more": 37,  # past the oldest the summary names (workflow.usecases.late)
    },
    "chain_heads": lambda: {
        "convention": None,
        "day": date(2025, 12, 1),
        "heads": [
            {
                "reference": REFERENCE,
                "hash": "d0c9cd232dc2e8d37eb5457a78af1dc6562a2d7c2dfb91498d929cd408928891",
            },
            {
                "reference": "AMP-EXEMPLE-2027",
                "hash": "5f1e0e3c9d1b8a7f6e2d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918070",
            },
        ],
    },
}


# The reference convention as if paid in two instalments (article 2): 60 % after the
# notification of the award (3 February 2025), 40 % on receipt of the activity report
# (16 June 2025). The first is paid on 27 February, the second on 10 July 2025.
_FIRST, _SECOND = Decimal("120000.00"), Decimal("80000.00")
_REPORT = "bilan d’activité 2025"
_NOTIFIED, _REPORT_RECEIVED = date(2025, 2, 3), date(2025, 6, 16)


def _instalments(*, first_paid: bool = False, second_paid: bool = False) -> list[Context]:
    """The schedule of the two instalments and what has happened to each."""
    return [
        {"number": 1, "amount": _FIRST, "trigger": "notification", "on": None, "report": None,
         "report_received_on": None, "paid_on": date(2025, 2, 27) if first_paid else None,
         "paid_amount": str(_FIRST) if first_paid else None},
        {"number": 2, "amount": _SECOND, "trigger": "report", "on": None, "report": _REPORT,
         "report_received_on": _REPORT_RECEIVED if first_paid else None,
         "paid_on": date(2025, 7, 10) if second_paid else None,
         "paid_amount": str(_SECOND) if second_paid else None},
    ]  # fmt: skip


def _in_instalments(
    state: str, label: str, *, signed: int = 2, first_paid: bool = False, second_paid: bool = False
) -> dict[str, Any]:
    """The reference convention in a state, paid in two instalments."""
    instalments = _instalments(first_paid=first_paid, second_paid=second_paid)
    return {**_convention(state, label, signed=signed), "instalments": instalments}


def _instalment_target(number: int, days_before: int | None = None) -> dict[str, Any]:
    """An instalment's internal target: 30 days after the notification (n°1) or after the
    receipt of its report (n°2), as states/ explains it."""
    if number == 1:  # 24:00 in Paris: 23:00 UTC in winter, 22:00 UTC in summer
        started, due, expires_at = (
            _NOTIFIED,
            date(2025, 3, 5),
            datetime(2025, 3, 5, 23, 0, tzinfo=UTC),
        )
    else:
        started, due = _REPORT_RECEIVED, date(2025, 7, 16)
        expires_at = datetime(2025, 7, 16, 22, 0, tzinfo=UTC)
    amount = _FIRST if number == 1 else _SECOND
    what = (
        f"à la suite de la notification d’attribution, notifiée le {date_fr_full(started)}"
        if number == 1
        else f"à la réception du document « {_REPORT} », reçu le {date_fr_full(started)}"
    )
    deadline = _deadline(
        "payment",
        "Objectif interne de versement (article 2)",
        due,
        expires_at,
        [
            f"Versement n°\u00a0{number} sur 2 (article 2), {euros(amount)} : {what}.",
            "Objectif interne du service : versement dans les 30 jours, "
            f"soit le {date_fr_full(due)}.",
            "Une subvention n’est pas un marché public : le délai de paiement de 30 jours du code "
            "de la commande publique ne s’applique pas. Cet objectif n’est pas un délai légal.",
        ],
        days_before=days_before,
    )
    return {**deadline, "instalment": number}


def _report_received() -> Context:
    """The activity report of 2025 received on 16 June 2025: instalment n°2 is due."""
    return {
        "convention": _in_instalments(*_IN_FORCE, first_paid=True),
        "deadline": _instalment_target(2),
        "event": _event(
            "report_received",
            "Document reçu pour un versement",
            _REPORT_RECEIVED,
            _SERVICE,
            **{"Versement n°": "2"},
        ),
    }


_BUILDERS["report_received"] = _report_received  # paid in instalments, or it has no report


def _late_dispute_window(days_before: int | None = None) -> dict[str, Any]:
    """Article 6, for a letter received on 15 December 2025, a fortnight before the term:
    thirty calendar days, to Wednesday 14 January 2026, after the convention's end."""
    received, due, court = date(2025, 12, 15), date(2026, 1, 14), date(2026, 1, 15)
    return _deadline(
        "dispute_window",
        "Fin de la période de règlement amiable (article 6)",
        due,
        datetime(2026, 1, 14, 23, 0, tzinfo=UTC),
        [
            "Article 6 : à défaut d’accord dans un délai de 30 jours calendaires à compter de la "
            "réception de la lettre recommandée avec avis de réception, chacune des parties peut "
            "saisir le tribunal compétent.",
            f"Réception de la lettre : {date_fr_full(received)} ; ce jour ne compte pas "
            "(code de procédure civile, article 641).",
            f"La période amiable se termine le {end_fr(due)} (heure de Paris) ; "
            f"le tribunal peut être saisi à partir du {date_fr_full(court)}.",
        ],
        days_before=days_before,
        earliest_court_date=court,
    )


def _ended_in_dispute(state: str, label: str, ended_on: date, in_court: bool = False) -> Context:
    """The reference convention ended (expired at its term, or terminated) while the dispute
    of 15 December 2025 is open: it outlives the end (rule 24)."""
    window = _late_dispute_window()
    return {
        **_convention(state, label),
        "ended_on": ended_on,
        "open_dispute": {
            "notified_on": date(2025, 12, 15),
            "window_end": window["due_date"],
            "earliest_court_date": window["earliest_court_date"],
            "in_court": in_court,
        },
    }


_LATE_REPORT, _LATE_TARGET, _LATE_PAID = date(2026, 3, 16), date(2026, 4, 15), date(2026, 4, 10)
"""The activity report of 2025 received after the term, its balance's target 30 days later,
and the balance paid (rule 25)."""


def _ended_with_balance(*, report: bool = False, paid: bool = False) -> Context:
    """The reference convention paid in two instalments, expired at its term with the first
    paid and the balance (n°2, on the activity report) still due: it stays due after the end
    (rule 25); `report`: the report received since, `paid`: the balance paid since."""
    first, second = _instalments(first_paid=True)
    second = {**second, "report_received_on": _LATE_REPORT if report else None,
              "paid_on": _LATE_PAID if paid else None,
              "paid_amount": str(_SECOND) if paid else None}  # fmt: skip
    convention = {**_convention("expired", "arrivée à son terme"), **_ENDED,
                  "instalments": [first, second]}  # fmt: skip
    if not paid:
        convention["remaining_payments"] = [
            {key: second[key] for key in ("number", "amount", "trigger", "on", "report",
                                          "report_received_on")}
        ]  # fmt: skip
    return convention


def _late_balance_target(days_before: int | None = None) -> dict[str, Any]:
    """The balance's internal target, 30 days after its report received after the term."""
    deadline = _deadline(
        "payment",
        "Objectif interne de versement (article 2)",
        _LATE_TARGET,
        datetime(2026, 4, 15, 22, 0, tzinfo=UTC),
        [
            f"Versement n°\u00a02 sur 2 (article 2), {euros(_SECOND)} : à la réception du "
            f"document « {_REPORT} », reçu le {date_fr_full(_LATE_REPORT)}.",
            "Objectif interne du service : versement dans les 30 jours, "
            f"soit le {date_fr_full(_LATE_TARGET)}.",
            "Une subvention n’est pas un marché public : le délai de paiement de 30 jours du code "
            "de la commande publique ne s’applique pas. Cet objectif n’est pas un délai légal.",
        ],
        days_before=days_before,
    )
    return {**deadline, "instalment": 2}


_FORGONE_ON = date(2026, 7, 3)
"""The day the Métropole forgoes the balance (rule 25: `forgo_payment`)."""


def _forgone_balance() -> Context:
    """The reference convention paid in two instalments, expired at its term, the balance
    (n°2, on the activity report never received) forgone since: nothing remains to pay."""
    convention = _ended_with_balance()
    del convention["remaining_payments"]
    first, second = convention["instalments"]
    return {**convention, "instalments": [first, {**second, "forgone_on": _FORGONE_ON}],
            "payments_recap": _FORGONE_RECAP}  # fmt: skip


_FORGONE_RECAP = {"paid_amount": _FIRST, "forgone_amount": _SECOND, "left_amount": Decimal("0")}
"""What the convention's amount came to once n°2 was forgone: paid, forgone, nothing left."""


def _forgone_event(reason: str, *, file_closed: bool, on: date = _FORGONE_ON) -> Context:
    """The balance forgone on `on` for `reason`; `file_closed`: nothing else remains open."""
    event = _event(
        "forgo_payment",
        "Renonciation au versement",
        on,
        _SERVICE,
        **{"Versement n°": "2", "Motif": reason, "Montant": euros(_SECOND)},
    )
    forgone = {"number": 2, "amount": _SECOND, "reason": reason, "file_closed": file_closed}
    return {**event, "forgone": forgone}


def _in_instalments_forgone() -> Context:
    """The reference convention in execution, paid in two instalments: the first paid, the
    second forgone before the term."""
    convention = _in_instalments(*_IN_FORCE, first_paid=True)
    first, second = convention["instalments"]
    forgone = {**second, "report_received_on": None, "forgone_on": date(2025, 10, 6)}
    return {**convention, "instalments": [first, forgone], "payments_recap": _FORGONE_RECAP}


_ENDED = {"ended_on": _END}
"""An ended convention whose dispute was settled or closed: the day it ended, no dispute."""


def _notice_and_balance() -> Context:
    """The term's reminder 30 days before it: the reference convention paid in two instalments,
    the first paid, the balance waiting for its report; the GIP's notice received on 15 October
    2025 would end on 15 April 2026, after the term, which overrides it."""
    first, second = _instalments(first_paid=True)
    second = {**second, "report_received_on": None}
    convention = {
        **_convention("termination", "en cours de résiliation"),
        "instalments": [first, second],
        "notice_overridden": {"party": _CRPV, "notice_end": date(2026, 4, 15)},
    }
    remaining = {key: second[key] for key in ("number", "amount", "trigger", "on", "report",
                                              "report_received_on")}  # fmt: skip
    return {
        "convention": convention,
        "deadline": {**_expiry(30), "remaining_payments": [remaining]},
    }


_EXTENDED = date(2026, 6, 30)
_EXTENDED_TERM = "\n".join([
    "Article 4, modifié par l’avenant n°\u00a01 : la convention trouve son terme au "
    f"{date_fr(_EXTENDED)}.",
    f"Elle reste en vigueur jusqu’au {end_fr(_EXTENDED)} (heure de Paris).",
    "Un terme contractuel n’est pas reporté au jour ouvrable suivant "
    "(pas d’application de l’article 642 du code de procédure civile).",
])  # fmt: skip
"""The term an amendment extended (the `term_extended` variant), as its deadline explains it."""
_RAISED, _RAISED_ON, _RAISED_DUE = Decimal("130000.00"), date(2025, 4, 15), date(2025, 5, 15)


def _first_raised() -> Context:
    """The convention in two instalments after avenant n°1 (in force on 15 April 2025) raised
    n°1, paid 120 000 € on 27 February, to 130 000 €: a balance of 10 000 € is due."""
    convention = _in_instalments(*_IN_FORCE, first_paid=True)
    first, second = convention["instalments"]
    raised = {**first, "amount": _RAISED, "paid_amount": _FIRST, "balance_due": Decimal("10000.00")}
    return {**convention, "amount": _RAISED + _SECOND,
            "instalments": [raised, {**second, "report_received_on": None}]}  # fmt: skip


_BALANCE, _BALANCE_PAID, _BALANCE_FORGONE = (
    Decimal("10000.00"),
    date(2025, 5, 12),
    date(2025, 5, 20),
)


def _first_balance_paid() -> Context:
    """The convention after avenant n°1 raised n°1 (paid 120 000 € on 27 February) to
    130 000 €: its balance of 10 000 € paid on 12 May 2025, each part on its own day."""
    convention = _first_raised()
    first, second = convention["instalments"]
    parts = [{"on": first["paid_on"], "amount": _FIRST}, {"on": _BALANCE_PAID, "amount": _BALANCE}]
    paid = {**first, "paid_amount": _RAISED, "balance_due": None, "parts": parts, "balance_by": 1}
    return {**convention, "instalments": [paid, second]}


def _first_balance_forgone() -> Context:
    """The convention after avenant n°1 raised n°1 (paid 120 000 € on 27 February) to
    130 000 €: the Métropole gave up its balance of 10 000 € on 20 May 2025."""
    convention = _first_raised()
    first, second = convention["instalments"]
    forgone = {**first, "balance_due": None, "forgone_on": _BALANCE_FORGONE,
               "forgone_amount": _BALANCE, "balance_forgone": True, "balance_by": 1}  # fmt: skip
    return {**convention, "instalments": [forgone, second]}


def _balance_forgone_event() -> Context:
    """The renunciation of n°1's balance, on 20 May 2025, as the history records it."""
    reason = "action complémentaire abandonnée par le bénéficiaire"
    event = _event(
        "forgo_payment",
        "Renonciation au versement",
        _BALANCE_FORGONE,
        _SERVICE,
        **{"Versement n°": "1", "Motif": reason, "Montant": euros(_BALANCE),
           "Solde laissé par un avenant": "oui"},
    )  # fmt: skip
    forgone = {"number": 1, "amount": _BALANCE, "reason": reason, "file_closed": False,
               "balance": True, "balance_by": 1, "paid_before": _FIRST}  # fmt: skip
    return {**event, "forgone": forgone}


def _raised_balance_target(days_before: int | None = None) -> dict[str, Any]:
    """The balance of instalment n°1: 30 days after avenant n°1 took effect."""
    deadline = _deadline(
        "payment",
        "Objectif interne de versement (article 2)",
        _RAISED_DUE,
        datetime(2025, 5, 15, 22, 0, tzinfo=UTC),
        [
            f"Versement du solde du versement n°\u00a01 (article 2) : l’avenant n°\u00a01, en "
            f"vigueur le {date_fr_full(_RAISED_ON)}, porte le versement n°\u00a01 à "
            f"{euros(_RAISED)} ; {euros(_FIRST)} ont déjà été versés : le solde de "
            f"{euros(Decimal('10000'))} reste à verser après l’avenant.",
            "Objectif interne du service : versement du solde dans les 30 jours, "
            f"soit le {date_fr_full(_RAISED_DUE)}.",
        ],
        days_before=days_before,
    )
    return {**deadline, "instalment": 1}


def _instalment_amendment() -> dict[str, Any]:
    """Avenant n°1, in force on 15 April 2025: instalment n°1 and the total, before → after."""
    changes = [
        {"field": "instalment.1.amount", "label": "montant du versement n°\u00a01",
         "before": euros(_FIRST), "after": euros(_RAISED)},
        {"field": "amount", "label": "montant", "before": euros(_AMOUNT),
         "after": euros(_RAISED + _SECOND)},
    ]  # fmt: skip
    balance = {"amount": Decimal("10000.00"), "paid_before": _FIRST, "instalment": 1,
               "instalment_amount": _RAISED, "due_date": _RAISED_DUE}  # fmt: skip
    running = {"term_changed": False, "ends_on": _END, "ended_before": _END, "periods": []}
    return {"number": 1, "changes": changes, "effective_date": _RAISED_ON, "balance": balance,
            "running": running}  # fmt: skip


_VARIANT_BUILDERS: dict[str, dict[str, Callable[[], Context]]] = {
    "partly_delivered": {
        "delivery_failed": lambda: {
            "convention": _convention(*_IN_FORCE),
            "failure": {
                "subject": f"[{REFERENCE}] Versement de 200 000,00 € enregistré",
                "recipients": ["mustapha.berra@example.org"],
                "delivered_to": ["martial.alvarez@example.org"],
                "error": "550 5.1.1 <mustapha.berra@example.org>: Recipient address rejected: "
                "User unknown in virtual mailbox table (mustapha.berra@example.org)",
                "attempts": 1,
            },
        },
    },
    "extension_in_signature": {
        "reminder_expiry": lambda: {
            "convention": _convention(*_IN_FORCE),
            "deadline": _expiry(60),
            "amendment": _amendment_in_signature(),
        },
    },
    "expiry_held": {
        "reminder_amendment_signature": lambda: {
            "convention": _convention(*_IN_FORCE),
            "deadline": _expiry(-2),
            "amendment": {
                **_amendment_in_signature(),
                "held": {"end_date": _END, "held_to": date(2026, 1, 7)},
            },
        },
    },
    "instalment_amended": {
        "amendment_in_force": lambda: {
            "convention": _first_raised(),
            "deadline": _raised_balance_target(),
            "amendment": _instalment_amendment(),
            "event": _event(
                "amendment_in_force",
                "Avenant n°\u00a01 signé par les deux parties",
                _RAISED_ON,
                _SERVICE,
            ),
        },
        "reminder_payment": lambda: {
            "convention": _first_raised(),
            "deadline": _raised_balance_target(0),
        },
        "payment_recorded": lambda: {
            "convention": _first_balance_paid(),
            "event": {
                **_event(
                    "payment_recorded",
                    "Versement enregistré",
                    _BALANCE_PAID,
                    "Direction des finances",
                    **{
                        "Montant": euros(_BALANCE),
                        "Versement n°": "1",
                        "Mandat": "n°\u00a02025-006120",
                    },
                ),
                "balance": {"amount": _BALANCE, "paid_before": _FIRST, "instalment": 1},
            },
        },
    },
    "balance_forgone": {
        "payment_forgone": lambda: {
            "convention": _first_balance_forgone(),
            "event": _balance_forgone_event(),
        },
    },
    "notice_running": {
        "amendment_in_force": lambda: {
            "convention": _convention(*_IN_FORCE, end_date=date(2026, 6, 30)),
            "amendment": {
                **_amendment(date(2025, 12, 15)),
                "running": {
                    "term_changed": True,
                    "ends_on": date(2026, 3, 15),
                    "ended_before": _END,
                    "notice": {
                        "party": "GIP Centre de Ressources pour la Politique de la Ville PACA",
                        "letter": {
                            "counted_from": "receipt",
                            "on": date(2025, 9, 15),
                            "uncollected": False,
                            "electronic": False,
                        },
                        "months": 6,
                        "notice_end": date(2026, 3, 15),
                        "ends_by": "termination",
                    },
                    "periods": [],
                },
            },
            "event": _event(
                "amendment_in_force",
                "Avenant n°\u00a01 signé par les deux parties",
                date(2025, 12, 15),
                _SERVICE,
            ),
        },
    },
    "amendment_lapsed": {
        "convention_expired": lambda: {
            "convention": _convention("expired", "arrivée à son terme"),
            "deadline": _expiry(),
            "event": _event(
                "convention_expired",
                "Terme atteint",
                date(2026, 1, 1),
                "convflow (échéance automatique)",
            ),
            "amendment": {
                **_amendment(),
                "lapsed": True,
                "extends": True,
                "waited_until": date(2026, 1, 7),
            },
        },
    },
    "amendment_lapsed_termination": {
        "convention_terminated": lambda: {
            "convention": _convention("terminated", "résiliée"),
            "deadline": _termination(),
            "event": _event(
                "convention_terminated",
                "Résiliation effective",
                date(2025, 10, 15),
                "convflow (échéance automatique)",
            ),
            "amendment": {**_amendment(), "lapsed": True, "extends": True},
        },
    },
    "balance_after_end": {
        "convention_expired": lambda: {
            "convention": _ended_with_balance(),
            "deadline": _expiry(),
            "event": _event(
                "convention_expired",
                "Terme atteint",
                date(2026, 1, 1),
                "convflow (échéance automatique)",
            ),
        },
        "reminder_payment": lambda: {
            "convention": _ended_with_balance(report=True),
            "deadline": _late_balance_target(7),
        },
        "payment_recorded": lambda: {
            "convention": _ended_with_balance(report=True, paid=True),
            "deadline": _late_balance_target(),
            "event": _event(
                "payment_recorded",
                "Versement enregistré",
                _LATE_PAID,
                "Direction des finances",
                **{"Montant": euros(_SECOND), "Versement n°": "2", "Mandat": "n°\u00a02026-002214"},
            ),
        },
    },
    "committee_name": {
        "reminder_committee": lambda: {
            "convention": {**_convention(*_IN_FORCE), "committee": COMMISSION},
            "deadline": _commission(30),
        },
    },
    "dispute_after_end": {
        "convention_expired": lambda: {
            "convention": _ended_in_dispute("expired", "arrivée à son terme", _END),
            "deadline": _expiry(),
            "event": _event(
                "convention_expired",
                "Terme atteint",
                date(2026, 1, 1),
                "convflow (échéance automatique)",
            ),
        },
        "reminder_dispute_window": lambda: {
            "convention": _ended_in_dispute("expired", "arrivée à son terme", _END),
            "deadline": _late_dispute_window(7),
        },
        "dispute_settled": lambda: {
            "convention": {**_convention("expired", "arrivée à son terme"), **_ENDED},
            "event": _event(
                "dispute_settled",
                "Règlement amiable",
                date(2026, 1, 12),
                _SERVICE,
                **{"Accord": "Protocole d’accord signé le 9 janvier 2026"},
            ),
        },
    },
    "notice_overridden": {
        "reminder_expiry": lambda: _notice_and_balance(),
    },
    "term_extended": {
        "convention_expired": lambda: {
            "convention": _convention("expired", "arrivée à son terme", end_date=date(2026, 6, 30)),
            "deadline": {
                **_expiry(),
                "due_date": date(2026, 6, 30),
                "expires_at": datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
                "explanation": _EXTENDED_TERM,
                "term_amendment": 1,
            },
            "event": _event(
                "convention_expired",
                "Terme atteint",
                date(2026, 7, 1),
                "convflow (échéance automatique)",
            ),
        },
    },
    "late_agreement": {
        "dispute_settled": lambda: {
            "convention": _convention(*_IN_FORCE),
            "event": {
                **_event(
                    "dispute_settled",
                    "Règlement amiable",
                    date(2025, 3, 28),
                    _SERVICE,
                    **{"Accord": "Protocole d’accord signé le 27 mars 2025"},
                ),
                "window_end": _dispute_window()["due_date"],
            },
        },
    },
    "amendment": {
        "reminder_publication": lambda: {
            "convention": _amended(*_IN_FORCE),
            "deadline": _publication_update(30),
        },
        "publication_missed": lambda: {
            "convention": _amended(*_IN_FORCE),
            "deadline": _publication_update(),
        },
    },
    "instalments": {
        "signature_requested": lambda: {
            "convention": _in_instalments("signature", "en cours de signature", signed=0),
            "deadline": _signature(),
            "event": _signature_event(),
        },
        "convention_in_force": lambda: {
            "convention": _in_instalments(
                "notification", "signée, notification d’attribution à faire"
            ),
            "event": _event(
                "signature_recorded",
                "Dernière signature recueillie",
                date(2025, 1, 27),
                _SERVICE,
                **{"Signataire": f"Martial Alvarez ({_METROPOLE})"},
            ),
        },
        "award_notified": lambda: {
            "convention": _in_instalments("payment", "notifiée, en attente de versement"),
            "deadline": _instalment_target(1),
            "event": _event(
                "award_notified",
                "Notification d’attribution",
                _NOTIFIED,
                _SERVICE,
                **{"Destinataire": _CRPV},
            ),
        },
        "reminder_payment": lambda: {
            "convention": _in_instalments(*_IN_FORCE, first_paid=True),
            "deadline": _instalment_target(2, 0),
        },
        "payment_overdue": lambda: {
            "convention": _in_instalments(*_IN_FORCE, first_paid=True),
            "deadline": _noticed(_instalment_target(2), date(2025, 7, 17)),
        },
        "payment_recorded": lambda: {
            "convention": _in_instalments(*_IN_FORCE, first_paid=True, second_paid=True),
            "deadline": _instalment_target(2),
            "event": _event(
                "payment_recorded",
                "Versement enregistré",
                date(2025, 7, 10),
                "Direction des finances",
                **{"Montant": euros(_SECOND), "Versement n°": "2", "Mandat": "n°\u00a02025-009871"},
            ),
        },
        "payment_forgone": lambda: {
            "convention": _in_instalments_forgone(),
            "event": _forgone_event(
                "subvention réduite par délibération du conseil métropolitain du 2 octobre 2025",
                file_closed=False,
                on=date(2025, 10, 6),
            ),
        },
    },
    "paid_while_held": {
        "payment_recorded": lambda: {
            "convention": _convention(*_IN_FORCE),
            "event": {
                **_event(
                    "payment_recorded",
                    "Versement enregistré",
                    date(2026, 1, 2),
                    "Direction des finances",
                    **{"Montant": euros(_AMOUNT), "Mandat": "n°\u00a02026-000012"},
                ),
                "expiry_held": {
                    "term_on": _END,
                    "last_day": date(2026, 1, 7),
                    "amendment": 1,
                    "extends_to": date(2026, 6, 30),
                    "missing": ["Martial Alvarez"],
                },
            },
        },
    },
}
