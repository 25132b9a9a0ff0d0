"""Which court hears a dispute over the convention, said only as far as its parties allow
(docs/LEGAL-NOTES.md, point 4).

A contract between public persons « revêt en principe un caractère administratif » (TC, 21 March
1983, *Union des assurances de Paris*, n° 02256): its judge is the administrative court where it
is carried out (CJA, art. R. 312-11). A convention with a private person (an association, a
company) is not presumed administrative: its nature, and so its judge, depends on its object
and its clauses, which convflow does not judge.

What a party is, convflow knows only from its identifiers: INSEE gives public bodies a SIREN
beginning with 1 or 2; an RNA number is an association's, a private person; a SIREN beginning
with another digit is a private person's. A party with neither is not known. The grantor (the
Métropole) is a public person whatever its file says.

Pure: identifiers in, a word and a sentence out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

PartiesNature = Literal["public", "private", "unknown"]
"""Every party a public person; one of them a private person; or not known."""
NATURES: tuple[PartiesNature, ...] = ("public", "private", "unknown")


def is_public(siret: str | None, rna: str | None) -> bool | None:
    """True for a public body (SIREN beginning with 1 or 2), False for a private person (an RNA
    number, or another SIREN), None when its identifiers do not say."""
    digits = (siret or "").replace(" ", "")
    if digits[:1] in ("1", "2"):
        return True
    if rna or digits[:1].isdigit():
        return False
    return None


def parties_nature(others: Iterable[bool | None]) -> PartiesNature:
    """What the parties other than the grantor are, together (`is_public` of each)."""
    found = list(others)
    if any(flag is False for flag in found):
        return "private"
    if all(flag is True for flag in found):
        return "public"
    return "unknown"


def court_sentence(nature: PartiesNature, place: str | None = None) -> str:
    """The competent court, in words true for these parties; `place`: the town of the
    administrative court where the convention is carried out, when known."""
    court = "tribunal administratif dans le ressort duquel la convention s'exécute"
    here = f", ici celui de {place}" if place else ""
    if nature == "public":
        return (f"Le tribunal compétent est en principe le {court}{here}\u00a0: une convention "
                "conclue entre personnes publiques est présumée administrative.")  # fmt: skip
    if nature == "private":
        return ("Le tribunal compétent dépend de la nature de la convention, qui lie la "
                "Métropole à une personne privée\u00a0: administrative ou de droit privé selon son "
                f"objet et ses clauses, elle relève dans le premier cas du {court}{here}, dans le "
                "second du tribunal judiciaire.")  # fmt: skip
    # Parties not identified: the town is said of either case, not of the public persons' only.
    town = f" Si elle est administrative, ce tribunal est ici celui de {place}." if place else ""
    return ("Le tribunal compétent dépend de la nature de la convention\u00a0: conclue entre "
            f"personnes publiques, elle est présumée administrative et relève du {court}\u00a0; "
            "conclue avec une personne privée, sa nature dépend de son objet et de ses "
            f"clauses.{town}")  # fmt: skip
