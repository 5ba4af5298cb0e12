"""HTML → PDF (WeasyPrint) and the tracking QR code (segno).

WeasyPrint is imported on first use: it costs most of a second to import, and web workers
that never print should not pay for it.
"""

from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string

TEMPLATE_DIR = "dossiers/forms/"

# The id of the empty box above the official's printed name. WeasyPrint turns every id into
# a PDF named destination, so ``documents.signing`` finds where to put the visible signature
# stamp in the PDF itself, whatever the form's layout.
SIGNATURE_ANCHOR = "chu-ky-so"


def tracking_url(code: str) -> str:
    """The public page where anyone holding the receipt follows the dossier."""
    return f"{settings.PUBLIC_URL}/tra-cuu/?ma={quote(code, safe='.-')}"


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data URI, for an ``<img>`` (stack.md §7)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(template: str, context: dict) -> bytes:
    """Render a form template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATE_DIR + template, {**context, "anchor": SIGNATURE_ANCHOR})
    return HTML(string=html, base_url=None).write_pdf()
