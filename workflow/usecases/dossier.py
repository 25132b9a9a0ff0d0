"""What a court would ask: a convention's evidence bundle, as one ZIP file (issue 12.4).

Its history (CSV, and a readable PDF), its status as `convflow status --json` gives it, every
paper (each read back and checked against its SHA-256: a corrupted one refuses the dossier),
every email as it was sent (.eml, with its Message-ID) and the delivery record of each, and a
manifest of every file's SHA-256 (`MANIFEST.sha256`, as `sha256sum -c` reads it).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from states.calendar import civil_date, french_date
from states.convention import Convention
from states.recording_order import dated_before
from workflow.bootstrap import App
from workflow.letters.render import render_history_pdf
from workflow.usecases import csv_export, views
from workflow.usecases.dispatch import messages
from workflow.usecases.documents import read
from workflow.usecases.iso import instant
from workflow.wording import dashboard as labels
from workflow.wording.values import long_date, paris_time

_UNSAFE = re.compile(r"[^\w.\-]+")


def dossier(app: App, reference: str, now: datetime) -> bytes:
    """The ZIP file of convention `reference`'s evidence, made at `now`."""
    status = views.status(app, reference, now)
    history = views.history(app, reference)
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        convention_id = uow.conventions.id_of(reference)
        emails = uow.outbox.for_convention(convention_id)
        papers = uow.documents.for_convention(convention_id)
        chain = next(uow.history.chains(reference))[1]
    state = {**status, "chain": {"lines": len(chain), "head": chain[-1][2] or ""}}
    paper_files = {f"pieces/{n:03d}-{_safe(p.name)}": p for n, p in enumerate(papers, start=1)}
    facts = _history_facts(status, history, convention, now, _papers_by_line(paper_files))
    files: dict[str, bytes] = {
        "historique.csv": csv_export.history_csv(history, chain).encode("utf-8"),
        "historique.pdf": render_history_pdf(facts),
        "etat.json": json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"),
    }
    for path, paper in paper_files.items():
        files[path], _ = read(app, paper.sha256)  # refuses a corrupted paper, by name
    sent = messages(app, list(emails))
    eml = {f"courriels/{n:03d}-{row.kind}.eml": (row, m) for n, (row, m) in enumerate(sent, 1)}
    files.update({path: message for path, (_, message) in eml.items()})
    files["courriels.csv"] = _delivery_record({path: row for path, (row, _) in eml.items()})
    return _zipped(files)


def _papers_by_line(paper_files: Mapping[str, Any]) -> dict[int, list[str]]:
    """The papers attached to each history line, by its number, as the dossier names them:
    « pieces/002-signed.pdf (convention signée) »."""
    attached: dict[int, list[str]] = {}
    for path, paper in paper_files.items():
        if paper.event_seq is not None:
            said = f"{path} ({labels.document_kind(paper.kind)})"
            attached.setdefault(paper.event_seq, []).append(said)
    return attached


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("_")[:120] or "piece"


def _history_facts(
    status: Mapping[str, Any],
    history: list[Any],
    convention: Convention,
    now: datetime,
    papers: Mapping[int, list[str]],
) -> dict[str, Any]:
    """The history as its reader reads it, in the dashboard's words: states and events by their
    labels, dates in words, amounts in euros, parties and signatories by name, and the papers
    attached to each line. The values as recorded stay in historique.csv and etat.json, which
    this does not touch."""
    late = dated_before(history)
    rows = [
        {
            "seq": row["seq"],
            "date": long_date(row["date"]),
            "late": _late_note(late.get(row["seq"])),
            "event": labels.event(row["event"], row.get("amendment"), row["inputs"]),
            "papers": papers.get(row["seq"], []),
            "amendment": row.get("amendment"),
            "states": labels.history_states(row),
            "actor": row["actor"],
            "inputs": labels.history_inputs(row, convention),
            "recorded_at": paris_time(row["recorded_at"]),
        }
        for row in history
    ]
    return {"reference": status["reference"], "title": status["title"], "rows": rows,
            "made": french_date(civil_date(now)), "any_late": bool(late)}  # fmt: skip


def _late_note(earlier: Mapping[str, Any] | None) -> str:
    """A line recorded late, as the convention's page marks it: « saisi après coup : daté avant
    la ligne n° 9 du 10 juin 2025, saisie plus tôt »; empty for a line in date order."""
    if earlier is None:
        return ""
    return (f"saisi après coup\u00a0: daté avant la ligne n°\u00a0{earlier['seq']} du "
            f"{long_date(earlier['date'])}, saisie plus tôt")  # fmt: skip


def _delivery_record(rows: Mapping[str, Any]) -> bytes:
    """Each email (by its file in the dossier), its Message-ID, recipients and what became of
    it, in French as historique.csv says its lines; instants in UTC, as recorded."""
    headers = ["fichier", "courriel", "Message-ID", "à", "copie", "état", "tentatives",
               "créé le (UTC)", "envoyé le (UTC)", "erreur"]  # fmt: skip
    lines = (
        [path, labels.email(row.kind), row.message_id, " ".join(row.recipients),
         " ".join(row.cc), labels.outbox_status(row.status), row.attempts,
         instant(row.created_at), instant(row.sent_at), row.last_error or ""]
        for path, row in rows.items()
    )  # fmt: skip
    return csv_export.to_csv(headers, lines).encode("utf-8")


def _zipped(files: dict[str, bytes]) -> bytes:
    ordered = sorted(files.items())
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in ordered)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in ordered:
            archive.writestr(name, data)
        archive.writestr("MANIFEST.sha256", manifest)
    return out.getvalue()
