"""CSV exports of the list views, as a French spreadsheet opens them.

Semicolon-separated, UTF-8 with a byte order mark (Excel in French needs both to read accents
and columns right), CRLF line ends. A cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is prefixed with an apostrophe: an exported title
such as `=HYPERLINK(...)` stays text (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from states.chain import canonical
from storage.history import StoredLine
from workflow.usecases.listing import ConventionSummary, DeadlineItem
from workflow.usecases.views import HistoryRow
from workflow.wording import dashboard as labels
from workflow.wording.values import recorded_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

WITHOUT_EFFECT = "résiliation sans effet (la convention expire à son terme)"
"""A termination notice's deadline the term overrides (rule 10), in `echeances.csv`: its
column's heading, and its line's « échéance » where « prise d'effet de la résiliation » would
announce a termination that will not be (the pages' « Résiliation sans effet : la convention
expire à son terme le … », the day in the first column)."""


def cell(value: Any) -> str:
    """One value as a harmless CSV cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document, byte order mark first."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(h) for h in headers])
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def conventions_csv(items: Iterable[ConventionSummary]) -> str:
    """The conventions list, with the state and next deadline in words and ISO both, and the
    last day of the expiry's hold when an extension in signature holds it (rule 27). Columns
    are only ever added at the end: spreadsheets read them by position."""
    headers = [
        "référence", "intitulé", "état", "état (code)", "partenaires", "montant (€)",
        "entrée en vigueur", "terme", "prochaine échéance",
        "date de l'échéance", "fin exacte (UTC)", "arrivée à terme suspendue jusqu'au",
        "résiliation sans effet",
    ]  # fmt: skip
    rows = (
        [
            item["reference"],
            item["title"],
            labels.state(item["state"]),
            item["state"],
            " / ".join(party["name"] for party in item["parties"]),
            item["amount"].replace(".", ","),
            item["effective_date"] or "",
            item["end_date"],
            item["next_deadline_label"] or "",
            item["next_deadline_due"] or "",
            item["next_deadline_at"] or "",
            # the term passed, an extension in signature (rule 27): the hold's last day, as
            # `list --json` says it (expiry_held.last_day); empty when nothing is held
            held["last_day"] if (held := item["expiry_held"]) else "",
            # in `termination` under a notice its term overrides (rule 10), as `list --json`
            # says it (notice_overridden): the state's column keeps its label, the pages say
            # « en exécution jusqu'à son terme (résiliation notifiée, sans effet) »
            "oui" if item["notice_overridden"] else "",
        ]
        for item in items
    )
    return to_csv(headers, rows)


def deadlines_csv(items: Iterable[DeadlineItem]) -> str:
    """The upcoming deadlines list."""
    headers = ["date", "échéance", "échéance (code)", "référence", "intitulé", "état", "fin (UTC)",
               "suspendue (avenant en signature)", WITHOUT_EFFECT]  # fmt: skip
    rows = (
        [
            item["due_date"],
            # a notice the term overrides: named as the pages name it, not as a termination
            # taking effect; its kind's code (the next column) unchanged
            WITHOUT_EFFECT if item["without_effect"] else item["label"],
            item["kind"],
            item["reference"],
            item["title"],
            labels.state(item["state"]),
            item["expires_at"],
            # passed while an extension in signature holds the expiry (rule 27), as the
            # deadlines list says it (held_by_extension): recorded when the wait ends
            "oui" if item["held_by_extension"] else "",
            # a notice the term overrides (rule 10): its day is the term's, the termination
            # never takes effect (without_effect)
            "oui" if item["without_effect"] else "",
        ]
        for item in items
    )
    return to_csv(headers, rows)


def history_csv(items: Iterable[HistoryRow], chain: Sequence[StoredLine] | None = None) -> str:
    """One convention's history: every event, who recorded it and with what; given its chain
    (the dossier's), each line's hashes and the content they cover (states.chain), so that the
    file can be checked by itself (`convflow verify --dossier`)."""
    headers = HISTORY_HEADERS + (CHAIN_HEADERS if chain is not None else [])
    hashes = {line.seq: (line, before, after) for line, before, after in chain or ()}
    rows = (history_cells(item) + (_chain_cells(hashes[item["seq"]]) if chain is not None else [])
            for item in items)  # fmt: skip
    return to_csv(headers, rows)


HISTORY_HEADERS = ["n°", "date", "événement", "de", "vers", "par", "saisi le (UTC)", "données"]
CHAIN_HEADERS = ["empreinte précédente", "empreinte", "contenu haché"]
"""The dossier's history's columns of the chain: the line's hashes, and the exact content
(sorted JSON, states.chain.canonical) its hash covers."""


def history_cells(item: HistoryRow, *, before_amendment_states: bool = False) -> list[Any]:
    """A history line's readable cells, as the CSV writes them; `before_amendment_states`, as
    dossiers written before an amendment's line said its states in French wrote them (its
    states read as a convention's: 'in_force', 'abandoned'), which a check still accepts."""
    # an amendment's line moves the amendment's states ('en signature → en vigueur')
    amendment = item.get("amendment") and not before_amendment_states
    said = labels.amendment_state if amendment else labels.state
    return [
        item["seq"],
        item["date"],
        labels.event(item["event"], item.get("amendment"), item["inputs"]),
        said(item["from_state"]) if item["from_state"] else "",
        said(item["to_state"]),
        item["actor"],
        item["recorded_at"],
        " ; ".join(f"{key}={recorded_text(value)}" for key, value in item["inputs"].items()),
    ]


def _chain_cells(stored: StoredLine) -> list[Any]:
    line, before, after = stored
    return [before or "", after or "", canonical(line).decode("utf-8")]
