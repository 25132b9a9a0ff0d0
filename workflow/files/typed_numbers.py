"""Numbers with a decimal point or an exponent as a client typed them in a JSON body.

An amount is refused as a JSON number with a decimal point (`float_value`: it would not stay
exact); the refusal repeats what was typed, `1e5` and not the `100000.0` Python would write.
"""

from __future__ import annotations


class TypedFloat(float):
    """A JSON number read as a float, remembering its text as typed (`typed`)."""

    typed: str

    def __new__(cls, text: str) -> TypedFloat:
        number = super().__new__(cls, text)
        number.typed = text
        return number


def as_typed(value: float) -> str:
    """A float as its writer typed it when known (a JSON body's `1e5`), else as Python writes
    it (a TOML file's, a value made by a program)."""
    return getattr(value, "typed", None) or str(value)


__all__ = ["TypedFloat", "as_typed"]
