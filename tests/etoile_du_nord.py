"""A convention whose article 2 states each instalment both ways, share and amount
(« une première tranche de 70 %, soit 31 850,00 € »), as many conventions do: the document an
agent of the Métropole brings into convflow, read by `convflow extract` and by the dashboard's
« Lire le document ». Its Métropole signatory's title differs between the parties block and the
signatures (the draft leaves it for a person)."""

from __future__ import annotations

ETOILE = """\
Convention de partenariat entre la Métropole Aix-Marseille-Provence et l’association
« L’Étoile du Nord » relative à l’animation estivale des quartiers prioritaires 2026-2027

Entre

La Métropole Aix-Marseille-Provence, représentée par sa Présidente, ou son représentant,
Madame Hélène D’Arcy, Vice-Présidente déléguée à la politique de la ville, dûment habilitée
par délibération du Conseil métropolitain,

Et

L’association « L’Étoile du Nord », association loi 1901, dont le siège est au 12, boulevard
de la Padouane, 13015 Marseille, représentée par Monsieur Jean-François Lefèvre, Président,

Il est convenu ce qui suit :

Article 1 – Objet

La présente convention a pour objet de définir les conditions dans lesquelles la Métropole
soutient l’animation estivale des quartiers prioritaires du 15e arrondissement de Marseille
portée par l’association.

Article 2 – Conditions financières

La participation financière de la Métropole s’élève à quarante-cinq mille cinq cents euros
(45 500,00 € TTC). Elle sera versée en deux fois : une première tranche de 70 %, soit
31 850,00 €, à la notification de la convention ; le solde de 30 %, soit 13 650,00 €, sur
présentation du bilan d’activité 2027.

Article 3 – Comité de pilotage

Un comité de pilotage (COPIL) réunissant les parties se tiendra au moins une fois par an.

Article 4 – Durée

La présente convention prend effet à compter de sa signature et s’achève le 30 juin 2027.

Article 5 – Modification

Toute modification de la présente convention fera l’objet d’un avenant écrit et signé par
les deux parties.

Article 6 – Litiges

Tout litige fera l’objet d’une tentative de règlement amiable. À défaut d’accord à l’issue
d’un délai de trente (30) jours calendaires à compter de la réception d’une lettre
recommandée avec avis de réception, chacune des parties peut saisir le tribunal administratif
de Marseille.

Article 7 – Résiliation

Chacune des parties peut résilier la présente convention par lettre recommandée avec accusé
de réception. La résiliation prend effet à l’expiration d’un délai de trois (3) mois à
compter de la lettre recommandée avec accusé de réception.

Fait à Marseille, le 5 mars 2026, en deux exemplaires originaux

Pour la Métropole Aix-Marseille-Provence
La Vice-Présidente déléguée
Mme Hélène D’ARCY

Pour l’association « L’Étoile du Nord »
Le Président
M. Jean-François LEFÈVRE
"""

SHARES_ONLY = ETOILE.replace(", soit\n31 850,00 €,", ",").replace(", soit 13 650,00 €,", ",")
"""The same convention, its instalments stated as shares only (« une première tranche de
70 %, à la notification »)."""
