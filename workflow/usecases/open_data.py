"""The SCDL « subventions » export: every convention whose essential data are due for
publication (rule 19), as the open-data CSV, and the rows that cannot be published yet."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from states.open_data import COLUMNS, Grantor, Unpublishable, due_for_publication, rows
from workflow.bootstrap import App


@dataclass(frozen=True)
class ScdlExport:
    """The CSV (header and published rows) and what was left out, with why."""

    csv: str
    published: int
    refused: tuple[Unpublishable, ...]


def scdl_export(app: App) -> ScdlExport:
    """The open-data file of every convention in force or ended, above the threshold."""
    settings = app.settings
    grantor = Grantor(settings.open_data_grantor_name, settings.open_data_grantor_siret)
    threshold = Decimal(str(settings.open_data_threshold))
    with app.uow(read_only=True) as uow:
        conventions = uow.conventions.get_each(uow.conventions.signed_references())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    published, refused = 0, []
    for convention in conventions:
        if not due_for_publication(convention, threshold):
            continue
        found, left = rows(convention, grantor)
        writer.writerows(found)
        published += len(found)
        refused += left
    return ScdlExport(out.getvalue(), published, tuple(refused))
