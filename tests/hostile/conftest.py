"""The corpus runs the command line as the e2e tests do: their fixtures."""

from tests.e2e.conftest import convflow, loaded

__all__ = ["convflow", "loaded"]
