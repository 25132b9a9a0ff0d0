"""What can go wrong in a convention's life, as data: a stable code and its parameters.

A refusal says *what* was refused, never in words: its `code` (snake_case English, a public
contract like the names of states and events) and its `params` (JSON-able: dates as ISO text,
amounts as text, lists of names). The words are chosen where the refusal is shown, from the
message catalogue of `workflow.wording` (French and English); `str(error)` is the code and its
parameters, for logs.

`CODES` declares every code convflow gives, and how each parameter is said (its kind: a date,
an amount, an event...). A test holds the catalogue to it both ways, and the raise sites to it.
The classes stay: each means an HTTP status (see `workflow.http.errors`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

from states.visible import visible

Kind = Literal[
    "text",  # as given: a reference, an email, what a person typed
    "path",  # a file or folder's path as given: said whole, never cut (it names the file)
    "number",  # a whole number that names (a line, a column, an instalment, a port): as written
    "count",  # a whole number that counts (characters, pages, rows, days, Mo): its thousands
    # apart as the language writes them, '25 000' in French
    "bytes",  # a size in bytes (a number, or its text): said in the unit a person reads it in,
    # '20 Mo', '1,5 ko', '800 octets' in French (1 Mo = 1 048 576 octets)
    "date",  # a civil date, ISO text: '3 juillet 2025' in French
    "instant",  # an instant, ISO text: '3 juillet 2025 à 10:00' in French
    "amount",  # euros, as text '200000.00': '200 000,00 €' in French
    "list",  # several texts (or numbers, an instalment's: said as written)
    "event",  # a convention's event, as the history names it
    "events",
    "action",  # a convention's event, as a person records it (its button)
    "actions",
    "amendment_action",  # an amendment's event, as a person records it
    "amendment_actions",
    "state",  # a convention's state
    "amendment_state",
    "input",  # an input (a form's field), or any field a refusal is about
    "inputs",
    "terms",  # what an amendment may change
    "letter_kind",  # a letter convflow writes (dispute, termination...): said by its label
    "basis",  # which date of a letter counts: receipt, dispatch, presentation
    "problems",  # further problems of a file: [{field, line, code, params}]
    "form",  # the form a name must take, as its expression (states.identifiers): said in words
    "expected",  # the sort of value a field takes (one of EXPECTED): said in words
    "suggestion",  # the known name closest to a misspelt one (states.spelling), or None:
    # said as « ; vouliez-vous dire « amount » ? », or not at all when none is close
    "line",  # a recorded line a refusal names, as the history names its event (None: not
    # known): the sentence says whose line it is (`last_amendment`) and what it did
    # (`terms_changed`), and its date (`last_event_on`), with what to do
    "flag",  # yes or no (JSON true or false): said where the sentence reads it, not by itself
    "request_reasons",  # why an API request cannot be read, each field's reason
    # (workflow.wording.requests): said as what is wrong and how to write it
    "connection",  # what a driver said of a server it could not reach: said as convflow's
    # reason for it (workflow.failures), the driver's own words shortened at the end
    "term_value",  # a term's value as an amendment sets it, as text ('200000.00', '2026-12-31',
    # '90,60'), the refusal's `field` naming the term: said as the emails say it
    # ('200 000,00 €', '31 décembre 2026', '90, 60 jours')
]

EXPECTED = ("text", "list", "fields", "input", "value")
"""The sort of value a field of the wrong sort takes (`invalid_value`'s `expected`): a text, a
list, a group of named fields, an event's input (a text, a date or a whole number), or some
other sort than the one given."""

CODES: dict[str, dict[str, Kind]] = {
    # The lifecycle refuses an event (states/lifecycle.py, states/amendments.py).
    # ...`notice_overridden`: whether the state is `termination` under a notice its term
    # overrides (states.due.notice_overridden), then said as the pages and the CLI say it; so
    # too in every refusal below that names the convention's state and may be raised in it
    "invalid_transition": {
        "reference": "text", "event": "action", "state": "state", "allowed": "actions",
        "notice_overridden": "flag",
    },
    "invalid_amendment_transition": {
        "reference": "text", "amendment": "number", "event": "amendment_action",
        "state": "amendment_state", "allowed": "amendment_actions",
    },
    # the events a person may give, said as invalid_transition says them (`actions`): in
    # English their names only (the history's English labels of a few were mixed among them)
    "unknown_event": {"event": "text", "events": "actions"},
    "automatic_event": {"reference": "text", "event": "event"},
    # A rule refuses an event (GuardRejected: with the reference, event and amendment).
    "conditions_not_met": {},
    "dated_in_future": {"on": "date", "today": "date"},
    # ...the line it may not be dated before: its event (None: not known), the amendment whose
    # line it is (None: the convention's own), whether it brought that amendment into force, and
    # whether it is the convention's last event before its automatic end, recorded after it
    # (`before_end`: states.lifecycle.DATED_BEFORE_AUTOMATIC_END).
    "dated_before_last_event": {
        "on": "date", "last_event_on": "date", "last_event": "line", "last_amendment": "number",
        "terms_changed": "flag", "before_end": "flag",
    },
    "dated_after_end": {"on": "date", "end": "date"},
    # `pay` or `forgo_payment` dated before the automatic end recorded after it, within the
    # dispute opened on `opened_on` and still open at the end (`end`): no payment then.
    "dated_during_dispute": {"on": "date", "opened_on": "date", "end": "date"},
    "amendment_dated_too_early": {"on": "date", "earliest": "date"},
    "unknown_party": {"party": "text", "parties": "list"},
    "letter_before_effect": {"letter_date": "date", "effective_date": "date"},
    "not_a_signatory": {"signatory": "text", "signatories": "list"},
    "already_signed": {"signatory": "text", "signed_on": "date"},
    "signed_before_submission": {"submitted_on": "date"},
    "before_effect": {"effective_date": "date"},
    "amount_differs": {"amount": "amount", "due": "amount", "article": "text"},
    "all_instalments_paid": {},
    # `pay` or `forgo_payment` on a convention ended (or under a termination notice) without the
    # notification of the award: article 2 makes the payment due after it, nothing was due.
    "never_notified": {"state": "state", "notice_overridden": "flag"},
    "unknown_instalment": {"instalment": "number", "instalments": "list"},
    "instalment_already_paid": {"instalment": "number", "paid_on": "date"},
    "report_not_received": {"instalment": "number", "report": "text"},
    "instalment_not_on_report": {"instalment": "number"},
    "report_already_received": {"instalment": "number", "received_on": "date"},
    "no_report_awaited": {},
    "termination_not_notified": {"article": "text"},
    "dispute_not_notified": {"article": "text"},
    "signed_before_award_adopted": {"adopted_on": "date"},
    "award_date_before_adoption": {"date": "date", "adopted": "date"},
    "award_not_now": {"state": "state", "notice_overridden": "flag"},
    "publication_not_now": {"state": "state", "notice_overridden": "flag"},
    "publication_before_signature": {"on": "date", "effective_date": "date"},
    "committee_not_now": {"state": "state", "notice_overridden": "flag"},
    "committee_cadence_not_now": {"state": "state", "notice_overridden": "flag"},
    "committee_before_signature": {"on": "date", "effective_date": "date"},
    "committee_meeting_already_recorded": {"on": "date"},
    "committee_cadence_out_of_range": {"value": "text", "most": "count"},
    "document_empty": {},
    "document_type_refused": {"what": "text"},
    "unknown_document_kind": {"kind": "text", "kinds": "list"},
    "document_too_big": {"size": "bytes", "most": "bytes"},
    "document_corrupted": {"sha256": "text", "found": "text"},
    "unknown_document": {"sha256": "text"},
    "no_such_history_line": {"event": "number", "lines": "count"},
    "no_such_amendment_here": {"amendment": "number"},
    "not_an_event_number": {"value": "text"},
    "unknown_letter": {"kind": "text", "kinds": "list"},
    "unknown_letter_format": {"format": "text", "formats": "list"},
    "letter_not_now": {"kind": "letter_kind", "state": "state", "notice_overridden": "flag"},
    "unknown_letter_party": {"party": "text", "parties": "list"},
    "no_amendment_to_draft": {},
    "archives_reference_required": {},
    "already_erased": {"on": "date"},
    "erasure_before_end": {"state": "state", "notice_overridden": "flag"},
    "erasure_file_open": {},
    "erasure_too_early": {"kept_until": "date", "erasable_from": "date"},
    "unknown_report_basis": {"basis": "text", "bases": "list"},
    "report_not_by_law": {},
    "report_year_missing": {},
    "not_a_year_end": {"value": "text"},
    "unknown_report": {"report": "text", "reports": "list"},
    "which_report": {"instalment": "number"},
    "no_financial_report_owed": {},
    "financial_report_already_received": {"received_on": "date"},
    "amendment_letter_not_now": {"number": "number", "state": "amendment_state"},
    "amendment_letter_without_terms": {"number": "number"},
    "difficulty_required": {},
    "not_a_web_address": {"value": "text"},
    "not_a_siret": {"value": "text"},
    "not_an_rna": {"value": "text"},
    "open_data_several_beneficiaries": {},
    "open_data_identifier_missing": {},
    "open_data_object_too_long": {},
    "award_date_after_event": {"date": "date", "on": "date"},
    "award_not_enforceable": {"adopted_on": "date"},
    "signed_before_award_enforceable": {"enforceable_on": "date"},
    "termination_recorded_late": {"effective_end": "date", "on": "date", "letter_date": "date"},
    "no_notice_running": {},
    "amicable_window_open": {"court_from": "date"},
    "convention_not_in_force": {"state": "state"},
    "amendment_pending": {"pending": "number", "state": "amendment_state"},
    "amendment_signed_after_term": {"on": "date", "term": "date"},
    "amendment_term_over": {"new_end": "date", "on": "date"},
    # ...and at its draft too (InvalidInput on `amount`): never below what has been paid.
    "amount_below_paid": {"amount": "amount", "paid": "amount"},
    # An input is missing or malformed (InvalidInput: with the field it is about).
    "unknown_input": {"event": "action", "accepted": "inputs"},
    "no_input_accepted": {"event": "action"},
    "required_input": {"event": "action"},
    "not_a_date": {"value": "text"},
    "not_a_calendar_date": {"value": "text"},  # written AAAA-MM-JJ, but no such day
    "instant_needs_timezone": {"value": "text"},
    "not_an_instant": {"value": "text"},
    "now_in_future": {"now": "instant", "real_now": "instant"},
    "not_an_amount": {"value": "text"},
    "amount_not_positive": {},
    "not_yes_or_no": {"value": "text"},
    "not_a_whole_number": {"value": "text"},
    "number_out_of_range": {"value": "count", "low": "count", "high": "count"},
    "not_one_of": {"value": "text", "choices": "list"},
    "not_an_email": {"value": "text"},
    "text_too_long": {"most": "count", "given": "count"},
    "control_characters": {},
    "letter_dates_out_of_order": {"date": "date", "earlier_field": "input", "earlier": "date"},
    "uncollected_with_receipt": {},
    "receipt_date_required": {},
    "presentation_date_required": {},
    "letter_not_collected": {},
    "dispute_letter_not_collected": {},
    "letter_date_missing": {"basis": "basis"},
    "letter_after_event": {"date": "date", "on": "date"},
    "no_change": {"terms": "terms"},
    "not_amendable": {"terms": "terms"},
    "unchanged_term": {"value": "term_value"},
    "not_a_list_of_days": {"value": "text"},
    "offsets_out_of_range": {"most": "count", "low": "count", "high": "count"},
    "not_a_representative": {"value": "text"},
    "signs_twice": {"email": "text", "party": "text"},
    "term_before_effect": {"end_date": "date", "effective_date": "date"},
    "not_a_version": {"value": "text"},
    "not_an_amendment_number": {"value": "text"},
    "not_a_token_name": {"value": "text"},
    # Convention and amendment files (ConventionFileError: with the file, line and field).
    "file_not_found": {},
    "file_not_utf8": {"detail": "text", "byte": "text", "column": "number"},
    "spreadsheet_not_utf8": {"detail": "text", "byte": "text", "column": "number"},
    # A TOML text that does not parse: tomllib's common messages in convflow's words, the
    # column of the line the refusal names; toml_syntax for the others (tomllib's words).
    "toml_syntax": {"detail": "text", "column": "number"},
    "toml_not_a_date": {"value": "text", "column": "number"},
    "toml_unterminated_string": {"column": "number"},
    "toml_control_character": {"column": "number"},
    "toml_table_twice": {"table": "text", "column": "number"},
    "toml_table_not_repeated": {"table": "text", "column": "number"},
    "toml_value_twice": {"column": "number"},
    "toml_equals_expected": {"column": "number"},
    "toml_invalid_statement": {"column": "number"},
    "toml_line_goes_on": {"column": "number"},
    "toml_unclosed": {"closing": "text", "column": "number"},
    "toml_bad_escape": {"column": "number"},
    "toml_invalid_value": {"column": "number"},
    "toml_too_deep": {},
    "required_field": {},
    "unknown_field": {"closest": "suggestion"},
    "unknown_table": {"tables": "list", "closest": "suggestion"},
    "file_not_a_date": {"value": "text"},
    "sheet_not_a_date": {"value": "text"},
    "sheet_not_a_calendar_date": {"value": "text"},
    "float_value": {"value": "text"},
    "amount_expected": {},
    "empty_text": {},
    "too_few_items": {"least": "count"},
    "too_many_items": {"most": "count"},
    "number_too_small": {"least": "count"},
    "number_too_large": {"most": "count"},
    "pattern_mismatch": {"value": "text", "pattern": "form"},
    "invalid_value": {"detail": "text", "expected": "expected"},
    "duplicate_party_keys": {"keys": "list"},
    "duplicate_signatory_emails": {"emails": "list"},
    "history_out_of_order": {"dates": "list"},
    "clause_not_supported": {"value": "text", "supported": "text"},
    "date_out_of_range": {"value": "text", "low": "date", "high": "date"},
    "not_a_directory": {"value": "path"},
    "nothing_to_import": {"value": "path"},
    "not_an_import_file": {"value": "path"},  # named to import: a kind convflow does not import
    "document_not_an_import_file": {"value": "path"},  # a document: `convflow extract` reads it
    "reference_with_dossier": {"reference": "text"},  # verify: a dossier is checked by itself
    # A file the command line writes (-o): checked before any work, refused if it cannot be.
    "output_is_a_directory": {"value": "path"},
    "output_not_writable": {"value": "path"},
    "output_exists": {"value": "path"},
    "output_not_written": {"value": "path", "reason": "text"},
    "not_a_database_url": {"value": "text"},
    "database_url_unescaped": {"value": "text", "characters": "text"},
    "database_url_bad_port": {"value": "text", "port": "text"},
    "not_a_table": {},
    "amount_too_large": {"most": "amount"},
    "duplicate_in_file": {"value": "text", "first": "number"},
    "spreadsheet_without_rows": {},
    "import_file_changed": {},
    "unknown_column": {"allowed": "list", "closest": "suggestion"},
    "cell_beyond_columns": {"column": "number", "value": "text"},
    "missing_columns": {"columns": "list"},
    "spreadsheet_unreadable": {"detail": "text"},
    "scdl_not_a_date": {"value": "text"},
    "scdl_not_an_amount": {"value": "text"},
    "scdl_identifier_missing": {},
    "scdl_share_out_of_range": {"value": "text"},
    "scdl_already_loaded": {"decision": "text", "beneficiary": "text", "reference": "text"},
    "scdl_already_pending": {"decision": "text", "beneficiary": "text", "draft": "number"},
    "scdl_undecided_already_loaded": {
        "beneficiary": "text", "on": "date", "amount": "amount", "reference": "text",
    },
    "scdl_undecided_already_pending": {
        "beneficiary": "text", "on": "date", "amount": "amount", "draft": "number",
    },
    "instalments_do_not_add_up": {"total": "amount", "instalments": "amount"},
    "instalment_amount_or_share": {},
    "instalment_amount_share_differ": {
        "instalment": "number", "share": "text", "amount": "amount", "total": "amount",
        "share_amount": "amount",
    },
    "amount_of_a_schedule": {"instalments": "count", "term": "text"},
    "not_a_draft": {"state": "state", "notice_overridden": "flag"},
    "reference_unchanged": {"reference": "text"},
    "history_at_creation_only": {},
    "document_too_large": {"most": "bytes"},
    "instalment_date_for_date_only": {"trigger": "text"},
    "instalment_report_for_report_only": {"trigger": "text"},
    "instalment_after_term": {"instalment": "number", "on": "date", "end": "date"},
    "not_a_share": {"value": "text"},
    "forbidden_characters": {"value": "text"},
    "no_change_declared": {},
    # A convention's document (PDF, Word, text) to read its clauses from.
    "document_kind_unknown": {"kind": "text"},
    "document_without_text": {},
    "document_without_text_layer": {},
    "document_not_text": {},
    "document_not_pdf": {"detail": "text"},
    "document_not_docx": {"detail": "text"},
    # Settings (InvalidInput about a CONVFLOW_* variable or a settings file's key; a file's
    # syntax is refused as a convention file's is, by the toml_* codes and file_not_utf8).
    "settings_file_not_found": {},
    "settings_file_is_a_directory": {},
    "settings_file_not_readable": {},
    "settings_file_invalid": {"detail": "text"},  # any other error reading it: the system's
    "unknown_setting": {"closest": "suggestion"},
    "setting_set_twice": {"name": "text"},
    "not_a_date_list": {"value": "text"},
    "not_a_holiday_subdivision": {"value": "text", "known": "list"},
    # Conventions, amendments and tokens looked up, added or changed.
    "unknown_convention": {"reference": "text", "closest": "suggestion"},
    "unknown_intake_draft": {"draft": "number"},
    "duplicate_reference": {"reference": "text"},
    "duplicate_reference_case": {"reference": "text", "existing": "text"},
    "concurrent_change": {"reference": "text", "expected": "number", "actual": "number"},
    "unknown_amendment": {"reference": "text", "amendment": "number"},
    "token_exists": {"name": "text"},
    "unknown_token": {"name": "text"},
    "token_already_revoked": {"name": "text"},
    # An email of the outbox an administrator cancels (`convflow cancel-email ID`): only one
    # waiting for its next attempt (pending, uncertain, held) can be; the others are refused
    # naming their status: being sent (claimed by a sender, since `since`), sent, given up
    # (failed), cancelled already, or never to be sent (its event recorded after the fact).
    "unknown_email": {"email": "number"},
    "email_being_sent": {"email": "number", "since": "instant"},
    "email_already_sent": {"email": "number", "sent_at": "instant"},
    "email_failed": {"email": "number"},
    "email_already_cancelled": {"email": "number"},
    "email_never_sent": {"email": "number"},
    # The installation: database, service.
    "database_missing": {"path": "path"},
    "schema_missing": {"url": "text", "expected": "text"},
    "schema_behind": {"url": "text", "revision": "text", "expected": "text"},
    "schema_ambiguous": {"url": "text", "revisions": "text"},
    "service_already_running": {"path": "path", "holder": "text"},
    "database_unreachable": {"url": "text", "reason": "connection"},
    "database_refused": {"reason": "text"},
    "service_unavailable": {},  # the database's refusals as the HTTP edge tells them
    "installation_missing": {},
    "port_in_use": {"host": "text", "port": "number"},
    "mail_identity_required": {"missing": "list"},
    "port_unavailable": {"host": "text", "port": "number", "reason": "text"},
    "http_host_not_local": {"host": "text", "port": "number"},
    # A server convflow talks to (the mail server, the database) could not be reached: why,
    # in convflow's words, with what the library said as `detail` (workflow.failures).
    "connection_refused": {"detail": "text"},
    "connection_timed_out": {"detail": "text"},
    "unknown_host": {"detail": "text"},
    "tls_not_spoken": {"detail": "text"},
    "starttls_not_offered": {"detail": "text"},
    "login_not_offered": {"detail": "text"},
    "tls_certificate_refused": {"detail": "text"},
    "tls_handshake_failed": {"detail": "text"},
    "authentication_refused": {"detail": "text"},
    "connection_closed": {"detail": "text"},
    "database_not_found": {"detail": "text"},
    "server_answered": {"detail": "text"},
    "connection_failed": {"detail": "text"},
    # The HTTP API: who may call, and requests it cannot read.
    "token_required": {},
    "token_invalid": {},
    "viewer_cannot_act": {"name": "text"},
    "too_many_tokens_refused": {"minutes": "count"},
    "admin_token_in_address": {"name": "text"},
    "body_too_large": {"most": "bytes"},
    # `reasons`: for each field, why (workflow.http.unreadable): {field, reason, ...}
    "invalid_request": {"fields": "list", "reasons": "request_reasons"},
    "not_found": {},
    "method_not_allowed": {},
    "http_error": {"status": "number"},
    # The command line used wrongly (exit code 2). What click parses itself, each with the
    # command, option or argument as typed as its `field` (workflow.cli.misuse); usage_error
    # for what click says in no attribute convflow knows (click's words as its detail).
    "usage_error": {"detail": "text"},
    "unknown_command": {},
    "unknown_command_suggested": {"suggestions": "list"},
    "unknown_option": {},
    "unknown_option_suggested": {"suggestions": "list"},
    # an option of a command given before the command's name (`convflow --json status REF`):
    # the option, the command, and the command line meant (`convflow status --json REF`)
    "option_of_command": {"field": "text", "command": "text", "corrected": "text"},
    "option_needs_value": {},
    "option_takes_no_value": {},
    "missing_argument": {},
    "missing_option": {},
    "missing_choice": {"choices": "list"},
    "missing_command": {"commands": "list"},
    "extra_arguments": {"arguments": "list"},
    "path_not_found": {"value": "text"},
    "path_is_a_directory": {"value": "text"},
    "path_not_readable": {"value": "text"},
    "not_key_value": {"item": "text"},
    "not_utf8": {"argument": "text"},
    "meeting_incomplete": {},
    "cadence_needs_months": {},
    "minutes_not_text": {"file": "path"},
    "given_twice": {"key": "text", "first": "text", "second": "text"},
    "given_in_file_and_command": {"fields": "list", "file": "path"},
    "abandon_needs_amendment": {},
    "not_an_amendment_event": {"events": "amendment_actions"},
    "received_required": {},
    # a spreadsheet's header (CSV, XLSX, SCDL) naming a column twice: both columns' letters
    "duplicate_column": {"first": "text", "second": "text"},
    # a convention file (a CSV: Excel's remedy) in UTF-16, or UTF-32 (`encoding`), not UTF-8
    "file_utf16": {"encoding": "text"},
    "spreadsheet_utf16": {"encoding": "text"},
    # A path that is no file to read: a device (/dev/zero, /dev/null), a named pipe; for
    # `convflow extract`, a folder too (`convflow import` reads a folder's files).
    "file_not_regular": {},
    # A convention's document read by `convflow extract` or POST /api/v1/extract: locked, or
    # too big once unpacked to be a convention (a .docx or PDF made to fill the memory).
    "document_too_big_unpacked": {"size_mb": "count", "most_mb": "count"},
    "document_pdf_password": {},
    "pdf_too_many_pages": {"most": "count"},
    "pdf_page_too_full": {"page": "number", "most": "count"},
    # A JSON body of the API gives a key twice in one object: the key's path as written, said
    # as it is (workflow.http.json_body); the last value is never taken silently.
    "json_key_twice": {"field": "text"},
    # Values a file gives that look right and are not.
    "invisible_characters": {"value": "text"},  # a zero-width space, a direction mark...
    "scdl_period_reversed": {"value": "text", "start": "date", "end": "date"},
    "toml_time_not_read": {"value": "text", "time": "text", "day": "text", "column": "number"},
    # An XLSX sheet's cell that gives no value to read (workflow/files/xlsx_sheet.py), named by
    # its address (D2); a workbook too large to read once unpacked.
    "sheet_formula_without_value": {"cell": "text"},
    "sheet_formula_error": {"cell": "text", "value": "text"},
    "sheet_amount_past_the_cent": {"cell": "text", "value": "text"},
    "sheet_merged_cell": {"cell": "text", "merged_with": "text"},
    "sheet_cell_beyond_columns": {"cell": "text", "value": "text", "last": "text"},
    "workbook_too_large": {"size": "count", "most": "count"},
    "simulation_ends_before_start": {"until": "date", "start": "instant"},
    # A financial report's year given while no report is owed (basis "not_required", the
    # default): it would mean nothing, and be dropped unsaid.
    "report_year_without_report": {"year": "number"},
    # A settings file (--config, CONVFLOW_CONFIG) too large to be one: it is not read whole.
    "settings_file_too_large": {"most": "bytes"},
    # Operating it (workflow/settings.py, storage/engine.py, `convflow doctor`): an SMTP login
    # half given (a user without its password, or the reverse), named by the setting given and
    # the one missing; the SQLite file's folder that cannot be created, a file in its way (the
    # file) or the system's refusal (its words); a CONVFLOW_* variable or a settings file's key
    # that is no setting keeps `unknown_setting`, with the closest setting as `closest`.
    "smtp_login_incomplete": {"missing": "text"},
    "database_folder_is_a_file": {"folder": "path", "place": "path"},
    "database_folder_not_created": {"folder": "path", "reason": "text"},
    # A dispute still open when the convention ended (rule 24) brought to court before its
    # amicable window has passed: the ended state, the court's first day, what is possible now.
    "amicable_window_open_after_end": {
        "state": "state", "court_from": "date", "allowed": "actions",
    },
    # An erasure (rule 21) while the file of the ended convention is still open: its dispute
    # still amicable or in court (rule 24), opened on that day; an instalment still to pay,
    # what remains due. The retention runs from the file's closure, after them.
    "erasure_during_dispute": {"opened_on": "date"},
    "erasure_during_litigation": {"opened_on": "date"},
    "erasure_instalment_unpaid": {"amount": "amount"},
    # An avenant whose new term is already past on the day it is drafted or submitted: it
    # could never take effect (its last signature would come after it), refused at once
    # rather than at that last signature (amendment_term_over).
    "amendment_term_already_past": {"new_end": "date", "on": "date"},
    # An amendment that lapsed with its convention (still unsigned at its end): nothing more
    # is recorded on it; a last signature dated on or before the end (valid, rule 13) that
    # comes after the service recorded the end is said as such, with the signatures missing.
    "amendment_lapsed": {"ended_on": "date"},
    "amendment_lapsed_signed_before_end": {"on": "date", "ended_on": "date", "missing": "list"},
    # An instalment the Métropole has forgone (rule 25, `forgo_payment`) is paid, its report
    # received or forgone again: nothing is owed on it since that day. A convention paid in
    # instalments forgoes one only when it is named (the unpaid ones said).
    "instalment_forgone": {"instalment": "number", "forgone_on": "date"},
    "forgo_which_instalment": {"instalments": "list"},
    # The single payment of a convention paid in one payment, forgone by the Métropole (rule 25),
    # then paid: nothing is owed on it since that day (it has no number to name, unlike
    # `instalment_forgone`).
    "payment_forgone": {"forgone_on": "date"},
    # `convflow import --term-ahead` (an example kept ahead of the calendar, `make run`): one
    # convention file, without a [[history]] whose dates happened.
    "term_ahead_one_file": {"files": "list"},
    "term_ahead_with_history": {"file": "path"},
    # An avenant changing one instalment of a schedule (`instalment.<n>.amount`): never one
    # the Métropole forwent (rule 25), never below what was paid on it (Code civil 1193: what
    # was paid is paid), at its draft and again at its last signature.
    "amend_forgone_instalment": {"instalment": "number", "forgone_on": "date"},
    "instalment_below_paid": {"instalment": "number", "amount": "amount", "paid": "amount"},
    # The same for a convention paid in one payment (`amount`): never once the Métropole forwent
    # its payment, or the balance an amendment left on it (rule 25: what was forgone, recorded
    # with its amount, is not rewritten), at its draft and again at its last signature.
    "amend_forgone_payment": {"forgone_on": "date"},
    "amend_forgone_balance": {"amount": "amount", "forgone_on": "date"},
    # The term passed while an extension is in signature (rule 27): the expiry is held until
    # `until` (its last day); an event the ended convention would not take (a notice, a
    # dispute opened) is refused dated after the term, the payments are recorded.
    "dated_after_term_expiry_held": {"on": "date", "end": "date", "until": "date"},
    # An instalment named (`instalment=N`) on a convention paid in one payment: it has no
    # numbered instalment, the argument does not apply (not `unknown_instalment`'s « versements
    # prévus : aucun »).
    "instalment_of_single_payment": {"instalment": "number"},
    # A date typed by hand in a dashboard's date field, neither JJ/MM/AAAA nor AAAA-MM-JJ.
    "form_not_a_date": {"value": "text"},
    # A payment (or its renunciation) recorded again once it is paid in full: the single
    # payment said without a number, with its day, and its balance's once an amendment raised
    # it and the balance was paid; an instalment so completed, with both days too.
    "payment_already_paid": {"paid_on": "date"},
    "balance_already_paid": {"paid_on": "date", "balance_paid_on": "date"},
    "instalment_balance_already_paid": {
        "instalment": "number", "paid_on": "date", "balance_paid_on": "date",
    },
    # The balance an amendment left on a payment already made, given up by the Métropole (rule
    # 25, `forgo_payment`), then paid or forgone again: what was paid stays paid, nothing more
    # is owed since that day.
    "balance_forgone": {"amount": "amount", "forgone_on": "date"},
    "instalment_balance_forgone": {
        "instalment": "number", "amount": "amount", "forgone_on": "date",
    },
    # `pay` with an amount that is not the one due: the balance an amendment fixed (named), an
    # instalment's amount (named, or the first unpaid one `pay` takes when none is named), or,
    # none named, the amount of another unpaid instalment (`instalment=` to add).
    "balance_differs": {"amount": "amount", "due": "amount", "by_amendment": "number"},
    "instalment_balance_differs": {
        "amount": "amount", "due": "amount", "instalment": "number", "by_amendment": "number",
    },
    "instalment_amount_differs": {
        "amount": "amount", "due": "amount", "instalment": "number", "article": "text",
    },
    "first_unpaid_amount_differs": {
        "amount": "amount", "due": "amount", "instalment": "number", "article": "text",
    },
    "amount_of_another_instalment": {
        "amount": "amount", "due": "amount", "instalment": "number", "other": "number",
    },
    # A column of a convention's row holds what convflow never writes (edited by hand).
    "stored_value_unreadable": {"reference": "text", "column": "text", "value": "text"},
}  # fmt: skip
"""Every code convflow gives, with the kind of each of its own parameters."""

FRAME_KINDS: dict[str, Kind] = {
    "reference": "text",
    "event": "action",
    "amendment": "number",
    "field": "input",
    "file": "text",
    "line": "number",
    "others": "problems",
    "problems_not_shown": "count",
}
"""The kinds of the parameters a class adds to every code it raises (its frame)."""

NOT_FILES = frozenset({"API", "tableau de bord"})
"""The sources of a convention's fields that are no file (the API's JSON body, the dashboard's
form): a refusal about them keeps its `file` parameter, but its words name the field only,
never a file called « API »."""


def to_json(value: Any) -> Any:
    """A parameter as JSON-able data: ISO dates and instants, amounts as text, lists."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class ConvflowError(Exception):
    """Root of every error convflow raises on purpose: a code and its parameters."""

    FRAME: ClassVar[tuple[str, ...]] = ()
    """The parameters this class adds to every code it raises (see FRAME_KINDS)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        declared = CODES.get(code)
        if declared is None:
            raise TypeError(f"undeclared error code {code!r}: add it to states.errors.CODES")
        expected = set(declared) | set(self.FRAME)
        if set(params) != expected:
            raise TypeError(f"{code}: parameters {sorted(params)}, declared {sorted(expected)}")
        self.code = code
        # A frame's parameter that does not apply (no amendment, no line) is left out.
        self.params: dict[str, Any] = briefed(code, {
            key: to_json(value)
            for key, value in params.items()
            if value is not None or key not in self.FRAME
        })  # fmt: skip
        super().__init__(code)

    @property
    def own_params(self) -> dict[str, Any]:
        """The parameters of the code itself, without those of the class's frame."""
        return {key: value for key, value in self.params.items() if key not in self.FRAME}

    def __str__(self) -> str:
        shown = ", ".join(
            f"{key}={_brief(value)}" for key, value in self.params.items() if value is not None
        )
        return f"{self.code} ({shown})" if shown else self.code


