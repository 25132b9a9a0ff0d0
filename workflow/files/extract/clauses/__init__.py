"""One reader per clause of a convention; each writes what it finds into the `Findings`."""
