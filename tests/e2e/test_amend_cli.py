"""`convflow amend`, `convflow amendments` and amendment events from the command line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow


def _spaced(text: str) -> str:
    """French amounts' narrow and no-break spaces as plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def cli_clock_at_spring_2027(cli_clock: CliClock) -> None:
    """The command line's clock on 20 March 2027, for the 2027 example's life."""
    cli_clock.now = datetime(2027, 3, 20, 10, 0, tzinfo=UTC)


def _in_execution(convflow: Convflow) -> None:
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (
        ["submit", "--on", "2025-03-03"],
        ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
        ["sign", f"signatory={CRPV}", "--on", "2025-03-10"],
        ["notify", "--on", "2025-03-20"],
        ["pay", "amount=200 000,00", "--on", "2025-04-01"],
    ):
        convflow.ok("event", REF, *args)


def test_an_amendment_declared_in_a_file_extends_the_term(
    convflow: Convflow, tmp_path: Path
) -> None:
    _in_execution(convflow)
    avenant = tmp_path / "avenant-1.toml"
    avenant.write_text(
        '[changes]\nend_date = 2026-12-31\namount = "250000.00"\n'
        '"reminders.expiry" = [60, 30, 7]\n\n'
        '[[representatives]]\nparty = "metropole"\nname = "Jeanne Martin"\n'
        'title = "Vice-Présidente déléguée"\nemail = "jeanne.martin@example.org"\n',
        encoding="utf-8",
    )
    out = convflow.ok("amend", REF, "--file", str(avenant), "--on", "2025-11-03")
    assert out.splitlines()[-1] == "1"  # its number, alone on the last line
    convflow.ok("event", REF, "submit", "--amendment", "1", "--on", "2025-11-04")
    convflow.ok("event", REF, "sign", f"signatory={CRPV}", "--amendment", "1", "--on", "2025-11-05")
    out = convflow.ok(
        "event", REF, "sign", f"signatory={METROPOLE}", "--amendment", "1", "--on", "2025-11-06"
    )
    assert "Signature de l'avenant (sign)" in out and "(signature) → en vigueur (in_force)" in out
    [amendment] = convflow.json("amendments", REF)
    assert amendment["state"] == "in_force"
    assert {c["field"] for c in amendment["applied"]} == {
        "end_date",
        "amount",
        "reminders.expiry",
        "signatory.metropole",
    }
    status = convflow.json("status", REF)
    assert (status["end_date"], status["amount"]) == ("2026-12-31", "250000.00")
    assert status["terms"]["end_date"]["set_by"] == "avenant n°\u00a01"
    assert status["signatories"][0]["email"] == "jeanne.martin@example.org"
    text = convflow.ok("status", REF)
    assert "Jeanne Martin <jeanne.martin@example.org> — désignation par un avenant" in text
    assert f"Martial Alvarez <{METROPOLE}> — a signé le " in text
    assert "remplacé par l'avenant n°\u00a01" in text
    planned = [
        r["label"]
        for r in convflow.json("reminders", REF)
        if r["kind"] == "expiry" and r["status"] == "planned"
    ]
    assert planned == ["J-60", "J-30", "J-7"]
    history = convflow.ok("history", REF)
    assert "Signature de l'avenant (sign), avenant n°\u00a01" in history


def test_amendment_refusals_exit_1_and_usage_errors_exit_2(
    convflow: Convflow, tmp_path: Path
) -> None:
    _in_execution(convflow)
    refused = convflow.refusal("amend", REF, "colour=blue")
    assert (refused["code"], refused["params"]["field"]) == ("not_amendable", "colour")
    assert refused["message"].startswith(
        "colour\u00a0: un avenant ne peut pas modifier cet élément"
    )
    bad_file = tmp_path / "bad.toml"
    bad_file.write_text("[changes]\namount = 250000.5\n", encoding="utf-8")
    refused = convflow.refusal("amend", REF, "--file", str(bad_file))
    assert refused["code"] == "float_value"
    assert (refused["params"]["line"], refused["params"]["field"]) == (2, "changes.amount")
    assert convflow("event", REF, "abandon").exit_code == 2  # abandon needs --amendment
    assert convflow.refusal("event", REF, "abandon", exit_code=2)["code"] == (
        "abandon_needs_amendment"
    )
    missing = convflow("event", REF, "submit", "--amendment", "7")
    assert missing.exit_code == 1
    assert f"la convention {REF} n'a pas d'avenant n°\u00a07" in missing.stderr
    assert f"`convflow amendments {REF}`" in missing.stderr  # the command line's hint
    assert json.loads(convflow.ok("amendments", REF, "--json")) == []


