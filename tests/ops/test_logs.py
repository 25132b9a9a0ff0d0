"""The service's log lines, as an operator's collector reads them: one format, no secret."""

from __future__ import annotations

import json
import logging

import pytest

from workflow.ops.logs import configure_logging, redact


def test_json_lines_carry_instant_level_logger_convention_and_event(log_lines):
    configure_logging("json", "info", stream=log_lines)

    logging.getLogger("convflow.service").info(
        "applied at %s", "24 h", extra={"reference": "AMP-CRPV-PACA-2025", "event": "expire"}
    )
    logging.getLogger("convflow.service").info("nothing planned")

    first, second = (json.loads(line) for line in log_lines.getvalue().splitlines())
    assert first["level"] == "INFO" and first["logger"] == "convflow.service"
    assert first["reference"] == "AMP-CRPV-PACA-2025" and first["event"] == "expire"
    assert first["message"] == "applied at 24 h"
    assert first["ts"].endswith("Z") and first["ts"][10] == "T"
    assert "reference" not in second and second["message"] == "nothing planned"


def test_text_lines_name_the_convention_between_brackets(log_lines):
    configure_logging("text", "info", stream=log_lines)

    logging.getLogger("convflow.service").warning("late", extra={"reference": "REF-1"})

    line = log_lines.getvalue().strip()
    assert line.endswith(" WARNING convflow.service: [REF-1] late")


def test_the_level_setting_filters_and_the_chatty_libraries_keep_only_warnings(log_lines):
    configure_logging("text", "warning", stream=log_lines)

    logging.getLogger("convflow.service").info("routine")
    logging.getLogger("apscheduler.scheduler").info("job ran")
    logging.getLogger("convflow.service").error("broken")

    assert [line.split(": ", 1)[1] for line in log_lines.getvalue().splitlines()] == ["broken"]


def test_uvicorns_access_log_comes_out_in_the_same_json_with_tokens_masked(log_lines):
    configure_logging("json", "info", stream=log_lines)

    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000", "GET", "/api/v1/calendar.ics?token=s3cr3t-t0ken&days=30", "1.1", 200,
    )  # fmt: skip

    [line] = (json.loads(text) for text in log_lines.getvalue().splitlines())
    assert line["logger"] == "uvicorn.access"
    assert "s3cr3t-t0ken" not in line["message"]
    assert "token=***&days=30" in line["message"]


def test_no_secret_reaches_a_line_even_inside_an_exception(log_lines):
    configure_logging("json", "info", secrets=["hunter2", None, ""], stream=log_lines)

    try:
        raise RuntimeError("login failed for postgresql://u:hunter2@db/convflow")
    except RuntimeError:
        logging.getLogger("convflow.service").exception("Authorization: Bearer abc.def-ghi")

    text = log_lines.getvalue()
    assert "hunter2" not in text and "abc.def-ghi" not in text
    assert "u:***@db" in text and "Bearer ***" in text


def test_redact_masks_bearer_tokens_query_tokens_and_given_secrets():
    assert redact("Bearer abc", ()) == "Bearer ***"
    assert redact("/x?csrf=1&token=2", ()) == "/x?csrf=***&token=***"
    assert redact("pw is p@ss", ["p@ss"]) == "pw is ***"


@pytest.mark.parametrize(
    ("logged", "secret"),
    [
        ("/?access_token=4mCvAbCd&token=4mCvAbCd", "4mCvAbCd"),
        ("/api?API_KEY=k3y-value&page=2", "k3y-value"),
        ("/x?page=1&Client_Secret=shh-1", "shh-1"),
        ("/login?user=a&password=hunter2-pw", "hunter2-pw"),
        ("/login?user=a&PassWD=hunter3-pw", "hunter3-pw"),
        ("/login?pwd=hunter4-pw", "hunter4-pw"),
        ("/cb?authorization=xyz-auth", "xyz-auth"),
        ("/cb?auth[token]=nested-auth", "nested-auth"),
        ("/s?JSESSIONID=sess-9;x=1", "sess-9"),
        ("/s?page=1;session_id=sess-10", "sess-10"),
        ("/f?X-Amz-Signature=sig-abc&X-Amz-Date=2026", "sig-abc"),
        ("/f?acc%65ss_tok%65n=encoded-name", "encoded-name"),  # the name percent-encoded
        ("/f?access%5Ftoken=encoded-underscore", "encoded-underscore"),
        ("/r?next=%2Fcal%3Faccess_token%3Dinner-1%26days%3D3", "inner-1"),  # a URL in a URL
        ("/r?next=%252Fcal%253Fapi_key%253Dinner-2", "inner-2"),  # encoded twice
        ("/r?next=/cal?token=inner-3&days=3", "inner-3"),  # an address left unencoded
        ("/p?password=a?b-tail", "b-tail"),  # a `?` inside the secret itself
        ("https://example.org/hook?sig=1&signature=sig-2#frag", "sig-2"),
        ("/a?token=t1&token=t2-again", "t2-again"),  # given twice
        ("/a?TOKEN=upper-case", "upper-case"),
    ],
)
def test_every_query_parameter_named_as_a_secret_is_masked(log_lines, logged, secret):
    configure_logging("json", "info", stream=log_lines)

    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", logged, "1.1", 200
    )

    [line] = (json.loads(text) for text in log_lines.getvalue().splitlines())
    assert secret not in line["message"], line["message"]
    assert "***" in line["message"]


def test_parameters_that_are_no_secret_are_left_as_they_are():
    assert redact("/a?page=2&days=30&q=token&sort=key", ()) == "/a?page=2&days=30&q=token&sort=key"
    assert redact("/a?token=&days=3", ()) == "/a?token=&days=3"  # nothing to hide
    assert redact("/a?access_token=abc&days=3", ()) == "/a?access_token=***&days=3"
