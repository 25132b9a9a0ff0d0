"""The corpus runs the command line as the e2e tests do: their fixtures (on their fixed clock)."""

from tests.e2e.conftest import cli_clock, convflow, loaded

__all__ = ["cli_clock", "convflow", "loaded"]
