"""A rendered receipt signed with a throwaway certificate (stack.md §6): the stamp sits on
the receiver's signature box, the signature validates, and one changed byte breaks it."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from motcua.core.errors import DomainError
from motcua.documents import signing
from motcua.dossiers.printing import render_form
from tests.printing.printing_helpers import TT03_DAY, pdf_text

SIGNER_NAME = "TTPVHCC xã Gia Viễn - Thử nghiệm"


@pytest.fixture(scope="module")
def key_and_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME),
    ])  # fmt: skip
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_cert_sign=True, crl_sign=False,
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, cert


@pytest.fixture
def pem_files(tmp_path, key_and_cert, settings):
    key, cert = key_and_cert
    key_file, cert_file = tmp_path / "key.pem", tmp_path / "cert.pem"
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))  # fmt: skip
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    settings.MOTCUA_SIGNING_KEY = str(key_file)
    settings.MOTCUA_SIGNING_CERT = str(cert_file)
    settings.MOTCUA_SIGNING_PASSPHRASE = ""
    return key_file, cert_file


@pytest.fixture
def receipt(receive):
    d = receive(f"{TT03_DAY} 09:00")
    return render_form(d, "receipt")


def test_signed_receipt_validates_and_carries_a_visible_stamp(receipt, pem_files):
    signed = signing.sign_pdf(receipt, reason="Xác nhận tiếp nhận hồ sơ", location="Gia Viễn")
    assert signed.startswith(receipt)  # an incremental update: the original bytes are kept

    [check] = signing.verify_pdf(signed)
    assert (check.intact, check.valid, check.trusted) == (True, True, True)
    assert check.ok and check.coverage == "ENTIRE_FILE" and check.field == "ChuKySo1"
    assert SIGNER_NAME in check.signer

    # The widget lies on the receiver's signature box of page 1, not at a default place.
    reader = PdfReader(io.BytesIO(signed))
    anchor = reader.named_destinations["chu-ky-so"]
    [widget] = [a.get_object() for a in reader.pages[0]["/Annots"]
                if a.get_object().get("/FT") == "/Sig"]  # fmt: skip
    left, bottom, right, top = (float(v) for v in widget["/Rect"])
    assert abs(left - float(anchor["/Left"])) < 1 and abs(top - float(anchor["/Top"])) < 1
    assert right > left + 100 and top > bottom + 40
    # The stamp's text is set in Noto Serif (Liberation's widths come out wrong, stack.md §6).
    appearance = widget["/AP"]["/N"].get_object()
    fonts = appearance["/Resources"]["/Font"]
    assert any("NotoSerif" in str(f.get_object()["/BaseFont"]) for f in fonts.values())
    assert pdf_text(signed) == pdf_text(receipt)  # the form itself is unchanged


def test_one_changed_byte_breaks_the_signature(receipt, pem_files):
    signed = bytearray(signing.sign_pdf(receipt))
    start = signed.index(b"stream", 2000) + 40  # inside a content stream of the form
    signed[start] ^= 0x01
    [check] = signing.verify_pdf(bytes(signed))
    assert check.intact is False and not check.ok


def test_unknown_certificate_is_reported_untrusted(receipt, pem_files):
    signed = signing.sign_pdf(receipt)
    [check] = signing.verify_pdf(signed, trust_roots=[])
    assert check.intact and check.valid and not check.trusted and not check.ok


def test_a_second_signature_keeps_the_first_valid(receipt, pem_files):
    twice = signing.sign_pdf(signing.sign_pdf(receipt), reason="Phê duyệt")
    checks = signing.verify_pdf(twice)
    assert [c.field for c in checks] == ["ChuKySo1", "ChuKySo2"]
    assert all(c.intact and c.valid and c.trusted for c in checks)
    assert checks[0].coverage == "ENTIRE_REVISION" and checks[1].coverage == "ENTIRE_FILE"


def test_pkcs12_key_from_settings(receipt, key_and_cert, tmp_path, settings):
    key, cert = key_and_cert
    bundle = tmp_path / "donvi.p12"
    bundle.write_bytes(pkcs12.serialize_key_and_certificates(
        b"donvi", key, cert, None, serialization.BestAvailableEncryption(b"mat-khau"),
    ))  # fmt: skip
    settings.MOTCUA_SIGNING_KEY, settings.MOTCUA_SIGNING_CERT = str(bundle), ""
    settings.MOTCUA_SIGNING_PASSPHRASE = "mat-khau"
    [check] = signing.verify_pdf(signing.sign_pdf(receipt))
    assert check.ok

    settings.MOTCUA_SIGNING_PASSPHRASE = "sai"
    with pytest.raises(DomainError) as exc:
        signing.sign_pdf(receipt)
    assert exc.value.code == "signing_key_unreadable"


def test_signing_without_a_configured_key_says_so(receipt, settings):
    settings.MOTCUA_SIGNING_KEY = ""
    assert not signing.signing_configured()
    with pytest.raises(DomainError) as exc:
        signing.sign_pdf(receipt)
    assert exc.value.code == "signing_not_configured"
