"""French words of the dashboard: what each event's button says, what each input asks for.

States, history events and deadline kinds come from `workflow.wording.labels`, shared with the
emails; this module adds what only the forms need.
"""

from __future__ import annotations

from states.amendments import FIELD_LABELS
from workflow.wording import labels
from workflow.wording import values as wording

ACTION_LABELS = {
    "submit": "Soumettre à la signature",
    "sign": "Enregistrer une signature",
    "cancel": "Abandonner la convention",
    "notify": "Enregistrer la notification d'attribution",
    "pay": "Enregistrer le versement",
    "open_dispute": "Ouvrir un litige (article 6)",
    "settle": "Enregistrer le règlement amiable",
    "go_to_court": "Enregistrer la saisine du tribunal",
    "close_litigation": "Clore le contentieux",
    "give_notice": "Enregistrer une résiliation (article 7)",
    "amend": "Proposer un avenant",
}

INPUT_LABELS = {
    "signatory": "Signataire",
    "party": "Partie",
    "received": "Date de réception de la lettre",
    "dispatched": "Date d'envoi de la lettre",
    "presented": "Date de première présentation",
    "uncollected": "Pli avisé et non réclamé",
    "electronic": "Lettre recommandée électronique",
    "subject": "Objet du litige",
    "amount": "Montant versé, en euros",
    "note": "Note",
    "reason": "Motif",
    "agreement": "Accord trouvé",
    "court": "Juridiction saisie",
    "ruling": "Décision",
    "number": "Avenant",
}

AMENDMENT_ACTIONS = {
    "submit": "Soumettre l'avenant n°{n} à la signature",
    "sign": "Enregistrer une signature de l'avenant n°{n}",
    "abandon": "Abandonner l'avenant n°{n}",
}

AMENDMENT_STATE_LABELS = {
    "draft": "en préparation",
    "signature": "en signature",
    "in_force": "en vigueur",
    "abandoned": "abandonné",
}

OUTBOX_STATUS_LABELS = {
    "pending": "en attente",
    "claimed": "en cours d'envoi",
    "sending": "en cours d'envoi",
    "uncertain": "sans réponse du serveur, renvoyé plus tard",
    "sent": "envoyé",
    "failed": "en échec",
}


ROLE_LABELS = {"admin": "administrateur", "viewer": "lecture seule"}


def state(name: str) -> str:
    """A state as administrators read it: 'en exécution'."""
    return labels.STATE_LABELS.get(name, name)


def event(name: str, amendment: int | None = None) -> str:
    """A history event as administrators read it: 'Signature', or 'Signature de l'avenant'
    for an event of amendment n°`amendment`."""
    if amendment:
        return labels.AMENDMENT_EVENT_LABELS.get(name, name)
    return labels.EVENT_LABELS.get(name, name)


def action(name: str) -> str:
    """What recording an event is called on its button."""
    return ACTION_LABELS.get(name, event(name))


def amendment_action(name: str, number: int) -> str:
    """What recording an amendment's event is called on its button."""
    return AMENDMENT_ACTIONS.get(name, name).format(n=number)


def amendment_state(name: str) -> str:
    """An amendment's state: 'en signature'."""
    return AMENDMENT_STATE_LABELS.get(name, name)


def amendment_field(key: str) -> str:
    """What an amendment may change: 'Terme de la convention', 'Représentants : crpv'."""
    if key.startswith("signatory."):
        return f"Représentants : {key.removeprefix('signatory.')}"
    return FIELD_LABELS.get(key, key).capitalize()


def deadline(kind: str) -> str:
    """A deadline kind: 'terme de la convention'."""
    return labels.DEADLINE_LABELS.get(kind, kind)


def deadline_status(status: str) -> str:
    """A deadline status: 'à venir'."""
    return labels.DEADLINE_STATUS_LABELS.get(status, status)


def reminder_status(status: str) -> str:
    """A reminder status: 'prévu'."""
    return labels.REMINDER_STATUS_LABELS.get(status, status)


def outbox_status(status: str) -> str:
    """An email's delivery status: 'en échec'."""
    return OUTBOX_STATUS_LABELS.get(status, status)


def email(kind: str) -> str:
    """What an email is about, when its subject is not written yet."""
    return labels.EMAIL_LABELS.get(kind, kind)


def reminder_when(days_before: int | None) -> str:
    """When a reminder goes, from its deadline: '7 jours avant', 'le jour même'."""
    if days_before is None:
        return ""
    if days_before == 0:
        return "le jour même"
    count = abs(days_before)
    unit = "jour" if count == 1 else "jours"
    return f"{count} {unit} {'avant' if days_before > 0 else 'après'}"


def input_label(key: str, amendment: int | None = None) -> str:
    """What an event's input asks for; for an amendment (or a form's `change.` field), the
    term it changes."""
    name = key.removeprefix("change.")
    if (amendment or name != key) and (term := FIELD_LABELS.get(name)) is not None:
        return term[0].upper() + term[1:]
    if name == "file":
        return "Fichier"
    return INPUT_LABELS.get(name, name)


def input_value(key: str, value: object, amendment: int | None = None) -> str:
    """An input of the history as people read it; for an amendment, the term it sets."""
    if amendment and (key in FIELD_LABELS or key.startswith("signatory.")):
        return wording.term_text(key, str(value))
    return wording.input_text(key, str(value))


def role(name: str) -> str:
    """A token's role."""
    return ROLE_LABELS.get(name, name)
