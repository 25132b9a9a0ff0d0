"""CSV exports of the list views, as a French spreadsheet opens them.

Semicolon-separated, UTF-8 with a byte order mark (Excel in French needs both to read accents
and columns right), CRLF line ends. A cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is prefixed with an apostrophe: an exported title
such as `=HYPERLINK(...)` stays text (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from states.calendar import end_of_day
from states.chain import canonical
from states.ledger import Ledger
from states.recording_order import dated_before
from storage.history import StoredLine
from workflow.usecases.iso import instant
from workflow.usecases.listing import ConventionSummary, DeadlineItem, OverdueItem
from workflow.usecases.views import HistoryRow
from workflow.wording import dashboard as labels
from workflow.wording.labels import deadline as deadline_label
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


def euros_cell(amount: Decimal | None) -> str:
    """An amount as the « montant (€) » column writes it: « 51000,00 », no thousands
    separator, a decimal comma (a French spreadsheet reads it as a number); empty for none."""
    return "" if amount is None else f"{amount:.2f}".replace(".", ",")


CONVENTION_HEADERS = [
    "référence", "intitulé", "état", "état (code)", "partenaires", "montant (€)",
    "entrée en vigueur", "terme", "prochaine échéance",
    "date de l'échéance", "fin exacte (UTC)", "arrivée à terme suspendue jusqu'au",
    "résiliation sans effet", "versé (€)", "reste à verser (€)", "renoncé (€)",
    "versement en retard",
]  # fmt: skip
"""The conventions list's columns. Columns are only ever added at the end: spreadsheets read
them by position."""


def conventions_csv(
    items: Iterable[ConventionSummary], ledgers: Mapping[str, Ledger] | None = None
) -> str:
    """The conventions list, with the state and next deadline in words and ISO both, and the
    last day of the expiry's hold when an extension in signature holds it (rule 27); then
    what its payments come to (`ledgers`, by reference: states.ledger), and whether a payment
    is overdue (`CONVENTION_HEADERS`)."""
    money = ledgers or {}
    return to_csv(CONVENTION_HEADERS, (_convention_row(item, money) for item in items))


def conventions_csv_parts(
    batches: Iterable[tuple[Sequence[ConventionSummary], Mapping[str, Ledger]]],
) -> Iterator[str]:
    """The same document as `conventions_csv`, in parts: the byte order mark and the header
    first, then the lines of each batch of conventions with what their payments come to (the
    exports stream it, `listing.conventions_by_batch`). Joined, the parts are the whole
    document, character for character."""
    yield to_csv(CONVENTION_HEADERS, ())
    for items, money in batches:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerows([cell(v) for v in _convention_row(item, money)] for item in items)
        yield buffer.getvalue()


def _convention_row(item: ConventionSummary, money: Mapping[str, Ledger]) -> list[Any]:
    """One convention's line of the list (`CONVENTION_HEADERS`)."""
    return [
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
        *_money_cells(money.get(item["reference"])),
        # a payment (an instalment, a balance) overdue, as the « En retard » lists say it
        "oui" if any(late["kind"] == "payment" for late in item["overdue"]) else "",
    ]


def _money_cells(found: Ledger | None) -> list[str]:
    """Paid, left to pay, forgone (empty when the convention's figures were not read)."""
    if found is None:
        return ["", "", ""]
    return [euros_cell(found.paid), euros_cell(found.left), euros_cell(found.forgone)]


def deadlines_csv(
    items: Iterable[DeadlineItem],
    overdue: Sequence[OverdueItem] = (),
    ledgers: Mapping[str, Ledger] | None = None,
    *,
    overdue_lines: bool = True,
) -> str:
    """The upcoming deadlines list; before them (`overdue_lines`), the obligations `overdue`
    the service has recorded passed (those passed and not recorded yet are among the upcoming
    ones), oldest first, as the deadlines page lists them under « En retard ». Each line says
    whether it is overdue, and a payment's instalment (0, the single payment: empty) and what
    remains due on it (`ledgers`, by reference)."""
    headers = ["date", "échéance", "échéance (code)", "référence", "intitulé", "état", "fin (UTC)",
               "suspendue (avenant en signature)", WITHOUT_EFFECT,
               "en retard", "versement n°", "montant dû (€)"]  # fmt: skip
    money = ledgers or {}
    late = {_overdue_key(item) for item in overdue}
    rows = [
        [
            item["due_date"],
            deadline_label(item["kind"]),
            item["kind"],
            item["reference"],
            item["title"],
            labels.state(item["state"]),
            instant(end_of_day(day)) if (day := _day(item["due_date"])) else "",
            "",
            "",
            "oui",
            *_payment_cells(item["kind"], item["instalment"], money.get(item["reference"])),
        ]
        for item in overdue
        if overdue_lines and not item["passed_unrecorded"]
    ] + [
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
            # passed, not recorded yet, still owed: the page lists it under « En retard » too
            "oui" if _overdue_key(item) in late else "",
            *_payment_cells(item["kind"], item["instalment"], money.get(item["reference"])),
        ]
        for item in items
    ]
    return to_csv(headers, rows)


def _overdue_key(item: DeadlineItem | OverdueItem) -> tuple[str, str, int, str | None]:
    return item["reference"], item["kind"], item["instalment"], item["due_date"]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _payment_cells(kind: str, number: int, found: Ledger | None) -> list[str]:
    """A payment deadline's instalment (empty for the single payment) and what remains due on
    it; nothing for another kind."""
    if kind != "payment":
        return ["", ""]
    due = found.due.get(number) if found is not None else None
    return [str(number) if number else "", euros_cell(due)]


def history_csv(items: Iterable[HistoryRow], chain: Sequence[StoredLine] | None = None) -> str:
    """One convention's history: every event, who recorded it and with what; given its chain
    (the dossier's), each line's hashes and the content they cover (states.chain), so that the
    file can be checked by itself (`convflow verify --dossier`)."""
    headers = HISTORY_HEADERS + (CHAIN_HEADERS if chain is not None else []) + LATE_HEADERS
    hashes = {line.seq: (line, before, after) for line, before, after in chain or ()}
    lines = list(items)
    late = dated_before(lines)
    rows = (history_cells(item) + (_chain_cells(hashes[item["seq"]]) if chain is not None else [])
            + [late_cell(late.get(item["seq"]))]
            for item in lines)  # fmt: skip
    return to_csv(headers, rows)


HISTORY_HEADERS = ["n°", "date", "événement", "de", "vers", "par", "saisi le (UTC)", "données"]
CHAIN_HEADERS = ["empreinte précédente", "empreinte", "contenu haché"]
"""The dossier's history's columns of the chain: the line's hashes, and the exact content
(sorted JSON, states.chain.canonical) its hash covers."""
LATE_HEADERS = ["saisi après coup, daté avant"]
"""The last column: a line recorded late, dated before a line recorded earlier
(states.recording_order), names that line, « ligne n° 9 du 2025-06-10 »; empty otherwise.
After the chain's columns in a dossier (columns are only ever added at the end)."""


def late_cell(earlier: Mapping[str, Any] | None) -> str:
    """The cell of LATE_HEADERS: the line recorded earlier this one is dated before, with its
    date as recorded, « ligne n° 9 du 2025-06-10 »; empty for a line in date order."""
    if earlier is None:
        return ""
    return f"ligne n°\u00a0{earlier['seq']} du {earlier['date']}"


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