ECHO_MOST = 80
"""The most characters of a value a refusal repeats: past them, its first ECHO_MOST and « … ».
A refusal names what is wrong and where (file, line, field); it never carries back a whole
cell of 5 000 characters or an amount of 300 digits."""
_NOT_ECHOES = frozenset({"detail", "corrected"})
"""Text parameters that are no value given but words about it, bounded where they are made:
a library's explanation (`detail`), the command line meant (`corrected`, to be typed again)."""


def briefed(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` of `code` with each text value it echoes cut to ECHO_MOST characters and « … »,
    and so are those of each further problem of a file (`others`)."""
    kinds = {**FRAME_KINDS, **CODES.get(code, {})}
    out = {
        key: _cut(value) if kinds.get(key) == "text" and key not in _NOT_ECHOES else value
        for key, value in params.items()
    }
    # A bidi override or a terminal's escape in a value echoed reorders or recolours what a
    # script's log shows around it: params write them out as the message does (`\u202e`).
    out = {key: _shown(value) if kinds.get(key) in _ECHOES else value for key, value in out.items()}
    if isinstance(out.get("others"), list):
        out["others"] = [_briefed_problem(item) for item in out["others"]]
    return out


_ECHOES = frozenset({"text", "path", "list", "input"})
"""The kinds of parameters that may echo what was given: their control and invisible
characters written out (states.visible), as the message writes them."""


def _shown(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [visible(item) if isinstance(item, str) else item for item in value]
    return value


def _briefed_problem(problem: Any) -> Any:
    if not isinstance(problem, Mapping) or not isinstance(problem.get("params"), Mapping):
        return problem
    return {**problem, "params": briefed(str(problem.get("code")), problem["params"])}


def _cut(value: Any) -> Any:
    if isinstance(value, str) and len(value) > ECHO_MOST:
        return value[:ECHO_MOST] + "…"
    return value


def _brief(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_brief(item) for item in value) + "]"
    return str(value)


class LifecycleError(ConvflowError):
    """A recorded event was refused: nothing changed."""


class InvalidTransition(LifecycleError):
    """The event is not allowed from the convention's (or the amendment's) current state."""

    def __init__(
        self,
        reference: str,
        trigger: str,
        state: str,
        allowed: Sequence[str],
        amendment: int | None = None,
        *,
        notice_overridden: bool = False,
    ) -> None:
        self.reference, self.trigger, self.state = reference, trigger, state
        self.allowed = tuple(allowed)
        self.amendment = amendment  # the amendment's number, when it is about one
        if amendment is None:
            super().__init__(
                "invalid_transition",
                reference=reference, event=trigger, state=state, allowed=self.allowed,
                notice_overridden=notice_overridden,
            )  # fmt: skip
        else:
            super().__init__(
                "invalid_amendment_transition",
                reference=reference, amendment=amendment, event=trigger, state=state,
                allowed=self.allowed,
            )  # fmt: skip


class UnknownEvent(LifecycleError):
    """The event name is not one convflow knows."""

    def __init__(self, trigger: str, known: Sequence[str]) -> None:
        self.trigger = trigger
        super().__init__("unknown_event", event=trigger, events=tuple(known))


class AutomaticEventRefused(LifecycleError):
    """A person tried to fire an event only the service fires at a deadline."""

    def __init__(self, reference: str, trigger: str) -> None:
        self.reference, self.trigger = reference, trigger
        super().__init__("automatic_event", reference=reference, event=trigger)


class GuardRejected(LifecycleError):
    """The event is allowed in this state, but a rule of the convention refuses it."""

    FRAME: ClassVar[tuple[str, ...]] = ("reference", "event", "amendment")

    def __init__(
        self, reference: str, trigger: str, code: str, /, amendment: int | None = None,
        **params: Any,
    ) -> None:  # fmt: skip
        self.reference, self.trigger, self.amendment = reference, trigger, amendment
        super().__init__(code, reference=reference, event=trigger, amendment=amendment, **params)


class CourtNotYetOpen(GuardRejected):
    """`go_to_court` before the first day article 6 allows; on an ended convention (`state`,
    rule 24) the refusal also names its state and the events it allows meanwhile."""

    def __init__(
        self,
        reference: str,
        earliest: date,
        *,
        state: str | None = None,
        allowed: Sequence[str] = (),
    ) -> None:
        self.earliest = earliest
        if state is None:
            super().__init__(reference, "go_to_court", "amicable_window_open", court_from=earliest)
        else:
            super().__init__(
                reference, "go_to_court", "amicable_window_open_after_end", court_from=earliest,
                state=state, allowed=tuple(allowed),
            )  # fmt: skip


class InvalidInput(ConvflowError, ValueError):
    """An input of a command is missing or malformed: `field` names it."""

    FRAME: ClassVar[tuple[str, ...]] = ("field",)

    def __init__(self, field: str, code: str, /, **params: Any) -> None:
        self.field = field
        super().__init__(code, field=field, **params)

    def about(self, field: str) -> InvalidInput:
        """The same problem, said of another field (a form's name for it)."""
        return InvalidInput(field, self.code, **self.own_params)


class InvalidTerm(InvalidInput):
    """An input an amendment proposes for a term of the convention refused: the same code and
    parameters (`field` stays the key as typed, `amount`), said as the term it changes
    ('Montant') rather than as an event's input of the same key ('Montant versé')."""

    @classmethod
    def of(cls, error: InvalidInput) -> InvalidTerm:
        """`error`, said of the term its field names."""
        return cls(error.field, error.code, **error.own_params)


class UnknownConvention(ConvflowError, LookupError):
    """No convention has this reference; `closest`, the stored one most likely meant (equal
    to it but for case, or close in spelling: states.spelling.meant_reference), only said."""

    def __init__(self, reference: str, closest: str | None = None) -> None:
        self.reference, self.closest = reference, closest
        super().__init__("unknown_convention", reference=reference, closest=closest)


class DuplicateReference(ConvflowError):
    """A convention with this reference already exists: importing it again changes nothing."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__("duplicate_reference", reference=reference)


class ReferenceDiffersByCase(ConvflowError):
    """A convention's reference is that of a convention already loaded but for case
    (`conv-2025-001` for `CONV-2025-001`): a person reads one reference, so it is refused as
    taken, naming the one loaded. Not a DuplicateReference: --skip-existing does not take it
    for the convention already loaded (its terms may differ), it refuses it."""

    def __init__(self, reference: str, existing: str) -> None:
        self.reference, self.existing = reference, existing
        super().__init__("duplicate_reference_case", reference=reference, existing=existing)


class ConcurrentChange(ConvflowError):
    """Someone else changed the convention between reading and writing it: nothing was saved."""

    def __init__(self, reference: str, expected: int, actual: int | None = None) -> None:
        self.reference, self.expected, self.actual = reference, expected, actual
        super().__init__("concurrent_change", reference=reference, expected=expected, actual=actual)
