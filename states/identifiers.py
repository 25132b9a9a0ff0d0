"""The forms of the names a convention file gives: its reference, its parties' keys, a year's end.

Written once, as regular expressions, for the file's checks and the API's; a refusal names the
form it expected by its expression, which the message catalogue says in words (by its name).
"""

REFERENCE_FORM = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
"""A convention's reference: 1 to 64 ASCII letters, digits and . _ / -, led by a letter or digit."""

PARTY_KEY_FORM = r"^[a-z0-9][a-z0-9_-]{0,63}$"
"""A party's key: 1 to 64 lowercase ASCII letters, digits, _ and -, led by a letter or digit."""

YEAR_END_FORM = r"^\d{2}-\d{2}$"
"""A financial year's last day, as MM-DD."""

FORMS = {REFERENCE_FORM: "reference", PARTY_KEY_FORM: "party_key", YEAR_END_FORM: "year_end"}
"""Each form's name, by which the message catalogue says it."""
