"""The steering committee: "Un Comité technique sera mis en place ...", "un comité de pilotage
(COPIL)", "une Commission de suivi", "un Comité d'orientation stratégique"."""

from __future__ import annotations

import re

from states.committee import HEAD_NOUNS

from ..layout import Article
from ..model import gettext_noop
from ..passages import Span
from ..wording import capitalised, plain
from .common import Reading, sentences

_HEAD = "(?:" + "|".join(HEAD_NOUNS) + ")"  # the nouns whose gender sentences know
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
            findings.gap(field, gettext_noop("no article sets up a steering committee"))
        return
    if len(names) > 1:
        steering = [f for f in found if "pilotage" in f[2].casefold()]
        if len(steering) != 1:
            listed = sorted({n for _, _, n in found})
            findings.doubt("committee.name", gettext_noop("several committees: {names}"),
                           names=listed)  # fmt: skip
            return
        found = steering
    article, span, name = found[0]
    findings.put("committee.name", name, article.label, span.text, span.origin)
    findings.put("committee.article", article.label, article.label, span.text, span.origin)
    findings.put("clauses.articles.committee", article.label, article.label, span.text, span.origin)


def _name(text: str) -> str | None:
    for match in re.finditer(rf"\b{_HEAD}\b", text, re.IGNORECASE):
        name = _phrase(text[match.start() :])
        if name and _STEERING.search(name):
            return capitalised(plain(name))
    return None


_ARTICLE = {"la", "le", "les", "l'", "l’"}


def _phrase(text: str) -> str | None:
    """The committee's name: its head noun, then adjectives and "de ..." complements, up to a
    verb, a participle, a bracket or a comma ("Comité de pilotage de la GUSP, qui ...")."""
    tokens = re.findall(r"[\w'’-]+|[^\w\s]", text)
    kept = [tokens[0]]
    index = 1
    while index < len(tokens):
        word = tokens[index]
        bare = word.lower()
        if bare in ("de", "du", "des") and index + 1 < len(tokens):
            following = tokens[index + 1]
            step = [word]
            if following.lower() in _ARTICLE and index + 2 < len(tokens):
                step.append(following)
                following = tokens[index + 2]
            if not re.match(r"^[\w'’-]+$", following) or following.lower() in _STOP:
                break
            kept.extend([*step, following])
            index += len(step) + 1
            continue
        adjective = re.match(r"^[a-zà-ÿ-]+$", word) and bare not in _STOP
        if re.match(r"^d['’]\w", bare) or (adjective and not bare.endswith("ant")):
            kept.append(word)
        else:
            break
        index += 1
    if len(kept) < 2:
        return None
    return re.sub(r"\s*(['’])\s*", r"\1", " ".join(kept))
