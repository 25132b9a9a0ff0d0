"""The generated share of the bad-input corpus: Hypothesis writes convention-file values and
command arguments; whatever it writes, convflow answers with a refusal or an import, never a
traceback (issue 14.4)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import EXAMPLE
from workflow.cli import cli
from workflow.files.convention_file import ConventionFileError, parse_file

TEXT = EXAMPLE.read_text(encoding="utf-8").split("\n# Its life in 2025")[0] + "\n"
KEYS = ("amount", "end_date", "place", "dispute_window_days", "termination_notice_months",
        "email", "key", "expiry")  # fmt: skip
TOML_VALUES = st.one_of(
    st.text(max_size=40).map(json.dumps),  # any string, as TOML's basic string
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.dates().map(lambda d: d.isoformat()),
    st.lists(st.integers(-5, 800), max_size=15).map(str),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(KEYS), value=TOML_VALUES)
def test_any_value_in_a_convention_file_is_read_or_refused_with_a_code(key: str, value: str):
    text = re.sub(rf"(?m)^{key}\s*=.*$", lambda _: f"{key} = {value}", TEXT, count=1)
    try:
        parse_file(text, "generated.toml", payment_target_days=30, signature_target_days=7)
    except ConventionFileError as error:
        assert error.code and "\n" not in str(error.params.get("line", ""))


ARGUMENTS = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from([["deadline", "expiry", "--term"],
                                ["deadline", "termination", "--received"],
                                ["deadline", "dispute", "--received"]]),
       value=ARGUMENTS)  # fmt: skip
def test_any_argument_is_computed_or_refused_never_a_traceback(command: list[str], value: str):
    result = CliRunner().invoke(cli, [*command, value, "--json"], catch_exceptions=True)

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(value),
        result.exception,
    )
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert "Traceback" not in result.output
