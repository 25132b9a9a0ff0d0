"""Domain errors at the HTTP edge: the status each one means, and its words in French.

The API answers with the domain's own one-line message (the same the command line prints) in
`detail`, and the error's name in `error`; the pages say it in French, the domain's English
refusals translated by the catalogue of `workflow.http.french`.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from states.errors import (
    AutomaticEventRefused,
    ConcurrentChange,
    ConvflowError,
    CourtNotYetOpen,
    DuplicateReference,
    GuardRejected,
    InvalidInput,
    InvalidTransition,
    LifecycleError,
    UnknownConvention,
    UnknownEvent,
)
from workflow.http.french import field_label, sentence, to_french
from workflow.usecases.tokens import TokenExists
from workflow.wording import dashboard as labels


def status_of(error: ConvflowError) -> int:
    """The HTTP status a domain error means."""
    if isinstance(error, LookupError):  # an unknown convention, amendment or token
        return 404
    if isinstance(error, InvalidInput | UnknownEvent):
        return 422
    if isinstance(error, LifecycleError | ConcurrentChange | DuplicateReference | TokenExists):
        return 409
    return 400


def api_error(error: ConvflowError) -> JSONResponse:
    """The API's answer to a domain error: its status, its message and its name."""
    return JSONResponse(
        {"detail": str(error), "error": type(error).__name__}, status_code=status_of(error)
    )


def french(error: ConvflowError) -> str:
    """What went wrong, for the dashboard."""
    if isinstance(error, UnknownConvention):
        return f"Aucune convention n'a la référence « {error.reference} »."
    if isinstance(error, ConcurrentChange):
        return (
            "La convention a été modifiée par quelqu'un d'autre depuis l'affichage de cette page "
            "(version {}, elle est maintenant à la version {}). Rien n'a été enregistré : "
            "relisez-la, puis recommencez si besoin."
        ).format(error.expected, error.actual if error.actual is not None else "?")
    if isinstance(error, InvalidTransition) and error.amendment is not None:
        number = error.amendment
        allowed = ", ".join(labels.amendment_action(n, number) for n in error.allowed) or "aucun"
        return (
            f"« {labels.amendment_action(error.trigger, number)} » n'est pas possible quand "
            f"l'avenant n°{number} est {labels.amendment_state(error.state)}. "
            f"Possibles : {allowed}."
        )
    if isinstance(error, InvalidTransition):
        allowed = ", ".join(labels.action(name) for name in error.allowed) or "aucun"
        return (
            f"« {labels.action(error.trigger)} » n'est pas possible quand la convention est "
            f"{labels.state(error.state)}. Possibles : {allowed}."
        )
    if isinstance(error, AutomaticEventRefused):
        return (
            f"« {labels.event(error.trigger)} » est appliqué par le service quand l'échéance "
            "tombe ; il ne se saisit pas à la main."
        )
    if isinstance(error, CourtNotYetOpen):
        return (
            "La période de règlement amiable de l'article 6 court encore : le tribunal peut être "
            f"saisi à partir du {error.earliest.strftime('%d/%m/%Y')}."
        )
    if isinstance(error, GuardRejected):
        return f"« {labels.action(error.trigger)} » refusé : {to_french(error.reason)}."
    if isinstance(error, InvalidInput):
        return f"{field_label(error.field)} : {to_french(error.problem)}."
    # UnknownEvent, UnknownAmendment... through the catalogue; what it does not know, as is.
    return sentence(str(error))