def test_a_change_given_both_in_the_file_and_on_the_command_line_is_refused(
    convflow: Convflow, tmp_path: Path
) -> None:
    _in_execution(convflow)
    avenant = tmp_path / "avenant-1.toml"
    avenant.write_text("[changes]\nend_date = 2026-12-31\n", encoding="utf-8")
    result = convflow("amend", REF, "--file", str(avenant), "end_date=2027-06-30")
    assert result.exit_code == 2
    assert "end_date\u00a0: donné à la fois dans" in result.stderr
    assert "avenant-1.toml" in result.stderr
    refused = convflow.refusal("amend", REF, "--file", str(avenant), "end_date=2027-06-30",
                               exit_code=2)  # fmt: skip
    assert (refused["code"], refused["params"]["fields"]) == (
        "given_in_file_and_command",
        ["end_date"],
    )
    assert convflow.json("amendments", REF) == []


def test_an_amendment_file_refused_names_the_file_line_and_entry(
    convflow: Convflow, tmp_path: Path
) -> None:
    _in_execution(convflow)
    avenant = tmp_path / "avenant-1.toml"

    def refused(text: str) -> str:
        avenant.write_text(text, encoding="utf-8")
        result = convflow.english("amend", REF, "--file", str(avenant))
        assert result.exit_code == 1
        return result.stderr

    term = "[changes]\nend_date = 2026-12-31\n\n[[representatives]]\n"
    assert f"{avenant}, line 8: representatives[0].email: 'jeanne.martin' is not an email" in (
        refused(term + 'party = "metropole"\nname = "Jeanne Martin"\ntitle = "VP"\n'
                'email = "jeanne.martin"\n')
    )  # fmt: skip
    assert f"{avenant}, line 5: representatives[0]: no party 'mairie'" in refused(
        term + 'party = "mairie"\nname = "Jeanne Martin"\ntitle = "Maire"\n'
        'email = "jeanne.martin@example.org"\n'
    )
    assert f"{avenant}, line 2: changes.end_date: 2020-12-31 is before" in refused(
        "[changes]\nend_date = 2020-12-31\n"
    )
    assert convflow.json("amendments", REF) == []


def test_an_open_amendment_lists_each_term_beside_the_one_it_would_replace(
    convflow: Convflow,
) -> None:
    _in_execution(convflow)
    convflow.ok("amend", REF, "end_date=2026-12-31", "amount=250000.00", "--on", "2025-11-03")
    text = _spaced(convflow.ok("amendments", REF))
    # as the emails say them (finance tester's L4), the name one types after the label
    assert "  Terme de la convention (end_date) : 31 décembre 2025 → 31 décembre 2026" in text
    assert "  Montant (amount) : 200 000,00 € → 250 000,00 €" in text
    assert "2025-12-31" not in text and "250000.00" not in text
    assert convflow.json("amendments", REF)[0]["changes"]["amount"] == "250000.00"  # --json kept
    english = convflow.english("amendments", REF).stdout
    assert "  end_date: 2025-12-31 → 2026-12-31" in english  # as a script types them
    convflow.ok("event", REF, "abandon", "--amendment", "1", "--on", "2025-11-04")
    assert "  Montant (amount) : 250 000,00 € (proposé)" in _spaced(convflow.ok("amendments", REF))
    unchanged = convflow("amend", REF, "amount=200000.00", "--on", "2025-11-05")
    assert "c'est déjà sa valeur (200 000,00 €)" in _spaced(unchanged.stderr)


