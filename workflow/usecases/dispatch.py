"""The dispatcher: claims due emails from the outbox, renders them, sends them, records the answer.

Claiming is its own short transaction (on PostgreSQL with SKIP LOCKED, so several dispatchers
share the work); the SMTP conversation happens outside any transaction; the answers are
recorded in a second one. A dispatcher killed in between leaves its claim, which is taken back
after the lease: at most the messages in flight go twice, under the same Message-ID.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from notifications import DeliveryOutcome, DeliveryResult, OutgoingEmail, Renderer, Sender
from storage.tables import AnyRow
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.usecases.emails import convention_snapshot, rehydrate

log = logging.getLogger(__name__)
_MAX_DELAY = timedelta(hours=1)


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def retry_delay(attempts: int, base_seconds: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base... capped at one hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), _MAX_DELAY)


def _render(renderer: Renderer, row: AnyRow, convention: dict[str, Any] | None) -> OutgoingEmail:
    rendered = renderer.render(row.kind, rehydrate({**row.context, "convention": convention}))
    return OutgoingEmail(
        message_id=row.message_id,
        idempotency_key=row.idempotency_key,
        sender=row.sender,
        to=tuple(row.recipients),
        cc=tuple(row.cc),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        created_at=row.created_at,
    )


def _conventions(app: App, rows: list[AnyRow]) -> dict[str, dict[str, Any]]:
    """The conventions a batch of emails is about, as they stand now, as emails describe them."""
    references = sorted({row.context.get("reference") for row in rows} - {None})
    with app.uow(read_only=True) as uow:
        try:
            found = uow.conventions.get_each(references)
        except Exception:  # one that cannot be read must not hold back the others' emails
            found = []
            for reference in references:
                try:
                    found += uow.conventions.get_each([reference])
                except Exception:
                    log.exception("%s: cannot be read to render its emails", reference)
    return {convention.reference: convention_snapshot(convention) for convention in found}


def deliver(app: App, sender: Sender, now: datetime, batch: int = 25) -> DeliveryReport:
    """Send every email due at `now`, batch by batch, one SMTP connection per batch.

    Batches stay small so that one (up to 25 emails at the SMTP timeout each) ends well within
    the claim lease: another dispatcher never takes back emails still being sent.
    """
    report = DeliveryReport()
    lease = timedelta(seconds=app.settings.claim_lease_seconds)
    while True:
        with app.uow() as uow:
            rows = uow.outbox.claim(now, batch, lease)
            uow.commit()
        if not rows:
            return report
        for row in rows:
            if row.status == "sending":
                log.warning(
                    "taking back %s %s, claimed at %s by a dispatcher that never answered: "
                    "sending it again under the same Message-ID",
                    row.kind, row.message_id, row.claimed_at.isoformat(),
                )  # fmt: skip
        # Loop until nothing is due: alerts queued by this batch are due now and go too.
        _deliver_batch(app, sender, rows, now, report)


def _deliver_batch(
    app: App, sender: Sender, rows: list[AnyRow], now: datetime, report: DeliveryReport
) -> None:
    emails: list[tuple[AnyRow, OutgoingEmail]] = []
    broken: list[tuple[AnyRow, str]] = []
    conventions = _conventions(app, rows)
    for row in rows:
        try:
            convention = conventions.get(row.context.get("reference"))
            emails.append((row, _render(app.renderer, row, convention)))
        except Exception as problem:  # a template that cannot render is a permanent failure
            broken.append((row, f"rendering failed: {problem}"))
    results = sender.send([email for _, email in emails]) if emails else []
    with app.uow() as uow:
        for (row, email), result in zip(emails, results, strict=True):
            _record(app, uow, row, email.subject, result, now, report)
        for row, error in broken:
            _fail(app, uow, row, error, None, now, report)
        uow.commit()


def _record(
    app: App,
    uow: UnitOfWork,
    row: AnyRow,
    subject: str,
    result: DeliveryResult,
    now: datetime,
    report: DeliveryReport,
) -> None:
    if result.outcome == DeliveryOutcome.SENT:
        uow.outbox.sent(row.id, subject, now)
        report.sent.append(row.message_id)
        log.info(
            "sent %s %s to %s (%s)",
            row.kind,
            row.message_id,
            ", ".join(row.recipients),
            result.detail,
        )
        return
    attempt = row.attempts + 1  # the claim counted this attempt after reading the row
    if result.outcome == DeliveryOutcome.TEMPORARY and attempt < app.settings.max_attempts:
        at = now + retry_delay(attempt, app.settings.retry_base_seconds)
        uow.outbox.retry(row.id, at, result.detail)
        report.retried.append(row.message_id)
        log.warning(
            "temporary failure for %s %s (attempt %d): %s; next try at %s",
            row.kind,
            row.message_id,
            attempt,
            result.detail,
            at.isoformat(),
        )
        return
    reason = result.detail
    if result.outcome == DeliveryOutcome.TEMPORARY:
        reason = f"gave up after {attempt} attempts: {result.detail}"
    _fail(app, uow, row, reason, subject, now, report)


def _fail(
    app: App,
    uow: UnitOfWork,
    row: AnyRow,
    error: str,
    subject: str | None,
    now: datetime,
    report: DeliveryReport,
) -> None:
    uow.outbox.fail(row.id, error, subject)
    report.failed.append(row.message_id)
    alert = app.mailer.queue_alert(uow, dict(row._mapping), error, now)
    unalerted = ""
    if alert is None and row.kind != "delivery_failed":  # an alert is never alerted about
        unalerted = " (no administrator to alert: set CONVFLOW_ADMIN_EMAILS)"
    log.error(
        "could not deliver %s %s to %s: %s%s",
        row.kind,
        row.message_id,
        ", ".join(row.recipients),
        error,
        unalerted,
    )


__all__ = ["DeliveryReport", "Renderer", "deliver", "retry_delay"]
