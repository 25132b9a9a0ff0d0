"""`convflow import --term-ahead`: the example `make run` imports keeps a term to come, whatever
the day (README, "The first minute"); said when it moves, refused where it cannot be sound."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.conftest import EXAMPLE, ROOT, CliClock, Convflow

SECOND = ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml"


def test_a_term_less_than_six_months_away_is_moved_and_said(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2028, 1, 1, 10, 0, tzinfo=UTC)
    convflow.ok("init")
    said = convflow.ok("import", "--term-ahead", str(SECOND)).replace("\xa0", " ")
    assert "AMP-EXEMPLE-2027 : chargée, état en préparation (draft)" in said
    assert (
        "son terme, le vendredi 31 décembre 2027 dans son fichier, reporté au dimanche "
        "31 décembre 2028 (--term-ahead : à six mois au moins)" in said
    ), said
    assert convflow.json("status", "AMP-EXEMPLE-2027")["end_date"] == "2028-12-31"
    convflow.ok("event", "AMP-EXEMPLE-2027", "submit")  # README's walk, no longer refused


def test_the_json_says_the_term_the_file_wrote_only_with_the_option(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2027, 7, 1, 10, 0, tzinfo=UTC)
    convflow.ok("init")
    facts = convflow.json("import", "--term-ahead", str(SECOND))
    assert (facts["term_past"], facts["term_moved_from"]) == (False, "2027-12-31")
    # the term it was moved to, under the status's name (the administrator's A8)
    assert facts["end_date"] == "2028-12-31"
    cli_clock.now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    other = convflow.json("import", "--term-ahead", "--without-history", str(EXAMPLE))
    assert other["term_moved_from"] == "2025-12-31"  # past: moved to 31 December 2027
    assert other["end_date"] == "2027-12-31"
    assert convflow.json("status", "AMP-CRPV-PACA-2025")["end_date"] == "2027-12-31"


def test_a_term_six_months_away_is_left_as_written(convflow: Convflow, cli_clock: CliClock) -> None:
    cli_clock.now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    convflow.ok("init")
    facts = convflow.json("import", "--term-ahead", str(SECOND))
    assert (facts["term_moved_from"], facts["end_date"]) == (None, "2027-12-31")
    assert "reporté" not in convflow.ok("import", "--skip-existing", "--term-ahead", str(SECOND))
    again = convflow.json("import", "--skip-existing", str(SECOND))
    assert again == {"reference": "AMP-EXEMPLE-2027", "imported": False,
                     "end_date": "2027-12-31", "term_moved_from": None}  # fmt: skip


def test_a_history_or_many_files_are_refused_with_nothing_loaded(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    convflow.ok("init")
    # usage errors (exit code 2), as `given_in_file_and_command` (a file and the command line
    # at odds) and `extra_arguments` are: the command is typed wrongly, not refused for what
    # the convention is; each names the file(s) in its parameters (the administrator's A8)
    refused = convflow.refusal("import", "--term-ahead", str(EXAMPLE), exit_code=2)
    assert refused["code"] == "term_ahead_with_history"
    assert refused["params"]["file"] == str(EXAMPLE)
    assert "ajoutez --without-history" in refused["message"]
    assert str(EXAMPLE) in refused["message"]
    many = convflow.refusal("import", "--term-ahead", str(SECOND), str(EXAMPLE), exit_code=2)
    assert many["code"] == "term_ahead_one_file"
    assert many["params"]["files"] == [str(SECOND), str(EXAMPLE)]
    assert convflow.json("list") == []


def test_the_json_of_an_import_has_one_shape_whatever_the_options(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    # the administrator's retest: `--without-history --json` gave neither key
    cli_clock.now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    convflow.ok("init")
    facts = convflow.json("import", "--without-history", str(EXAMPLE))
    assert (facts["end_date"], facts["term_moved_from"]) == ("2025-12-31", None)
    assert facts["term_past"] is True
    second = convflow.json("import", str(SECOND))
    assert (second["end_date"], second["term_moved_from"]) == ("2027-12-31", None)
    moved = convflow.json("import", "--term-ahead", "--skip-existing", str(SECOND))
    # already loaded: nothing moved, the term stored; one shape for scripts (the retest's R6)
    assert moved == {"reference": "AMP-EXEMPLE-2027", "imported": False,
                     "end_date": "2027-12-31", "term_moved_from": None}  # fmt: skip


def test_an_import_skipped_gives_the_term_stored_not_the_file_s(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    """Loaded with --term-ahead (31 December 2027 moved to 2028): imported again as written,
    the convention stays as it is, its term the one stored."""
    cli_clock.now = datetime(2027, 7, 1, 10, 0, tzinfo=UTC)
    convflow.ok("init")
    assert convflow.json("import", "--term-ahead", str(SECOND))["end_date"] == "2028-12-31"

    again = convflow.json("import", "--skip-existing", str(SECOND))

    assert again == {"reference": "AMP-EXEMPLE-2027", "imported": False,
                     "end_date": "2028-12-31", "term_moved_from": None}  # fmt: skip
    assert convflow.json("status", "AMP-EXEMPLE-2027")["end_date"] == "2028-12-31"
