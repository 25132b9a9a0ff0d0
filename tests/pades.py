"""PDFs signed electronically (PAdES) for the tests, with pyHanko and a self-signed test
certificate made on the spot: the signer's name and the signing time are chosen by the test."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from unittest import mock

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers


class _Frozen(datetime):
    """pyHanko takes the signing time from `datetime.now()`; this one answers the chosen time."""

    at: datetime = datetime(2025, 1, 1, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return cls.at.astimezone(tz) if tz is not None else cls.at


def test_signer(name: str, at: datetime) -> signers.SimpleSigner:
    """A signer with a self-signed certificate in `name`, valid around `at`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Métropole Aix-Marseille-Provence (test)"),
    ])  # fmt: skip
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(at - timedelta(days=30)).not_valid_after(at + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=None,
    )


def sign_pdf(pdf: bytes, name: str, at: datetime, field: str = "Signature1") -> bytes:
    """`pdf` signed (PAdES, incremental update) by `name` at `at`."""
    _Frozen.at = at
    metadata = signers.PdfSignatureMetadata(field_name=field)

    def sign() -> bytes:
        with mock.patch("pyhanko.sign.signers.pdf_signer.datetime", _Frozen):
            signed = signers.PdfSigner(metadata, signer=test_signer(name, at)).sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf))
            )
        return bytes(signed.getvalue())

    # pyHanko runs its own event loop: in a thread of its own, beside Playwright's.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(sign).result()
