"""The conventions a fault scenario works on, and the emails their events decide.

Each convention is imported, sent for signature and signed by both parties, through the
service layer: two emails (`signature_requested`, `convention_in_force`). One in four reached
its term two days ago: the service itself must expire it when it starts, and announce it
(`convention_expired`), so deadlines are applied under the same faults as delivery.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from states.convention import Convention
from tests.processes.conventions import bring_into_force, days, load
from workflow.bootstrap import App
from workflow.usecases import views

EmailKey = tuple[str | None, str]
"""An email as the scenario expects it: (convention, kind)."""


@dataclass(frozen=True)
class Fleet:
    """The scenario's conventions: which ones the service must expire."""

    references: tuple[str, ...]
    expiring: tuple[str, ...]

    def expected(self) -> Counter[EmailKey]:
        """Every email the scenario must deliver, once each."""
        emails: Counter[EmailKey] = Counter()
        for reference in self.references:
            emails.update([(reference, "signature_requested"), (reference, "convention_in_force")])
        emails.update((reference, "convention_expired") for reference in self.expiring)
        return emails

    def unexpired(self, app: App) -> list[str]:
        """The conventions whose term passed that the service has not expired yet."""
        return [ref for ref in self.expiring if views.status(app, ref)["state"] != "expired"]


def build_fleet(app: App, template: Convention, size: int, prefix: str = "F") -> Fleet:
    """`size` conventions in force; one in four with its term two days ago."""
    references, expiring = [], []
    for number in range(size):
        reference = f"{prefix}-{number:04d}"
        term_passed = number % 4 == 0
        load(app, template, reference, days(-2) if term_passed else days(400))
        bring_into_force(app, reference, days(-40))
        references.append(reference)
        if term_passed:
            expiring.append(reference)
    return Fleet(tuple(references), tuple(expiring))
