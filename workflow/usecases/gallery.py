"""The email gallery: every email convflow sends, as its reader gets it, for one review.

Each kind is rendered with the reference convention's sample facts (`notifications.samples`),
as the partners receive it, followed by what the service's own copy adds (its internal note).
`convflow emails --sample` prints it; `make emails` writes it to docs/EMAILS.md, and a test
fails when that file no longer matches the templates, so what a legal officer reviewed is what
goes out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from notifications import RenderedEmail, Renderer, sample_context
from notifications.samples import VARIANTS, sample_variants
from states.amendments import Amendment
from states.deadlines import LegalSettings, for_partners
from states.open_data import update_explanation
from workflow.wording import labels

GALLERY_FILE = Path("docs") / "EMAILS.md"

# Its no-break spaces (before « : » and « ; », inside « », in « 24 h ») are typed as they are.
_HEADER = """\
# Les courriels de convflow

Chaque courriel que convflow envoie, tel que le reçoivent les signataires, rendu avec les
données de la convention de référence (AMP-CRPV-PACA-2025). Sous chacun, ce qu'ajoute la copie
du service (sa note interne), que les signataires ne reçoivent pas. Quand la rédaction d'un
courriel change avec la convention (une participation versée en plusieurs fois), une variante
suit le courriel.

Quand ils partent : les rappels, à l'heure des rappels (9 h, heure de Paris, par défaut :
`CONVFLOW_REMINDER_HOUR`), un jour ouvré ; un rappel prévu un samedi, un dimanche ou un jour
férié (le calendrier des échéances) part le jour ouvré qui le précède, jamais plus tard que ne le
dit la convention. Une échéance passe à 24 h son dernier jour ; le courriel qui l'annonce (versement
en retard, compte rendu financier non reçu, données non publiées, période amiable close) part le
lendemain à l'heure des rappels, non à minuit. Le rappel « saisine possible » part le jour où le
tribunal peut être saisi, même un jour non ouvré : il annonce aussi la fin de la période amiable.
Les autres courriels partent quand l'événement qui les cause est enregistré.

Ce fichier est produit par `make emails` (`convflow emails --sample`) ; un test échoue s'il ne
correspond plus aux modèles (`notifications/templates/`).
"""


def email_kinds(renderer: Renderer) -> list[str]:
    """Every kind of email, in the order of the catalogue (a convention's life), then others."""
    known = renderer.kinds()
    ordered = [kind for kind in labels.GLOSSARY["email"] if kind in known]
    return ordered + [kind for kind in known if kind not in ordered]


def service_additions(partners: str, service: str) -> list[str]:
    """The lines of the service's copy that the partners' email does not have."""
    added = difflib.ndiff(partners.splitlines(), service.splitlines())
    return [line[2:] for line in added if line.startswith("+ ")]


def _section(
    kind: str, partners: RenderedEmail, service: RenderedEmail, variant: str | None = None
) -> Iterable[str]:
    if variant is None:
        yield f"## {labels.email(kind)} (`{kind}`)"
        yield ""
        yield f"*{labels.label('email_when', kind)}*"
    else:
        yield f"### Variante\u00a0: {labels.email(kind)} (`{kind}`, variante `{variant}`)"
        yield ""
        yield f"*{VARIANTS[variant][0].upper()}{VARIANTS[variant][1:]}.*"
    yield ""
    yield f"**Objet\u00a0:** {partners.subject}"
    yield ""
    yield "```text"
    yield partners.text.rstrip()
    yield "```"
    additions = [line for line in service_additions(partners.text, service.text) if line.strip()]
    if additions:
        yield ""
        yield "Copie du service, en plus\u00a0:"
        yield ""
        yield "```text"
        yield from additions
        yield "```"
    yield ""


def _explained_by_states(context: dict[str, Any]) -> dict[str, Any]:
    """The sample facts with a deadline's explanation as states/ words it, where notifications'
    samples cannot (they import nothing of ours): the update of the open data after an
    amendment, the Métropole's practice said once (states.open_data, states.deadlines), as the
    partners read it."""
    deadline = context.get("deadline")
    if not (isinstance(deadline, dict) and deadline.get("kind") == "publication"):
        return context
    if not deadline.get("amendment"):
        return context
    title = Amendment(number=deadline["amendment"]).title
    lines = update_explanation(title, deadline["signed_on"], True, LegalSettings())
    return {**context, "deadline": {**deadline, "explanation": for_partners("\n".join(lines))}}


def _sample(kind: str, audience: str, variant: str | None = None) -> dict[str, Any]:
    return _explained_by_states(sample_context(kind, audience, variant))


def email_gallery(renderer: Renderer | None = None) -> str:
    """The gallery as Markdown: every kind, as the partners read it, then the service's note;
    after a kind, its variants (`notifications.samples.VARIANTS`)."""
    renderer = renderer or Renderer()
    lines = [_HEADER]
    for kind in email_kinds(renderer):
        partners = renderer.render(kind, _sample(kind, "partners"))
        service = renderer.render(kind, _sample(kind, "service"))
        lines.extend(_section(kind, partners, service))
        for variant in sample_variants(kind):
            partners = renderer.render(kind, _sample(kind, "partners", variant))
            service = renderer.render(kind, _sample(kind, "service", variant))
            lines.extend(_section(kind, partners, service, variant))
    return "\n".join(lines).rstrip() + "\n"
