"""Digital signatures on PDFs (PAdES, pyHanko): results and official forms, signed and checked.

The unit's key and certificate come from settings (environment):

- ``MOTCUA_SIGNING_KEY``   path to the private key (PEM/DER), or to a PKCS#12 file (.p12/.pfx)
- ``MOTCUA_SIGNING_CERT``  path to the certificate (PEM/DER); empty with a PKCS#12 key
- ``MOTCUA_SIGNING_PASSPHRASE`` the key's or the PKCS#12 file's passphrase, if any

The visible stamp goes where the form asks for the official's signature: WeasyPrint makes a
PDF named destination of the signature box's id (``printing.SIGNATURE_ANCHOR``), and we read
its position back from the PDF. Its text uses Noto Serif: pyHanko 0.38 writes wrong glyph
widths for fonts with 2048 units per em (Liberation, DejaVu), which spreads the letters
(stack.md §1.6, §6).

Hardware tokens of Vietnamese CAs go through ``pyHanko[pkcs11]`` behind the same
``sign_pdf(pdf, signer=...)``; any ``pyhanko.sign.signers.Signer`` works.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from pyhanko import stamp
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.core.errors import DomainError

STAMP_FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
STAMP_FONT_SIZE = 8  # the same in the font factory and the text box (pyHanko issue #733)
ANCHOR = "chu-ky-so"  # = dossiers.printing.SIGNATURE_ANCHOR (no import: documents is lower)
STAMP_SIZE = (175.0, 62.0)  # points: the 62 mm x 22 mm box the form templates leave
FALLBACK_BOX = (340.0, 60.0, 540.0, 122.0)  # bottom right of the last page
STAMP_TEXT = "Ký số bởi: %(signer)s\nThời gian ký: %(thoi_gian)s\n%(reason)s"


@dataclass(frozen=True)
class SignatureCheck:
    """What validating one signature found."""

    field: str
    signer: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature matches the signer's certificate
    trusted: bool  # the certificate chains up to a trusted root
    coverage: str  # ENTIRE_FILE, ENTIRE_REVISION (signed, later revisions added) …

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


# --- key material -----------------------------------------------------------------------------


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def signing_configured() -> bool:
    return bool(_setting("MOTCUA_SIGNING_KEY"))


def load_signer(key_path: str | None = None, cert_path: str | None = None,
                passphrase: str | None = None) -> signers.Signer:  # fmt: skip
    """The signer from explicit paths, or else from settings."""
    key_path = key_path or _setting("MOTCUA_SIGNING_KEY")
    if cert_path is None:
        cert_path = _setting("MOTCUA_SIGNING_CERT")
    secret = passphrase if passphrase is not None else _setting("MOTCUA_SIGNING_PASSPHRASE")
    if not key_path:
        raise DomainError(
            "Chưa cấu hình chứng thư số để ký (MOTCUA_SIGNING_KEY, MOTCUA_SIGNING_CERT).",
            code="signing_not_configured",
        )
    for path in filter(None, (key_path, cert_path)):
        if not Path(path).is_file():
            raise DomainError(f"Không đọc được tệp khóa/chứng thư ký số «{path}».",
                              code="signing_key_unreadable")  # fmt: skip
    passphrase_bytes = secret.encode() if secret else None
    if Path(key_path).suffix.lower() in (".p12", ".pfx") or not cert_path:
        signer = signers.SimpleSigner.load_pkcs12(key_path, passphrase=passphrase_bytes)
    else:
        signer = signers.SimpleSigner.load(key_path, cert_path, key_passphrase=passphrase_bytes)
    if signer is None:  # pyHanko logs the cause and returns None
        raise DomainError("Không nạp được khóa ký số (sai mật khẩu hoặc tệp không hợp lệ).",
                          code="signing_key_unreadable")  # fmt: skip
    return signer


def _common_name(cert) -> str:
    if cert is None:
        return ""
    name = cert.subject.native
    return name.get("common_name") or name.get("organization_name") or cert.subject.human_friendly


# --- signing ----------------------------------------------------------------------------------


def sign_pdf(
    pdf: bytes,
    *,
    signer: signers.Signer | None = None,
    reason: str = "Ký số văn bản giải quyết thủ tục hành chính",
    location: str = "",
    field_name: str | None = None,
    box: tuple[float, float, float, float] | None = None,
    page: int | None = None,
) -> bytes:
    """``pdf`` with one more signature (an incremental update, so earlier ones stay valid).

    The first signature is stamped visibly on the form's signature box (or ``box`` on
    ``page``); later ones, over a signed file, are invisible unless a ``box`` is given.
    """
    signer = signer or load_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    existing = len(writer.prev.embedded_signatures)
    name = field_name or f"ChuKySo{existing + 1}"
    if box is None and existing == 0:
        page, box = _signature_place(writer.prev)
    fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=page or 0, box=box))
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    style = stamp.TextStampStyle(
        stamp_text=STAMP_TEXT,
        border_width=1,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(STAMP_FONT, font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
        ),
    )
    now = timezone.localtime(timezone.now())
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer, stamp_style=style).sign_pdf(
        writer,
        output=out,
        appearance_text_params={
            "signer": _common_name(signer.signing_cert),
            "thoi_gian": f"{now:%H:%M:%S %d/%m/%Y}",
            "reason": reason,
        },
    )
    return out.getvalue()


def _signature_place(reader: PdfFileReader) -> tuple[int, tuple[float, float, float, float]]:
    """(page index, box) of the form's signature anchor, or the bottom right of the last page."""
    pages = _page_refs(reader)
    found = _named_destination(reader, ANCHOR)
    if found is not None:
        page_ref, left, top = found
        if page_ref in pages:
            width, height = STAMP_SIZE
            return pages.index(page_ref), (left, top - height, left + width, top)
    return max(len(pages) - 1, 0), FALLBACK_BOX


