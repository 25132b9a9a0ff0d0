"""Drafts to complete: the rows of an open-data (SCDL) file kept until a person completes them.

An SCDL row gives part of a convention file (workflow.files.scdl); it is stored as an intake
draft, all the file's rows or none. A row whose subsidy (award decision's reference and
beneficiary's SIRET or RNA) is already loaded as a convention, or already waiting as a draft,
refuses the file, naming its line (a signed convention of that beneficiary, date and amount
whose award decision is not recorded counts as loaded too). Completing a draft creates the
convention in `draft` and takes the intake draft off the list (kept with the convention's
reference: the convention does not hold the award decision's reference until it is
recorded), in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from states.errors import ConvflowError
from states.visible import visible
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.files.convention_file import ConventionFileError
from workflow.files.scdl import ScdlRow
from workflow.usecases.commands import ConventionImported, ImportConvention
from workflow.usecases.conventions import load_convention


class UnknownIntakeDraft(ConvflowError, LookupError):
    """No draft to complete has this number (completed, or never made)."""

    def __init__(self, draft: int) -> None:
        self.draft = draft
        super().__init__("unknown_intake_draft", draft=draft)


@dataclass(frozen=True)
class IntakeDraft:
    """A convention to complete: the file's fields known (dotted names), the SCDL columns
    that are no such field, what is still missing, where it was read."""

    id: int
    fields: dict[str, str]
    facts: dict[str, str]
    missing: tuple[str, ...]
    source: str
    line: int
    created_by: str
    created_at: datetime

    @property
    def summary(self) -> str:
        """Who grants to whom, for a list."""
        grantor, beneficiary = (self.fields.get(f"parties[{n}].name", "?") for n in (0, 1))
        return f"{grantor} → {beneficiary}"


def _draft(row: Any) -> IntakeDraft:
    return IntakeDraft(
        row.id, dict(row.fields), dict(row.facts), tuple(row.missing), row.source, row.line,
        row.created_by, row.created_at,
    )  # fmt: skip


def check_new(app: App, rows: Sequence[ScdlRow], source: str) -> None:
    """Refuse the rows already loaded or waiting, naming each (the report, before saving)."""
    with app.uow(read_only=True) as uow:
        _refuse_known(uow, rows, source)


def _refuse_known(uow: UnitOfWork, rows: Sequence[ScdlRow], source: str) -> None:
    keys = [row.key for row in rows]
    pending = uow.intake_drafts.pending(keys)
    by_decision, by_content = uow.intake_drafts.loaded(sorted({row.beneficiary for row in rows}))
    loaded = {**by_decision, **uow.intake_drafts.completed(keys)}
    for row in rows:  # a signed convention of that beneficiary, date and amount, no award known
        signed = by_content.get(row.content_key)
        if row.key not in loaded and signed is not None and not (row.decision and signed[1]):
            loaded[row.key] = signed[0]
    problems: list[dict[str, Any]] = []
    for row in rows:
        if row.key in loaded:
            problems.append(_known(row, "loaded", reference=loaded[row.key]))
        elif row.key in pending:
            problems.append(_known(row, "pending", draft=pending[row.key]))
    if problems:
        first, *others = problems
        raise ConventionFileError(source, first["line"], first["field"], first["code"],
                                  others=others, **first["params"])  # fmt: skip


def _known(row: ScdlRow, how: str, **params: Any) -> dict[str, Any]:
    """A row whose subsidy is known already: by its decision and beneficiary, or, without a
    decision's reference, by its beneficiary, date and amount."""
    if row.decision:
        said = {"decision": row.decision, "beneficiary": row.beneficiary}
        code = "scdl_already_loaded" if how == "loaded" else "scdl_already_pending"
        return {"field": "referenceDecision", "line": row.line, "code": code,
                "params": {**said, **params}}  # fmt: skip
    told = {"beneficiary": row.beneficiary, "on": row.facts["dateConvention"],
            "amount": row.fields["amount"]}  # fmt: skip
    column = "idBeneficiaire" if row.fields.get("parties[1].siret") else "rnaBeneficiaire"
    code = "scdl_undecided_already_loaded" if how == "loaded" else "scdl_undecided_already_pending"
    return {"field": column, "line": row.line, "code": code,
            "params": {**told, **params}}  # fmt: skip


def save_drafts(
    app: App, rows: Sequence[ScdlRow], source: str, actor: str, now: datetime
) -> list[int]:
    """Keep every row as a draft to complete, all or nothing; their numbers."""
    with app.uow() as uow:
        uow.intake_drafts.lock()
        _refuse_known(uow, rows, source)
        ids = uow.intake_drafts.add_many(
            [{"dedupe_key": row.key, "fields": row.fields, "facts": row.facts,
              "missing": list(row.missing), "source": visible(source)[:300], "line": row.line}
             for row in rows],
            actor, now,
        )  # fmt: skip
        uow.commit()
    return ids


def intake_drafts(app: App) -> list[IntakeDraft]:
    """Every draft waiting to be completed, oldest first."""
    with app.uow(read_only=True) as uow:
        return [_draft(row) for row in uow.intake_drafts.all()]


def intake_draft(app: App, draft_id: int) -> IntakeDraft:
    """One draft to complete; refused if there is none by that number."""
    with app.uow(read_only=True) as uow:
        row = uow.intake_drafts.get(draft_id)
    if row is None:
        raise UnknownIntakeDraft(draft_id)
    return _draft(row)


def complete_draft(
    app: App, draft_id: int, command: ImportConvention, now: datetime
) -> ConventionImported:
    """Create the convention the person completed from draft `draft_id`, and take the draft
    off the list (kept with the convention's reference, for the dedupe), in one transaction:
    both or neither (a draft completed or removed meanwhile is refused)."""
    with app.uow() as uow:
        row = uow.intake_drafts.get(draft_id)
        if row is None or not uow.intake_drafts.complete(draft_id, command.convention.reference):
            raise UnknownIntakeDraft(draft_id)
        source = f"{command.source} : brouillon n°\u00a0{draft_id}, {row.source}, ligne {row.line}"
        done = load_convention(app, uow, replace(command, source=source[:500]), now)
        uow.commit()
    return done


def discard_draft(app: App, draft_id: int) -> None:
    """Remove a draft to complete without making a convention of it."""
    with app.uow() as uow:
        if not uow.intake_drafts.remove(draft_id):
            raise UnknownIntakeDraft(draft_id)
        uow.commit()
