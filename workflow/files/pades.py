"""The electronic signatures (PAdES) a PDF carries: each signer and signing time, read with
pyHanko, and whether the bytes each signature covers are still those signed.

No trust is decided here: the certificates are read, not checked against a trust list (the
Métropole's signing platform is not known to convflow); what the record needs is who says they
signed, when they say it was, and that the file was not changed since. A PDF without signatures,
or one pyHanko cannot read, carries none.
"""

from __future__ import annotations

import io
import logging
import warnings
from datetime import UTC
from typing import Any

from states.evidence import Signing

PDF = "application/pdf"


def signings(content: bytes, media_type: str) -> tuple[Signing, ...]:
    """The signatures of a PDF, in the file's order; none for any other paper."""
    if media_type != PDF:
        return ()
    with warnings.catch_warnings():
        # cryptography 51 deprecates DSA, whose key class pyHanko imports: not the
        # administrator's concern, and no signature here needs DSA.
        warnings.filterwarnings("ignore", message="DSA is deprecated")
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import generic_cms  # noqa: F401  (imported once, quietly)

    try:
        embedded = PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
        return tuple(_signing(signature) for signature in embedded)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as unreadable:
        # A scanned or damaged PDF is still a paper; it only proves no signature.
        logging.getLogger(__name__).info("no signature read from a PDF: %s", unreadable)
        return ()


def _signing(signature: Any) -> Signing:
    """One embedded signature: its signer's common name, its stated time, its integrity."""
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    cert = signature.signer_cert
    signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
    intact, valid = validate_sig_integrity(
        signature.signer_info, cert, "data", signature.compute_digest()
    )
    stated = signature.self_reported_timestamp
    when = stated.astimezone(UTC) if stated is not None else None
    return Signing(str(signer), when, bool(intact and valid))
