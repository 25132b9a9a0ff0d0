"""The letters the clauses call for, in French, as PDF (WeasyPrint) and Word (docxtpl)."""
