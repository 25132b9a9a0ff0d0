"""Erase a convention's signatories' personal data once its file's retention has run (rule 21):
every row that names them rewritten with their roles, and a history line that records the
erasure, with the archives' reference and the hash of each line it redacted, in one
transaction. Refused, changing nothing, before the end of the retention or a second time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from states.calendar import civil_date
from states.chain import attestation
from states.erasure import EVENT, check_erasable, replacements
from states.errors import InvalidInput
from states.inputs import check_actor, check_text
from states.lifecycle import Outcome
from states.retention import dispute_ended_on
from workflow.bootstrap import App


@dataclass(frozen=True)
class Erase:
    """Erase convention `reference`'s signatories' personal data, by `actor`, with the
    reference of the file's transfer to the archives (or of its elimination visa)."""

    reference: str
    archives_reference: str
    actor: str


def erase_personal_data(app: App, command: Erase, now: datetime) -> dict[str, Any]:
    """Erase, record it, and say what was done: the signatories' roles and the lines redacted."""
    today = civil_date(now)
    archives = check_text(command.archives_reference.strip(), "archives_reference", 200)
    if not archives and app.settings.erase_requires_archives_reference:
        raise InvalidInput("archives_reference", "archives_reference_required")
    check_actor(command.actor)
    with app.uow() as uow:
        convention = uow.conventions.get(command.reference, for_update=True)
        convention_id = uow.conventions.id_of(command.reference)
        lines = uow.conventions.history(convention_id)
        ended = dispute_ended_on((line.name, line.occurred_on) for line in lines)
        check_erasable(convention, app.settings.file_retention_years, today, erased_on(lines),
                       ended)  # fmt: skip
        people, parties = uow.erasure.people(convention_id)
        found = replacements(people, parties)
        redacted = uow.erasure.redact(convention_id, convention.reference, found)
        inputs = {"archives": archives or "—", "redacted": attestation(redacted)}
        outcome = Outcome(convention.reference, EVENT, convention.state, convention.state, today,
                          command.actor, inputs)  # fmt: skip
        uow.conventions.record(convention, outcome, now)
        uow.commit()
    return {
        "reference": command.reference,
        "erased_on": today.isoformat(),
        "archives_reference": archives or None,
        "signatories": len(people),
        "lines_redacted": sorted(redacted),
    }


def erased_on(lines: list[Any]) -> date | None:
    """The day a convention's personal data were erased, from its history; None if never."""
    return next((line.occurred_on for line in lines if line.name == EVENT), None)
