"""`convflow verify` as the administrator runs it after a restore or a doubt."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.conftest import EXAMPLE, CliClock, Convflow

REF = "AMP-CRPV-PACA-2025"


def _spaced(text: str) -> str:
    """French amounts' narrow and no-break spaces as plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_verify_says_the_chains_hold_then_names_the_line_a_superuser_changed(
    convflow: Convflow,
) -> None:
    convflow.ok("import", str(EXAMPLE))  # with its 2025 history: six lines

    held = convflow.ok("verify")
    assert "1 historique(s), 6 ligne(s)\u00a0: chaque chaîne est intacte" in held
    head = convflow.json("verify", REF)["heads"][REF]
    assert head in held

    engine = create_engine(convflow.env["CONVFLOW_DATABASE_URL"])
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER event_no_update"))
        connection.execute(text("UPDATE event SET occurred_on = '2025-03-01' WHERE seq = 2"))
    engine.dispose()

    result = convflow("verify")
    assert result.exit_code == 1
    assert (
        f"{REF}\u00a0: la ligne 2 de l'historique a été modifiée depuis son écriture"
        in result.stderr
    )
    assert convflow.refusal("verify", "NOPE")["code"] == "unknown_convention"


def test_verify_names_a_term_changed_beside_the_history(convflow: Convflow) -> None:
    """The convention's row changed by hand, its history untouched: verify fails, naming the
    term, the value stored and the one the import's line recorded."""
    convflow.ok("import", str(EXAMPLE))
    engine = create_engine(convflow.env["CONVFLOW_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE convention SET amount = '250000.00'"))
    engine.dispose()

    result = convflow("verify")
    assert result.exit_code == 1
    assert _spaced(result.stderr).splitlines() == [
        f"{REF} : Montant (€ TTC) (amount) : la base de données dit 250 000,00 €, la ligne 1 de "
        "l'historique établit 200 000,00 €"
    ]
    assert convflow.english("verify").stderr.splitlines() == [
        f"{REF}: amount stored is 250000.00, history line 1 establishes 200000.00"
    ]  # English keeps the names and values a script reads back


def test_verify_says_each_difference_by_its_label_and_its_values_in_french(
    convflow: Convflow, tmp_path: Path
) -> None:
    """The convention's term, state, a party's name and a signatory's address, and a paper's
    kind changed by hand: each named by its label, its values as French reads them, never a
    raw field name (« end_date ») nor an ISO date alone."""
    convflow.ok("import", str(EXAMPLE))
    paper = tmp_path / "convention.pdf"
    paper.write_bytes(b"%PDF-1.4 signed")
    convflow.ok("attach", REF, str(paper), "--kind", "signed_convention")
    engine = create_engine(convflow.env["CONVFLOW_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE convention SET end_date = '2026-01-31', state = 'dispute'"))
        connection.execute(text("UPDATE party SET name = 'Autre nom' WHERE key = 'crpv'"))
        connection.execute(text("UPDATE signatory SET email = 'x@example.org' "
                                "WHERE email = 'martial.alvarez@example.org'"))  # fmt: skip
        connection.execute(text("UPDATE document SET kind = 'other'"))
    engine.dispose()

    said = _spaced(convflow("verify", REF).stderr).splitlines()

    assert said[:2] == [
        f"{REF} : État de la convention (state) : la base de données dit en litige (dispute), "
        "la ligne 7 de l'historique établit en exécution (execution)",
        f"{REF} : Terme (date de fin) (end_date) : la base de données dit samedi 31 janvier "
        "2026, la ligne 1 de l'historique établit mercredi 31 décembre 2025",
    ]
    assert (f"{REF} : Partie crpv (party.crpv) : la base de données dit Autre nom, la ligne 1 "
            "de l'historique établit GIP Centre de Ressources pour la Politique de la Ville PACA "
            "(CRPV PACA)") in said  # fmt: skip
    assert (f"{REF} : Représentants de la partie metropole (signatory.metropole) : la base de "
            "données dit Martial Alvarez (Vice-Président délégué, pour la Présidente, "
            "x@example.org), la ligne 1 de l'historique établit Martial Alvarez (Vice-Président "
            "délégué, pour la Présidente, martial.alvarez@example.org)") in said  # fmt: skip
    papers = [line for line in said if "Pièce jointe (paper)" in line]
    assert len(papers) == 2
    assert "la ligne 7 de l'historique établit convention signée, 15 octets" in papers[0]
    assert "la base de données dit autre pièce, 15 octets, SHA-256 " in papers[1]
    for raw in (" end_date ", " amount ", "2025-12-31", "|", " enregistré vaut "):
        assert not any(raw in line for line in said), raw


