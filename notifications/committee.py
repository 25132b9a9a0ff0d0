"""The convention's committee as the emails name it, from the facts they were given.

The workflow freezes the committee's name and the phrases a French sentence takes in the
convention's facts (`convention.committee`: « un Comité technique », « de la Commission de
suivi », the pronoun « le » or « la »). An email queued before those facts were kept, and the
gallery's samples of the reference convention, have none: they name the model convention's
Comité technique, at the article their clauses say (article 3 when they say none), as the
emails always did.
"""

from collections.abc import Mapping
from typing import Any

__all__ = ["MODEL_COMMITTEE", "committee_of"]

MODEL_COMMITTEE: Mapping[str, Any] = {
    "name": "Comité technique",
    "article": "article 3",
    "noun": "Comité technique",
    "a": "un Comité technique",
    "the": "le Comité technique",
    "of": "du Comité technique",
    "the_short": "le comité",
    "of_short": "du comité",
    "pronoun": "le",
    "model": True,
}
"""The model convention's Comité technique, as the workflow names it (a test holds the two
equal)."""


def committee_of(convention: Mapping[str, Any]) -> Mapping[str, Any]:
    """The committee of a convention's facts, as emails name it (see the module)."""
    found: Mapping[str, Any] | None = convention.get("committee")
    if found:
        return found
    articles = convention.get("clauses", {}).get("articles", {})
    return {**MODEL_COMMITTEE, "article": articles.get("committee", MODEL_COMMITTEE["article"])}