def _page_refs(reader: PdfFileReader) -> list:
    refs = []

    def walk(node_ref):
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            refs.append(node_ref.reference)

    walk(reader.root.raw_get("/Pages"))
    return refs


def _named_destination(reader: PdfFileReader, name: str):
    """(page reference, left, top) of an /XYZ named destination in /Names /Dests."""
    try:
        tree = reader.root["/Names"]["/Dests"]
    except KeyError:
        return None
    stack = [tree]
    while stack:
        node = stack.pop()
        names = node.get("/Names")
        if names is not None:
            for i in range(0, len(names) - 1, 2):
                if str(names[i]) == name:
                    dest = names[i + 1]
                    if isinstance(dest, generic.DictionaryObject):
                        dest = dest["/D"]
                    return dest.raw_get(0).reference, float(dest[2]), float(dest[3])
        stack.extend(kid.get_object() for kid in node.get("/Kids", []))
    return None


# --- checking ---------------------------------------------------------------------------------


def verify_pdf(pdf: bytes, *, trust_roots: list[bytes] | None = None) -> list[SignatureCheck]:
    """Check every signature of ``pdf``; no network (no OCSP/CRL fetching).

    ``trust_roots`` are PEM/DER certificates; by default the configured signing certificate
    (a unit's own certificate is then trusted, as for a self-signed or internal CA). An
    untrusted chain is reported (``trusted=False``), not raised.
    """
    roots = []
    for data in trust_roots if trust_roots is not None else _default_roots():
        roots.extend(load_certs_from_pemder_data(data))
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    checks = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, context)
        checks.append(
            SignatureCheck(
                field=embedded.field_name,
                signer=_common_name(status.signing_cert),
                signed_at=status.signer_reported_dt,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                coverage=status.coverage.name if status.coverage else "",
            )
        )
    return checks


def _default_roots() -> list[bytes]:
    if not signing_configured():
        return []
    cert = load_signer().signing_cert
    return [cert.dump()] if cert is not None else []