SCHEDULE = EXAMPLE.parent / "convention-exemple-quartiers-nord-2027.toml"
"""AMP-EXEMPLE-2027: 27 000,00 € after the notification, 18 000,00 € on the activity report."""


def test_verify_names_an_instalment_and_a_payment_changed_beside_the_history(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    """The finance tester's psql edits (M2): instalment n° 2 lowered in `convention.clauses`,
    what was paid on n° 1 raised in `convention.payments`. Both named, by their label, each
    with the line that establishes the true value: the import's for the schedule, the
    payment's for what was paid; `status` meanwhile shows the edited figures."""
    cli_clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    convflow.ok("import", str(SCHEDULE))
    for args in (["submit", "--on", "2027-01-04"],
                 ["sign", "signatory=nadia.benali@example.org", "--on", "2027-01-06"],
                 ["sign", "signatory=martial.alvarez@example.org", "--on", "2027-01-08"],
                 ["notify", "--on", "2027-01-15"],
                 ["pay", "amount=27000,00", "--on", "2027-02-10"]):  # fmt: skip
        convflow.ok("event", "AMP-EXEMPLE-2027", *args)
    assert convflow("verify").exit_code == 0
    engine = create_engine(convflow.env["CONVFLOW_DATABASE_URL"])
    cast = "::text" if engine.dialect.name == "postgresql" else ""
    back = "::json" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as connection:
        for column, before, after in (("clauses", "18000.00", "15000.00"),
                                      ("payments", "27000.00", "30000.00")):  # fmt: skip
            connection.execute(text(f"UPDATE convention SET {column} = replace({column}{cast}, "
                                    f"'\"{before}\"', '\"{after}\"'){back}"))  # fmt: skip
    engine.dispose()

    result = convflow("verify", "AMP-EXEMPLE-2027")
    assert result.exit_code == 1
    assert _spaced(result.stderr).splitlines() == [
        "AMP-EXEMPLE-2027 : Montant du versement n° 2 (instalment.2.amount) : la base de données "
        "dit 15 000,00 €, la ligne 1 de l'historique établit 18 000,00 €",
        "AMP-EXEMPLE-2027 : Montant versé au titre du versement n° 1 (instalment.1.paid_amount) : "
        "la base de données dit 30 000,00 €, la ligne 6 de l'historique établit 27 000,00 €",
    ]
    assert "15 000,00" in _spaced(convflow.ok("status", "AMP-EXEMPLE-2027"))
    found = json.loads(convflow("verify", "AMP-EXEMPLE-2027", "--json").stdout)["differences"]
    assert [(d["seq"], d["field"], d["recorded"], d["stored"]) for d in found] == [
        (1, "instalment.2.amount", "18000.00", "15000.00"),
        (6, "instalment.1.paid_amount", "27000.00", "30000.00"),
    ]  # a script reads the names and the values as the lines record them


def test_verify_checks_an_exported_dossier_by_itself(convflow: Convflow, tmp_path: Path) -> None:
    """The tester's case: historique.csv edited and the manifest recomputed (`sha256sum -c`
    passes); `verify --dossier` names the line and the cell, without the database."""
    convflow.ok("import", str(EXAMPLE))
    archive = tmp_path / "dossier.zip"
    convflow.ok("dossier", REF, "-o", str(archive))
    assert "--dossier" in convflow.ok("verify", "--help")

    held = convflow.ok("verify", "--dossier", str(archive))
    assert "6 ligne(s) d'historique, tout est intact" in held
    assert convflow.json("verify", "--dossier", str(archive))["problems"] == []

    folder = tmp_path / "dt"
    zipfile.ZipFile(archive).extractall(folder)
    history = folder / "historique.csv"
    history.write_bytes(history.read_bytes().replace(b"amount=200000.00", b"amount=20000.00"))
    manifest = folder / "MANIFEST.sha256"
    digest = hashlib.sha256(history.read_bytes()).hexdigest()
    manifest.write_text("".join(
        f"{digest}  historique.csv\n" if line.endswith("  historique.csv") else line + "\n"
        for line in manifest.read_text().splitlines()
    ))  # fmt: skip

    result = convflow("verify", "--dossier", str(folder))
    assert result.exit_code == 1
    assert ("historique.csv, ligne 6, colonne «\u00a0données\u00a0»\u00a0: la cellule dit "
            "«\u00a0Montant (amount)\u00a0: 20000.00\u00a0»") in result.stderr  # fmt: skip


def test_verify_refuses_a_reference_with_a_dossier(convflow: Convflow, tmp_path: Path) -> None:
    """A dossier is checked by itself: a reference beside it would be silently ignored."""
    convflow.ok("import", str(EXAMPLE))
    archive = tmp_path / "dossier.zip"
    convflow.ok("dossier", REF, "-o", str(archive))

    result = convflow("verify", "AMP-AUTRE-2025", "--dossier", str(archive))
    assert result.exit_code == 1
    assert "--dossier" in result.stderr and "AMP-AUTRE-2025" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    refusal = convflow.refusal("verify", "AMP-AUTRE-2025", "--dossier", str(archive))
    assert refusal["code"] == "reference_with_dossier"


def test_verify_says_a_dossier_s_problems_in_words(convflow: Convflow, tmp_path: Path) -> None:
    """The human output names each problem in French, the field's own name in words; `--json`
    keeps the codes (`listed`, `absent`, `données`...)."""
    convflow.ok("import", str(EXAMPLE))
    archive = tmp_path / "dossier.zip"
    convflow.ok("dossier", REF, "-o", str(archive))
    folder = tmp_path / "dt"
    zipfile.ZipFile(archive).extractall(folder)
    history = folder / "historique.csv"
    history.write_bytes(history.read_bytes().replace(b"amount=200000.00", b"amount=20000.00"))
    (folder / "etat.json").unlink()
    (folder / "note.txt").write_text("ajouté")

    result = convflow("verify", "--dossier", str(folder))
    assert result.exit_code == 1
    said = result.stderr
    for raw in (
        ": absent\n",
        "unlisted",
        "listed\u00a0:",
        "sha256\u00a0:",
        "amount=",
        "ligne 0",
        "None",
    ):
        assert raw not in said, (raw, said)
    assert "etat.json\u00a0: absent du dossier, que son manifeste liste pourtant" in said
    assert "etat.json\u00a0: n'indique aucune tête de chaîne" in said
    assert "note.txt\u00a0: présent dans le dossier, absent de son manifeste" in said
    assert (
        "historique.csv\u00a0: son empreinte SHA-256 n'est pas celle que son manifeste indique"
        in said
    )
    assert ("historique.csv, ligne 6, colonne «\u00a0données\u00a0»\u00a0: la cellule dit "
            "«\u00a0Montant (amount)\u00a0: 20000.00\u00a0», ce que le contenu haché de la ligne "
            "n'établit pas") in said  # fmt: skip
    as_json = convflow("verify", "--dossier", str(folder), "--json")
    assert as_json.exit_code == 1
    problems = json.loads(as_json.stdout)["problems"]
    assert {(p["file"], p["field"], p["detail"]) for p in problems} >= {
        ("etat.json", "listed", "absent"), ("note.txt", "listed", "unlisted"),
        ("historique.csv", "données", "amount=20000.00"),
    }  # fmt: skip
