"""The steering committee: "Un Comité technique sera mis en place ...", "un comité de pilotage
(COPIL)", "une Commission de suivi", "un Comité d'orientation stratégique"."""

from __future__ import annotations

import re

from ..layout import Article
from ..passages import Span
from ..wording import capitalised, plain
from .common import Reading, sentences

_HEAD = r"(?:comité|commission|instance|conseil|groupe|cellule)"
_NAME = re.compile(
    rf"\b(?P<name>{_HEAD}(?:\s+(?:d['’]\s*[\wéèê]+|de\s+[\wéèê]+|du\s+[\wéèê]+|des\s+[\wéèê]+|[a-zéèêàç]+))*)",
    re.IGNORECASE,
)
_STOP = {
    "sera", "est", "se", "qui", "réunit", "composé", "composée", "associant", "présidé", "présidée",
    "valide", "évalue", "examine", "établit", "chargé", "chargée", "a", "aura", "peut", "pourra",
    "comprend", "constitué", "constituée", "mis", "créé", "créée", "dont", "et", "en", "pour",
    "le", "la", "les", "un", "une", "sur", "avec", "à", "au", "aux", "dans", "par",
}  # fmt: skip
_STEERING = re.compile(
    r"pilotage|suivi|orientation|coordination|technique|gouvernance|évaluation", re.IGNORECASE
)
_HEADING = r"pilotage|comité|commission|gouvernance|suivi|instance|coordination"


def read_committee(reading: Reading) -> None:
    """`committee.name`, `committee.article` and `clauses.articles.committee`."""
    findings = reading.findings
    found: list[tuple[Article, Span, str]] = []
    for article in reading.layout.articles:
        headed = re.search(_HEADING, article.title, re.IGNORECASE) is not None
        for span in sentences(article):
            name = _name(span.text)
            if name and (headed or re.search(r"mis\s+en\s+place|institué|créé", span.text)):
                found.append((article, span, name))
                break
    names = {name.casefold() for _, _, name in found}
    if not found:
        for field in ("committee.name", "committee.article", "clauses.articles.committee"):
            findings.gap(field, "no article sets up a steering committee")
        return
    if len(names) > 1:
        steering = [f for f in found if "pilotage" in f[2].casefold()]
        if len(steering) != 1:
            listed = ", ".join(sorted({n for _, _, n in found}))
            findings.doubt("committee.name", f"several committees: {listed}")
            return
        found = steering
    article, span, name = found[0]
    findings.put("committee.name", name, article.label, span.text, span.origin)
    findings.put("committee.article", article.label, article.label, span.text, span.origin)
    findings.put("clauses.articles.committee", article.label, article.label, span.text, span.origin)


def _name(text: str) -> str | None:
    for match in _NAME.finditer(text):
        words = match.group("name").split()
        kept = [words[0]]
        for word in words[1:]:
            bare = word.lower()
            if bare in _STOP or bare.endswith("ant"):
                break
            kept.append(word)
        if len(kept) < 2:
            continue
        name = " ".join(kept)
        if _STEERING.search(name):
            return capitalised(plain(name))
    return None
