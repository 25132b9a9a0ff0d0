"""Drafts an administrator edits from the dashboard, as convention files: the two examples and
a rich one holding every section the edit page carries in hidden inputs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

RICH = '''
reference = "AMP-RICHE-2026"
title = "Convention pluriannuelle d'objectifs avec quatre partenaires"
object = """Animation des conseils citoyens :
formation des membres, appui aux réunions.
Et l'évaluation « à mi-parcours » (article 1)."""
amount = "120000.00"
end_date = 2026-12-31
place = "Aix-en-Provence"

[clauses]
dispute_window_days = 45
termination_notice_months = 2
payment_target_days = 20
signature_target_days = 10

[clauses.articles]
payment = "article 3"
term = "article 5"
amendment = "article 6"
dispute = "article 8"
termination = "article 9"

[committee]
name = "Comité de pilotage"
article = "article 4"

[reminders]
expiry = [120, 30]
termination = [15]
dispute_window = [3]
court_possible = false
signature_every_days = 10
payment = []
publication = [14, 2]
financial_report = [60]

[open_data]
object = "Animation des conseils citoyens"

[financial_report]
basis = "by_law"
private_beneficiary = true
earmarked = true
year = 2026
year_end = "06-30"

[[payment.instalments]]
amount = "10000.00"
trigger = "notification"

[[payment.instalments]]
amount = "10000.00"
trigger = "date"
on = 2026-02-01

[[payment.instalments]]
amount = "10000.00"
trigger = "date"
on = 2026-03-01

[[payment.instalments]]
amount = "10000.00"
trigger = "date"
on = 2026-04-01

[[payment.instalments]]
amount = "10000.00"
trigger = "date"
on = 2026-05-01

[[payment.instalments]]
amount = "10000.00"
trigger = "date"
on = 2026-06-01

[[payment.instalments]]
amount = "10000.00"
trigger = "date"
on = 2026-07-01

[[payment.instalments]]
amount = "50000.00"
trigger = "report"
report = "bilan d'activité 2026"

[[parties]]
key = "metropole"
name = "Métropole Aix-Marseille-Provence"
siret = "20005480700009"

[[parties.signatories]]
name = "Martial Alvarez"
title = """Vice-Président délégué,
pour la Présidente"""
email = "martial.alvarez@example.org"

[[parties.signatories]]
name = "Anne Durand"
title = "Directrice générale des services"
email = "anne.durand@example.org"

[[parties.signatories]]
name = "Paul Martin"
title = "Directeur de la cohésion sociale"
email = "paul.martin@example.org"

[[parties.signatories]]
name = "Léa Bernard"
title = "Cheffe du service politique de la ville"
email = "lea.bernard@example.org"

[[parties]]
key = "association"
name = "Association Exemple Quartiers Nord"
rna = "W133001234"

[[parties.signatories]]
name = "Nadia Benali"
title = "Présidente"
email = "nadia.benali@example.org"

[[parties]]
key = "ville"
name = "Ville d'Aix-en-Provence"

[[parties.signatories]]
name = "Sophie Joissains"
title = "Maire"
email = "maire@example.org"

[[parties]]
key = "crpv"
name = "GIP CRPV PACA"
siret = "13002464400002"

[[parties.signatories]]
name = "Mustapha Berra"
title = "Directeur-ordonnateur"
email = "mustapha.berra@example.org"
'''
"""A draft with every section the form carries in hidden inputs: a fourth party, a fourth
signatory, eight instalments, the committee, the financial report, the open data, reminder
offsets (one list empty), articles, a multi-line object and signatory's title."""

DRAFTS = {
    "reference": (EXAMPLES / "convention-metropole-amp-crpv-paca-2025.toml").read_text("utf-8"),
    "second-example": (EXAMPLES / "convention-exemple-quartiers-nord-2027.toml").read_text("utf-8"),
    "rich": RICH,
}
"""The drafts an administrator edits: the two examples (loaded without their history, as
`convflow import --without-history` does) and the rich one."""
