"""A convention file whose `[[history]]` names an event convflow does not know (« sumbit »):
the refusal lists the events a person may give. In English it mixed two of the history's
English labels among the names (« …, pay, Report received for an instalment, …, Payment
forgone, publish »); it now lists names only, as invalid_transition does. In French, each
event is said by its French label, the name to type after it."""

from __future__ import annotations

import re
from pathlib import Path

from states.lifecycle import HISTORY_EVENTS as NAMES
from tests.e2e.conftest import EXAMPLE, Convflow


def _misspelt(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    changed = text.replace('event = "submit"', 'event = "sumbit"', 1)
    assert changed != text
    path = tmp_path / "convention.toml"
    path.write_text(changed, encoding="utf-8")
    return path


def _listed(message: str) -> list[str]:
    """The events the refusal lists, between the brackets that follow « : »."""
    found = re.search(r"\((?:événements possibles|events)\s*:\s*(.*)\)", message)
    assert found, message
    return re.split(r",\s+(?![^()]*\))", found.group(1))


def test_the_english_refusal_lists_event_names_only(convflow: Convflow, tmp_path: Path) -> None:
    result = convflow.english("import", str(_misspelt(tmp_path)))

    assert result.exit_code == 1, result.output
    listed = _listed(result.stderr)
    assert listed == list(NAMES), result.stderr
    assert "Report received" not in result.stderr and "Payment forgone" not in result.stderr


def test_the_french_refusal_says_each_event_in_french_then_its_name(
    convflow: Convflow, tmp_path: Path
) -> None:
    result = convflow("import", str(_misspelt(tmp_path)))
    refusal = convflow.refusal("import", str(_misspelt(tmp_path)))

    assert result.exit_code == 1, result.output
    listed = _listed(" ".join(result.stderr.replace("\u00a0", " ").split()))
    assert [item.rsplit(" (", 1)[1].rstrip(")") for item in listed] == list(NAMES), listed
    for item in listed:
        label = item.rsplit(" (", 1)[0]
        assert re.fullmatch(r"[A-ZÉ][a-zàâçéèêëîïôûùüÿœ' ()0-9-]+", label), (item, listed)
    assert refusal["code"] == "unknown_event"
    assert refusal["params"]["events"] == list(NAMES)  # the contract, unchanged
