"""French labels of the public names (states, events, deadline kinds), for what people read."""

from __future__ import annotations

STATE_LABELS = {
    "draft": "en préparation",
    "signature": "en signature",
    "notification": "signée, à notifier",
    "payment": "notifiée, en attente de versement",
    "execution": "en exécution",
    "dispute": "en litige",
    "litigation": "en contentieux",
    "termination": "en cours de résiliation",
    "expired": "arrivée à son terme",
    "terminated": "résiliée",
    "cancelled": "abandonnée avant signature",
}

EVENT_LABELS = {
    "import": "Convention chargée",
    "submit": "Soumise à signature",
    "sign": "Signature",
    "cancel": "Abandon avant signature",
    "notify": "Notification d'attribution",
    "pay": "Versement",
    "open_dispute": "Litige notifié",
    "settle": "Règlement amiable",
    "go_to_court": "Saisine du tribunal",
    "close_litigation": "Fin du contentieux",
    "give_notice": "Résiliation notifiée",
    "expire": "Arrivée à terme",
    "terminate": "Résiliation effective",
    "amend": "Avenant rédigé",
    "abandon": "Avenant abandonné",
}

AMENDMENT_EVENT_LABELS = {
    "amend": "Avenant rédigé",
    "submit": "Avenant soumis à signature",
    "sign": "Signature de l'avenant",
    "abandon": "Avenant abandonné",
}
"""The events of an amendment (un avenant: masculine), where they differ from the convention's."""

INPUT_LABELS = {
    "signatory": "Signataire",
    "party": "Partie",
    "amount": "Montant",
    "received": "Lettre reçue le",
    "dispatched": "Lettre envoyée le",
    "presented": "Lettre présentée le",
    "uncollected": "Lettre non réclamée",
    "electronic": "Lettre recommandée électronique",
    "subject": "Objet",
    "note": "Note",
    "reason": "Motif",
    "agreement": "Accord",
    "court": "Juridiction",
    "ruling": "Décision",
}
"""The inputs of events, as people read them."""

DEADLINE_LABELS = {
    "expiry": "terme de la convention",
    "termination": "prise d'effet de la résiliation",
    "dispute_window": "fin de la période de règlement amiable",
    "payment": "objectif de versement",
    "signature": "objectif de signature",
    "amendment_signature": "objectif de signature de l'avenant",
}

DEADLINE_STATUS_LABELS = {
    "pending": "à venir",
    "met": "respectée",
    "passed": "échue",
    "applied": "appliquée",
    "cancelled": "sans objet",
    "superseded": "remplacée",
}

REMINDER_STATUS_LABELS = {
    "planned": "prévu",
    "sent": "envoyé",
    "coalesced": "regroupé avec un rappel suivant",
    "skipped": "non envoyé",
    "cancelled": "annulé",
}

REMINDER_NOTES = {
    "coalesced": "regroupé avec un rappel plus récent",
    "known_late": "son heure était passée quand l'échéance a été connue",
    "moot": "sans objet : la résiliation prend effet avant le terme",
    "deadline_passed": "échéance passée : elle est annoncée à la place",
}
"""Why a reminder did not go out (the reasons of states.due)."""

DEADLINE_NOTES = {
    "known_late": "déjà passée quand elle a été enregistrée : rien n'est annoncé",
    "with_court_reminder": "annoncée par le rappel du jour où le tribunal peut être saisi",
}
"""Why a passed deadline is not announced by its own email (the reasons of states.due)."""

EMAIL_LABELS = {
    "signature_requested": "Demande de signature",
    "convention_in_force": "Entrée en vigueur",
    "award_notified": "Notification d'attribution",
    "payment_recorded": "Versement enregistré",
    "dispute_opened": "Litige ouvert",
    "litigation_opened": "Tribunal saisi",
    "amicable_window_closed": "Fin de la période amiable",
    "notice_given": "Résiliation notifiée",
    "convention_terminated": "Résiliation effective",
    "convention_expired": "Arrivée à terme",
    "convention_cancelled": "Convention abandonnée",
    "amendment_submitted": "Avenant soumis à signature",
    "amendment_in_force": "Avenant en vigueur",
    "delivery_failed": "Alerte : courriel non remis",
    "processing_failed": "Alerte : convention non traitée",
    "reminder_expiry": "Rappel : terme de la convention",
    "reminder_termination": "Rappel : prise d'effet de la résiliation",
    "reminder_dispute_window": "Rappel : fin de la période amiable",
    "reminder_court_possible": "Rappel : saisine du tribunal possible",
    "reminder_signature": "Relance : signature attendue",
    "reminder_payment": "Rappel : versement attendu",
    "reminder_amendment_signature": "Relance : signature de l'avenant attendue",
}
"""Each kind of email, as people name it."""
