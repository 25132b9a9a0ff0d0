"""Small conventions written for one clause at a time."""

from __future__ import annotations

from workflow.files.extract import Extraction, document_from_text, extract

HEAD = """Convention de partenariat entre la Métropole Aix-Marseille-Provence et l’association
Quartiers Vivants

Entre

La Métropole Aix-Marseille-Provence, représentée par sa Présidente, Madame Martine Vassal,

Et

L’association Quartiers Vivants, représentée par son Président, Monsieur Paul Martin,

Il est convenu ce qui suit :
"""

SIGNATURES = """
Fait à Marseille, le

Pour la Métropole Aix-Marseille-Provence
La Présidente
Martine VASSAL

Pour l’association Quartiers Vivants
Le Président
Paul MARTIN
"""


def convention(*articles: str, head: str = HEAD, signatures: str = SIGNATURES) -> Extraction:
    """A convention made of `articles` ("Article 2 – Durée\\n\\nLa présente ..."), read."""
    text = head + "\n" + "\n\n".join(articles) + "\n" + signatures
    return extract(document_from_text(text, "test"))


def values(extraction: Extraction, prefix: str = "") -> dict[str, object]:
    """The extracted values whose name starts with `prefix`."""
    return {k: f.value for k, f in extraction.fields.items() if k.startswith(prefix)}
