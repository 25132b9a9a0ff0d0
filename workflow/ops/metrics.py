"""The service's metrics in Prometheus' text format (prometheus-client), for `/metrics`.

Two kinds: what this process did (due passes, their duration and lateness, deadlines applied,
emails by outcome), counted as it happens; and what the database holds (conventions by state,
emails by status, the oldest email waiting, deadlines by status), read at each scrape, so that
every instance on one PostgreSQL database reports the same work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from states.deadlines import DEADLINE_STATUSES
from states.lifecycle import STATES
from storage.link import within
from workflow.bootstrap import App
from workflow.usecases.dispatch import DeliveryReport
from workflow.usecases.due import DueReport
from workflow.usecases.monitoring import work_snapshot
from workflow.wording.labels import GLOSSARY

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DATABASE_SECONDS = 5.0
"""How long a scrape waits for the database's counts, at most: under Prometheus' own scrape
timeout (10 s by default), so that a silent database is said (`convflow_database_up 0`) rather
than the scrape failing."""
_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400)

# Every value each label may take, each series said from the start (0 until it happens): an
# alert rule on `convflow_emails_total{outcome="failed"}` or on pending emails sees 0, not a
# series absent until the first failure (absent, `rate()` and `> 0` say nothing at all).
EMAIL_OUTCOMES = ("sent", "retried", "uncertain", "failed", "cancelled", "held")
"""`held`: of the retried, those the mail server could not take because it refuses convflow's
own settings (counted at each look, about one a minute while the settings stay wrong)."""
DEADLINE_ACTIONS = ("expire", "terminate", "passed")
LATENESS_OF = ("deadline", "reminder")
OUTBOX_STATUSES = GLOSSARY["outbox_status"]


class _Work(Collector):
    """Reads the database's counts at each scrape."""

    def __init__(self, app: App) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("convflow_database_up", "1 if the database answered this scrape")
        try:  # within a bound: a database that says nothing is a database down, at once
            snapshot = within(DATABASE_SECONDS, lambda: work_snapshot(self.app, self.app.clock()))
        except Exception:  # a scrape never fails: it says the database did not answer
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _by_label("convflow_conventions", "Conventions by state", "state",
                        snapshot.conventions, STATES)  # fmt: skip
        yield _by_label("convflow_outbox_emails", "Emails in the outbox by status", "status",
                        snapshot.emails, OUTBOX_STATUSES)  # fmt: skip
        yield _by_label("convflow_deadlines", "Deadlines by status", "status", snapshot.deadlines,
                        DEADLINE_STATUSES)  # fmt: skip
        oldest = GaugeMetricFamily(
            "convflow_outbox_oldest_pending_age_seconds",
            "Age of the oldest email waiting to be delivered (0 when none waits)",
        )
        oldest.add_metric([], snapshot.oldest_pending_age or 0.0)
        yield oldest


def _by_label(
    name: str, text: str, label: str, counts: dict[str, int], known: Iterable[str]
) -> GaugeMetricFamily:
    """A gauge by label: every `known` value (0 when none), and any other value found."""
    family = GaugeMetricFamily(name, text, labels=[label])
    for value, count in sorted({**dict.fromkeys(known, 0), **counts}.items()):
        family.add_metric([value], count)
    return family


class Metrics:
    """This process's metrics and the database's, in one registry of its own."""

    def __init__(self, app: App) -> None:
        self.registry = CollectorRegistry()
        self.pass_duration = Histogram(
            "convflow_due_pass_duration_seconds",
            "How long a due pass took",
            buckets=_SECONDS,
            registry=self.registry,
        )
        self.lateness = Histogram(
            "convflow_due_lateness_seconds",
            "How late a deadline or reminder was acted on, after its due instant",
            ["what"],
            buckets=_SECONDS,
            registry=self.registry,
        )
        self.deadlines_applied = Counter(
            "convflow_deadlines_applied",
            "Deadlines acted on by this process, by action (expire, terminate, passed, announce)",
            ["action"],
            registry=self.registry,
        )
        self.emails = Counter(
            "convflow_emails",
            "Delivery attempts of this process by outcome (sent, retried, uncertain, failed, "
            "cancelled; held: of the retried, those held as the mail server refuses convflow's "
            "settings)",
            ["outcome"],
            registry=self.registry,
        )
        self.registry.register(_Work(app))
        for outcome in EMAIL_OUTCOMES:
            self.emails.labels(outcome)
        for action in DEADLINE_ACTIONS:
            self.deadlines_applied.labels(action)
        for what in LATENESS_OF:
            self.lateness.labels(what)

    def observe_pass(self, report: DueReport, began: datetime, ended: datetime) -> None:
        """Count what one due pass did."""
        self.pass_duration.observe((ended - began).total_seconds())
        for action in report.actions:
            self.deadlines_applied.labels(action.action).inc()
            if action.reason != "known_late":  # recorded after it fell: never the service's delay
                self.lateness.labels("deadline").observe(_late(began, action.due_at))
        for reminder in report.reminders:
            if reminder.reason != "known_late":
                self.lateness.labels("reminder").observe(_late(began, reminder.planned_at))
        self.observe_delivery(report.delivery)  # empty when delivery runs beside the pass

    def observe_delivery(self, delivery: DeliveryReport) -> None:
        """Count what one delivery did."""
        for outcome, emails in (
            ("sent", delivery.sent),
            ("retried", delivery.retried),
            ("uncertain", delivery.uncertain),
            ("failed", delivery.failed),
            ("cancelled", delivery.cancelled),
            ("held", delivery.held),
        ):
            if emails:
                self.emails.labels(outcome).inc(len(emails))

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)


def _late(now: datetime, due: datetime) -> float:
    return max(0.0, (now - due).total_seconds())