def test_an_amendment_s_states_and_terms_are_said_in_french(
    convflow: Convflow, tmp_path: Path
) -> None:
    """The legal officer's F7: no `in_force` in a refusal or in the dossier's history, and a
    new amount refused is named as the convention's amount, not as an amount paid."""
    _in_execution(convflow)
    refused = convflow.refusal("amend", REF, "amount=100000.00", "--on", "2025-11-03")
    assert refused["code"] == "amount_below_paid"
    assert refused["params"]["field"] == "amount"  # the key as typed: scripts read it
    assert refused["message"].startswith("Montant (amount)\u00a0: le nouveau montant")
    convflow.ok("amend", REF, "end_date=2026-06-30", "--on", "2025-11-03")
    convflow.ok("event", REF, "submit", "--amendment", "1", "--on", "2025-11-04")
    convflow.ok("event", REF, "sign", f"signatory={CRPV}", "--amendment", "1", "--on", "2025-11-05")
    convflow.ok(
        "event", REF, "sign", f"signatory={METROPOLE}", "--amendment", "1", "--on", "2025-11-06"
    )
    letter = convflow("letter", REF, "amendment", "--amendment", "1", "-o", str(tmp_path / "a.pdf"))
    assert letter.exit_code == 1
    assert "l'avenant n°\u00a01 est en vigueur\u00a0: son projet ne s'écrit" in letter.stderr
    assert "in_force" not in letter.stderr

    archive = tmp_path / "dossier.zip"
    convflow.ok("dossier", REF, "-o", str(archive))
    folder = tmp_path / "d"
    zipfile.ZipFile(archive).extractall(folder)
    history = (folder / "historique.csv").read_text(encoding="utf-8")
    assert ";Signature de l'avenant;en signature;en vigueur;" in history
    readable = [row[:8] for row in csv.reader(io.StringIO(history), delimiter=";")]
    assert not [row for row in readable if "in_force" in row or "abandoned" in row]
    assert convflow.json("verify", "--dossier", str(archive))["problems"] == []
    # A dossier written before said the amendment's state as its code: it still verifies.
    (folder / "historique.csv").write_text(
        history.replace(";en signature;en vigueur;", ";en signature;in_force;"), encoding="utf-8"
    )
    manifest = folder / "MANIFEST.sha256"
    digest = hashlib.sha256((folder / "historique.csv").read_bytes()).hexdigest()
    manifest.write_text("".join(
        f"{digest}  historique.csv\n" if line.endswith("  historique.csv") else line + "\n"
        for line in manifest.read_text().splitlines()
    ))  # fmt: skip
    assert convflow.json("verify", "--dossier", str(folder))["problems"] == []


def test_a_second_avenant_while_the_first_is_a_draft_names_the_commands_that_free_it(
    convflow: Convflow,
) -> None:
    """The legal officer's F11: « faites-le signer » said of a draft, which must first be
    submitted, and no command named."""
    _in_execution(convflow)
    convflow.ok("amend", REF, "end_date=2026-06-30", "--on", "2025-11-03")
    refused = convflow("amend", REF, "amount=250000.00", "--on", "2025-11-04")
    assert refused.exit_code == 1
    said = refused.stderr.replace("\u00a0", " ")
    assert "l'avenant n° 1 est encore en préparation : menez-le jusqu'à sa dernière" in said
    assert f"`convflow event {REF} abandon --amendment 1` l'abandonne" in said
    assert "`submit` (s'il est en préparation), puis `sign signatory=EMAIL`" in said
    # the commands named are the ones that work
    convflow.ok("event", REF, "abandon", "--amendment", "1", "--on", "2025-11-04")
    convflow.ok("amend", REF, "amount=250000.00", "--on", "2025-11-04")


def test_an_avenant_file_sets_one_instalment_s_amount_and_the_status_follows(
    convflow: Convflow, cli_clock_at_spring_2027: None, tmp_path: Path
) -> None:
    """AMP-EXEMPLE-2027 pays 27 000,00 € then 18 000,00 € (on its activity report): avenant
    n° 1 raises n° 2 to 21 000,00 €, written as TOML's dotted key; a malformed amount is
    refused naming the file's line and the field, `amount` alone naming the term to use."""
    example = Path(EXAMPLE).parent / "convention-exemple-quartiers-nord-2027.toml"
    reference = "AMP-EXEMPLE-2027"
    convflow.ok("import", "--without-history", str(example))
    for args in (
        ["submit", "--on", "2027-01-04"],
        ["sign", "signatory=nadia.benali@example.org", "--on", "2027-01-06"],
        ["sign", f"signatory={METROPOLE}", "--on", "2027-01-08"],
        ["notify", "--on", "2027-01-15"],
        ["pay", "amount=27000.00", "--on", "2027-02-01"],
    ):
        convflow.ok("event", reference, *args)
    avenant = tmp_path / "avenant-1.toml"
    avenant.write_text('[changes]\ninstalment.2.amount = "beaucoup"\n', encoding="utf-8")
    bad = convflow.english("amend", reference, "--file", str(avenant), "--on", "2027-03-01")
    assert bad.exit_code == 1
    assert f"{avenant}, line 2: changes.instalment.2.amount: " in bad.stderr
    total = convflow.refusal("amend", reference, "amount=50000.00", "--on", "2027-03-01")
    assert (total["code"], total["params"]["term"]) == (
        "amount_of_a_schedule",
        "instalment.2.amount",
    )
    assert "instalment.2.amount=MONTANT" in total["message"]
    assert "ne sait pas encore" not in total["message"]

    avenant.write_text('[changes]\ninstalment.2.amount = "21 000,00"\n', encoding="utf-8")
    convflow.ok("amend", reference, "--file", str(avenant), "--on", "2027-03-01")
    for args in (["submit"], ["sign", "signatory=nadia.benali@example.org"],
                 ["sign", f"signatory={METROPOLE}"]):  # fmt: skip
        convflow.ok("event", reference, *args, "--amendment", "1", "--on", "2027-03-02")

    listed = _spaced(convflow.ok("amendments", reference))
    assert "Montant du versement n° 2 (instalment.2.amount) : 18 000,00 € → 21 000,00 €" in listed
    assert "Montant (amount) : 45 000,00 € → 48 000,00 €" in listed
    status = convflow.json("status", reference)
    assert status["amount"] == "48000.00"
    assert status["terms"]["instalment.2.amount"]["set_by"] == "avenant n°\u00a01"
    text = convflow.ok("status", reference).replace("\u202f", " ").replace("\xa0", " ")
    assert "48 000,00 €" in text and "21 000,00 €" in text
    assert "Montant du versement n° 2 (instalment.2.amount) 21 000,00 €" in " ".join(text.split())


def test_applied_keeps_its_two_shapes_an_object_by_term_and_a_list_of_rows(
    convflow: Convflow,
) -> None:
    """`applied` is the same notion in both answers, the terms an amendment changed once in
    force, in two shapes scripts read as they are (README, N3): an object by term in what an
    amendment's command did (`amend`, `event ... --amendment N`), a list of rows in `amendments`;
    each empty in its own type while nothing is in force."""
    _in_execution(convflow)
    drafted = convflow.json("amend", REF, "amount=250000.00", "--on", "2025-11-03")
    [listed] = convflow.json("amendments", REF)
    assert (drafted["applied"], listed["applied"]) == ({}, [])

    convflow.ok("event", REF, "submit", "--amendment", "1", "--on", "2025-11-04")
    convflow.ok("event", REF, "sign", f"signatory={CRPV}", "--amendment", "1", "--on", "2025-11-05")
    signed = convflow.json(
        "event", REF, "sign", f"signatory={METROPOLE}", "--amendment", "1", "--on", "2025-11-06"
    )
    [listed] = convflow.json("amendments", REF)
    assert signed["applied"] == {"amount": {"before": "200000.00", "after": "250000.00"}}
    assert listed["applied"] == [
        {"field": "amount", "label": "montant", "before": "200000.00", "after": "250000.00"}
    ]


def test_an_avenant_on_an_instalment_says_the_subsidy_s_new_total_before_it_is_signed(
    convflow: Convflow, cli_clock_at_spring_2027: None
) -> None:
    """AMP-EXEMPLE-2027 pays 27 000,00 € then 18 000,00 €: raising n° 2 to 21 000,00 € makes
    the subsidy 48 000,00 €, said by `amend` and `amendments` while the avenant is open."""
    example = Path(EXAMPLE).parent / "convention-exemple-quartiers-nord-2027.toml"
    reference = "AMP-EXEMPLE-2027"
    convflow.ok("import", "--without-history", str(example))
    for args in (["submit", "--on", "2027-01-04"],
                 ["sign", "signatory=nadia.benali@example.org", "--on", "2027-01-06"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2027-01-08"]):  # fmt: skip
        convflow.ok("event", reference, *args)
    total = "nouveau montant total de la subvention : 48 000,00 € (45 000,00 € aujourd'hui)"

    drafted = convflow.ok("amend", reference, "instalment.2.amount=21000", "--on", "2027-03-01")

    assert "  " + total in drafted.replace("\u00a0", " ").replace("\u202f", " ")
    listed = convflow.ok("amendments", reference)
    assert "  " + total in listed.replace("\u00a0", " ").replace("\u202f", " ")
    [row] = convflow.json("amendments", reference)
    assert row["new_total"] == {"before": "45000.00", "after": "48000.00"}
    convflow.ok("event", reference, "abandon", "--amendment", "1", "--on", "2027-03-02")
    assert "nouveau montant total" not in convflow.ok("amendments", reference)
